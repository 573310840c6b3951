#include "promptlist/transformer_embedder.h"

#include <xxhash.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <numeric>

#include "promptlist/error.h"
#include "promptlist/mapped_file.h"

namespace promptlist {

namespace fs = std::filesystem;

namespace {

nlohmann::json read_json(const fs::path& path, bool required) {
  std::ifstream in(path);
  if (!in) {
    if (required) throw Error(path.string() + ": missing");
    return nlohmann::json::object();
  }
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw Error(path.string() + ": not valid JSON: " + e.what());
  }
}

// Python's str.strip(): Unicode whitespace at both ends.
std::string python_strip(const std::string& s) {
  auto is_space_at = [&](std::size_t i, std::size_t& len) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    len = 1;
    if (c == ' ' || (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x1F)) return true;
    static const char* kSpaces[] = {"\xC2\x85", "\xC2\xA0", "\xE1\x9A\x80", "\xE2\x80\xA8", "\xE2\x80\xA9",
                                    "\xE2\x80\xAF", "\xE2\x81\x9F", "\xE3\x80\x80"};
    for (const char* sp : kSpaces)
      if (s.compare(i, std::strlen(sp), sp) == 0) return len = std::strlen(sp), true;
    if (s.compare(i, 2, "\xE2\x80") == 0 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 2]) >= 0x80 &&
        static_cast<unsigned char>(s[i + 2]) <= 0x8A)
      return len = 3, true;  // U+2000..U+200A
    return false;
  };
  std::size_t begin = 0, len = 0;
  while (begin < s.size() && is_space_at(begin, len)) begin += len;
  std::size_t end = s.size();
  while (end > begin) {
    std::size_t back = end - 1;
    while (back > begin && (static_cast<unsigned char>(s[back]) & 0xC0) == 0x80) --back;
    if (!is_space_at(back, len) || back + len != end) break;
    end = back;
  }
  return s.substr(begin, end - begin);
}

std::string hex64(std::uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

}  // namespace

TransformerEmbedder::TransformerEmbedder(const std::string& folder, TransformerEmbedderOptions options)
    : encoder_(BertEncoder::load(folder, options.precision)), options_(options) {
  const fs::path dir(folder);
  read_module_settings(dir);
  if (max_seq_length_ < 3 || max_seq_length_ > static_cast<std::size_t>(encoder_.config().max_position_embeddings))
    throw Error((dir / "sentence_bert_config.json").string() + ": max_seq_length " + std::to_string(max_seq_length_) +
                " does not fit the model's " + std::to_string(encoder_.config().max_position_embeddings) + " positions");

  const auto tc = read_json(dir / "tokenizer_config.json", false);
  WordPieceOptions wp;
  wp.lower_case = tc.value("do_lower_case", true);
  wp.strip_accents = tc.contains("strip_accents") && tc["strip_accents"].is_boolean() ? tc["strip_accents"].get<bool>()
                                                                                      : wp.lower_case;
  wp.split_cjk = tc.value("tokenize_chinese_chars", true);
  if (fs::exists(dir / "vocab.txt"))
    tokenizer_ = std::make_unique<WordPieceTokenizer>(WordPieceTokenizer::from_vocab_txt((dir / "vocab.txt").string(), wp));
  else if (fs::exists(dir / "tokenizer.json"))
    tokenizer_ = std::make_unique<WordPieceTokenizer>(
        WordPieceTokenizer::from_tokenizer_json((dir / "tokenizer.json").string(), wp));
  else
    throw Error(folder + ": no vocab.txt or tokenizer.json");
  if (tokenizer_->vocab_size() != static_cast<std::size_t>(encoder_.config().vocab_size))
    throw Error(folder + ": the vocabulary has " + std::to_string(tokenizer_->vocab_size()) +
                " tokens but config.json says vocab_size " + std::to_string(encoder_.config().vocab_size));

  // Identity: the folder's name and a hash of its weights and settings.
  MappedFile weights((dir / "model.safetensors").string());
  std::uint64_t h = XXH3_64bits(weights.data(), weights.size());
  std::string settings = std::to_string(max_seq_length_) + (normalize_ ? "n" : "") + std::to_string(int(pooling_));
  h ^= XXH3_64bits(settings.data(), settings.size());
  std::string name = fs::path(folder).lexically_normal().filename().string();
  if (name.empty()) name = fs::path(folder).lexically_normal().parent_path().filename().string();
  model_id_ = "st:" + name.substr(0, 48) + "/" + hex64(h) + (options.precision == Precision::int8 ? "+int8" : "");
}

