#include <nlohmann/json.hpp>

#include "promptlist/catalog.h"
#include "promptlist/verse_chunker.h"

namespace promptlist {

nlohmann::json to_json(const Song& s) {
  using nlohmann::json;
  // Each verse's span of song-wide lines, so a page can highlight a match
  // and separate the verses.
  std::vector<int> verse_of_line;
  json spans = json::array();
  for (std::size_t v = 0; v < s.verses.size(); ++v) {
    const std::size_t begin = verse_of_line.size();
    for (std::size_t i = 0, n = song_lines({s.verses[v]}).size(); i < n; ++i) verse_of_line.push_back(static_cast<int>(v));
    spans.push_back({{"verse", v}, {"line_begin", begin}, {"line_end", verse_of_line.size()}});
  }
  return {{"id", s.id},
          {"title", s.title},
          {"artist", s.artist},
          {"collection", s.collection},
          {"year", s.year ? json(*s.year) : json(nullptr)},
          {"spotify_id", s.spotify_id.empty() ? json(nullptr) : json(s.spotify_id)},
          {"verses", s.verses},
          {"lines", song_lines(s.verses)},
          {"verse_of_line", verse_of_line},
          {"verse_spans", spans},
          {"features", to_json(s.features)},
          {"source", s.source},
          {"license", s.license}};
}

}  // namespace promptlist
