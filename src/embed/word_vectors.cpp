#include "promptlist/word_vectors.h"

#include <xxhash.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <numeric>
#include <vector>

#include "promptlist/error.h"
#include "util/atomic_file.h"

namespace promptlist {

namespace {

constexpr char kMagic[8] = {'P', 'L', 'W', 'O', 'R', 'D', 'V', '1'};
constexpr std::uint32_t kVersion = 1;
constexpr std::size_t kHeaderSize = 128;

struct Header {
  char magic[8];
  std::uint32_t version;
  std::uint32_t dim;
  std::uint64_t count;
  std::uint64_t offsets_at, words_at, sorted_at, vectors_at;
  std::uint64_t checksum;
};
static_assert(sizeof(Header) <= kHeaderSize);

}  // namespace

WordVectors::WordVectors(const std::string& path) : file_(path) {
  auto bad = [&](const std::string& why) {
    return Error(path + ": " + why + " (rebuild it with 'promptlist model import-glove')");
  };
  if (file_.size() < kHeaderSize) throw bad("not a word-vector file (too short)");
  Header h;
  std::memcpy(&h, file_.data(), sizeof h);
  if (std::memcmp(h.magic, kMagic, 8) != 0) throw bad("not a promptlist word-vector file (bad magic)");
  if (h.version != kVersion) throw bad("word-vector file version " + std::to_string(h.version) + " is not supported");
  const std::size_t size = file_.size();
  const std::uint64_t vec_bytes = h.count * h.dim * sizeof(float);
  if (h.dim == 0 || h.dim > 4096 || h.count == 0 || h.count > (1u << 26) || h.offsets_at != kHeaderSize ||
      h.words_at > size || h.sorted_at > size || h.vectors_at % 4 != 0 || h.vectors_at > size ||
      size - h.vectors_at != vec_bytes || h.sorted_at + h.count * 4 > h.vectors_at ||
      h.offsets_at + (h.count + 1) * 4 > h.words_at)
    throw bad("word-vector file is truncated or inconsistent");
  if (XXH3_64bits(file_.data() + kHeaderSize, size - kHeaderSize) != h.checksum)
    throw bad("word-vector file is corrupted (checksum mismatch)");
  dim_ = h.dim;
  count_ = h.count;
  checksum_ = h.checksum;
  offsets_ = reinterpret_cast<const std::uint32_t*>(file_.data() + h.offsets_at);
  words_ = reinterpret_cast<const char*>(file_.data() + h.words_at);
  sorted_ = reinterpret_cast<const std::uint32_t*>(file_.data() + h.sorted_at);
  vectors_ = reinterpret_cast<const float*>(file_.data() + h.vectors_at);
  if (offsets_[count_] > h.sorted_at - h.words_at) throw bad("word-vector file is inconsistent (word table)");
}

std::string_view WordVectors::word(std::uint32_t id) const {
  return std::string_view(words_ + offsets_[id], offsets_[id + 1] - offsets_[id]);
}

std::optional<std::uint32_t> WordVectors::find(std::string_view w) const {
  const std::uint32_t* end = sorted_ + count_;
  const std::uint32_t* it =
      std::lower_bound(sorted_, end, w, [this](std::uint32_t id, std::string_view key) { return word(id) < key; });
  if (it != end && word(*it) == w) return *it;
  return std::nullopt;
}

namespace {

// SAX handler for the wink JSON: remembers the "words" list and, inside
// "vectors", collects each word's numbers. Memory stays at the size of the
// output, not of a 300 MB JSON document tree.
class WinkSax : public nlohmann::json_sax<nlohmann::json> {
 public:
  std::size_t dim = 0;
  std::vector<std::string> words;
  std::vector<float> vectors;          // filled once words and dim are known
  std::vector<char> seen;
  std::function<void(std::size_t)> on_vector;
  std::string error;

  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t v) override { return number(static_cast<double>(v)); }
  bool number_unsigned(number_unsigned_t v) override { return number(static_cast<double>(v)); }
  bool number_float(number_float_t v, const string_t&) override { return number(v); }
  bool string(string_t& s) override {
    if (depth_ == 2 && top_key_ == "words") words.push_back(std::move(s));
    return true;
  }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override {
    ++depth_;
    if (depth_ == 2 && top_key_ == "vectors") {
      if (dim == 0 || words.empty()) return fail("'vectors' comes before 'dimensions' and 'words'");
      vectors.assign(words.size() * dim, 0.0f);
      seen.assign(words.size(), 0);
    }
    return true;
  }
  bool key(string_t& k) override {
    if (depth_ == 1) top_key_ = k;
    if (depth_ == 2 && top_key_ == "vectors") current_word_ = k;
    return true;
  }
  bool end_object() override {
    --depth_;
    return true;
  }
  bool start_array(std::size_t) override {
    ++depth_;
    if (depth_ == 3 && top_key_ == "vectors") values_.clear();
    return true;
  }
  bool end_array() override {
    if (depth_ == 3 && top_key_ == "vectors") {
      // [dim values..., l2 norm, index]
      if (values_.size() != dim + 2) return fail("vector of '" + current_word_ + "' has the wrong length");
      const double index = values_[dim + 1];
      if (index < 0 || index >= static_cast<double>(words.size()) || words[static_cast<std::size_t>(index)] != current_word_)
        return fail("vector of '" + current_word_ + "' has an index that does not match the word list");
      const auto id = static_cast<std::size_t>(index);
      for (std::size_t i = 0; i < dim; ++i) vectors[id * dim + i] = static_cast<float>(values_[i]);
      seen[id] = 1;
      if (on_vector) on_vector(++vectors_done_);
    }
    --depth_;
    return true;
  }
  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& ex) override {
    return fail("not valid JSON at byte " + std::to_string(position) + ": " + ex.what());
  }

