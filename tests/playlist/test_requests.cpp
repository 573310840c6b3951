// Named requests on the real Spotify catalog (spotify_songs.csv): an artist,
// a genre, an era; and each recording once.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "promptlist/error.h"
#include "promptlist/track_facts.h"
#include "test_support.h"
#include "test_world.h"

using namespace promptlist;

namespace {

const test::World& world() {
  static auto w = test::make_world({"requests", 50, 200, SIZE_MAX});
  return *w;
}

Playlist generate(const std::string& prompt, std::size_t n = 20) {
  PlaylistRequest r;
  r.prompt = prompt;
  r.n = n;
  return world().engine->playlist(r);
}

std::size_t tracks_by(const std::string& artist) {
  std::size_t n = 0;
  for (const auto& t : world().engine->sources().facts->tracks()) n += t.artist == artist;
  return n;
}

bool found_by(const PlaylistEntry& e, const std::string& signal) {
  return std::find(e.found_by.begin(), e.found_by.end(), signal) != e.found_by.end();
}

}  // namespace

TEST(ArtistRequest, TheArtistsOwnTracksComeFirst) {
  for (const std::string& artist : {std::string("Queen"), std::string("Taylor Swift"), std::string("The Beatles")}) {
    const std::size_t own = tracks_by(artist);
    ASSERT_GE(own, 3u) << artist << " is in spotify_songs.csv";
    for (const std::string& prompt : {"songs like " + artist, "more by " + artist}) {
      const Playlist p = generate(prompt, 9);
      ASSERT_TRUE(p.uses("artist")) << prompt;
      for (std::size_t i = 0; i < std::min<std::size_t>(own, 9); ++i) {
        EXPECT_EQ(p.entries[i].artist, artist) << prompt << " #" << i << ": " << p.entries[i].title;
        EXPECT_TRUE(found_by(p.entries[i], "artist"));
        EXPECT_NE(p.entries[i].why.find("by " + artist), std::string::npos) << p.entries[i].why;
      }
    }
  }
}

TEST(ArtistRequest, AWordThatIsAlsoAnArtistIsNoRequest) {
  // "Queen" and "Heart" are artists of the catalog; these prompts name none.
  for (const char* prompt : {"the queen of heaven", "a broken heart", "calm acoustic songs for studying", "love"})
    EXPECT_FALSE(generate(prompt, 9).uses("artist")) << prompt;
}

TEST(ArtistRequest, AfterTheArtistComeTracksThatSoundLikeThem) {
  const std::size_t own = tracks_by("Queen");
  const Playlist p = generate("songs like Queen", own + 5);
  std::size_t alikes = 0;
  for (const auto& e : p.entries) alikes += e.artist != "Queen" && e.why.find("sounds like Queen") != std::string::npos;
  EXPECT_GE(alikes, 3u);
}

TEST(GenreRequest, MostOfTheTopTwentyAreOfThatGenre) {
  std::map<std::int64_t, std::set<std::string>> genres;
  for (const auto& t : world().engine->sources().facts->tracks()) genres[t.song_key].insert(t.genres.begin(), t.genres.end());
  for (const std::string genre : {"hard rock", "neo soul", "latin pop", "rock", "edm"}) {
    const Playlist p = generate(genre, 20);
    std::size_t of_genre = 0;
    for (const auto& e : p.entries) of_genre += genres[e.song_key].count(genre);
    EXPECT_GE(of_genre, 12u) << genre << ": " << of_genre << " of 20";
  }
}

TEST(GenreRequest, TracksThatSoundLikeTheGenreComeBeforeHitsItsPlaylistsBorrowed) {
  // EDM's playlists also hold rap and pop hits; the first EDM tracks should
  // sound like EDM: more energetic and less speechy than the genre's rest.
  const auto& facts = *world().engine->sources().facts;
  const auto& sound = *world().engine->sound();
  double energy_all = 0, speech_all = 0;
  const auto* edm = facts.tracks_in_genre("edm");
  ASSERT_NE(edm, nullptr);
  for (std::uint32_t i : *edm) {
    energy_all += *sound.tracks()[i].features[Feature::energy];
    speech_all += *sound.tracks()[i].features[Feature::speechiness];
  }
  energy_all /= static_cast<double>(edm->size()), speech_all /= static_cast<double>(edm->size());
  const Playlist p = generate("edm", 20);
  double energy = 0, speech = 0;
  for (const auto& e : p.entries) energy += *e.features[Feature::energy], speech += *e.features[Feature::speechiness];
  EXPECT_GT(energy / 20, energy_all);
  EXPECT_LT(speech / 20, speech_all);
}

