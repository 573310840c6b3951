// promptlist/hub_download.h: fetch a model folder from the Hugging Face hub.
//
// The hub's layout: GET <endpoint>/api/models/<repo>/revision/<rev>?blobs=true
// lists the files of a revision (name, size, and for LFS files their
// sha256) and the commit it resolves to; GET
// <endpoint>/<repo>/resolve/<commit>/<file> serves a file (redirecting
// large ones to a CDN). Files land in
//   <cache>/<org>--<name>/<commit>/<file>
// through "<file>.part", which a later pull resumes with an HTTP Range
// request; a file is renamed into place only after its size (and sha256,
// when the hub gives one) checked out. Only the files a sentence-
// transformers or T5 folder needs are fetched (safetensors weights, json
// configs, vocabularies); other weight formats are skipped.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace promptlist {

struct HubFile {
  std::string name;  // path inside the repository, e.g. "1_Pooling/config.json"
  std::uint64_t size = 0;
  std::string sha256;  // lower-case hex; empty when the hub gives none (small git files)
};

struct HubPullOptions {
  std::string endpoint = "https://huggingface.co";  // $HF_ENDPOINT overrides in the CLI
  std::string revision = "main";
  std::string cache_dir;  // required
  std::string token;      // sent as "Authorization: Bearer" when set ($HF_TOKEN)
  int retries = 3;        // per file, on a broken transfer (each retry resumes)
  std::function<void(const std::string& file, std::uint64_t done, std::uint64_t total)> progress;
};

struct HubPullResult {
  std::string folder;  // the model folder, ready for --model
  std::string commit;
  std::vector<HubFile> files;
  std::size_t downloaded = 0, reused = 0, resumed = 0;
};

// Throws promptlist::Error naming the file, URL or HTTP status that failed.
HubPullResult pull_model(const std::string& repo_id, const HubPullOptions& options);

// Whether a repository file belongs in a model folder promptlist can load.
bool is_wanted_model_file(const std::string& name);

}  // namespace promptlist
