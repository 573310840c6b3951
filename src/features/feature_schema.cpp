#include "promptlist/feature_schema.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

namespace promptlist {

namespace {
// Target ranges follow the seed card's reference list. The data ranges are
// what the Spotify Web API really returns and the shipped catalogs contain:
// loudness a few dB above 0, time_signature 0 (unknown) and 1, tempo 0 for
// tracks it could not beat-track, hour-long recordings.
constexpr std::array<FeatureSpec, kFeatureCount> kSpecs = {{
    {Feature::danceability, "danceability", 0, 1, 0, 1, FeatureScale::unit, 0.01, "", "how suitable for dancing"},
    {Feature::energy, "energy", 0, 1, 0, 1, FeatureScale::unit, 0.01, "", "intensity and activity"},
    {Feature::valence, "valence", 0, 1, 0, 1, FeatureScale::unit, 0.01, "", "musical positiveness (happy, cheerful)"},
    {Feature::acousticness, "acousticness", 0, 1, 0, 1, FeatureScale::unit, 0.01, "", "confidence the track is acoustic"},
    {Feature::instrumentalness, "instrumentalness", 0, 1, 0, 1, FeatureScale::unit, 0.01, "", "likelihood of no vocals"},
    {Feature::speechiness, "speechiness", 0, 1, 0, 1, FeatureScale::unit, 0.01, "", "presence of spoken words"},
    {Feature::liveness, "liveness", 0, 1, 0, 1, FeatureScale::unit, 0.01, "", "presence of an audience"},
    {Feature::loudness, "loudness", -70, 10, -60, 0, FeatureScale::linear, 0.5, "dB", "overall loudness"},
    {Feature::tempo, "tempo", 0, 300, 30, 250, FeatureScale::linear, 1, "BPM", "beats per minute"},
    {Feature::duration_ms, "duration_ms", 0, 6 * 3600000.0, 30000, 1200000, FeatureScale::linear, 1000, "ms", "track length"},
    {Feature::key, "key", -1, 11, 0, 11, FeatureScale::circular, 1, "", "pitch class, 0 = C ... 11 = B (-1 = unknown)"},
    {Feature::mode, "mode", 0, 1, 0, 1, FeatureScale::category, 1, "", "0 = minor, 1 = major"},
    {Feature::time_signature, "time_signature", 0, 7, 3, 7, FeatureScale::linear, 1, "", "beats per bar (0 = unknown)"},
    {Feature::popularity, "popularity", 0, 100, 0, 100, FeatureScale::linear, 1, "", "Spotify popularity"},
}};
}  // namespace

const std::array<FeatureSpec, kFeatureCount>& feature_specs() { return kSpecs; }

const FeatureSpec& feature_spec(Feature f) { return kSpecs[static_cast<std::size_t>(f)]; }

std::optional<Feature> feature_by_name(std::string_view name) {
  for (const auto& s : kSpecs)
    if (s.name == name) return s.feature;
  return std::nullopt;
}

bool FeatureValues::empty() const {
  for (const auto& v : values)
    if (v) return false;
  return true;
}

nlohmann::json to_json(const FeatureValues& values) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& spec : kSpecs)
    if (auto v = values[spec.feature]) out[std::string(spec.name)] = *v;
  return out;
}

bool feature_value_valid(Feature f, double v) {
  const auto& s = feature_spec(f);
  if (!std::isfinite(v) || v < s.min || v > s.max) return false;
  if (f == Feature::key || f == Feature::mode || f == Feature::time_signature) return v == std::floor(v);
  return true;
}

double clamp_to_target(Feature f, double v) {
  const auto& s = feature_spec(f);
  return std::clamp(v, s.target_min, s.target_max);
}

}  // namespace promptlist
