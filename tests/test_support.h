// tests/test_support.h: where tests find shared data, models and scratch space.
#pragma once

#include <filesystem>
#include <string>

namespace promptlist::test {

// ../shared beside the repository, or $PROMPTLIST_SHARED.
std::filesystem::path shared_dir();
// shared_dir()/data, or $PROMPTLIST_DATA.
std::filesystem::path data_dir();
// The folder setup.sh fills: $PROMPTLIST_HOME, else ~/.local/share/promptlist.
std::filesystem::path promptlist_home();
// The converted GloVe model made by setup.sh: $PROMPTLIST_GLOVE, else
// promptlist_home()/models/glove-6b-100d.plwv. Fails the test when missing.
std::filesystem::path glove_model_path();
// The real all-MiniLM-L6-v2 that setup.sh adds (promptlist_home()/models/
// all-MiniLM-L6-v2), or an empty path when it is not there.
std::filesystem::path real_model_folder();
// Whether this run is CI's ($CI set), where the real model must be present.
bool in_ci();

// Skips the test where the real model is absent, fails it in CI.
#define PROMPTLIST_REQUIRE_REAL_MODEL(folder)                                                   \
  do {                                                                                          \
    if ((folder).empty()) {                                                                     \
      if (::promptlist::test::in_ci()) FAIL() << "the real model is missing in CI: setup.sh adds it"; \
      GTEST_SKIP() << "all-MiniLM-L6-v2 is not in HOME/models (./setup.sh adds it)";            \
    }                                                                                           \
  } while (0)
// A fresh empty folder under the build tree, removed at process exit.
std::filesystem::path scratch_dir(const std::string& name);
// Writes text to a file and returns its path.
std::filesystem::path write_file(const std::filesystem::path& path, const std::string& text);
std::string read_file(const std::filesystem::path& path);

}  // namespace promptlist::test