// modules.json (which modules run, where their folders are), the pooling
// config and sentence_bert_config.json; what a folder lacks takes the
// defaults of the options and is noted in assumed_settings().
void TransformerEmbedder::read_module_settings(const fs::path& dir) {
  std::string pooling_dir = "1_Pooling";
  if (fs::exists(dir / "modules.json")) {
    const auto modules = read_json(dir / "modules.json", true);
    if (!modules.is_array() || modules.empty()) throw Error((dir / "modules.json").string() + ": not a list of modules");
    bool has_transformer = false;
    for (const auto& m : modules) {
      const std::string type = m.is_object() ? m.value("type", "") : "";
      if (type.ends_with("models.Transformer")) has_transformer = true;
      else if (type.ends_with("models.Pooling")) pooling_dir = m.value("path", "1_Pooling");
      else if (type.ends_with("models.Normalize")) normalize_ = true;
      else throw Error((dir / "modules.json").string() + ": module type '" + type + "' is not supported");
    }
    if (!has_transformer) throw Error((dir / "modules.json").string() + ": no Transformer module");
  } else {
    normalize_ = options_.default_normalize;
    assumed_.push_back(std::string("modules.json missing: Transformer, Pooling") +
                       (normalize_ ? ", Normalize" : "") + " assumed");
  }
  const fs::path pooling_file = dir / pooling_dir / "config.json";
  const auto pooling = read_json(pooling_file, false);
  if (!fs::exists(pooling_file)) assumed_.push_back(pooling_dir + "/config.json missing: mean pooling assumed");
  if (pooling.value("pooling_mode_cls_token", false)) pooling_ = Pooling::cls;
  else if (pooling.value("pooling_mode_max_tokens", false)) pooling_ = Pooling::max;
  else if (pooling.value("pooling_mode_mean_sqrt_len_tokens", false) || pooling.value("pooling_mode_weightedmean_tokens", false) ||
           pooling.value("pooling_mode_lasttoken", false))
    throw Error(pooling_file.string() + ": this pooling mode is not supported (mean, CLS or max)");
  if (fs::exists(dir / "sentence_bert_config.json")) {
    const auto st = read_json(dir / "sentence_bert_config.json", true);
    max_seq_length_ = st.value("max_seq_length", options_.default_max_seq_length);
    lower_case_input_ = st.value("do_lower_case", false);
  } else {
    max_seq_length_ = std::min<std::size_t>(options_.default_max_seq_length,
                                            static_cast<std::size_t>(encoder_.config().max_position_embeddings));
    assumed_.push_back("sentence_bert_config.json missing: max_seq_length " + std::to_string(max_seq_length_) +
                       " assumed");
  }
}

std::size_t TransformerEmbedder::count_tokens(std::string_view text) const { return tokenizer_->count(text); }

EmbedStats TransformerEmbedder::embed(const std::vector<std::string>& texts, float* out,
                                      const ProgressFn& progress) const {
  EmbedStats stats;
  const std::size_t n = texts.size(), d = dim();
  std::vector<Encoding> enc(n);
  for (std::size_t i = 0; i < n; ++i) {
    std::string t = python_strip(texts[i]);
    if (lower_case_input_)
      for (char& ch : t) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    enc[i] = tokenizer_->encode(t, max_seq_length_);
    stats.tokens += enc[i].ids.size() - 2;
    stats.truncated += enc[i].truncated;
    for (auto id : enc[i].ids) stats.unknown += id == tokenizer_->unk_id();
  }
  stats.texts = n;
  // Longest first, so each batch pads to little more than its own texts.
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return enc[a].ids.size() > enc[b].ids.size(); });
  for (std::size_t start = 0; start < n; start += options_.batch_size) {
    const std::size_t end = std::min(n, start + options_.batch_size);
    TokenBatch batch;
    batch.batch = static_cast<int>(end - start);
    batch.length = static_cast<int>(enc[order[start]].ids.size());
    batch.ids.assign(static_cast<std::size_t>(batch.batch) * batch.length, tokenizer_->pad_id());
    batch.mask.assign(batch.ids.size(), 0);
    for (std::size_t b = 0; b < end - start; ++b) {
      const auto& ids = enc[order[start + b]].ids;
      std::copy(ids.begin(), ids.end(), batch.ids.begin() + static_cast<std::ptrdiff_t>(b * batch.length));
      std::fill_n(batch.mask.begin() + static_cast<std::ptrdiff_t>(b * batch.length), ids.size(), 1);
    }
    const std::vector<float> hidden = encoder_.forward(batch, options_.threads);
    for (std::size_t b = 0; b < end - start; ++b) {
      float* row = out + order[start + b] * d;
      const float* hb = hidden.data() + b * batch.length * d;
      const std::size_t len = enc[order[start + b]].ids.size();
      if (pooling_ == Pooling::cls) {
        std::copy(hb, hb + d, row);
      } else if (pooling_ == Pooling::max) {
        std::copy(hb, hb + d, row);
        for (std::size_t t = 1; t < len; ++t)
          for (std::size_t k = 0; k < d; ++k) row[k] = std::max(row[k], hb[t * d + k]);
      } else {
        std::vector<double> sum(d, 0.0);
        for (std::size_t t = 0; t < len; ++t)
          for (std::size_t k = 0; k < d; ++k) sum[k] += hb[t * d + k];
        for (std::size_t k = 0; k < d; ++k) row[k] = static_cast<float>(sum[k] / static_cast<double>(len));
      }
      if (normalize_) {
        double norm = 0;
        for (std::size_t k = 0; k < d; ++k) norm += static_cast<double>(row[k]) * row[k];
        const float inv = static_cast<float>(1.0 / std::max(std::sqrt(norm), 1e-12));
        for (std::size_t k = 0; k < d; ++k) row[k] *= inv;
      }
    }
    if (progress) progress(end, n);
  }
  return stats;
}

}  // namespace promptlist
