#include "promptlist/track_facts.h"

#include <algorithm>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "promptlist/text.h"

namespace promptlist {

namespace {

std::optional<int> decade_of(const Song& s) {
  if (s.year) return *s.year / 10 * 10;
  for (const auto& tag : s.tags)
    if (tag.rfind("decade:", 0) == 0) return std::atoi(tag.c_str() + 7);
  return std::nullopt;
}

double popularity_of(const Song& s) {
  const auto p = s.features[Feature::popularity];
  return p ? *p : -1;  // unknown: less known than any track with a figure
}

std::size_t word_count(const std::string& normalised) {
  return normalised.empty() ? 0 : 1 + static_cast<std::size_t>(std::count(normalised.begin(), normalised.end(), ' '));
}

}  // namespace

std::string TrackFacts::phrase(const std::vector<std::string>& words, std::size_t begin, std::size_t end) {
  std::string out;
  for (std::size_t i = begin; i < end; ++i) out += (i == begin ? "" : " ") + words[i];
  return out;
}

std::string TrackFacts::normalise(std::string_view name) {
  const auto words = word_tokens(name);
  return phrase(words, 0, words.size());
}

namespace {

// Words that mark a bracketed part of a title as the version, not the song.
bool names_a_version(std::string_view part) {
  static const std::set<std::string> kVersionWords = {
      "remaster", "remastered", "mix", "remix", "version", "live", "edit", "mono", "stereo", "demo",
      "acoustic", "feat", "ft", "featuring", "with", "from", "radio", "single", "deluxe", "instrumental", "take"};
  for (const auto& w : word_tokens(part))
    if (kVersionWords.count(w)) return true;
  return false;
}

}  // namespace

std::string TrackFacts::song_title(std::string_view title) {
  std::string_view song = title.substr(0, title.find(" - "));  // "Title - Remastered 2011"
  std::string kept;
  for (std::size_t i = 0; i < song.size();) {
    const char open = song[i];
    const char close = open == '(' ? ')' : open == '[' ? ']' : 0;
    const std::size_t end = close ? song.find(close, i) : std::string_view::npos;
    if (close && end != std::string_view::npos && names_a_version(song.substr(i + 1, end - i - 1))) {
      i = end + 1;
      continue;
    }
    kept += song[i++];
  }
  std::string normalised = normalise(kept);
  return normalised.empty() ? normalise(title) : normalised;
}

std::string TrackFacts::song_of(const Song& recording) {
  return song_title(recording.title) + '\n' + normalise(recording.artist);
}

std::size_t count_catalog_songs(const Catalog& catalog, const TrackFacts* facts) {
  if (facts) return facts->count_songs_with(catalog.songs_with_lyrics());
  auto songs = catalog.songs_with_features();
  std::unordered_set<std::int64_t> keys;
  for (const Song& s : songs) keys.insert(s.key);
  for (Song& s : catalog.songs_with_lyrics())
    if (!keys.count(s.key)) songs.push_back(std::move(s));
  return TrackFacts::count_songs(songs);
}

std::vector<std::vector<std::uint32_t>> TrackFacts::recordings_by_song(const std::vector<Song>& recordings) {
  std::unordered_map<std::string, std::uint32_t> group_of;
  return recordings_by_song(recordings, group_of);
}

std::vector<std::vector<std::uint32_t>> TrackFacts::recordings_by_song(
    const std::vector<Song>& recordings, std::unordered_map<std::string, std::uint32_t>& group_of) {
  std::vector<std::vector<std::uint32_t>> songs;
  for (std::uint32_t i = 0; i < recordings.size(); ++i) {
    auto [it, inserted] = group_of.try_emplace(song_of(recordings[i]), static_cast<std::uint32_t>(songs.size()));
    if (inserted) songs.emplace_back();
    songs[it->second].push_back(i);
  }
  for (auto& group : songs)
    std::stable_sort(group.begin(), group.end(), [&](std::uint32_t a, std::uint32_t b) {
      return popularity_of(recordings[a]) > popularity_of(recordings[b]);
    });
  return songs;
}

std::size_t TrackFacts::count_songs(const std::vector<Song>& recordings) { return recordings_by_song(recordings).size(); }

std::size_t TrackFacts::count_songs_with(const std::vector<Song>& others) const {
  std::unordered_set<std::string> more;
  for (const Song& s : others)
    if (std::string song = song_of(s); !song_group_.count(song)) more.insert(std::move(song));
  return songs_.size() + more.size();
}

const TrackFact* TrackFacts::find(std::int64_t song_key) const {
  auto it = by_key_.find(song_key);
  return it == by_key_.end() ? nullptr : &tracks_[it->second];
}

float genre_share_of(const TrackFact& t, const std::string& genre) {
  const auto at = std::find(t.genres.begin(), t.genres.end(), genre);
  return at == t.genres.end() ? 0.0f : t.genre_share[static_cast<std::size_t>(at - t.genres.begin())];
}

namespace {

// normalise() of names that repeat (an artist on 50 tracks, a genre on
// 30,000 playlist rows) computed once each: a start builds the facts.
class NormalisedNames {
 public:
  const std::string& operator()(const std::string& name) {
    auto it = cache_.find(name);
    if (it == cache_.end()) it = cache_.emplace(name, TrackFacts::normalise(name)).first;
    return it->second;
  }

