#include "promptlist/verse_index.h"

#include <cblas.h>
#include <xxhash.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <numeric>
#include <optional>

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
// 2: the checksum covers the header, which also names where each section
// starts (version 1 files had neither and are refused).
constexpr std::uint32_t kVersion = 2;
constexpr std::size_t kHeaderSize = 192;
constexpr std::size_t kModelIdSize = 96;
constexpr std::size_t kRowsAlignment = 64;  // a cache line: rows are what every query reads

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
  std::uint64_t rows_offset;
  std::uint64_t records_offset;
  std::uint64_t texts_offset;
};
static_assert(sizeof(Header) <= kHeaderSize);
static_assert(offsetof(Header, fingerprint) == 128);
static_assert(offsetof(Header, rows_offset) == 152);

std::size_t aligned(std::size_t n, std::size_t a) { return (n + a - 1) / a * a; }

// XXH3-64 of the whole file as if the checksum field were zero, so a flipped
// header byte (a count, an offset) is caught like a flipped vector byte.
std::uint64_t file_checksum(const std::uint8_t* file, std::size_t size) {
  std::uint8_t header[kHeaderSize];
  std::memcpy(header, file, kHeaderSize);
  std::memset(header + offsetof(Header, checksum), 0, sizeof(Header::checksum));
  std::unique_ptr<XXH3_state_t, decltype(&XXH3_freeState)> state(XXH3_createState(), &XXH3_freeState);
  if (!state) throw std::bad_alloc();
  XXH3_64bits_reset(state.get());
  XXH3_64bits_update(state.get(), header, kHeaderSize);
  XXH3_64bits_update(state.get(), file + kHeaderSize, size - kHeaderSize);
  return XXH3_64bits_digest(state.get());
}

// memcpy's pointers must be valid even for 0 bytes, and an empty vector's
// data() may be null (an index with no components or no chunks).
void copy_bytes(std::uint8_t* to, const void* from, std::size_t bytes) {
  if (bytes) std::memcpy(to, from, bytes);
}

// a * b for sizes read from a file, which may be crafted to wrap.
std::optional<std::uint64_t> checked_mul(std::uint64_t a, std::uint64_t b) {
  std::uint64_t r;
  if (__builtin_mul_overflow(a, b, &r)) return std::nullopt;
  return r;
}

// Whether bytes [offset, offset + length) lie within [0, limit), without
// computing a sum that could wrap.
bool fits(std::uint64_t offset, std::uint64_t length, std::uint64_t limit) {
  return offset <= limit && length <= limit - offset;
}

