// The hub downloader against a local server on 127.0.0.1 that serves the
// hub's layout, including a transfer that breaks off and a wrong checksum.
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "promptlist/error.h"
#include "promptlist/hub_download.h"
#include "util/sha256.h"
#include "test_support.h"

using namespace promptlist;
namespace fs = std::filesystem;

namespace {

constexpr const char* kCommit = "0123456789abcdef0123456789abcdef01234567";

// A fake hub serving the bert-tiny fixture folder as "test-org/bert-tiny".
class FakeHub {
 public:
  enum class Mode { good, break_once, wrong_sha };

  explicit FakeHub(Mode mode) : mode_(mode) {
    const fs::path folder = test::shared_dir() / "reference/bert-tiny";
    for (const auto& e : fs::recursive_directory_iterator(folder))
      if (e.is_regular_file()) files_[fs::relative(e.path(), folder).string()] = test::read_file(e.path());
    files_["pytorch_model.bin"] = "not wanted";
    files_["onnx/model.onnx"] = "not wanted";

    server_.Get(R"(/api/models/test-org/bert-tiny/revision/main)", [this](const httplib::Request&, httplib::Response& res) {
      nlohmann::json siblings = nlohmann::json::array();
      for (const auto& [name, bytes] : files_) {
        nlohmann::json s = {{"rfilename", name}, {"size", bytes.size()}};
        if (name == "model.safetensors") {
          std::string sha = sha256_(bytes);
          if (mode_ == Mode::wrong_sha) sha[0] = sha[0] == 'a' ? 'b' : 'a';
          s["lfs"] = {{"sha256", sha}, {"size", bytes.size()}};
        }
        siblings.push_back(s);
      }
      res.set_content(nlohmann::json{{"sha", kCommit}, {"siblings", siblings}}.dump(), "application/json");
    });
    server_.Get(R"(/test-org/bert-tiny/resolve/([0-9a-f]+)/(.+))", [this](const httplib::Request& req, httplib::Response& res) {
      ++requests_;
      auto it = files_.find(req.matches[2]);
      if (req.matches[1] != kCommit || it == files_.end()) {
        res.status = 404;
        return;
      }
      // httplib answers a Range request itself (206 and the slice) from a
      // provider of the whole file.
      if (req.has_header("Range")) ++range_requests_;
      const std::string body = it->second;
      // Break the weights' first transfer off half-way: the client sees a
      // short body and must resume with a Range request.
      const bool cut = mode_ == Mode::break_once && it->first == "model.safetensors" && !broke_.exchange(true);
      res.set_content_provider(body.size(), "application/octet-stream",
                               [body, cut](std::size_t offset, std::size_t, httplib::DataSink& sink) {
                                 const std::size_t end = cut ? body.size() / 2 : body.size();
                                 if (offset >= end) return false;  // abort: connection closes early
                                 sink.write(body.data() + offset, std::min<std::size_t>(end - offset, 65536));
                                 return true;
                               });
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~FakeHub() {
    server_.stop();
    thread_.join();
  }
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int range_requests() const { return range_requests_; }
  int requests() const { return requests_; }
  const std::map<std::string, std::string>& files() const { return files_; }

 private:
  static std::string sha256_(const std::string& bytes) {
    const auto tmp = test::scratch_dir("sha") / "blob";
    test::write_file(tmp, bytes);
    return sha256_of_file(tmp.string());
  }
  Mode mode_;
  std::map<std::string, std::string> files_;
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::atomic<bool> broke_{false};
  std::atomic<int> range_requests_{0}, requests_{0};
};

HubPullOptions options_for(const FakeHub& hub, const fs::path& cache) {
  HubPullOptions o;
  o.endpoint = hub.endpoint();
  o.cache_dir = cache.string();
  return o;
}

}  // namespace

TEST(HubDownload, PullsTheModelFilesIntoTheCache) {
  FakeHub hub(FakeHub::Mode::good);
  const auto cache = test::scratch_dir("hub");
  std::uint64_t progress_calls = 0;
  auto options = options_for(hub, cache);
  options.progress = [&](const std::string&, std::uint64_t, std::uint64_t) { ++progress_calls; };
  const auto r = pull_model("test-org/bert-tiny", options);
  EXPECT_EQ(r.commit, kCommit);
  EXPECT_EQ(fs::path(r.folder), cache / "test-org--bert-tiny" / kCommit);
  EXPECT_GT(progress_calls, 0u);
  for (const auto& [name, bytes] : hub.files()) {
    const bool wanted = name != "pytorch_model.bin" && name != "onnx/model.onnx";
    EXPECT_EQ(fs::exists(fs::path(r.folder) / name), wanted) << name;
    if (wanted) {
      EXPECT_EQ(test::read_file(fs::path(r.folder) / name), bytes) << name;
    }
  }
  EXPECT_TRUE(fs::exists(fs::path(r.folder) / "1_Pooling/config.json"));
  EXPECT_EQ(test::read_file(cache / "test-org--bert-tiny/refs/main"), kCommit);

  // A second pull finds everything in place and downloads nothing.
  const int before = hub.requests();
  const auto again = pull_model("test-org/bert-tiny", options_for(hub, cache));
  EXPECT_EQ(again.downloaded, 0u);
  EXPECT_EQ(again.reused, r.files.size());
  EXPECT_EQ(hub.requests(), before);
}

TEST(HubDownload, ResumesABrokenTransferWithARangeRequest) {
  FakeHub hub(FakeHub::Mode::break_once);
  const auto cache = test::scratch_dir("hub");
  const auto r = pull_model("test-org/bert-tiny", options_for(hub, cache));
  EXPECT_EQ(r.resumed, 1u);
  EXPECT_GE(hub.range_requests(), 1);
  EXPECT_EQ(test::read_file(fs::path(r.folder) / "model.safetensors"), hub.files().at("model.safetensors"));
  EXPECT_FALSE(fs::exists(fs::path(r.folder) / "model.safetensors.part"));
}

TEST(HubDownload, AWrongChecksumIsRefusedAndNothingIsLeftInPlace) {
  FakeHub hub(FakeHub::Mode::wrong_sha);
  const auto cache = test::scratch_dir("hub");
  try {
    pull_model("test-org/bert-tiny", options_for(hub, cache));
    FAIL() << "a file with the wrong sha256 was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("model.safetensors: sha256"), std::string::npos) << e.what();
  }
  const auto folder = cache / "test-org--bert-tiny" / kCommit;
  EXPECT_FALSE(fs::exists(folder / "model.safetensors"));
  EXPECT_FALSE(fs::exists(folder / "model.safetensors.part"));
}

TEST(HubDownload, ClearErrorsForBadIdsAndMissingModels) {
  FakeHub hub(FakeHub::Mode::good);
  const auto cache = test::scratch_dir("hub");
  EXPECT_THROW(pull_model("../etc/passwd", options_for(hub, cache)), Error);
  EXPECT_THROW(pull_model("a b", options_for(hub, cache)), Error);
  try {
    pull_model("test-org/nope", options_for(hub, cache));
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("HTTP 404"), std::string::npos) << e.what();
  }
  HubPullOptions dead = options_for(hub, cache);
  dead.endpoint = "http://127.0.0.1:1";  // nothing listens there
  EXPECT_THROW(pull_model("test-org/bert-tiny", dead), Error);
}

TEST(HubDownload, KeepsOnlyFilesAModelFolderNeeds) {
  EXPECT_TRUE(is_wanted_model_file("model.safetensors"));
  EXPECT_TRUE(is_wanted_model_file("1_Pooling/config.json"));
  EXPECT_TRUE(is_wanted_model_file("vocab.txt"));
  EXPECT_TRUE(is_wanted_model_file("spiece.model"));
  EXPECT_FALSE(is_wanted_model_file("pytorch_model.bin"));
  EXPECT_FALSE(is_wanted_model_file("onnx/model.onnx"));
  EXPECT_FALSE(is_wanted_model_file("openvino/openvino_model.xml"));
  EXPECT_FALSE(is_wanted_model_file("../config.json"));
  EXPECT_FALSE(is_wanted_model_file("/etc/config.json"));
}
