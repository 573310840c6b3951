// The one list of signals. Their order is the order in which candidates
// arrive (ties keep it) and in which an entry's why-line names them.
#include "promptlist/signal.h"

#include "playlist/signals.h"

namespace promptlist {

std::vector<std::unique_ptr<Signal>> make_signals(const PlaylistSources& sources) {
  std::vector<std::unique_ptr<Signal>> signals;
  signals.push_back(make_lyrics_signal(sources));
  signals.push_back(make_sound_signal(sources));
  signals.push_back(make_titles_signal(sources));
  signals.push_back(make_artist_signal(sources));
  signals.push_back(make_genre_signal(sources));
  signals.push_back(make_era_signal(sources));
  return signals;
}

const std::vector<std::string>& signal_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& s : make_signals(PlaylistSources{})) out.emplace_back(s->name());
    return out;
  }();
  return names;
}

void append_why(PlaylistEntry& entry, const std::string& why) {
  entry.why += (entry.why.empty() ? "" : "; ") + why;
}

}  // namespace promptlist