TEST(EraRequest, TheTracksAreOfThatEra) {
  struct Case {
    const char* prompt;
    int from, to;
  };
  for (const Case& c : {Case{"90s throwbacks for a road trip", 1990, 1999}, Case{"songs from the 80s", 1980, 1989},
                        Case{"songs from 2015", 2015, 2015}, Case{"oldies", 0, 1979}}) {
    const Playlist p = generate(c.prompt, 20);
    ASSERT_TRUE(p.uses("era")) << c.prompt;
    for (const auto& e : p.entries) {
      ASSERT_TRUE(e.year) << c.prompt << ": " << e.title;
      EXPECT_GE(*e.year, c.from) << c.prompt << ": " << e.title;
      EXPECT_LE(*e.year, c.to) << c.prompt << ": " << e.title;
    }
  }
}

namespace {

const char* const kVariedPrompts[] = {
      "running wild and free", "calm acoustic songs for studying", "songs like Queen", "90s throwbacks for a road trip",
      "I need energetic dance music for a party", "cowboys on the range", "a child falling asleep", "Christmas night",
      "hard rock", "latin pop", "songs from 2015", "sad songs about leaving", "Upbeat music for working out",
      "music to fall asleep to", "angry music", "happy summer songs", "love songs", "edm for the gym", "rainy day",
      "more by ABBA", "something like Taylor Swift", "road trip", "chill evening", "party", "heartbreak", "oldies",
      "songs from the 80s", "neo soul", "rap", "dance pop", "driving at night", "morning coffee", "big room",
      "electro house", "tropical", "acoustic", "slow dance", "winter snow", "the harvest", "a horse race",
      "a soldier leaving home", "the sea", "friends", "freedom", "hope", "dreams", "fire", "stars", "home", "rock"};

double popularity(const Song& s) { return s.features[Feature::popularity].value_or(-1); }

}  // namespace

TEST(Recordings, NoPlaylistHoldsTheSameSongTwiceInAnyRecording) {
  for (const char* prompt : kVariedPrompts) {
    const Playlist p = generate(prompt, 20);
    std::set<std::string> seen;
    for (const auto& e : p.entries)
      EXPECT_TRUE(seen.insert(TrackFacts::song_title(e.title) + "\n" + TrackFacts::normalise(e.artist)).second)
          << prompt << ": " << e.title << " - " << e.artist << " twice";
  }
}

TEST(Recordings, AnEntryIsItsSongsBestKnownRecordingAndListsTheOthers) {
  const auto& facts = *world().engine->sources().facts;
  const Catalog& catalog = world().engine->catalog();
  std::size_t with_others = 0;
  for (const char* prompt : kVariedPrompts) {
    const Playlist p = generate(prompt, 20);
    const nlohmann::json j = to_json(p);
    for (std::size_t i = 0; i < p.entries.size(); ++i) {
      const PlaylistEntry& e = p.entries[i];
      EXPECT_EQ(j["songs"][i]["other_spotify_ids"].size(), e.other_spotify_ids.size());
      const TrackFact* fact = facts.find(e.song_key);
      if (!fact) {
        EXPECT_TRUE(e.other_spotify_ids.empty()) << e.title;  // a text: no recordings
        continue;
      }
      const auto& recordings = facts.recordings_of(static_cast<std::uint32_t>(fact - facts.tracks().data()));
      ASSERT_EQ(e.other_spotify_ids.size() + 1, recordings.size()) << prompt << ": " << e.title;
      with_others += recordings.size() > 1;
      const double shown = popularity(*catalog.find(e.song_key));
      std::set<std::string> others(e.other_spotify_ids.begin(), e.other_spotify_ids.end());
      for (std::uint32_t r : recordings) {
        const Song other = *catalog.find(facts.tracks()[r].song_key);
        EXPECT_GE(shown, popularity(other)) << prompt << ": " << e.title << " shown, " << other.title << " better known";
        if (other.key != e.song_key) EXPECT_TRUE(others.count(other.spotify_id)) << e.title << ": " << other.spotify_id;
      }
    }
  }
  EXPECT_GE(with_others, 5u) << "the prompts list songs with several recordings";
}

TEST(Recordings, TheCatalogsSongsCountTheSameFromTheLoadedFacts) {
  const auto& facts = *world().engine->sources().facts;
  const Catalog& catalog = world().engine->catalog();
  EXPECT_EQ(count_catalog_songs(catalog, &facts), count_catalog_songs(catalog));
  // A text of a song that is also a track is that song, not one more.
  Song text = *catalog.find(facts.tracks()[7].song_key);
  text.key = -1;
  text.title += " - Remastered 2011";
  EXPECT_EQ(facts.count_songs_with({text}), facts.count_songs_with({}));
  text.title = "A Title No Track Has";
  EXPECT_EQ(facts.count_songs_with({text}), facts.count_songs_with({}) + 1);
}

