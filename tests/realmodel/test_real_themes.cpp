// The foundation's theme tests, and five more, on the real all-MiniLM-L6-v2
// over the whole demo catalog as setup.sh leaves it in HOME (its catalog.db
// and the default model's index): at least 4 of the first 5 songs on theme.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <set>

#include "promptlist/catalog.h"
#include "promptlist/lyrics_search.h"
#include "promptlist/model_store.h"
#include "promptlist/playlist.h"
#include "promptlist/transformer_embedder.h"
#include "test_support.h"
#include "test_world.h"

using namespace promptlist;
namespace fs = std::filesystem;

namespace {

struct Theme {
  const char* prompt;
  std::set<std::string> stems;
};

// The first five are the foundation's (tests/playlist); the rest were added
// with the real model.
const Theme kThemes[] = {
    {"cowboys on the range", {"cow", "range", "cattle", "ranch", "herd", "trail", "prairie", "horse", "rode", "ride"}},
    {"Christmas night", {"christmas", "night", "noel", "bethlehem", "born", "manger", "star"}},
    {"a child falling asleep", {"sleep", "asleep", "slept", "slumber", "lullaby", "cradle", "baby", "child", "rest", "bed"}},
    {"death and mourning", {"death", "dead", "die", "dying", "grave", "mourn", "weep", "tomb", "tears"}},
    {"the sea", {"sea", "ocean", "wave", "ship", "sail", "shore", "deep", "tide"}},
    {"heartbreak", {"heart", "broke", "forsa", "false", "untrue", "cruel", "tears", "weep", "sorrow", "parted", "farewell", "deceiv", "lost"}},
    {"a soldier leaving", {"soldier", "war", "march", "drum", "battle", "farewell", "goodbye", "leav", "left", "regiment", "army", "gun", "sword", "fight"}},
    {"the harvest", {"harvest", "reap", "sheaf", "sheaves", "grain", "wheat", "corn", "field", "barley", "sickle", "gather", "plough", "sow", "crop"}},
    {"winter snow", {"winter", "snow", "frost", "cold", "ice", "freez", "wintry", "bleak", "flake", "december"}},
    {"a horse race", {"horse", "race", "steed", "gallop", "ride", "rode", "pony", "saddle", "bronco", "mare", "colt", "spur", "bet", "won", "win"}},
};

struct HomeCatalog {
  std::unique_ptr<Catalog> catalog;
  std::unique_ptr<TransformerEmbedder> embedder;
  std::unique_ptr<VerseIndex> index;
  std::unique_ptr<LyricsSearch> lyrics;
};

// What 'promptlist generate' opens by default.
HomeCatalog open_home(const fs::path& model) {
  HomeCatalog h;
  const fs::path home = test::promptlist_home();
  h.catalog = std::make_unique<Catalog>((home / "catalog.db").string());
  TransformerEmbedderOptions options;
  options.precision = kDefaultPrecision;
  h.embedder = std::make_unique<TransformerEmbedder>(model.string(), options);
  h.index = std::make_unique<VerseIndex>(index_path_for(home.string(), h.embedder->model_id()), h.embedder->model_id());
  h.lyrics = std::make_unique<LyricsSearch>(*h.index, *h.embedder);
  return h;
}

}  // namespace

TEST(RealModelThemes, AtLeastFourOfTheFirstFiveOnTheme) {
  const fs::path model = test::real_model_folder();
  PROMPTLIST_REQUIRE_REAL_MODEL(model);
  const HomeCatalog h = open_home(model);
  for (const auto& theme : kThemes) {
    PlaylistRequest r;
    r.prompt = theme.prompt;
    r.by = "lyrics";
    const Playlist p = make_playlist({h.catalog.get(), h.lyrics.get(), nullptr, nullptr}, r);
    const std::size_t top5 = test::on_theme(p, 5, theme.stems), top9 = test::on_theme(p, 9, theme.stems);
    std::printf("%-24s top 5: %zu/5  precision@9: %zu/9\n", theme.prompt, top5, top9);
    EXPECT_GE(top5, 4u) << theme.prompt;
  }
}