// What is wrong with the sections the header points at, if anything: each
// must be aligned for its type (the file is mapped at a page boundary, so an
// offset's alignment is the pointer's), inside the file and after the one
// before it.
std::optional<std::string> layout_problem(const Header& h, std::uint64_t file_size) {
  if (h.rows_offset % kRowsAlignment != 0 || h.records_offset % alignof(ChunkRecord) != 0)
    return "index header is corrupted (misaligned section: rows at byte " + std::to_string(h.rows_offset) +
           ", chunk table at byte " + std::to_string(h.records_offset) + ")";
  const auto comp_bytes = checked_mul(std::uint64_t{h.components} * h.dim, sizeof(float));
  const auto row_bytes = checked_mul(h.count, std::uint64_t{h.dim} * sizeof(float));
  const auto record_bytes = checked_mul(h.count, sizeof(ChunkRecord));
  if (!comp_bytes || !row_bytes || !record_bytes || !fits(kHeaderSize, *comp_bytes, h.rows_offset) ||
      !fits(h.rows_offset, *row_bytes, h.records_offset) || !fits(h.records_offset, *record_bytes, h.texts_offset) ||
      h.texts_offset > file_size)
    return std::string("index header is corrupted (sections overlap or lie outside the file)");
  return std::nullopt;
}

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
    if (ch.text.size() > UINT32_MAX) throw Error(path + ": a verse chunk of " + std::to_string(ch.text.size()) + " bytes is too long");
    records[i] = {ch.song_key, ch.verse, ch.line_begin, ch.line_end, static_cast<std::uint32_t>(ch.text.size()),
                  texts.size()};
    texts += ch.text;
  }

  // Body bytes are laid out in a buffer first so the checksum can go into
  // the header before anything reaches the disk.
  const std::size_t comp_bytes = c.components.size() * sizeof(float);
  const std::size_t rows_at = aligned(kHeaderSize + comp_bytes, kRowsAlignment);
  const std::size_t records_at = aligned(rows_at + c.vectors.size() * sizeof(float), alignof(ChunkRecord));
  const std::size_t texts_at = records_at + n * sizeof(ChunkRecord);
  const std::size_t file_size = texts_at + texts.size();
  std::vector<std::uint8_t> buf(file_size, 0);
  copy_bytes(buf.data() + kHeaderSize, c.components.data(), comp_bytes);
  copy_bytes(buf.data() + rows_at, c.vectors.data(), c.vectors.size() * sizeof(float));
  copy_bytes(buf.data() + records_at, records.data(), n * sizeof(ChunkRecord));
  copy_bytes(buf.data() + texts_at, texts.data(), texts.size());

  Header h{};
  std::memcpy(h.magic, kMagic, 8);
  h.version = kVersion;
  h.dim = static_cast<std::uint32_t>(c.dim);
  h.count = n;
  h.components = static_cast<std::uint32_t>(c.components.size() / c.dim);
  std::memcpy(h.model_id, c.model_id.data(), c.model_id.size());
  h.fingerprint = c.catalog_fingerprint;
  h.file_size = file_size;
  h.rows_offset = rows_at;
  h.records_offset = records_at;
  h.texts_offset = texts_at;
  std::memcpy(buf.data(), &h, sizeof h);
  h.checksum = file_checksum(buf.data(), buf.size());
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
  if (h.version < kVersion)
    throw bad("index format version " + std::to_string(h.version) + " is from an older promptlist (this one reads " +
              std::to_string(kVersion) + ")");
  if (h.version != kVersion)
    throw bad("index format version " + std::to_string(h.version) + " is not supported (expected " +
              std::to_string(kVersion) + ")");
  if (h.file_size != size)
    throw bad("index is truncated or has trailing bytes (" + std::to_string(size) + " bytes, header says " +
              std::to_string(h.file_size) + ")");
  if (file_checksum(file_.data(), size) != h.checksum) throw bad("index is corrupted (checksum mismatch)");
  h.model_id[kModelIdSize - 1] = '\0';
  model_id_ = h.model_id;
  if (!expected_model_id.empty() && model_id_ != expected_model_id)
    throw bad("index was built by model '" + model_id_ + "', not by the current model '" + expected_model_id + "'");
  dim_ = h.dim;
  count_ = h.count;
  n_components_ = h.components;
  fingerprint_ = h.fingerprint;
  checksum_ = h.checksum;
  if (dim_ == 0 || dim_ > 65536 || count_ > (1ull << 32) || n_components_ > dim_) throw bad("index header is corrupted");
  if (const auto why = layout_problem(h, size)) throw bad(*why);
  components_ = reinterpret_cast<const float*>(file_.data() + kHeaderSize);
  rows_ = reinterpret_cast<const float*>(file_.data() + h.rows_offset);
  records_ = reinterpret_cast<const ChunkRecord*>(file_.data() + h.records_offset);
  texts_ = reinterpret_cast<const char*>(file_.data() + h.texts_offset);
  texts_size_ = size - h.texts_offset;
  for (std::size_t i = 0; i < count_; ++i)
    if (!fits(records_[i].text_offset, records_[i].text_len, texts_size_) ||
        records_[i].line_end < records_[i].line_begin)
      throw bad("index chunk table is corrupted (chunk " + std::to_string(i) + ")");
}

std::string_view VerseIndex::chunk_text(std::size_t i) const {
  return std::string_view(texts_ + records_[i].text_offset, records_[i].text_len);
}

std::int64_t VerseIndex::chunk_song(std::size_t i) const { return records_[i].song_key; }

VerseChunk VerseIndex::chunk(std::size_t i) const {
  const ChunkRecord& r = records_[i];
  return {r.song_key, r.verse, r.line_begin, r.line_end, std::string(chunk_text(i))};
}

std::vector<float> VerseIndex::components() const { return {components_, components_ + n_components_ * dim_}; }

void VerseIndex::project(float* v) const { project_rows(v, 1, dim_, components()); }

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