 private:
  bool number(double v) {
    if (depth_ == 1 && top_key_ == "dimensions") dim = static_cast<std::size_t>(v);
    if (depth_ == 3 && top_key_ == "vectors") values_.push_back(v);
    return true;
  }
  bool fail(const std::string& why) {
    if (error.empty()) error = why;
    return false;
  }
  int depth_ = 0;
  std::string top_key_, current_word_;
  std::vector<double> values_;
  std::size_t vectors_done_ = 0;
};

}  // namespace

void convert_wink_embeddings(const std::string& json_path, const std::string& out_path,
                             const std::function<void(std::size_t, std::size_t)>& progress) {
  std::ifstream in(json_path, std::ios::binary);
  if (!in) throw Error(json_path + ": cannot open");
  WinkSax sax;
  if (progress) sax.on_vector = [&](std::size_t done) {
    if (done % 4096 == 0) progress(done, sax.words.size());
  };
  const bool ok = nlohmann::json::sax_parse(in, &sax);
  if (!ok || !sax.error.empty()) throw Error(json_path + ": " + (sax.error.empty() ? "parse failed" : sax.error));
  if (sax.dim == 0 || sax.words.empty()) throw Error(json_path + ": no 'dimensions' or 'words' found");
  const std::size_t count = sax.words.size(), dim = sax.dim;
  const std::size_t missing = static_cast<std::size_t>(std::count(sax.seen.begin(), sax.seen.end(), 0));
  if (sax.seen.size() != count || missing != 0)
    throw Error(json_path + ": " + std::to_string(missing) + " words have no vector");
  if (progress) progress(count, count);

  // Words may repeat in the source list; the first (most frequent) wins the
  // lookup because the sort is stable and find() returns the first match.
  std::vector<std::uint32_t> offsets(count + 1, 0);
  std::string blob;
  for (std::size_t i = 0; i < count; ++i) {
    offsets[i] = static_cast<std::uint32_t>(blob.size());
    blob += sax.words[i];
  }
  offsets[count] = static_cast<std::uint32_t>(blob.size());
  std::vector<std::uint32_t> sorted(count);
  std::iota(sorted.begin(), sorted.end(), 0u);
  std::stable_sort(sorted.begin(), sorted.end(),
                   [&](std::uint32_t a, std::uint32_t b) { return sax.words[a] < sax.words[b]; });

  AtomicFile out(out_path);
  Header h{};
  std::memcpy(h.magic, kMagic, 8);
  h.version = kVersion;
  h.dim = static_cast<std::uint32_t>(dim);
  h.count = count;
  std::vector<char> header_bytes(kHeaderSize, 0);
  out.write(header_bytes.data(), header_bytes.size());
  h.offsets_at = out.offset();
  out.write(offsets.data(), offsets.size() * 4);
  h.words_at = out.offset();
  out.write(blob.data(), blob.size());
  out.pad_to(64);
  h.sorted_at = out.offset();
  out.write(sorted.data(), sorted.size() * 4);
  out.pad_to(64);
  h.vectors_at = out.offset();
  out.write(sax.vectors.data(), sax.vectors.size() * sizeof(float));

  // Checksum of the body, computed from the same bytes in the same order.
  XXH3_state_t* state = XXH3_createState();
  XXH3_64bits_reset(state);
  auto hash_padded = [&](const void* p, std::size_t n, std::size_t at) {
    XXH3_64bits_update(state, p, n);
    static const char zeros[64] = {};
    std::size_t end = at + n;
    if (end % 64) XXH3_64bits_update(state, zeros, 64 - end % 64);
  };
  XXH3_64bits_update(state, offsets.data(), offsets.size() * 4);
  hash_padded(blob.data(), blob.size(), h.words_at);
  hash_padded(sorted.data(), sorted.size() * 4, h.sorted_at);
  XXH3_64bits_update(state, sax.vectors.data(), sax.vectors.size() * sizeof(float));
  h.checksum = XXH3_64bits_digest(state);
  XXH3_freeState(state);
  std::memcpy(header_bytes.data(), &h, sizeof h);
  out.write_at(0, header_bytes.data(), header_bytes.size());
  out.commit();
}

}  // namespace promptlist
