#include "promptlist/verse_index.h"

#include <cblas.h>
#include <xxhash.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>

#include "promptlist/error.h"
#include "util/atomic_file.h"

namespace promptlist {

struct ChunkRecord {
  std::int64_t song_key;
  std::uint32_t verse;
  std::uint32_t line_begin;
  std::uint32_t line_end;
  std::uint32_t text_len;
  std::uint64_t text_offset;
};
static_assert(sizeof(ChunkRecord) == 32);

namespace {

constexpr char kMagic[8] = {'P', 'L', 'V', 'I', 'N', 'D', 'E', 'X'};
constexpr std::uint32_t kVersion = 1;
constexpr std::size_t kHeaderSize = 192;
constexpr std::size_t kModelIdSize = 96;

struct Header {
  char magic[8];
  std::uint32_t version;
  std::uint32_t dim;
  std::uint64_t count;
  std::uint32_t components;
  std::uint32_t reserved;
  char model_id[kModelIdSize];
  std::uint64_t fingerprint;
  std::uint64_t checksum;
  std::uint64_t file_size;
};
static_assert(sizeof(Header) <= kHeaderSize);
static_assert(offsetof(Header, fingerprint) == 128);

std::size_t aligned(std::size_t n, std::size_t a) { return (n + a - 1) / a * a; }

}  // namespace

void VerseIndex::write(const std::string& path, const IndexContents& c) {
  const std::size_t n = c.chunks.size();
  if (c.dim == 0) throw Error(path + ": cannot write an index of dimension 0");
  if (c.vectors.size() != n * c.dim || c.components.size() % c.dim != 0)
    throw Error(path + ": index contents are inconsistent (vectors do not match chunks)");
  if (c.model_id.empty() || c.model_id.size() >= kModelIdSize)
    throw Error(path + ": model id must be 1.." + std::to_string(kModelIdSize - 1) + " bytes");

  std::vector<ChunkRecord> records(n);
  std::string texts;
  for (std::size_t i = 0; i < n; ++i) {
    const auto& ch = c.chunks[i];
    records[i] = {ch.song_key, ch.verse, ch.line_begin, ch.line_end, static_cast<std::uint32_t>(ch.text.size()),
                  texts.size()};
    texts += ch.text;
  }

  // Body bytes are laid out in a buffer first so the checksum can go into
  // the header before anything reaches the disk.
  const std::size_t comp_bytes = c.components.size() * sizeof(float);
  const std::size_t rows_at = aligned(kHeaderSize + comp_bytes, 64);
  const std::size_t records_at = rows_at + c.vectors.size() * sizeof(float);
  const std::size_t texts_at = records_at + n * sizeof(ChunkRecord);
  const std::size_t file_size = texts_at + texts.size();
  std::vector<std::uint8_t> buf(file_size, 0);
  std::memcpy(buf.data() + kHeaderSize, c.components.data(), comp_bytes);
  std::memcpy(buf.data() + rows_at, c.vectors.data(), c.vectors.size() * sizeof(float));
  std::memcpy(buf.data() + records_at, records.data(), n * sizeof(ChunkRecord));
  std::memcpy(buf.data() + texts_at, texts.data(), texts.size());

  Header h{};
  std::memcpy(h.magic, kMagic, 8);
  h.version = kVersion;
  h.dim = static_cast<std::uint32_t>(c.dim);
  h.count = n;
  h.components = static_cast<std::uint32_t>(c.components.size() / c.dim);
  std::memcpy(h.model_id, c.model_id.data(), c.model_id.size());
  h.fingerprint = c.catalog_fingerprint;
  h.file_size = file_size;
  h.checksum = XXH3_64bits(buf.data() + kHeaderSize, file_size - kHeaderSize);
  std::memcpy(buf.data(), &h, sizeof h);

  AtomicFile out(path);
  out.write(buf.data(), buf.size());
  out.commit();
}

VerseIndex::VerseIndex(const std::string& path, const std::string& expected_model_id) : file_(path) {
  auto bad = [&](const std::string& why) {
    return Error(path + ": " + why + " (rebuild it with 'promptlist index')");
  };
  const std::size_t size = file_.size();
  if (size < kHeaderSize) throw bad("not a promptlist index (file too short, truncated?)");
  Header h;
  std::memcpy(&h, file_.data(), sizeof h);
  if (std::memcmp(h.magic, kMagic, 8) != 0) throw bad("not a promptlist index (bad magic)");
  if (h.version != kVersion)
    throw bad("index format version " + std::to_string(h.version) + " is not supported (expected " +
              std::to_string(kVersion) + ")");
  if (h.file_size != size)
    throw bad("index is truncated or has trailing bytes (" + std::to_string(size) + " bytes, header says " +
              std::to_string(h.file_size) + ")");
  h.model_id[kModelIdSize - 1] = '\0';
  model_id_ = h.model_id;
  if (!expected_model_id.empty() && model_id_ != expected_model_id)
    throw bad("index was built by model '" + model_id_ + "', not by the current model '" + expected_model_id + "'");
  dim_ = h.dim;
  count_ = h.count;
  n_components_ = h.components;
  fingerprint_ = h.fingerprint;
  if (dim_ == 0 || dim_ > 65536 || count_ > (1ull << 32) || n_components_ > dim_) throw bad("index header is corrupted");
  const std::size_t comp_bytes = n_components_ * dim_ * sizeof(float);
  const std::size_t rows_at = aligned(kHeaderSize + comp_bytes, 64);
  const std::size_t records_at = rows_at + count_ * dim_ * sizeof(float);
  const std::size_t texts_at = records_at + count_ * sizeof(ChunkRecord);
  if (texts_at > size) throw bad("index is truncated");
  if (XXH3_64bits(file_.data() + kHeaderSize, size - kHeaderSize) != h.checksum)
    throw bad("index is corrupted (checksum mismatch)");
  components_ = reinterpret_cast<const float*>(file_.data() + kHeaderSize);
  rows_ = reinterpret_cast<const float*>(file_.data() + rows_at);
  records_ = reinterpret_cast<const ChunkRecord*>(file_.data() + records_at);
  texts_ = reinterpret_cast<const char*>(file_.data() + texts_at);
  texts_size_ = size - texts_at;
  for (std::size_t i = 0; i < count_; ++i)
    if (records_[i].text_offset + records_[i].text_len > texts_size_ ||
        records_[i].line_end < records_[i].line_begin)
      throw bad("index chunk table is corrupted");
}

std::string_view VerseIndex::chunk_text(std::size_t i) const {
  return std::string_view(texts_ + records_[i].text_offset, records_[i].text_len);
}

std::int64_t VerseIndex::chunk_song(std::size_t i) const { return records_[i].song_key; }

VerseChunk VerseIndex::chunk(std::size_t i) const {
  const ChunkRecord& r = records_[i];
  return {r.song_key, r.verse, r.line_begin, r.line_end, std::string(chunk_text(i))};
}

void VerseIndex::project(float* v) const {
  std::vector<float> comps(components_, components_ + n_components_ * dim_);
  project_rows(v, 1, dim_, comps);
}

std::vector<float> VerseIndex::similarities(const float* query) const {
  std::vector<float> scores(count_, 0.0f);
  if (count_ == 0) return scores;
  // One matrix-vector product over the contiguous rows.
  cblas_sgemv(CblasRowMajor, CblasNoTrans, static_cast<int>(count_), static_cast<int>(dim_), 1.0f, rows_,
              static_cast<int>(dim_), query, 1, 0.0f, scores.data(), 1);
  return scores;
}

std::vector<IndexHit> VerseIndex::top_k(const float* query, std::size_t k) const {
  const auto scores = similarities(query);
  std::vector<std::uint32_t> order(count_);
  std::iota(order.begin(), order.end(), 0u);
  k = std::min(k, count_);
  auto better = [&](std::uint32_t a, std::uint32_t b) { return scores[a] > scores[b] || (scores[a] == scores[b] && a < b); };
  std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(k), order.end(), better);
  std::vector<IndexHit> hits(k);
  for (std::size_t i = 0; i < k; ++i) hits[i] = {order[i], scores[order[i]]};
  return hits;
}

