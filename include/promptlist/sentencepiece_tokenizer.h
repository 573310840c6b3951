// promptlist/sentencepiece_tokenizer.h: a sentencepiece model file
// (spiece.model) loaded through Debian's libsentencepiece.
//
// This is the plain sentencepiece view: ids are the model's own pieces
// (0 .. piece_count()-1) and nothing is added or removed. Model-specific
// conventions (T5 appends </s> and has sentinel ids past the pieces) live in
// the model's tokenizer, see promptlist/t5_tokenizer.h.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sentencepiece {
class SentencePieceProcessor;
}

namespace promptlist {

class SentencePieceTokenizer {
 public:
  // Throws promptlist::Error naming the file when it is missing or is not a
  // sentencepiece model.
  explicit SentencePieceTokenizer(const std::string& model_path);
  ~SentencePieceTokenizer();
  SentencePieceTokenizer(SentencePieceTokenizer&&) noexcept;
  SentencePieceTokenizer& operator=(SentencePieceTokenizer&&) noexcept;

  const std::string& path() const { return path_; }
  int piece_count() const;
  int unk_id() const;
  // The id of a piece, or -1 when the model has no such piece.
  int piece_to_id(std::string_view piece) const;
  const std::string& id_to_piece(int id) const;  // id must be < piece_count()

  std::vector<int> encode(std::string_view text) const;
  std::vector<std::string> encode_pieces(std::string_view text) const;
  // Joins pieces back into text; every id must be < piece_count().
  std::string decode(const std::vector<int>& ids) const;

 private:
  std::string path_;
  std::unique_ptr<sentencepiece::SentencePieceProcessor> processor_;
};

}  // namespace promptlist
