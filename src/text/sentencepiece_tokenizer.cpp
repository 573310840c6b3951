#include "promptlist/sentencepiece_tokenizer.h"

#include <sentencepiece_processor.h>

#include <filesystem>

#include "promptlist/error.h"

namespace promptlist {

namespace {

void check(const sentencepiece::util::Status& status, const std::string& path, const char* what) {
  if (!status.ok()) throw Error(path + ": sentencepiece " + what + " failed: " + status.ToString());
}

}  // namespace

SentencePieceTokenizer::SentencePieceTokenizer(const std::string& model_path)
    : path_(model_path), processor_(std::make_unique<sentencepiece::SentencePieceProcessor>()) {
  // Checked here because sentencepiece's own message for a missing file does
  // not say which file it looked for in every version.
  if (!std::filesystem::is_regular_file(model_path)) throw Error(model_path + ": sentencepiece model file is missing");
  const auto status = processor_->Load(model_path);
  if (!status.ok()) throw Error(model_path + ": not a sentencepiece model (" + status.ToString() + ")");
  if (processor_->GetPieceSize() <= 0) throw Error(model_path + ": sentencepiece model has no pieces");
}

SentencePieceTokenizer::~SentencePieceTokenizer() = default;
SentencePieceTokenizer::SentencePieceTokenizer(SentencePieceTokenizer&&) noexcept = default;
SentencePieceTokenizer& SentencePieceTokenizer::operator=(SentencePieceTokenizer&&) noexcept = default;

int SentencePieceTokenizer::piece_count() const { return processor_->GetPieceSize(); }

int SentencePieceTokenizer::unk_id() const { return processor_->unk_id(); }

int SentencePieceTokenizer::piece_to_id(std::string_view piece) const {
  // PieceToId answers unk_id for unknown pieces; tell that apart from <unk>.
  const int id = processor_->PieceToId(std::string(piece));
  if (id == processor_->unk_id() && processor_->IdToPiece(id) != piece) return -1;
  return id;
}

const std::string& SentencePieceTokenizer::id_to_piece(int id) const { return processor_->IdToPiece(id); }

std::vector<int> SentencePieceTokenizer::encode(std::string_view text) const {
  std::vector<int> ids;
  check(processor_->Encode(std::string(text), &ids), path_, "encode");
  return ids;
}

std::vector<std::string> SentencePieceTokenizer::encode_pieces(std::string_view text) const {
  std::vector<std::string> pieces;
  check(processor_->Encode(std::string(text), &pieces), path_, "encode");
  return pieces;
}

std::string SentencePieceTokenizer::decode(const std::vector<int>& ids) const {
  for (int id : ids)
    if (id < 0 || id >= piece_count())
      throw Error(path_ + ": cannot decode id " + std::to_string(id) + " (the model has " +
                  std::to_string(piece_count()) + " pieces)");
  std::string text;
  check(processor_->Decode(ids, &text), path_, "decode");
  return text;
}

}  // namespace promptlist
