// The lyrics signal: verse chunks ranked by what they say (LyricsSearch),
// each song represented by its best chunk.
#include <algorithm>
#include <cstdio>
#include <set>
#include <unordered_map>

#include "playlist/best_first.h"
#include "playlist/signals.h"
#include "promptlist/feature_predictor.h"
#include "promptlist/text.h"

namespace promptlist {

namespace {

std::string first_line(std::string_view text) { return std::string(text.substr(0, text.find('\n'))); }

// 'verse 2 ("Over the hills") is close in meaning (cosine 0.61) and says "hills"'
// With a seed: 'verse 3 (...) is close in meaning to "The Last Longhorn" (cosine 0.69)'.
std::string explain_lyrics(const PlaylistEntry& e, LyricsScoring scoring, const std::optional<PlaylistSeed>& seed) {
  std::string why = "verse " + std::to_string(e.verse + 1) + " (\"" + first_line(e.matched_text) + "\")";
  char buf[64];
  if (scoring != LyricsScoring::lexical) {
    std::snprintf(buf, sizeof buf, " (cosine %.2f)", e.semantic);
    why += " is close in meaning" + (seed ? " to \"" + seed->title + "\"" : std::string()) + buf;
  }
  if (!e.shared_words.empty()) {
    why += scoring == LyricsScoring::lexical ? " says " : " and says ";
    for (std::size_t i = 0; i < e.shared_words.size(); ++i) why += (i ? ", " : "") + ("\"" + e.shared_words[i] + "\"");
  }
  return why;
}

class LyricsRun : public SignalRun {
 public:
  LyricsRun(const LyricsSearch& lyrics, ChunkScores scores, const PlaylistRequest& request, Playlist& playlist)
      : index_(lyrics.index()),
        scores_(std::move(scores)),
        scoring_(request.scoring),
        prompt_words_(word_tokens(request.prompt)),
        playlist_(playlist),
        order_(scores_.combined) {}

  // Widens top_k (doubling) until the best top_k chunks hold `pool`
  // distinct songs, then returns every song among them at its best chunk.
  std::vector<SignalHit> rank(std::size_t pool) override {
    const std::size_t total = order_.size();
    std::size_t top_k = std::min(total, pool);
    for (;;) {
      const auto& best = order_.first(top_k);
      std::set<std::int64_t> distinct;
      for (std::size_t i = 0; i < top_k; ++i) distinct.insert(index_.chunk_song(best[i]));
      if (distinct.size() >= pool || top_k >= total) break;
      top_k = std::min(total, top_k * 2);
    }
    std::vector<SignalHit> hits;
    best_chunk_.clear();
    const auto& best = order_.first(top_k);
    for (std::size_t i = 0; i < top_k; ++i) {
      const std::int64_t song = index_.chunk_song(best[i]);
      if (best_chunk_.try_emplace(song, best[i]).second)  // chunks come best first: this is the song's best
        hits.push_back({song, scores_.combined[best[i]], hits.size()});
    }
    exhausted_ = top_k >= total;
    playlist_.top_k = top_k;
    return hits;
  }

  bool exhausted() const override { return exhausted_; }
  double best_score() const override { return order_.best_score(); }
  // By the closest verse's meaning: all-MiniLM-L6-v2 puts a verse that is
  // about the prompt ("cowboys on the range", "Christmas night") at 0.5 or
  // more, and the best verse for a prompt no verse is about ("upbeat music
  // for working out") near 0.3.
  double evidence() const override { return cosine_evidence(scores_.semantic, 0.3, 0.55); }
  // Songs found by another signal have no lyrics match unless this signal found them.
  std::optional<SignalHit> judge(const Song&) override { return std::nullopt; }

