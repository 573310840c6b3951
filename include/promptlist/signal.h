// promptlist/signal.h: one way of ranking songs for a prompt (what the
// lyrics say, how the tracks sound), behind one interface so that the
// playlist pipeline (playlist.h) fuses any number of them.
//
//   for (const auto& signal : make_signals(sources)) {
//     if (!signal->available()) continue;           // no index, no tracks...
//     Refusal refusal;
//     auto run = signal->start({request, catalog, playlist}, refusal);
//     if (!run) continue;                            // the prompt gives it nothing
//     for (const SignalHit& hit : run->rank(36))    // best first, distinct songs
//       ...;
//   }
//
// Adding a signal: one file that implements Signal and SignalRun, and one
// line in make_signals() (src/playlist/signal_registry.cpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace promptlist {

class Catalog;
struct Song;
struct Playlist;
struct PlaylistEntry;
struct PlaylistRequest;
struct PlaylistSources;

// A song as one signal ranks it.
struct SignalHit {
  std::int64_t song_key = 0;
  double score = 0;      // the signal's own score; larger is better
  std::size_t rank = 0;  // its place among all songs this signal ranks (0: the best)
};

// What a signal sees of one request. It may write to the playlist what it
// found out about the prompt (the sound target, the prompt's unknown words,
// notes).
struct SignalQuery {
  const PlaylistRequest& request;
  const Catalog& catalog;
  Playlist& playlist;
  const Song* seed = nullptr;  // the song of request.like (null: none): rank what is like it
};

// Why a signal has nothing for this prompt: `note` when another signal goes
// on alone ("the prompt names no sound"; empty: nothing worth a note, as a
// prompt that names no artist), `error` when it was the only one.
struct Refusal {
  std::string note;
  std::string error;
};

// One signal's work on one request, made by Signal::start: ranked again as
// the pipeline widens its pool of candidates.
class SignalRun {
 public:
  virtual ~SignalRun() = default;
  // The `pool` best distinct songs, best first; fewer when the signal has no more.
  virtual std::vector<SignalHit> rank(std::size_t pool) = 0;
  // Whether rank() already returned every song this signal can rank.
  virtual bool exhausted() const = 0;
  // The best score of all: a single signal's scores are scaled by it.
  virtual double best_score() const = 0;
  // This signal's view of a song another signal found (nullopt: none).
  virtual std::optional<SignalHit> judge(const Song& song) = 0;
  // Writes this signal's evidence for `song` into the entry and appends its
  // why-line. `hit` is this signal's hit on the song (from rank or judge).
  virtual void explain(const SignalHit& hit, const Song& song, PlaylistEntry& entry) = 0;
  // Whether this run answers something the prompt asked for by name (an
  // artist, a genre, an era): fusion weighs such a signal above the signals
  // of general fit (FusionOptions::request_weight).
  virtual bool answers_request() const { return false; }
  // How strongly this signal matches this very prompt, in (0, 1]: fusion
  // weighs a signal of general fit by it, so a verse at cosine 0.3 for
  // "upbeat music for working out" does not take half the list.
  virtual double evidence() const { return 1.0; }
  // How far this signal lets a song it judged keep its fused score, in
  // (0, 1]: fusion multiplies the score by it. Rank fusion alone cannot say
  // "no": a title that says "chill" would lead "chill songs without vocals"
  // though its track has vocals. 1: no objection (the default).
  virtual double acceptance(const SignalHit&) const { return 1.0; }
};

class Signal {
 public:
  virtual ~Signal() = default;
  virtual std::string_view name() const = 0;  // "lyrics", "sound": the `by` value that selects it alone
  // How a note says songs were chosen without the others ("their lyrics").
  virtual std::string_view chosen_by() const = 0;
  // Whether what the signal needs is there (an index, tracks with audio
  // features); when not, unavailable_reason() says what to do.
  virtual bool available() const = 0;
  virtual std::string unavailable_reason() const = 0;
  // Starts a run for the query; nullptr with `refusal` filled when the
  // prompt gives this signal nothing to go on.
  virtual std::unique_ptr<SignalRun> start(const SignalQuery& query, Refusal& refusal) const = 0;
};

// Every signal, in the order their evidence is explained, made over the
// sources (the one list of signals; see signal_registry.cpp).
std::vector<std::unique_ptr<Signal>> make_signals(const PlaylistSources& sources);

// The names of make_signals' signals ("lyrics", "sound"), without sources.
const std::vector<std::string>& signal_names();

}  // namespace promptlist
