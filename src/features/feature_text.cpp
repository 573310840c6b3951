#include "promptlist/feature_text.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <set>
#include <string>

#include "promptlist/text.h"

namespace promptlist {

namespace {

std::string trim(std::string_view s) {
  std::size_t a = 0, b = s.size();
  while (a < b && (std::isspace(static_cast<unsigned char>(s[a])) || s[a] == '"' || s[a] == '\'' || s[a] == '{')) ++a;
  while (b > a && (std::isspace(static_cast<unsigned char>(s[b - 1])) || s[b - 1] == '"' || s[b - 1] == '\'' ||
                   s[b - 1] == '}'))
    --b;
  return std::string(s.substr(a, b - a));
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Pieces of the text are quoted in notes, which go into JSON: a cut must
// not split a character.
std::string shorten(const std::string& s) { return s.size() > 40 ? std::string(utf8_prefix(s, 40)) + "..." : s; }

}  // namespace

FeatureTarget parse_feature_text(std::string_view text, double confidence) {
  FeatureTarget target;
  // Notes quote the text and must stay valid JSON; a generator that writes
  // broken UTF-8 (a bad vocabulary, a byte-level cut) wrote nothing usable.
  if (const auto bad = find_invalid_utf8(text)) {
    target.notes.push_back("ignored what the generator wrote: it is not valid UTF-8 (byte " + std::to_string(*bad) +
                           ")");
    return target;
  }
  std::set<Feature> seen;
  // Split on commas; each piece should be `name: value`.
  std::size_t start = 0;
  std::size_t pieces = 0;
  while (start <= text.size()) {
    std::size_t end = text.find(',', start);
    if (end == std::string_view::npos) end = text.size();
    const bool last = end == text.size();
    const std::string_view piece = text.substr(start, end - start);
    start = end + 1;
    if (trim(piece).empty()) {
      if (last) break;
      continue;
    }
    ++pieces;
    const std::size_t colon = piece.find(':');
    if (colon == std::string_view::npos) {
      target.notes.push_back((last ? "dropped a truncated tail '" : "dropped '") + shorten(trim(piece)) +
                             "' (no name: value)");
      continue;
    }
    const std::string name = lower(trim(piece.substr(0, colon)));
    const std::string value_text = trim(piece.substr(colon + 1));
    const auto feature = feature_by_name(name);
    if (!feature) {
      target.notes.push_back("dropped unknown feature '" + shorten(name) + "'");
      continue;
    }
    if (value_text.empty()) {
      target.notes.push_back("dropped '" + name + "': the value is missing (truncated?)");
      continue;
    }
    double value = 0;
    auto [ptr, ec] = std::from_chars(value_text.data(), value_text.data() + value_text.size(), value);
    if (ec != std::errc() || ptr != value_text.data() + value_text.size() || !std::isfinite(value)) {
      target.notes.push_back("dropped '" + name + "': '" + shorten(value_text) + "' is not a number");
      continue;
    }
    if (!seen.insert(*feature).second) {
      target.notes.push_back("dropped a repeated '" + name + "' (the first value is kept)");
      continue;
    }
    const auto& spec = feature_spec(*feature);
    if ((*feature == Feature::key || *feature == Feature::mode || *feature == Feature::time_signature) &&
        value != std::round(value)) {
      target.notes.push_back("rounded " + name + " " + value_text + " to a whole number");
      value = std::round(value);
    }
    if (value < spec.target_min || value > spec.target_max) {
      char buf[160];
      std::snprintf(buf, sizeof buf, "clamped %s %g into %g..%g", name.c_str(), value, spec.target_min, spec.target_max);
      target.notes.push_back(buf);
    }
    target.set(*feature, FeatureGoal{value, confidence, TargetSource::predicted,
                                     "generated \"" + name + "\": " + value_text});
  }
  if (pieces == 0) target.notes.push_back("the generator wrote no features");
  return target;
}

}  // namespace promptlist
