#include "promptlist/playlist.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <numeric>
#include <set>
#include <unordered_map>

#include "promptlist/error.h"
#include "promptlist/text.h"

namespace promptlist {

void validate(const PlaylistRequest& r) {
  if (auto bad = find_invalid_utf8(r.prompt)) throw Error("prompt is not valid UTF-8 (byte " + std::to_string(*bad) + ")");
  if (r.prompt.find_first_not_of(" \t\r\n") == std::string::npos) throw Error("prompt is empty");
  if (utf8_length(r.prompt) > kMaxPromptChars)
    throw Error("prompt is longer than " + std::to_string(kMaxPromptChars) + " characters");
  if (r.n < 1 || r.n > kMaxPlaylistSize)
    throw Error("playlist size n must be between 1 and " + std::to_string(kMaxPlaylistSize));
}

namespace {

std::string lowercase_ascii(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Function words never explain a match, even when BM25 counted them a little.
bool is_function_word(const std::string& w) {
  static const std::set<std::string> kWords = {
      "and", "the", "for", "with", "are", "was", "but", "not", "you", "your", "our", "his", "her", "its",
      "this", "that", "from", "into", "some", "all", "any", "can", "will", "has", "have", "had", "who",
      "what", "when", "where", "which", "about", "want", "need", "like", "songs", "song", "music", "n't"};
  return w.size() < 3 || kWords.count(w) != 0;
}

std::vector<std::string> shared_words(const std::vector<std::string>& prompt_words, std::string_view text) {
  const auto words = word_tokens(text);
  std::set<std::string> in_text(words.begin(), words.end());
  std::vector<std::string> shared;
  for (const auto& w : prompt_words)
    if (!is_function_word(w) && in_text.count(w) && std::find(shared.begin(), shared.end(), w) == shared.end())
      shared.push_back(w);
  return shared;
}

std::string first_line(std::string_view text) {
  auto nl = text.find('\n');
  return std::string(text.substr(0, nl));
}

std::string explain_lyrics(const PlaylistEntry& e, LyricsScoring scoring) {
  std::string why = "verse " + std::to_string(e.verse + 1) + " (\"" + first_line(e.matched_text) + "\")";
  char buf[64];
  if (scoring != LyricsScoring::lexical) {
    std::snprintf(buf, sizeof buf, " is close in meaning (cosine %.2f)", e.semantic);
    why += buf;
  }
  if (!e.shared_words.empty()) {
    why += scoring == LyricsScoring::lexical ? " says " : " and says ";
    for (std::size_t i = 0; i < e.shared_words.size(); ++i) why += (i ? ", " : "") + ("\"" + e.shared_words[i] + "\"");
  }
  return why;
}

std::string format_value(Feature f, double v) {
  char buf[32];
  if (f == Feature::tempo) std::snprintf(buf, sizeof buf, "%.0f BPM", v);
  else if (f == Feature::loudness) std::snprintf(buf, sizeof buf, "%.1f dB", v);
  else if (f == Feature::duration_ms) std::snprintf(buf, sizeof buf, "%d:%02d", int(v / 60000), int(v / 1000) % 60);
  else if (f == Feature::key || f == Feature::mode || f == Feature::time_signature) std::snprintf(buf, sizeof buf, "%.0f", v);
  else std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

// "sound fits 93%: energy 0.31 (asked 0.25), acousticness 0.91 (asked
// 0.85)", the features that weigh most first, at most three.
std::string explain_sound(const PlaylistEntry& e, const FeatureTarget& target) {
  std::vector<std::pair<double, Feature>> order;
  for (const auto& spec : feature_specs()) {
    const auto& goal = target[spec.feature];
    if (!goal || !e.features[spec.feature]) continue;
    order.push_back({goal->source == TargetSource::predicted ? goal->confidence : 2.0, spec.feature});
  }
  std::stable_sort(order.begin(), order.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  char fit[32];
  std::snprintf(fit, sizeof fit, "sound fits %.0f%%", e.sound->total * 100);
  std::string why = fit;
  for (std::size_t i = 0; i < std::min<std::size_t>(3, order.size()); ++i) {
    const Feature f = order[i].second;
    why += (i ? ", " : ": ") + std::string(feature_spec(f).name) + " " + format_value(f, *e.features[f]) + " (asked " +
           format_value(f, target[f]->value) + ")";
  }
  return why;
}

struct Candidate {
  std::optional<std::uint32_t> chunk;  // best chunk, when found by lyrics
  std::optional<FeatureFit> fit;
  std::optional<std::size_t> sound_rank;  // place among all tracks by fit, when found by sound
  double score = 0;
};

}  // namespace

const char* to_string(SignalMix m) {
  switch (m) {
    case SignalMix::lyrics: return "lyrics";
    case SignalMix::sound: return "sound";
    case SignalMix::both: return "both";
  }
  return "?";
}

SignalMix signal_mix_from_string(std::string_view s) {
  if (s == "lyrics") return SignalMix::lyrics;
  if (s == "sound") return SignalMix::sound;
  if (s == "both") return SignalMix::both;
  throw Error("unknown signal '" + std::string(s) + "' (expected lyrics, sound or both)");
}

Playlist make_playlist(const PlaylistSources& src, const PlaylistRequest& request) {
  validate(request);
  if (!src.catalog) throw Error("no catalog to make a playlist from");
  const Catalog& catalog = *src.catalog;
  Playlist playlist;
  playlist.request = request;
  const auto prompt_words = word_tokens(request.prompt);

  // ---- which signals this prompt can use
  bool use_lyrics = request.by != SignalMix::sound;
  bool use_sound = request.by != SignalMix::lyrics;
  if (use_lyrics && !src.lyrics) {
    if (request.by == SignalMix::lyrics) throw Error("there is no lyrics index; run 'promptlist index' first");
    use_lyrics = false;
  }
  if (use_sound && (!src.sound || src.sound->tracks().empty())) {
    if (request.by == SignalMix::sound) throw Error("the catalog has no tracks with audio features");
    use_sound = false;
  }
  if (use_sound) {
    if (src.predictor) playlist.target = src.predictor->predict(request.prompt);
    for (const auto& spec : feature_specs())
      if (auto v = request.overrides[spec.feature])
        playlist.target.set(spec.feature, FeatureGoal{*v, 1.0, TargetSource::user, "set by you"});
    if (playlist.target.empty()) {
      if (request.by == SignalMix::sound || !use_lyrics)
        throw Error("the prompt says nothing about how the music should sound; name a mood or tempo "
                    "(\"calm\", \"120 bpm\") or set a feature (--energy 0.8)");
      playlist.notes.push_back("the prompt names no sound, so songs are chosen by their lyrics");
      use_sound = false;
    }
  }
  ChunkScores scores;
  if (use_lyrics) {
    scores = src.lyrics->score(request.prompt, request.scoring);
    playlist.prompt_stats = scores.prompt;
    const bool no_meaning = request.scoring == LyricsScoring::lexical || scores.prompt.tokens == 0 ||
                            scores.prompt.unknown == scores.prompt.tokens;
    if (no_meaning && !scores.lexical_hits) {
      if (!use_sound)
        throw Error("none of the prompt's words is known to the model or found in the lyrics; try other words");
      playlist.notes.push_back("no lyrics match the prompt's words, so songs are chosen by sound");
      use_lyrics = false;
    } else if (scores.prompt.unknown > 0) {
      playlist.notes.push_back(std::to_string(scores.prompt.unknown) + " of " +
                               std::to_string(scores.prompt.tokens) + " prompt words are unknown to the model");
    }
  }
  if (!use_lyrics && !use_sound) throw Error("neither lyrics nor audio features are available to choose songs");
  playlist.used_lyrics = use_lyrics;
  playlist.used_sound = use_sound;

  // ---- sound: the fit of every track; the best ones are sorted lazily,
  // like the lyrics below, as the candidate pool widens.
  std::vector<float> fit_of;  // per track of src.sound->tracks(), NaN: no fit
  std::vector<std::uint32_t> by_fit;  // tracks with a fit, best first up to fit_sorted
  std::size_t fit_sorted = 0;
  if (use_sound) {
    fit_of = src.sound->fit_all(playlist.target);
    for (std::uint32_t i = 0; i < fit_of.size(); ++i)
      if (!std::isnan(fit_of[i])) by_fit.push_back(i);
  }
  auto fitter = [&](std::uint32_t a, std::uint32_t b) { return fit_of[a] > fit_of[b] || (fit_of[a] == fit_of[b] && a < b); };

  // ---- lyrics: chunks best first, sorted lazily as top_k widens
  const VerseIndex* index = use_lyrics ? &src.lyrics->index() : nullptr;
  const std::size_t total_chunks = index ? index->size() : 0;
  std::vector<std::uint32_t> order(total_chunks);
  std::iota(order.begin(), order.end(), 0u);
  auto better = [&](std::uint32_t a, std::uint32_t b) {
    return scores.combined[a] > scores.combined[b] || (scores.combined[a] == scores.combined[b] && a < b);
  };
  std::size_t sorted = 0;

  std::unordered_map<std::int64_t, std::optional<Song>> songs;  // looked up once per candidate
  auto song_of = [&](std::int64_t key) -> const std::optional<Song>& {
    auto it = songs.find(key);
    if (it == songs.end()) it = songs.emplace(key, catalog.find(key)).first;
    return it->second;
  };

  std::size_t pool = std::max<std::size_t>(request.n * 4, 16);
  for (;;) {
    std::map<std::int64_t, Candidate> candidates;
    std::vector<std::int64_t> arrival;  // first-seen order: deterministic ties
    // Lyrics candidates: top_k widens until it holds `pool` distinct songs.
    bool lyrics_exhausted = true;
    if (use_lyrics) {
      std::size_t top_k = std::min(total_chunks, pool);
      for (;;) {
        std::partial_sort(order.begin() + static_cast<std::ptrdiff_t>(sorted),
                          order.begin() + static_cast<std::ptrdiff_t>(top_k), order.end(), better);
        sorted = top_k;
        std::set<std::int64_t> distinct;
        for (std::size_t i = 0; i < top_k; ++i) distinct.insert(index->chunk_song(order[i]));
        if (distinct.size() >= pool || top_k >= total_chunks) break;
        top_k = std::min(total_chunks, top_k * 2);
      }
      for (std::size_t i = 0; i < top_k; ++i) {
        const std::int64_t key = index->chunk_song(order[i]);
        auto [it, inserted] = candidates.try_emplace(key);
        if (inserted) {
          it->second.chunk = order[i];  // chunks come best first: this is the song's best
          arrival.push_back(key);
        }
      }
      lyrics_exhausted = top_k >= total_chunks;
      playlist.top_k = top_k;
    }
    // Sound candidates: the `pool` best-fitting tracks.
    const std::size_t sound_take = std::min(pool, by_fit.size());
    if (sound_take > fit_sorted) {
      std::partial_sort(by_fit.begin() + static_cast<std::ptrdiff_t>(fit_sorted),
                        by_fit.begin() + static_cast<std::ptrdiff_t>(sound_take), by_fit.end(), fitter);
      fit_sorted = sound_take;
    }
    for (std::size_t i = 0; i < sound_take; ++i) {
      const Song& track = src.sound->tracks()[by_fit[i]];
      auto [it, inserted] = candidates.try_emplace(track.key);
      it->second.fit = src.sound->fit(track, playlist.target);  // with the per-feature detail
      it->second.sound_rank = i;
      if (inserted) arrival.push_back(track.key);
    }
    const bool sound_exhausted = sound_take >= by_fit.size();

    // One signal: its own score, scaled by the best. Both: reciprocal rank
    // fusion (1 / (60 + rank) per signal, as in Cormack et al. 2009), so two
    // signals with very different score scales (a few thousand verses, tens
    // of thousands of tracks) share the list fairly and a song found by both
    // rises; scaled so that first in both signals is 1.0.
    constexpr double kRrf = 60;
    const double best_lyrics = use_lyrics ? std::max(1e-6f, scores.combined[order[0]]) : 1.0;
    const double best_fit = by_fit.empty() ? 1.0 : std::max(1e-6, static_cast<double>(fit_of[by_fit[0]]));
    std::map<std::int64_t, std::size_t> lyrics_rank;
    for (std::int64_t key : arrival)
      if (candidates[key].chunk) lyrics_rank.emplace(key, lyrics_rank.size());
    for (auto& [key, c] : candidates) {
      if (use_sound && !c.fit) {  // a lyrics song that also has audio features
        const auto& song = song_of(key);
        if (song && !song->features.empty()) c.fit = src.sound->fit(*song, playlist.target);
      }
      if (!(use_lyrics && use_sound)) {
        c.score = c.chunk ? scores.combined[*c.chunk] / best_lyrics : c.fit ? c.fit->total / best_fit : 0;
        continue;
      }
      double rrf = 0;
      if (c.chunk) rrf += 1 / (kRrf + 1 + static_cast<double>(lyrics_rank[key]));
      if (c.fit) {
        std::size_t rank = c.sound_rank.value_or(0);
        if (!c.sound_rank)  // a lyrics song with features: how many tracks fit better
          for (std::uint32_t t : by_fit) rank += fit_of[t] > c.fit->total;
        rrf += 1 / (kRrf + 1 + static_cast<double>(rank));
      }
      c.score = rrf * (kRrf + 1) / 2;
    }
    std::vector<std::int64_t> ranked = arrival;
    std::stable_sort(ranked.begin(), ranked.end(),
                     [&](std::int64_t a, std::int64_t b) { return candidates[a].score > candidates[b].score; });

    playlist.entries.clear();
    std::map<std::string, std::size_t> per_artist;
    for (std::int64_t key : ranked) {
      if (playlist.entries.size() >= request.n) break;
      const auto& song = song_of(key);
      if (!song) continue;  // deleted since the index was built
      const std::string artist_key = lowercase_ascii(song->artist);
      if (request.max_per_artist && per_artist[artist_key] >= request.max_per_artist) continue;
      ++per_artist[artist_key];
      const Candidate& c = candidates[key];
      PlaylistEntry e;
      e.song_key = key;
      e.song_id = song->id;
      e.title = song->title;
      e.artist = song->artist;
      e.collection = song->collection;
      e.spotify_id = song->spotify_id;
      e.year = song->year;
      e.features = song->features;
      e.score = static_cast<float>(c.score);
      e.sound = c.fit;
      if (c.chunk) {
        const std::uint32_t row = *c.chunk;
        e.has_lyrics_match = true;
        e.lyrics_score = scores.combined[row];
        e.semantic = scores.semantic[row];
        e.lexical = scores.lexical[row];
        e.chunk_row = row;
        const VerseChunk chunk = index->chunk(row);
        e.verse = chunk.verse;
        e.line_begin = chunk.line_begin;
        e.line_end = chunk.line_end;
        e.matched_text = chunk.text;
        e.shared_words = shared_words(prompt_words, chunk.text);
        e.why = explain_lyrics(e, request.scoring);
      }
      if (c.fit) e.why += (e.why.empty() ? "" : "; ") + explain_sound(e, playlist.target);
      playlist.entries.push_back(std::move(e));
    }
    if (playlist.entries.size() >= request.n || (lyrics_exhausted && sound_exhausted)) break;
    pool *= 2;
  }
  if (playlist.entries.size() < request.n)
    playlist.notes.push_back("the catalog has only " + std::to_string(playlist.entries.size()) +
                             " songs that fit this request");
  return playlist;
}

nlohmann::json to_json(const Playlist& p) {
  nlohmann::json songs = nlohmann::json::array();
  for (const auto& e : p.entries) {
    nlohmann::json features = nlohmann::json::object();
    for (const auto& spec : feature_specs())
      if (auto v = e.features[spec.feature]) features[std::string(spec.name)] = *v;
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
        {"score", e.score},
        {"match", match},
        {"sound", sound},
        {"features", features},
        {"why", e.why},
    });
  }
  return {
      {"prompt", p.request.prompt},
      {"n", p.request.n},
      {"by", to_string(p.request.by)},
      {"scoring", to_string(p.request.scoring)},
      {"max_per_artist", p.request.max_per_artist},
      {"used", {{"lyrics", p.used_lyrics}, {"sound", p.used_sound}}},
      {"target", to_json(p.target)},
      {"top_k", p.top_k},
      {"prompt_tokens", p.prompt_stats.tokens},
      {"prompt_unknown_tokens", p.prompt_stats.unknown},
      {"notes", p.notes},
      {"songs", songs},
  };
}

}  // namespace promptlist
