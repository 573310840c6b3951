#include "promptlist/playlist.h"

#include <nlohmann/json.hpp>
#include <unordered_map>

#include "playlist/assembly.h"
#include "promptlist/error.h"
#include "promptlist/name_table.h"
#include "promptlist/text.h"

namespace promptlist {

void validate(const PlaylistRequest& r) {
  if (auto bad = find_invalid_utf8(r.prompt)) throw Error("prompt is not valid UTF-8 (byte " + std::to_string(*bad) + ")");
  if (auto bad = find_invalid_utf8(r.like)) throw Error("like is not valid UTF-8 (byte " + std::to_string(*bad) + ")");
  if (utf8_length(r.like) > kMaxSongIdChars) throw Error("like is longer than " + std::to_string(kMaxSongIdChars) + " characters");
  if (r.like.empty() && r.prompt.find_first_not_of(" \t\r\n") == std::string::npos) throw Error("prompt is empty");
  if (utf8_length(r.prompt) > kMaxPromptChars)
    throw Error("prompt is longer than " + std::to_string(kMaxPromptChars) + " characters");
  if (r.n < 1 || r.n > kMaxPlaylistSize)
    throw Error("playlist size n must be between 1 and " + std::to_string(kMaxPlaylistSize));
  check_signal_choice(r.by);
}

void check_signal_choice(std::string_view by) {
  if (by == kAllSignals) return;
  for (const auto& name : signal_names())
    if (by == name) return;
  throw Error("unknown signal '" + std::string(utf8_prefix(by, 40)) + "' (expected " + signal_choices() + ")");
}

std::string signal_choices() {
  std::vector<std::string> choices = signal_names();
  choices.emplace_back(kAllSignals);
  return name_list(choices);
}

bool Playlist::uses(std::string_view signal) const {
  for (const auto& s : signals_used)
    if (s == signal) return true;
  return false;
}

namespace {

// The signals a request selects, started on its prompt.
struct StartedSignals {
  std::vector<std::unique_ptr<Signal>> all;  // keeps the signals the runs point into alive
  std::vector<std::unique_ptr<SignalRun>> runs;
  std::vector<const Signal*> signals;  // signals[i] made runs[i]
};

// Starts each selected signal; one the request names alone must be there.
// A signal the prompt gives nothing is dropped with a note (first among
// the notes: it changes the whole list); when none is left, the first
// refusal is the error.
StartedSignals start_signals(const PlaylistSources& sources, const PlaylistRequest& request, Playlist& playlist,
                             const Song* seed) {
  StartedSignals started;
  started.all = make_signals(sources);
  std::vector<std::pair<const Signal*, Refusal>> refused;
  std::string missing;
  for (const auto& signal : started.all) {
    if (request.by != kAllSignals && request.by != signal->name()) continue;
    if (!signal->available()) {
      if (request.by == signal->name()) throw Unavailable(signal->unavailable_reason());
      missing += (missing.empty() ? "" : "; ") + signal->unavailable_reason();
      continue;
    }
    Refusal refusal;
    if (auto run = signal->start({request, *sources.catalog, playlist, seed}, refusal)) {
      started.runs.push_back(std::move(run));
      started.signals.push_back(signal.get());
    } else {
      refused.emplace_back(signal.get(), std::move(refusal));
    }
  }
  if (started.runs.empty() && !refused.empty()) throw Error(refused.front().second.error);
  if (started.runs.empty()) throw Unavailable("no signal can choose songs: " + missing);
  std::string chosen_by;
  for (std::size_t i = 0; i < started.signals.size(); ++i)
    // A seed names no artist or genre: "by sound and genre", not "the genre named".
    chosen_by += (i ? " and " : "") + std::string(seed ? started.signals[i]->name() : started.signals[i]->chosen_by());
  for (auto it = refused.rbegin(); it != refused.rend(); ++it)
    if (!it->second.note.empty())
      playlist.notes.insert(playlist.notes.begin(), it->second.note + ", so songs are chosen by " + chosen_by);
  for (const Signal* s : started.signals) playlist.signals_used.emplace_back(s->name());
  return started;
}

// Every run's `pool` best songs, in the runs' order (first seen first: ties
// stay deterministic), each with every run's hit on it: with several runs,
// a song one run found is judged by the others.
// The seed of a "like" request is never its own answer.
std::vector<FusedCandidate> gather(const StartedSignals& started, std::size_t pool, SongLookup& songs,
                                   std::optional<std::int64_t> seed) {
  const auto& runs = started.runs;
  std::vector<FusedCandidate> candidates;
  std::unordered_map<std::int64_t, std::size_t> index_of;
  for (std::size_t r = 0; r < runs.size(); ++r) {
    for (const SignalHit& hit : runs[r]->rank(pool)) {
      if (hit.song_key == seed) continue;
      auto [it, inserted] = index_of.try_emplace(hit.song_key, candidates.size());
      if (inserted) candidates.push_back({hit.song_key, std::vector<std::optional<SignalHit>>(runs.size()), 0});
      candidates[it->second].hits[r] = hit;
    }
  }
  if (runs.size() > 1)
    for (auto& c : candidates)
      for (std::size_t r = 0; r < runs.size(); ++r) {
        if (!c.hits[r])
          if (const Song* song = songs.find(c.song_key)) c.hits[r] = runs[r]->judge(*song);
        if (c.hits[r]) c.acceptance *= runs[r]->acceptance(*c.hits[r]);
      }
  return candidates;
}

bool all_exhausted(const StartedSignals& started) {
  for (const auto& run : started.runs)
    if (!run->exhausted()) return false;
  return true;
}

// The song a "like" request names; NotFound when the catalog has none.
std::optional<Song> find_seed(const Catalog& catalog, const std::string& like) {
  if (like.empty()) return std::nullopt;
  auto song = catalog.find(like);
  if (!song) throw NotFound("no song with id '" + std::string(utf8_prefix(like, 200)) + "' to find songs like");
  return song;
}

}  // namespace

Playlist make_playlist(const PlaylistSources& sources, const PlaylistRequest& request, const PlaylistOptions& options) {
  validate(request);
  if (!sources.catalog) throw Unavailable("no catalog to make a playlist from");
  Playlist playlist;
  playlist.request = request;
  const std::optional<Song> found_seed = find_seed(*sources.catalog, request.like);
  const Song* seed = found_seed ? &*found_seed : nullptr;
  if (seed) playlist.seed = PlaylistSeed{seed->key, seed->id, seed->title, seed->artist};
  const StartedSignals started = start_signals(sources, request, playlist, seed);
  SongLookup songs(sources);
  const auto seed_key = seed ? std::optional<std::int64_t>(seed->key) : std::nullopt;
  for (std::size_t pool = std::max(request.n * options.per_song_pool, options.min_pool) + (seed ? 1 : 0);; pool *= 2) {
    std::vector<FusedCandidate> candidates = gather(started, pool, songs, seed_key);
    std::vector<double> best;
    std::vector<SignalWeight> weights;
    for (const auto& run : started.runs) {
      best.push_back(run->best_score());
      if (run->answers_request()) weights.push_back({options.fusion.request_weight, 1.0});
      else weights.push_back({1.0, run->evidence()});
    }
    fuse(candidates, best, options.fusion, weights);
    playlist.entries = assemble(candidates, started.runs, started.signals, songs, sources.facts, request, seed);
    if (playlist.entries.size() >= request.n || all_exhausted(started)) break;
  }
  if (playlist.entries.size() < request.n)
    playlist.notes.push_back("the catalog has only " + std::to_string(playlist.entries.size()) +
                             (request.recordings_only ? " songs with a recording" : " songs") + " that fit this request");
  return playlist;
}

nlohmann::json to_json(const Playlist& p) {
  nlohmann::json songs = nlohmann::json::array();
  for (const auto& e : p.entries) {
    nlohmann::json match = nullptr;
    if (e.has_lyrics_match)
      match = {{"verse", e.verse},     {"line_begin", e.line_begin}, {"line_end", e.line_end},
               {"text", e.matched_text}, {"shared_words", e.shared_words}, {"score", e.lyrics_score},
               {"semantic", e.semantic}, {"lexical", e.lexical}};
    nlohmann::json sound = nullptr;
    if (e.sound) {
      nlohmann::json per = nlohmann::json::object();
      for (const auto& spec : feature_specs())
        if (auto f = e.sound->per_feature[static_cast<std::size_t>(spec.feature)]) per[std::string(spec.name)] = *f;
      sound = {{"fit", e.sound->total}, {"per_feature", per}};
    }
    songs.push_back({
        {"id", e.song_id},
        {"title", e.title},
        {"artist", e.artist},
        {"collection", e.collection},
        {"year", e.year ? nlohmann::json(*e.year) : nlohmann::json(nullptr)},
        {"spotify_id", e.spotify_id.empty() ? nlohmann::json(nullptr) : nlohmann::json(e.spotify_id)},
        {"recording", !e.spotify_id.empty()},
        {"other_spotify_ids", e.other_spotify_ids},
        {"score", e.score},
        {"match", match},
        {"sound", sound},
        {"features", to_json(e.features)},
        {"why", e.why},
        {"signals", e.found_by},
    });
  }
  nlohmann::json used = nlohmann::json::object();
  for (const auto& name : signal_names()) used[name] = p.uses(name);
  return {
      {"prompt", p.request.prompt},
      {"n", p.request.n},
      {"by", p.request.by},
      {"scoring", to_string(p.request.scoring)},
      {"max_per_artist", p.request.max_per_artist},
      {"recordings_only", p.request.recordings_only},
      {"used", used},
      {"target", to_json(p.target)},
      {"top_k", p.top_k},
      {"prompt_tokens", p.prompt_stats.tokens},
      {"prompt_unknown_tokens", p.prompt_stats.unknown},
      {"notes", p.notes},
      {"like", p.seed ? nlohmann::json{{"id", p.seed->id}, {"title", p.seed->title}, {"artist", p.seed->artist}}
                      : nlohmann::json(nullptr)},
      {"songs", songs},
  };
}

}  // namespace promptlist