TEST(Recordings, APromptWithoutVocalsGetsNoTexts) {
  for (const char* prompt : {"no vocals, just piano", "instrumental songs about the sea"}) {
    const Playlist p = generate(prompt, 9);
    EXPECT_FALSE(p.uses("lyrics")) << prompt;
    for (const auto& e : p.entries) EXPECT_FALSE(e.spotify_id.empty()) << prompt << ": " << e.title;
    ASSERT_FALSE(p.notes.empty()) << prompt;
    EXPECT_NE(p.notes[0].find("without vocals"), std::string::npos) << p.notes[0];
  }
}

TEST(Recordings, TextsAreMarkedAndCanBeLeftOut) {
  PlaylistRequest r;
  r.prompt = "cowboys on the range";  // a prompt the texts answer best
  r.n = 12;
  const Playlist mixed = world().engine->playlist(r);
  std::size_t texts = 0;
  for (const auto& e : mixed.entries) texts += e.spotify_id.empty();
  ASSERT_GT(texts, 0u) << "the default keeps the texts";
  const nlohmann::json j = to_json(mixed);
  for (std::size_t i = 0; i < mixed.entries.size(); ++i)
    EXPECT_EQ(j["songs"][i]["recording"].get<bool>(), !mixed.entries[i].spotify_id.empty());
  r.recordings_only = true;
  r.by = "lyrics";  // only texts have lyrics: every one is left out
  const Playlist cowboys = world().engine->playlist(r);
  EXPECT_LT(cowboys.entries.size(), 12u);
  for (const auto& e : cowboys.entries) EXPECT_FALSE(e.spotify_id.empty()) << e.title;
  ASSERT_FALSE(cowboys.notes.empty());
  EXPECT_NE(cowboys.notes.back().find("songs with a recording"), std::string::npos) << cowboys.notes.back();
  r.prompt = "calm acoustic night";  // texts by their lyrics, tracks by their sound
  r.by = std::string(kAllSignals);
  r.recordings_only = false;
  std::size_t texts_calm = 0;
  for (const auto& e : world().engine->playlist(r).entries) texts_calm += e.spotify_id.empty();
  EXPECT_GT(texts_calm, 0u);
  r.recordings_only = true;
  const Playlist playable = world().engine->playlist(r);
  ASSERT_EQ(playable.entries.size(), 12u);
  for (const auto& e : playable.entries) EXPECT_FALSE(e.spotify_id.empty()) << e.title;
}

TEST(Recordings, ARecordingsTitleWithoutItsVersionIsTheSong) {
  EXPECT_EQ(TrackFacts::song_title("Bohemian Rhapsody - Remastered 2011"), "bohemian rhapsody");
  EXPECT_EQ(TrackFacts::song_title("Bohemian Rhapsody - 2011 Mix"), "bohemian rhapsody");
  EXPECT_EQ(TrackFacts::song_title("Help! (Live) [Remastered]"), "help");
  EXPECT_EQ(TrackFacts::song_title("Señorita (feat. Camila Cabello)"), TrackFacts::normalise("Señorita"));
  // A bracket that is part of the song's name stays.
  EXPECT_EQ(TrackFacts::song_title("(I Can't Get No) Satisfaction"), TrackFacts::normalise("I Can't Get No Satisfaction"));
  EXPECT_EQ(TrackFacts::song_title("- Remastered"), "remastered");  // nothing left: the whole title
}

namespace {

Playlist more_like(const std::string& id, const std::string& by = "both", std::size_t n = 12) {
  PlaylistRequest r;
  r.like = id;
  r.by = by;
  r.n = n;
  return world().engine->playlist(r);
}

const TrackFact& track_named(const std::string& title, const std::string& artist) {
  for (const auto& t : world().engine->sources().facts->tracks())
    if (TrackFacts::song_title(t.title) == title && t.artist == artist) return t;
  throw std::runtime_error(title + " by " + artist + " is not in spotify_songs.csv");
}

}  // namespace

