// The era signal: "90s", "from the 80s", "1960s", "songs from 2015",
// "oldies". Tracks released then: by their release year, or for tracks of
// the decade files (which have none) by the decade they were filed under;
// an exact year first, then the most popular.
#include <algorithm>
#include <regex>

#include "playlist/ranked_list_run.h"
#include "promptlist/text.h"

namespace promptlist {

namespace {

struct Era {
  int from = 0, to = 0;  // years, inclusive
  std::optional<int> year;  // a single year was named
  std::string label;      // "the 1990s", "2015", "before 1980"
};

// Named decades as words.
constexpr std::pair<std::string_view, int> kDecadeWords[] = {
    {"fifties", 1950}, {"sixties", 1960}, {"seventies", 1970}, {"eighties", 1980}, {"nineties", 1990}};

Era decade(int start) { return {start, start + 9, std::nullopt, "the " + std::to_string(start) + "s"}; }

std::optional<Era> find_era(std::string_view prompt) {
  const std::string text = normalize_text(prompt);
  static const std::regex kDecade(R"((?:^|[^0-9])'?((?:19|20)?[0-9])0'?s(?![a-z0-9]))");
  static const std::regex kYear(R"((?:^|[^0-9])((?:19[5-9]|20[0-2])[0-9])(?![0-9]))");
  std::smatch m;
  if (std::regex_search(text, m, kDecade)) {
    const std::string digits = m[1].str();
    int start = std::stoi(digits) * 10;
    if (digits.size() == 1) start += start >= 30 ? 1900 : 2000;  // "90s" -> 1990, "10s" -> 2010
    return decade(start);
  }
  if (std::regex_search(text, m, kYear)) {
    const int y = std::stoi(m[1].str());
    return Era{y, y, y, std::to_string(y)};
  }
  for (const auto& w : word_tokens(text)) {
    for (const auto& [word, start] : kDecadeWords)
      if (w == word) return decade(start);
    if (w == "oldies") return Era{0, 1979, std::nullopt, "before 1980"};
  }
  return std::nullopt;
}

bool in_era(const TrackFact& t, const Era& era) {
  if (t.year) return *t.year >= era.from && *t.year <= era.to;
  return !era.year && t.decade && *t.decade >= era.from && *t.decade <= era.to;  // a decade file's track
}

class EraSignal : public TrackFactsSignal {
 public:
  using TrackFactsSignal::TrackFactsSignal;
  std::string_view name() const override { return "era"; }
  std::string_view chosen_by() const override { return "the era named"; }
  std::string unavailable_reason() const override { return "the catalog knows no track's year"; }

  std::unique_ptr<SignalRun> start(const SignalQuery& q, Refusal& refusal) const override {
    const auto era = find_era(q.request.prompt);
    if (!era) {
      refusal = {"", "the prompt names no era; try \"90s\", \"from the 80s\" or \"songs from 2015\""};
      return nullptr;
    }
    const auto& tracks = facts_->tracks();
    std::vector<std::uint32_t> order;  // most popular first
    for (std::uint32_t i : facts_->by_popularity())
      if (in_era(tracks[i], *era)) order.push_back(i);
    std::vector<SignalHit> hits;
    append_hits(*facts_, order, 1.0, hits);
    auto why = [this, era = *era](const SignalHit& hit) {
      const TrackFact* t = facts_->find(hit.song_key);  // hits are tracks of facts_
      return t->year ? "released in " + std::to_string(*t->year) : "from " + era.label;
    };
    return std::make_unique<RankedListRun>(std::move(hits), why);
  }
};

}  // namespace

std::unique_ptr<Signal> make_era_signal(const PlaylistSources& sources) {
  return std::make_unique<EraSignal>(sources.facts);
}

}  // namespace promptlist
