#include "promptlist/feature_target.h"

#include <nlohmann/json.hpp>

#include "promptlist/name_table.h"

namespace promptlist {

namespace {
constexpr NamedValue<TargetSource> kSources[] = {
    {TargetSource::predicted, "predicted"}, {TargetSource::stated, "stated"}, {TargetSource::user, "user"}};
}  // namespace

const char* to_string(TargetSource s) { return name_of(kSources, s); }

bool FeatureTarget::empty() const {
  for (const auto& g : goals)
    if (g) return false;
  return true;
}

void FeatureTarget::set(Feature f, FeatureGoal goal) {
  auto& slot = (*this)[f];
  if (slot && static_cast<int>(slot->source) > static_cast<int>(goal.source)) return;
  goal.value = clamp_to_target(f, goal.value);
  slot = std::move(goal);
}

void apply_overrides(FeatureTarget& target, const FeatureValues& overrides) {
  for (const auto& spec : feature_specs())
    if (auto v = overrides[spec.feature]) target.set(spec.feature, FeatureGoal{*v, 1.0, TargetSource::user, "set by you"});
}

nlohmann::json to_json(const FeatureTarget& target) {
  nlohmann::json features = nlohmann::json::object();
  for (const auto& spec : feature_specs()) {
    const auto& g = target[spec.feature];
    if (!g) continue;
    features[std::string(spec.name)] = {{"value", g->value},
                                        {"confidence", g->confidence},
                                        {"source", to_string(g->source)},
                                        {"evidence", g->evidence}};
  }
  return {{"features", features}, {"notes", target.notes}};
}

}  // namespace promptlist
