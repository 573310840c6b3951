#include "promptlist/model_store.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "promptlist/error.h"
#include "promptlist/published_models.h"
#include "promptlist/transformer_embedder.h"
#include "util/abandoned_files.h"
#include "util/sha256.h"
#include "util/zip_reader.h"

namespace promptlist {

namespace fs = std::filesystem;

namespace {

constexpr const char* kStagingPrefix = ".adding-";
constexpr const char* kManifest = "promptlist-model.json";

// A staging folder that is removed unless it was moved into place.
struct Staging {
  fs::path path;
  explicit Staging(fs::path p) : path(std::move(p)) {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~Staging() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
};

// The folder inside the archive that holds a model: the one member folder
// with both config.json and model.safetensors.
std::string model_root_in_zip(const ZipReader& zip, const std::string& source) {
  std::vector<std::string> roots;
  for (const auto& m : zip.members()) {
    if (!(m.name == "config.json" || m.name.ends_with("/config.json"))) continue;
    const std::string root = m.name.substr(0, m.name.size() - std::strlen("config.json"));
    if (zip.find(root + "model.safetensors")) roots.push_back(root);
  }
  if (roots.empty())
    throw Error(source + ": no model folder inside (no folder with both config.json and model.safetensors)");
  if (roots.size() > 1) {
    std::string list;
    for (const auto& r : roots) list += (list.empty() ? "" : ", ") + (r.empty() ? std::string("/") : r);
    throw Error(source + ": several model folders inside (" + list + "); unpack the one you want and add that folder");
  }
  return roots.front();
}

void stage_from_zip(const std::string& source, const fs::path& staging) {
  ZipReader zip(source);
  const std::string root = model_root_in_zip(zip, source);
  for (const auto& m : zip.members())
    if (m.name.starts_with(root)) zip.extract(m, (staging / m.name.substr(root.size())).string());
}

void stage_from_folder(const fs::path& source, const fs::path& staging) {
  if (!fs::exists(source / "config.json") || !fs::exists(source / "model.safetensors"))
    throw Error(source.string() + ": not a model folder (needs config.json and model.safetensors)");
  for (auto it = fs::recursive_directory_iterator(source); it != fs::recursive_directory_iterator(); ++it) {
    const fs::path rel = fs::relative(it->path(), source);
    if (rel.filename().string().starts_with(".")) {
      if (it->is_directory()) it.disable_recursion_pending();  // .git, .cache
      continue;
    }
    if (it->is_directory()) fs::create_directories(staging / rel);
    else if (it->is_regular_file()) fs::copy_file(it->path(), staging / rel);
  }
}

const PublishedModel* published_model_of_weights(const std::string& weights_sha256) {
  for (const auto& m : published_models())
    for (const auto& f : m.files)
      if (std::string(f.path) == "model.safetensors" && weights_sha256 == f.sha256) return &m;
  return nullptr;
}

// Every file the publisher lists must be there, of its size and hash.
std::vector<std::string> verify_published(const PublishedModel& model, const fs::path& staging,
                                          const std::string& source) {
  std::vector<std::string> verified;
  for (const auto& f : model.files) {
    const fs::path path = staging / f.path;
    if (!fs::exists(path)) throw Error(source + ": " + f.path + " is missing (the published " + model.name + " has it)");
    const std::string sum = sha256_of_file(path.string());
    if (fs::file_size(path) != f.bytes || sum != f.sha256)
      throw Error(source + ": " + f.path + " is not the published " + model.name + "'s (" +
                  std::to_string(fs::file_size(path)) + " bytes, sha256 " + sum + "; expected " +
                  std::to_string(f.bytes) + " bytes, sha256 " + f.sha256 + ")");
    verified.push_back(std::string(f.path) + " sha256 " + sum.substr(0, 16) + "... OK");
  }
  return verified;
}

// The folder must load and give finite vectors; returns its assumed settings.
std::vector<std::string> check_loads(const fs::path& staging, const std::string& source) {
  try {
    TransformerEmbedder embedder(staging.string());
    std::vector<float> v(embedder.dim());
    embedder.embed({"a quiet song for a rainy day"}, v.data());
    for (float x : v)
      if (!std::isfinite(x)) throw Error("the model gives non-finite vectors");
    return embedder.assumed_settings();
  } catch (const Error& e) {
    std::string what = e.what();
    const std::string prefix = staging.string();
    for (std::size_t at; (at = what.find(prefix)) != std::string::npos;) what.replace(at, prefix.size(), source);
    throw Error(what);
  }
}

void write_manifest(const fs::path& staging, const AddedModel& added, const std::string& source) {
  nlohmann::json j = {{"name", added.name}, {"source", source}, {"published", added.published},
                      {"verified", added.verified}, {"assumed", added.assumed}};
  std::ofstream(staging / kManifest) << j.dump(2) << "\n";
}

// Moves staging to final, replacing a model already there.
void install(const fs::path& staging, const fs::path& final_path) {
  const fs::path old = final_path.parent_path() / (std::string(kStagingPrefix) + std::to_string(::getpid()) + "-old");
  const bool had = fs::exists(final_path);
  if (had) fs::rename(final_path, old);
  fs::rename(staging, final_path);
  if (had) fs::remove_all(old);
}

bool is_valid_store_name(const std::string& name) {
  if (name.empty() || name.size() > 100 || name.front() == '.' || name == kGloveModelName) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
  });
}

std::string name_of_source(const fs::path& source) {
  std::string stem = fs::path(source).lexically_normal().filename().string();
  if (stem.empty()) stem = fs::path(source).lexically_normal().parent_path().filename().string();
  if (const auto dash = stem.find('-'); fs::is_regular_file(source) && dash != std::string::npos)
    stem = stem.substr(0, dash);  // a wheel: its distribution name
  for (char& c : stem)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.') c = '-';
  return stem;
}

}  // namespace

