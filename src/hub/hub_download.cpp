#include "promptlist/hub_download.h"

#include <httplib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>

#include "promptlist/error.h"
#include "util/sha256.h"

namespace promptlist {

namespace fs = std::filesystem;

bool is_wanted_model_file(const std::string& name) {
  if (name.find("..") != std::string::npos || name.empty() || name.front() == '/') return false;
  const fs::path p(name);
  const std::string file = p.filename().string();
  const std::string first = p.begin()->string();
  // Other runtimes' exports live in folders of their own.
  if (first == "onnx" || first == "openvino" || first == "coreml" || first == "tf" || first == "flax") return false;
  if (p.extension() == ".safetensors" || p.extension() == ".json") return true;
  return file == "vocab.txt" || file == "spiece.model" || file == "sentencepiece.bpe.model" || file == "merges.txt";
}

namespace {

void check_repo_id(const std::string& repo) {
  static const std::regex kRepo(R"(^[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)?$)");
  if (!std::regex_match(repo, kRepo) || repo.find("..") != std::string::npos)
    throw Error("'" + repo + "' is not a Hugging Face model id (expected org/name)");
}

struct Hub {
  const HubPullOptions& options;
  httplib::Client client;
  httplib::Headers headers;

  explicit Hub(const HubPullOptions& o) : options(o), client(o.endpoint) {
    if (!client.is_valid()) throw Error("cannot use hub endpoint '" + o.endpoint + "'");
    client.set_follow_location(true);
    client.set_connection_timeout(15);
    client.set_read_timeout(60);
    if (!o.token.empty()) headers.emplace("Authorization", "Bearer " + o.token);
    headers.emplace("User-Agent", "promptlist");
  }

  std::string url(const std::string& path) const { return options.endpoint + path; }
};

std::string describe(const httplib::Result& r) {
  return r ? "HTTP " + std::to_string(r->status) : "network error: " + httplib::to_string(r.error());
}

// Downloads one file into folder/<name> through <name>.part. Returns true
// when the transfer resumed an earlier partial download.
bool fetch(Hub& hub, const std::string& repo, const std::string& commit, const HubFile& f, const fs::path& folder) {
  const fs::path final_path = folder / f.name;
  const fs::path part_path = fs::path(final_path.string() + ".part");
  fs::create_directories(final_path.parent_path());
  const std::string path = "/" + repo + "/resolve/" + commit + "/" + f.name;
  bool resumed = false;
  for (int attempt = 0;; ++attempt) {
    std::uint64_t have = fs::exists(part_path) ? fs::file_size(part_path) : 0;
    if (f.size && have > f.size) {
      fs::remove(part_path);
      have = 0;
    }
    if (have > 0) resumed = true;
    std::FILE* out = std::fopen(part_path.c_str(), have ? "ab" : "wb");
    if (!out) throw Error(part_path.string() + ": cannot write");
    httplib::Headers headers = hub.headers;
    if (have) headers.emplace("Range", "bytes=" + std::to_string(have) + "-");
    bool restart = false;
    std::uint64_t written = have;
    auto result = hub.client.Get(
        path, headers,
        [&](const httplib::Response& response) {
          if (response.status == 200 && have > 0) {  // the server ignored Range: start over
            restart = true;
            return false;
          }
          return response.status == 200 || response.status == 206;
        },
        [&](const char* data, std::size_t len) {
          if (std::fwrite(data, 1, len, out) != len) return false;
          written += len;
          if (hub.options.progress) hub.options.progress(f.name, written, f.size);
          return true;
        });
    std::fclose(out);
    if (restart) {
      fs::remove(part_path);
      continue;
    }
    if (result && result->status != 200 && result->status != 206)
      throw Error(hub.url(path) + ": " + describe(result));
    const std::uint64_t got = fs::file_size(part_path);
    if (!result || (f.size && got < f.size)) {
      if (attempt < hub.options.retries) continue;  // resume what we have
      throw Error(hub.url(path) + ": download broke off at " + std::to_string(got) + " of " + std::to_string(f.size) +
                  " bytes (" + describe(result) + "); run the pull again to resume");
    }
    if (f.size && got != f.size) {
      fs::remove(part_path);
      throw Error(f.name + ": size " + std::to_string(got) + " does not match the hub's " + std::to_string(f.size));
    }
    if (!f.sha256.empty()) {
      const std::string sum = sha256_of_file(part_path.string());
      if (sum != f.sha256) {
        fs::remove(part_path);  // a resumed transfer may have mixed two versions: start clean next time
        throw Error(f.name + ": sha256 " + sum + " does not match the hub's " + f.sha256 + "; the file was removed");
      }
    }
    fs::rename(part_path, final_path);
    return resumed;
  }
}

}  // namespace

HubPullResult pull_model(const std::string& repo, const HubPullOptions& options) {
  check_repo_id(repo);
  if (options.cache_dir.empty()) throw Error("no cache folder given for the hub download");
  Hub hub(options);

  const std::string api = "/api/models/" + repo + "/revision/" + options.revision + "?blobs=true";
  auto listing = hub.client.Get(api, hub.headers);
  if (!listing || listing->status != 200) {
    std::string hint = listing && (listing->status == 401 || listing->status == 404)
                           ? " (no such model, or a private one: set HF_TOKEN)"
                           : "";
    throw Error(hub.url(api) + ": " + describe(listing) + hint);
  }
  HubPullResult result;
  try {
    const auto j = nlohmann::json::parse(listing->body);
    result.commit = j.at("sha").get<std::string>();
    for (const auto& s : j.at("siblings")) {
      HubFile f;
      f.name = s.at("rfilename").get<std::string>();
      if (!is_wanted_model_file(f.name)) continue;
      if (s.contains("size")) f.size = s["size"].get<std::uint64_t>();
      if (s.contains("lfs") && s["lfs"].is_object()) {
        f.sha256 = s["lfs"].value("sha256", "");
        f.size = s["lfs"].value("size", f.size);
      }
      result.files.push_back(std::move(f));
    }
  } catch (const nlohmann::json::exception& e) {
    throw Error(hub.url(api) + ": unexpected answer from the hub: " + e.what());
  }
  static const std::regex kCommit("^[0-9a-f]{7,64}$");
  if (!std::regex_match(result.commit, kCommit)) throw Error(hub.url(api) + ": the hub gave no valid commit id");
  bool has_weights = false;
  for (const auto& f : result.files) has_weights |= fs::path(f.name).extension() == ".safetensors";
  if (!has_weights) throw Error(repo + ": the repository has no .safetensors weights (only safetensors are supported)");

  std::string folder_name;  // "org/name" -> "org--name", as the hub's own cache does
  for (char c : repo) folder_name += c == '/' ? std::string("--") : std::string(1, c);
  const fs::path folder = fs::path(options.cache_dir) / folder_name / result.commit;
  result.folder = folder.string();
  for (const auto& f : result.files) {
    const fs::path target = folder / f.name;
    if (fs::exists(target) && fs::file_size(target) == f.size && (f.sha256.empty() || sha256_of_file(target) == f.sha256)) {
      ++result.reused;
      continue;
    }
    result.resumed += fetch(hub, repo, result.commit, f, folder);
    ++result.downloaded;
  }
  // refs/<revision> names the commit, like the hub's own cache.
  const fs::path ref = fs::path(options.cache_dir) / folder_name / "refs" / options.revision;
  fs::create_directories(ref.parent_path());
  std::ofstream(ref) << result.commit;
  return result;
}

}  // namespace promptlist
