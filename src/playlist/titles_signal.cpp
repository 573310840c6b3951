// The titles signal: every song's title, artist, album, playlist names and
// genres (track_text.h), embedded at index time, matched to the prompt by
// meaning and by words (LyricsSearch over the track index: one row per song).
#include <algorithm>
#include <cstdio>

#include "features/describing_words.h"
#include "playlist/best_first.h"
#include "playlist/signals.h"
#include "promptlist/catalog.h"
#include "promptlist/text.h"
#include "promptlist/track_facts.h"

namespace promptlist {

namespace {

// The most playlists a why-line names.
constexpr std::size_t kNamedPlaylists = 2;
// What of the prompt a title, album or playlist could answer: without the
// artist it names (the artist signal's), without negated phrases ("not
// sad": a title that says "sad" is the opposite) and without request words
// ("music", "songs": in titles they match "Music for Sleep" by accident)
// and function words (a short title is mostly those: "for a workout" was
// closest to "For A Dancer").
std::string titles_prompt(const TrackFacts* facts, std::string_view prompt) {
  std::string kept;
  for (const auto& w : word_tokens(sound_words(facts ? without_named_artist(*facts, prompt) : std::string(prompt))))
    if (!is_function_word(w)) kept += (kept.empty() ? "" : " ") + w;
  return kept;
}

// An album name as a why-line quotes it: compilations run to 200 characters.
std::string short_name(const std::string& name) {
  constexpr std::size_t kMaxChars = 60;
  return name.size() <= kMaxChars ? name : std::string(utf8_prefix(name, kMaxChars)) + "...";
}

// A song another signal found counts as found by its text too only when
// that text is among the best this many (of some 60,000): further down, a
// title says nothing about the prompt, and a why-line would only be noise.
constexpr std::uint32_t kJudgedPlaces = 200;

// 'title "Born to Be Wild" says "wild"', 'in playlists "Beast Mode" and
// "Cardio"': the parts of the track that share the prompt's words.
std::vector<std::string> word_parts(const std::vector<std::string>& prompt_words, const Song& song,
                                    const std::vector<PlaylistLabel>& playlists) {
  std::vector<std::string> parts;
  if (auto w = shared_words(prompt_words, song.title); !w.empty())
    parts.push_back("title \"" + song.title + "\" says " + quoted_list(w));
  if (auto w = shared_words(prompt_words, song.collection); !w.empty() && song.collection != song.title)
    parts.push_back("album \"" + short_name(song.collection) + "\" says " + quoted_list(w));
  std::vector<std::string> named;
  for (const auto& p : playlists)
    if (named.size() < kNamedPlaylists && !shared_words(prompt_words, p.name).empty() &&
        std::find(named.begin(), named.end(), p.name) == named.end())
      named.push_back(p.name);
  if (!named.empty()) parts.push_back(std::string(named.size() > 1 ? "in playlists " : "in playlist ") + quoted_list(named));
  return parts;
}

// Without shared words: what the model read, and how close it was.
std::string meaning_part(const Song& song, const std::vector<PlaylistLabel>& playlists,
                         const std::optional<PlaylistSeed>& seed) {
  std::vector<std::string> named;
  for (const auto& p : playlists)
    if (named.size() < kNamedPlaylists && std::find(named.begin(), named.end(), p.name) == named.end())
      named.push_back(p.name);
  std::string why = named.empty() ? "title \"" + song.title + "\"" : "title and playlists (" + quoted_list(named) + ")";
  return why + " close in meaning" + (seed ? " to \"" + seed->title + "\"" : std::string());
}

class TitlesRun : public SignalRun {
 public:
  TitlesRun(const LyricsSearch& search, ChunkScores scores, const PlaylistRequest& request, const Catalog& catalog,
            const std::optional<PlaylistSeed>& seed)
      : index_(search.index()),
        scores_(std::move(scores)),
        prompt_words_(request.scoring == LyricsScoring::semantic ? std::vector<std::string>{}
                                                                 : word_tokens(request.prompt)),
        catalog_(catalog),
        seed_(seed),
        order_(scores_.combined) {}

  std::vector<SignalHit> rank(std::size_t pool) override {
    const std::size_t take = std::min(pool, order_.size());
    const auto& best = order_.first(take);
    std::vector<SignalHit> hits;
    for (std::size_t i = 0; i < take; ++i) hits.push_back({index_.chunk_song(best[i]), scores_.combined[best[i]], i});
    exhausted_ = take >= order_.size();
    return hits;
  }

  bool exhausted() const override { return exhausted_; }
  double best_score() const override { return order_.best_score(); }

  // By the closest track text's meaning: all-MiniLM-L6-v2 puts a title or
  // playlist that says what was asked ("workout", "Christmas", "summer
  // road trip") at 0.55 or more, and the best text for a prompt that no
  // title is about near 0.35.
  double evidence() const override { return cosine_evidence(scores_.semantic, 0.35, 0.6); }