namespace {

// A model id as a file name part: "glove", or the folder's name and the
// weights' hash ("all-MiniLM-L6-v2-<hash>", "+int8" as "-int8").
std::string model_slug(const std::string& model_id) {
  if (!model_id.starts_with("st:")) return "glove";
  std::string slug = model_id.substr(3);
  for (char& c : slug)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') c = '-';
  return slug;
}

}  // namespace

std::string index_path_for(const std::string& home, const std::string& model_id) {
  return (fs::path(home) / ("index-" + model_slug(model_id) + ".plvi")).string();
}

std::string track_index_path_for(const std::string& home, const std::string& model_id) {
  return (fs::path(home) / ("tracks-" + model_slug(model_id) + ".plvi")).string();
}

std::string sound_model_path_for(const std::string& home, const std::string& model_id) {
  return (fs::path(home) / ("sound-" + model_slug(model_id) + ".plsm")).string();
}

ModelStore::ModelStore(std::string dir) : dir_(std::move(dir)) {}

AddedModel ModelStore::add(const std::string& source, const AddModelOptions& options) const {
  if (!fs::exists(source)) throw Error(source + ": not found");
  if (!options.name.empty() && !is_valid_store_name(options.name))
    throw Error("model name '" + options.name + "': use letters, digits, '-', '_' and '.' (and not 'glove')");
  fs::create_directories(dir_);
  remove_abandoned(dir_, kStagingPrefix);  // staging folders of adds that were killed
  Staging staging(fs::path(dir_) / (kStagingPrefix + std::to_string(::getpid())));
  if (fs::is_directory(source)) stage_from_folder(source, staging.path);
  else stage_from_zip(source, staging.path);

  AddedModel added;
  const PublishedModel* claimed = options.name.empty() ? nullptr : find_published_model(options.name);
  const PublishedModel* matched = published_model_of_weights(sha256_of_file((staging.path / "model.safetensors").string()));
  if (claimed && claimed != matched)
    throw Error(source + ": model.safetensors is not the published " + claimed->name + "'s (sha256 differs from " +
                claimed->repo + ")");
  if (matched) {
    added.verified = verify_published(*matched, staging.path, source);
    added.published = true;
  }
  added.name = !options.name.empty() ? options.name : matched ? matched->name : name_of_source(source);
  if (!is_valid_store_name(added.name)) throw Error(source + ": cannot name the model from it; give --name");
  added.assumed = check_loads(staging.path, source);
  write_manifest(staging.path, added, fs::absolute(source).string());
  const fs::path final_path = fs::path(dir_) / added.name;
  install(staging.path, final_path);
  added.folder = final_path.string();
  return added;
}

ModelChoice ModelStore::resolve(const std::string& name) const {
  if (name == kGloveModelName) return {kGloveModelName, ""};
  if (name.empty()) {
    for (const auto& m : published_models())
      if (fs::exists(fs::path(dir_) / m.name / "model.safetensors")) return {m.name, (fs::path(dir_) / m.name).string()};
    return {kGloveModelName, ""};
  }
  if (is_valid_store_name(name) && fs::exists(fs::path(dir_) / name / "model.safetensors"))
    return {name, (fs::path(dir_) / name).string()};
  if (fs::is_directory(name)) return {fs::path(name).lexically_normal().filename().string(), name};
  std::string have = kGloveModelName;
  for (const auto& n : names()) have += ", " + n;
  throw Error("model '" + name + "': not a folder, and not in " + dir_ + " (there: " + have +
              "); add one with 'promptlist model add WHEEL-OR-FOLDER'");
}

std::vector<std::string> ModelStore::names() const {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir_, ec)) {
    const std::string name = entry.path().filename().string();
    if (!name.starts_with(".") && fs::exists(entry.path() / "model.safetensors")) out.push_back(name);
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace promptlist