TEST(MoreLikeThis, ATrackGetsTracksOfItsGenresThatSoundLikeIt_NotItself) {
  const TrackFact& seed = track_named("bohemian rhapsody", "Queen");
  const auto song = world().catalog->find(seed.song_key);
  ASSERT_TRUE(song);
  const Playlist p = more_like(song->id);
  ASSERT_EQ(p.entries.size(), 12u);
  ASSERT_TRUE(p.seed);
  EXPECT_EQ(p.seed->id, song->id);
  // Chosen by what the seed has: its sound and its genres, never its (absent) lyrics.
  EXPECT_TRUE(p.uses("sound"));
  EXPECT_TRUE(p.uses("genre"));
  EXPECT_FALSE(p.uses("lyrics"));
  std::size_t same_genre = 0;
  double fit = 0;
  for (const auto& e : p.entries) {
    EXPECT_NE(TrackFacts::song_title(e.title), "bohemian rhapsody") << "the seed, in another recording: " << e.title;
    ASSERT_TRUE(e.sound) << e.title;
    EXPECT_GE(e.sound->total, 0.7) << e.title << " does not sound like the seed: " << e.why;
    fit += e.sound->total / 12;
    const TrackFact* fact = world().engine->sources().facts->find(e.song_key);
    ASSERT_TRUE(fact);
    for (const auto& g : fact->genres)
      if (std::find(seed.genres.begin(), seed.genres.end(), g) != seed.genres.end()) {
        ++same_genre;
        break;
      }
  }
  EXPECT_GE(same_genre, 10u) << "of 12 share a genre with the seed";
  EXPECT_GE(fit, 0.85) << "the mean fit to the seed's sound";
  EXPECT_EQ(to_json(p)["like"]["id"], song->id);
}

TEST(MoreLikeThis, ATextGetsTheTextsClosestToItsOwnVerses_NotItself) {
  const Playlist cowboys = generate("cowboys on the range", 3);
  const auto seed = std::find_if(cowboys.entries.begin(), cowboys.entries.end(),
                                 [](const PlaylistEntry& e) { return e.has_lyrics_match; });
  ASSERT_NE(seed, cowboys.entries.end());
  const Playlist p = more_like(seed->song_id, "both", 9);
  ASSERT_EQ(p.entries.size(), 9u);
  EXPECT_TRUE(p.uses("lyrics"));
  EXPECT_FALSE(p.uses("sound")) << "a text has no sound to match";
  ASSERT_FALSE(p.notes.empty());
  EXPECT_NE(p.notes[0].find("has no audio features"), std::string::npos) << p.notes[0];
  float previous = 2;
  for (const auto& e : p.entries) {
    EXPECT_NE(e.song_key, seed->song_key);
    EXPECT_TRUE(e.has_lyrics_match) << e.title;
    EXPECT_NE(e.why.find("close in meaning to \"" + seed->title + "\""), std::string::npos) << e.why;
    EXPECT_LE(e.semantic, previous + 1e-6f);
    previous = e.semantic;
  }
  // The seed's neighbours in meaning are about what it is about.
  // They are the songs whose best verse is nearest to the seed's own
  // meaning (the mean of its verses' vectors), counted out by hand here.
  const VerseIndex& index = world().index();
  std::vector<double> mean(index.dim(), 0.0);
  for (std::size_t r = 0; r < index.size(); ++r)
    if (index.chunk_song(r) == seed->song_key)
      for (std::size_t k = 0; k < index.dim(); ++k) mean[k] += index.row(r)[k];
  std::map<std::int64_t, double> best;  // song -> best chunk's cosine (up to the mean's length)
  for (std::size_t r = 0; r < index.size(); ++r) {
    if (index.chunk_song(r) == seed->song_key) continue;
    double dot = 0;
    for (std::size_t k = 0; k < index.dim(); ++k) dot += mean[k] * index.row(r)[k];
    auto [it, fresh] = best.try_emplace(index.chunk_song(r), dot);
    if (!fresh) it->second = std::max(it->second, dot);
  }
  std::vector<std::pair<double, std::int64_t>> nearest;
  for (const auto& [song, cosine] : best) nearest.push_back({cosine, song});
  std::sort(nearest.rbegin(), nearest.rend());
  for (std::size_t i = 0; i < 9; ++i) EXPECT_EQ(p.entries[i].song_key, nearest[i].second) << "#" << i << " " << p.entries[i].title;
}

TEST(MoreLikeThis, AnUnknownSongIsNotFoundAndTheSignalMustMatchTheSeed) {
  try {
    more_like("no-such-song");
    ADD_FAILURE() << "an unknown seed made a playlist";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::not_found);
  }
  const TrackFact& seed = track_named("bohemian rhapsody", "Queen");
  // By lyrics alone, a track without lyrics has nothing to go on: an error that says so.
  try {
    more_like(world().catalog->find(seed.song_key)->id, "lyrics");
    ADD_FAILURE() << "lyrics found songs like a track without lyrics";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("has no lyrics"), std::string::npos) << e.what();
  }
}

TEST(GenreRequest, WorksWithoutASoundRanker) {
  // A catalog opened for the genre alone has facts but no SoundRanker: the
  // members keep the order of their share and popularity.
  PlaylistSources sources = world().engine->sources();
  sources.sound = nullptr;
  PlaylistRequest r;
  r.prompt = "hard rock";
  r.by = "genre";
  const Playlist p = make_playlist(sources, r);
  ASSERT_EQ(p.entries.size(), 9u);
  for (const auto& e : p.entries) EXPECT_NE(e.why.find("filed under hard rock"), std::string::npos) << e.why;
}