  void explain(const SignalHit& hit, const Song&, PlaylistEntry& e) override {
    const std::uint32_t row = best_chunk_.at(hit.song_key);
    e.has_lyrics_match = true;
    e.lyrics_score = scores_.combined[row];
    e.semantic = scores_.semantic[row];
    e.lexical = scores_.lexical[row];
    e.chunk_row = row;
    const VerseChunk chunk = index_.chunk(row);
    e.verse = chunk.verse;
    e.line_begin = chunk.line_begin;
    e.line_end = chunk.line_end;
    e.matched_text = chunk.text;
    e.shared_words = shared_words(prompt_words_, chunk.text);
    append_why(e, explain_lyrics(e, scoring_, playlist_.seed));
  }

 private:
  const VerseIndex& index_;
  ChunkScores scores_;
  LyricsScoring scoring_;
  std::vector<std::string> prompt_words_;
  Playlist& playlist_;
  mutable BestFirst order_;  // chunk rows by scores_.combined (sorted lazily, also by best_score)
  bool exhausted_ = false;
  std::unordered_map<std::int64_t, std::uint32_t> best_chunk_;  // song key -> its best chunk, of the last rank()
};

class LyricsSignal : public Signal {
 public:
  explicit LyricsSignal(const LyricsSearch* lyrics) : lyrics_(lyrics) {}
  std::string_view name() const override { return "lyrics"; }
  std::string_view chosen_by() const override { return "their lyrics"; }
  bool available() const override { return lyrics_ != nullptr; }
  std::string unavailable_reason() const override { return "there is no lyrics index; run 'promptlist index' first"; }

  std::unique_ptr<SignalRun> start(const SignalQuery& q, Refusal& refusal) const override {
    // "no vocals, just piano": words to be sung are not what was asked for.
    constexpr double kInstrumental = 0.7;
    const FeatureTarget stated = stated_constraints(q.request.prompt);
    if (const auto& g = stated[Feature::instrumentalness]; g && g->value >= kInstrumental) {
      refusal = {"the prompt asks for music without vocals",
                 "the prompt asks for music without vocals, which lyrics cannot answer; search by sound"};
      return nullptr;
    }
    if (q.seed) return start_like(q, *q.seed, refusal);
    ChunkScores scores = lyrics_->score(q.request.prompt, q.request.scoring);
    q.playlist.prompt_stats = scores.prompt;
    const bool no_meaning = q.request.scoring == LyricsScoring::lexical || scores.prompt.tokens == 0 ||
                            scores.prompt.unknown == scores.prompt.tokens;
    if (no_meaning && !scores.lexical_hits) {
      refusal = {"no lyrics match the prompt's words",
                 "none of the prompt's words is known to the model or found in the lyrics; try other words"};
      return nullptr;
    }
    if (scores.prompt.unknown > 0)
      q.playlist.notes.push_back(std::to_string(scores.prompt.unknown) + " of " + std::to_string(scores.prompt.tokens) +
                                 " prompt words are unknown to the model");
    return std::make_unique<LyricsRun>(*lyrics_, std::move(scores), q.request, q.playlist);
  }

 private:
  // "More like this": the verses nearest to the seed song's own meaning.
  std::unique_ptr<SignalRun> start_like(const SignalQuery& q, const Song& seed, Refusal& refusal) const {
    auto scores = lyrics_->score_like(seed.key);
    if (!scores) {
      refusal = {"\"" + seed.title + "\" has no lyrics", "\"" + seed.title + "\" has no lyrics to match"};
      return nullptr;
    }
    PlaylistRequest semantic = q.request;
    semantic.scoring = LyricsScoring::semantic;  // no prompt words: the why-line gives the cosine only
    return std::make_unique<LyricsRun>(*lyrics_, std::move(*scores), semantic, q.playlist);
  }

  const LyricsSearch* lyrics_;
};

}  // namespace

std::unique_ptr<Signal> make_lyrics_signal(const PlaylistSources& sources) {
  return std::make_unique<LyricsSignal>(sources.lyrics);
}

}  // namespace promptlist