 private:
  std::unordered_map<std::string, std::string> cache_;
};

}  // namespace

TrackFacts::TrackFacts(const std::vector<Song>& tracks,
                       const std::vector<std::pair<std::int64_t, PlaylistLabel>>& memberships) {
  for (const Song& s : tracks) {
    TrackFact t;
    t.song_key = s.key;
    t.title = s.title;
    t.artist = s.artist;
    t.year = s.year;
    t.decade = decade_of(s);
    t.popularity = popularity_of(s);
    by_key_[s.key] = static_cast<std::uint32_t>(tracks_.size());
    tracks_.push_back(std::move(t));
  }
  file_genres(memberships);
  NormalisedNames normalised;
  for (std::uint32_t i = 0; i < tracks_.size(); ++i) {
    if (const auto& artist = normalised(tracks_[i].artist); !artist.empty()) by_artist_[artist].push_back(i);
    for (const auto& g : tracks_[i].genres) by_genre_[g].push_back(i);
  }
  sort_lists(tracks);
}

// Each track's genres and their shares, from the playlists that hold it.
void TrackFacts::file_genres(const std::vector<std::pair<std::int64_t, PlaylistLabel>>& memberships) {
  NormalisedNames normalised;
  std::vector<std::uint32_t> playlists(tracks_.size(), 0);
  for (const auto& [key, label] : memberships) {
    auto it = by_key_.find(key);
    if (it == by_key_.end()) continue;
    TrackFact& t = tracks_[it->second];
    ++playlists[it->second];
    std::vector<std::string> filed;  // a playlist whose genre is also its subgenre counts once
    for (const std::string* g : {&label.genre, &label.subgenre})
      if (const auto& n = normalised(*g); !n.empty() && std::find(filed.begin(), filed.end(), n) == filed.end()) filed.push_back(n);
    for (const auto& n : filed) {
      const auto at = std::find(t.genres.begin(), t.genres.end(), n);
      if (at == t.genres.end()) t.genres.push_back(n), t.genre_share.push_back(1);
      else ++t.genre_share[static_cast<std::size_t>(at - t.genres.begin())];
    }
  }
  for (std::uint32_t i = 0; i < tracks_.size(); ++i)
    for (float& share : tracks_[i].genre_share) share /= static_cast<float>(std::max(1u, playlists[i]));
}

// The songs' recordings, and every list of tracks in its order.
void TrackFacts::sort_lists(const std::vector<Song>& tracks) {
  const auto most_popular_first = [&](std::uint32_t a, std::uint32_t b) {
    return tracks_[a].popularity > tracks_[b].popularity || (tracks_[a].popularity == tracks_[b].popularity && a < b);
  };
  songs_ = recordings_by_song(tracks, song_group_);
  song_of_track_.resize(tracks_.size());
  for (std::uint32_t g = 0; g < songs_.size(); ++g)
    for (std::uint32_t i : songs_[g]) song_of_track_[i] = g;
  by_popularity_.resize(tracks_.size());
  for (std::uint32_t i = 0; i < tracks_.size(); ++i) by_popularity_[i] = i;
  std::sort(by_popularity_.begin(), by_popularity_.end(), most_popular_first);
  for (auto& [name, list] : by_artist_) {
    std::sort(list.begin(), list.end(), most_popular_first);
    longest_name_words_ = std::max(longest_name_words_, word_count(name));
  }
  for (auto& [name, list] : by_genre_) {
    std::vector<float> share(tracks_.size(), 0);
    for (std::uint32_t i : list) share[i] = genre_share_of(tracks_[i], name);
    std::sort(list.begin(), list.end(), [&](std::uint32_t a, std::uint32_t b) {
      return share[a] > share[b] || (share[a] == share[b] && most_popular_first(a, b));
    });
    longest_name_words_ = std::max(longest_name_words_, word_count(name));
  }
}

const std::vector<std::uint32_t>* TrackFacts::tracks_by_artist(const std::string& artist) const {
  auto it = by_artist_.find(artist);
  return it == by_artist_.end() ? nullptr : &it->second;
}

const std::vector<std::uint32_t>* TrackFacts::tracks_in_genre(const std::string& genre) const {
  auto it = by_genre_.find(genre);
  return it == by_genre_.end() ? nullptr : &it->second;
}

}  // namespace promptlist
