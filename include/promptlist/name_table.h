// promptlist/name_table.h: enum <-> name pairs kept in one table each.
//
//   constexpr NamedValue<LyricsScoring> kScorings[] = {
//       {LyricsScoring::semantic, "semantic"}, {LyricsScoring::lexical, "lexical"}, ...};
//   name_of(kScorings, LyricsScoring::lexical);      // "lexical"
//   value_named(kScorings, "hybrid");                // LyricsScoring::hybrid (nullopt if unknown)
//   name_list(kScorings);                            // "semantic, lexical or hybrid"
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace promptlist {

template <typename E>
struct NamedValue {
  E value;
  std::string_view name;
};

template <typename E, std::size_t N>
constexpr const char* name_of(const NamedValue<E> (&table)[N], E value) {
  for (const auto& entry : table)
    if (entry.value == value) return entry.name.data();  // the table's names are literals: NUL-terminated
  return "?";
}

template <typename E, std::size_t N>
constexpr std::optional<E> value_named(const NamedValue<E> (&table)[N], std::string_view name) {
  for (const auto& entry : table)
    if (entry.name == name) return entry.value;
  return std::nullopt;
}

template <typename E, std::size_t N>
std::vector<std::string> names(const NamedValue<E> (&table)[N]) {
  std::vector<std::string> out;
  for (const auto& entry : table) out.emplace_back(entry.name);
  return out;
}

// "a, b or c", for messages and --help.
inline std::string name_list(const std::vector<std::string>& names) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) out += (i == 0 ? "" : i + 1 == names.size() ? " or " : ", ") + names[i];
  return out;
}

template <typename E, std::size_t N>
std::string name_list(const NamedValue<E> (&table)[N]) {
  return name_list(names(table));
}

}  // namespace promptlist
