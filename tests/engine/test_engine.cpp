// The Engine: opened from options over a home folder, it finds its files,
// says what is missing by kind, and describes itself from the C++ tables.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "promptlist/engine.h"
#include "promptlist/error.h"
#include "promptlist/playlist_export.h"
#include "promptlist/signal.h"
#include "test_support.h"
#include "test_world.h"

using namespace promptlist;

namespace {

const test::World& world() {
  static auto w = test::make_world({"engine", 40, 0, 500});
  return *w;
}

EngineOptions options_for(const test::World& w) {
  EngineOptions o;
  o.home = w.dir.string();
  o.glove = test::glove_model_path().string();
  o.model = "glove";
  o.index = (w.dir / "index.plvi").string();
  return o;
}

ErrorKind kind_of_opening(const EngineOptions& options) {
  try {
    Engine engine(options);
  } catch (const Error& e) {
    return e.kind();
  }
  ADD_FAILURE() << "the engine opened";
  return ErrorKind::bad_input;
}

}  // namespace

TEST(Engine, OpensEverySignalOfAHome) {
  const Engine& engine = *world().engine;
  ASSERT_NE(engine.lyrics(), nullptr);
  ASSERT_NE(engine.sound(), nullptr);
  ASSERT_NE(engine.predictor(), nullptr);
  EXPECT_EQ(engine.options().catalog, (world().dir / "catalog.db").string()) << "resolved from the home";
  EXPECT_TRUE(engine.warnings().empty());
  PlaylistRequest r;
  r.prompt = "calm night by the sea";
  r.n = 5;
  const Playlist p = engine.playlist(r);
  EXPECT_EQ(p.entries.size(), 5u);
  EXPECT_TRUE(p.uses("lyrics"));
}

TEST(Engine, OpensOnlyTheSignalsAskedFor) {
  EngineOptions o = options_for(world());
  o.signals = "sound";
  const Engine engine(o);
  EXPECT_EQ(engine.lyrics(), nullptr);
  EXPECT_EQ(engine.index(), nullptr) << "the verse index is not opened for sound alone";
  EXPECT_NE(engine.sound(), nullptr);
  ASSERT_NE(engine.predictor(), nullptr);
  EXPECT_EQ(engine.predictor()->name(), "learned") << "the sound model reads prompts through the embedder";
  o.signals = "artist";
  const Engine artist(o);
  EXPECT_EQ(artist.embedder(), nullptr) << "no model is loaded for a named request alone";
  EXPECT_EQ(artist.predictor(), nullptr);
}

TEST(Engine, SaysWhatIsMissingAndWhoseItIsToFix) {
  EngineOptions o = options_for(world());
  o.catalog = (world().dir / "no-such.db").string();
  EXPECT_EQ(kind_of_opening(o), ErrorKind::unavailable);
  o = options_for(world());
  o.index = (world().dir / "no-such.plvi").string();
  o.signals = "lyrics";
  EXPECT_EQ(kind_of_opening(o), ErrorKind::unavailable) << "lyrics alone need the index";
  o.signals = std::string(kAllSignals);
  EXPECT_EQ(Engine(o).lyrics(), nullptr) << "with every signal, a missing index closes only lyrics";
  o.signals = "vibes";
  EXPECT_EQ(kind_of_opening(o), ErrorKind::bad_input);
}

TEST(Engine, WarnsWhenTheCatalogChangedSinceTheIndex) {
  auto w = test::make_world({"engine-stale", 200, 10, 0});
  test::write_file(w->dir / "more.jsonl",
                   R"({"id": "x-1", "title": "New", "artist": "Someone", "verses": ["a new verse\nof words"]})" "\n");
  w->catalog->import_lyrics_jsonl((w->dir / "more.jsonl").string());
  const Engine engine(options_for(*w));
  ASSERT_EQ(engine.warnings().size(), 1u);
  EXPECT_NE(engine.warnings()[0].find("run 'promptlist index'"), std::string::npos) << engine.warnings()[0];
}

TEST(Engine, DescribesItselfFromTheTables) {
  const nlohmann::json d = world().engine->describe();
  ASSERT_EQ(d["features"].size(), feature_specs().size());
  for (std::size_t i = 0; i < feature_specs().size(); ++i) {
    const FeatureSpec& spec = feature_specs()[i];
    EXPECT_EQ(d["features"][i]["name"], std::string(spec.name));
    EXPECT_EQ(d["features"][i]["min"], spec.target_min);
    EXPECT_EQ(d["features"][i]["max"], spec.target_max);
    EXPECT_GT(d["features"][i]["step"].get<double>(), 0);
  }
  ASSERT_EQ(d["export_formats"].size(), export_formats().size());
  for (std::size_t i = 0; i < export_formats().size(); ++i) {
    EXPECT_EQ(d["export_formats"][i]["name"], std::string(export_formats()[i].name));
    EXPECT_EQ(export_format_from_string(d["export_formats"][i]["name"].get<std::string>()), export_formats()[i].format);
  }
  ASSERT_EQ(d["signals"].size(), signal_names().size());
  for (std::size_t i = 0; i < signal_names().size(); ++i) {
    EXPECT_EQ(d["signals"][i]["name"], signal_names()[i]);
    EXPECT_TRUE(d["signals"][i]["available"].get<bool>());
  }
  EXPECT_EQ(d["all_signals"], std::string(kAllSignals));
  EXPECT_EQ(d["scorings"], nlohmann::json(lyrics_scoring_names()));
}
