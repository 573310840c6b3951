// A zip or wheel: members listed and every member extracted (zip_reader.h),
// and 'model add' of it into a scratch store.
#include <filesystem>

#include "fuzz_support.h"
#include "promptlist/model_store.h"
#include "util/zip_reader.h"

using namespace promptlist;
namespace fs = std::filesystem;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = fuzz::bytes_file(data, size, ".whl");
  const fs::path out = fs::path(path).parent_path() / "extracted";
  fuzz::expect_only_errors([&] {
    ZipReader zip(path);
    for (const auto& m : zip.members())
      if (m.size < (1u << 20)) fuzz::expect_only_errors([&] { zip.extract(m, (out / m.name).string()); });
  });
  fuzz::expect_only_errors([&] { ModelStore((fs::path(path).parent_path() / "models").string()).add(path); });
  fs::remove_all(out);
  return 0;
}
