#include "promptlist/feature_target.h"

#include <nlohmann/json.hpp>

namespace promptlist {

const char* to_string(TargetSource s) {
  switch (s) {
    case TargetSource::predicted: return "predicted";
    case TargetSource::stated: return "stated";
    case TargetSource::user: return "user";
  }
  return "?";
}

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