void project_rows(float* rows, std::size_t n, std::size_t dim, const std::vector<float>& components) {
  const std::size_t nc = components.size() / dim;
  for (std::size_t r = 0; r < n; ++r) {
    float* v = rows + r * dim;
    for (std::size_t c = 0; c < nc; ++c) {
      const float* u = components.data() + c * dim;
      double dot = 0;
      for (std::size_t i = 0; i < dim; ++i) dot += static_cast<double>(u[i]) * v[i];
      for (std::size_t i = 0; i < dim; ++i) v[i] -= static_cast<float>(dot) * u[i];
    }
    double norm = 0;
    for (std::size_t i = 0; i < dim; ++i) norm += static_cast<double>(v[i]) * v[i];
    if (norm > 0) {
      const float inv = static_cast<float>(1.0 / std::sqrt(norm));
      for (std::size_t i = 0; i < dim; ++i) v[i] *= inv;
    }
  }
}

std::vector<float> principal_components(const float* rows, std::size_t n, std::size_t dim, std::size_t count) {
  // Gram matrix G = X^T X in double, accumulated in row order (deterministic).
  std::vector<double> gram(dim * dim, 0.0);
  for (std::size_t r = 0; r < n; ++r) {
    const float* x = rows + r * dim;
    for (std::size_t i = 0; i < dim; ++i) {
      const double xi = x[i];
      for (std::size_t j = i; j < dim; ++j) gram[i * dim + j] += xi * x[j];
    }
  }
  for (std::size_t i = 0; i < dim; ++i)
    for (std::size_t j = 0; j < i; ++j) gram[i * dim + j] = gram[j * dim + i];

  std::vector<float> result;
  for (std::size_t c = 0; c < count && n > 0; ++c) {
    std::vector<double> v(dim, 1.0 / std::sqrt(static_cast<double>(dim))), next(dim);
    double eigen = 0;
    for (int iter = 0; iter < 500; ++iter) {
      for (std::size_t i = 0; i < dim; ++i) {
        double s = 0;
        for (std::size_t j = 0; j < dim; ++j) s += gram[i * dim + j] * v[j];
        next[i] = s;
      }
      double norm = 0;
      for (double x : next) norm += x * x;
      norm = std::sqrt(norm);
      if (norm == 0) break;
      double change = 0;
      for (std::size_t i = 0; i < dim; ++i) {
        next[i] /= norm;
        change += std::abs(next[i] - v[i]);
      }
      v.swap(next);
      eigen = norm;
      if (change < 1e-12) break;
    }
    // Fix the sign (largest entry positive) so the output is canonical.
    std::size_t arg = 0;
    for (std::size_t i = 1; i < dim; ++i)
      if (std::abs(v[i]) > std::abs(v[arg])) arg = i;
    if (v[arg] < 0)
      for (double& x : v) x = -x;
    for (double x : v) result.push_back(static_cast<float>(x));
    // Deflate: G -= eigen * v v^T, for the next component.
    for (std::size_t i = 0; i < dim; ++i)
      for (std::size_t j = 0; j < dim; ++j) gram[i * dim + j] -= eigen * v[i] * v[j];
  }
  return result;
}

}  // namespace promptlist