  // A song another signal found ranks where its text does, if that is near the top.
  std::optional<SignalHit> judge(const Song& song) override {
    const auto row = row_of(song.key);
    if (!row) return std::nullopt;
    if (place_.empty()) {
      // Only the judged places are sorted: a full sort of every track's
      // row cost more than the rest of a playlist.
      const auto& best = order_.first(kJudgedPlaces);
      place_.assign(order_.size(), kJudgedPlaces);
      for (std::size_t i = 0; i < std::min<std::size_t>(kJudgedPlaces, best.size()); ++i)
        place_[best[i]] = static_cast<std::uint32_t>(i);
    }
    if (place_[*row] >= kJudgedPlaces) return std::nullopt;
    return SignalHit{song.key, scores_.combined[*row], place_[*row]};
  }

  void explain(const SignalHit& hit, const Song& song, PlaylistEntry& e) override {
    const auto row = row_of(hit.song_key);
    const float cosine = row ? scores_.semantic[*row] : 0.0f;
    const auto playlists = catalog_.playlists_of(song.key);
    auto parts = word_parts(prompt_words_, song, playlists);
    std::string why;
    for (std::size_t i = 0; i < parts.size(); ++i) why += (i ? ", " : "") + parts[i];
    if (parts.empty()) why = meaning_part(song, playlists, seed_);
    char buf[32];
    std::snprintf(buf, sizeof buf, " (cosine %.2f)", cosine);
    append_why(e, why + buf);
  }

 private:
  // The track index holds one row per song, by song key (track_texts()).
  std::optional<std::uint32_t> row_of(std::int64_t song_key) const {
    std::size_t lo = 0, hi = index_.size();
    while (lo < hi) {
      const std::size_t mid = (lo + hi) / 2;
      if (index_.chunk_song(mid) < song_key) lo = mid + 1;
      else hi = mid;
    }
    if (lo < index_.size() && index_.chunk_song(lo) == song_key) return static_cast<std::uint32_t>(lo);
    return std::nullopt;
  }

  const VerseIndex& index_;
  ChunkScores scores_;
  std::vector<std::string> prompt_words_;
  const Catalog& catalog_;
  std::optional<PlaylistSeed> seed_;
  mutable BestFirst order_;  // rows by scores_.combined (sorted lazily, also by best_score)
  std::vector<std::uint32_t> place_;  // row -> its place, kJudgedPlaces beyond (filled on the first judge)
  bool exhausted_ = false;
};

class TitlesSignal : public Signal {
 public:
  TitlesSignal(const LyricsSearch* search, const TrackFacts* facts) : search_(search), facts_(facts) {}
  std::string_view name() const override { return "titles"; }
  std::string_view chosen_by() const override { return "their titles, albums and playlists"; }
  bool available() const override { return search_ != nullptr; }
  std::string unavailable_reason() const override {
    return "there is no track text index; run 'promptlist index' first";
  }

  std::unique_ptr<SignalRun> start(const SignalQuery& q, Refusal& refusal) const override {
    if (q.seed) return start_like(q, *q.seed, refusal);
    PlaylistRequest request = q.request;
    request.prompt = titles_prompt(facts_, q.request.prompt);
    if (request.prompt.empty()) {
      refusal = {"", "the prompt names only an artist or asks for music in general; say what kind"};
      return nullptr;
    }
    ChunkScores scores = search_->score(request.prompt, request.scoring);
    const bool no_meaning = q.request.scoring == LyricsScoring::lexical || scores.prompt.tokens == 0 ||
                            scores.prompt.unknown == scores.prompt.tokens;
    if (no_meaning && !scores.lexical_hits) {
      refusal = {"no title, album or playlist shares the prompt's words",
                 "none of the prompt's words is known to the model or found in a title, album or playlist"};
      return nullptr;
    }
    return std::make_unique<TitlesRun>(*search_, std::move(scores), request, q.catalog, q.playlist.seed);
  }

 private:
  // "More like this" on a track: the texts nearest to its own.
  std::unique_ptr<SignalRun> start_like(const SignalQuery& q, const Song& seed, Refusal& refusal) const {
    auto scores = search_->score_like(seed.key);
    if (!scores) {
      // A text has no track text: nothing worth a note beside its verses.
      refusal = {"", "\"" + seed.title + "\" is not in the track text index"};
      return nullptr;
    }
    PlaylistRequest semantic = q.request;
    semantic.scoring = LyricsScoring::semantic;  // no prompt words to share
    return std::make_unique<TitlesRun>(*search_, std::move(*scores), semantic, q.catalog, q.playlist.seed);
  }

  const LyricsSearch* search_;
  const TrackFacts* facts_;  // the artists a prompt may name (null: none known)
};

}  // namespace

std::unique_ptr<Signal> make_titles_signal(const PlaylistSources& sources) {
  return std::make_unique<TitlesSignal>(sources.track_texts, sources.facts);
}

}  // namespace promptlist
