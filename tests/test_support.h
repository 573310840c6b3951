// tests/test_support.h: where tests find shared data, models and scratch space.
#pragma once

#include <filesystem>
#include <string>

namespace promptlist::test {

// ../shared beside the repository, or $PROMPTLIST_SHARED.
std::filesystem::path shared_dir();
// shared_dir()/data, or $PROMPTLIST_DATA.
std::filesystem::path data_dir();
// The converted GloVe model made by setup.sh: $PROMPTLIST_GLOVE, else
// $PROMPTLIST_HOME/models/glove-6b-100d.plwv, else
// ~/.local/share/promptlist/models/glove-6b-100d.plwv. Fails the test when missing.
std::filesystem::path glove_model_path();
// A fresh empty folder under the build tree, removed at process exit.
std::filesystem::path scratch_dir(const std::string& name);
// Writes text to a file and returns its path.
std::filesystem::path write_file(const std::filesystem::path& path, const std::string& text);
std::string read_file(const std::filesystem::path& path);

}  // namespace promptlist::test
