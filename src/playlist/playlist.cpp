#include "promptlist/playlist.h"

#include <algorithm>
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

std::string explain(const PlaylistEntry& e, LyricsScoring scoring) {
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

}  // namespace

Playlist make_playlist(const Catalog& catalog, const LyricsSearch& search, const PlaylistRequest& request) {
  validate(request);
  Playlist playlist;
  playlist.request = request;
  ChunkScores scores = search.score(request.prompt, request.scoring);
  playlist.prompt_stats = scores.prompt;
  const auto prompt_words = word_tokens(request.prompt);

  const bool no_meaning = request.scoring == LyricsScoring::lexical ||
                          (scores.prompt.tokens > 0 && scores.prompt.unknown == scores.prompt.tokens) ||
                          scores.prompt.tokens == 0;
  if (no_meaning && !scores.lexical_hits)
    throw Error("none of the prompt's words is known to the model or found in the lyrics; try other words");
  if (scores.prompt.unknown > 0)
    playlist.notes.push_back(std::to_string(scores.prompt.unknown) + " of " + std::to_string(scores.prompt.tokens) +
                             " prompt words are unknown to the model");

  const VerseIndex& index = search.index();
  const std::size_t total = index.size();
  std::vector<std::uint32_t> order(total);
  std::iota(order.begin(), order.end(), 0u);
  auto better = [&](std::uint32_t a, std::uint32_t b) {
    return scores.combined[a] > scores.combined[b] || (scores.combined[a] == scores.combined[b] && a < b);
  };

  // Song metadata is looked up once per candidate song.
  std::unordered_map<std::int64_t, std::optional<Song>> songs;
  auto song_of = [&](std::int64_t key) -> const std::optional<Song>& {
    auto it = songs.find(key);
    if (it == songs.end()) it = songs.emplace(key, catalog.find(key)).first;
    return it->second;
  };

  std::size_t top_k = std::min(total, std::max<std::size_t>(request.n * 4, 16));
  std::size_t sorted = 0;
  for (;;) {
    std::partial_sort(order.begin() + static_cast<std::ptrdiff_t>(sorted),
                      order.begin() + static_cast<std::ptrdiff_t>(top_k), order.end(), better);
    sorted = top_k;
    playlist.entries.clear();
    std::set<std::int64_t> seen;
    std::map<std::string, std::size_t> per_artist;
    for (std::size_t i = 0; i < top_k && playlist.entries.size() < request.n; ++i) {
      const std::uint32_t row = order[i];
      const std::int64_t key = index.chunk_song(row);
      if (!seen.insert(key).second) continue;  // the song's best chunk came earlier
      const auto& song = song_of(key);
      if (!song) continue;  // song deleted since the index was built
      const std::string artist_key = lowercase_ascii(song->artist);
      if (request.max_per_artist && per_artist[artist_key] >= request.max_per_artist) continue;
      ++per_artist[artist_key];
      PlaylistEntry e;
      e.song_key = key;
      e.song_id = song->id;
      e.title = song->title;
      e.artist = song->artist;
      e.collection = song->collection;
      e.year = song->year;
      e.score = scores.combined[row];
      e.semantic = scores.semantic[row];
      e.lexical = scores.lexical[row];
      e.chunk_row = row;
      const VerseChunk chunk = index.chunk(row);
      e.verse = chunk.verse;
      e.line_begin = chunk.line_begin;
      e.line_end = chunk.line_end;
      e.matched_text = chunk.text;
      e.shared_words = shared_words(prompt_words, chunk.text);
      e.why = explain(e, request.scoring);
      playlist.entries.push_back(std::move(e));
    }
    if (playlist.entries.size() >= request.n || top_k >= total) break;
    top_k = std::min(total, top_k * 2);
  }
  playlist.top_k = top_k;
  if (playlist.entries.size() < request.n)
    playlist.notes.push_back("the catalog has only " + std::to_string(playlist.entries.size()) +
                             " songs that fit this request");
  return playlist;
}

nlohmann::json to_json(const Playlist& p) {
  nlohmann::json songs = nlohmann::json::array();
  for (const auto& e : p.entries) {
    songs.push_back({
        {"id", e.song_id},
        {"title", e.title},
        {"artist", e.artist},
        {"collection", e.collection},
        {"year", e.year ? nlohmann::json(*e.year) : nlohmann::json(nullptr)},
        {"score", e.score},
        {"semantic", e.semantic},
        {"lexical", e.lexical},
        {"match", {{"verse", e.verse}, {"line_begin", e.line_begin}, {"line_end", e.line_end}, {"text", e.matched_text},
                   {"shared_words", e.shared_words}}},
        {"why", e.why},
    });
  }
  return {
      {"prompt", p.request.prompt},
      {"n", p.request.n},
      {"scoring", to_string(p.request.scoring)},
      {"max_per_artist", p.request.max_per_artist},
      {"top_k", p.top_k},
      {"prompt_tokens", p.prompt_stats.tokens},
      {"prompt_unknown_tokens", p.prompt_stats.unknown},
      {"notes", p.notes},
      {"songs", songs},
  };
}

}  // namespace promptlist
