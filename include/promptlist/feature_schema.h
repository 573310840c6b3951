// promptlist/feature_schema.h: the Spotify audio features promptlist knows,
// with their valid ranges and how each one is compared.
//
// This is the one place that defines feature names and ranges (from the
// T5 Spotify-features seed card); the importer, the predictors, the ranker
// and the web page all read it from here.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

namespace promptlist {

enum class Feature : std::size_t {
  danceability, energy, valence, acousticness, instrumentalness, speechiness, liveness,
  loudness, tempo, duration_ms, key, mode, time_signature, popularity,
};
inline constexpr std::size_t kFeatureCount = 14;

// How two values of a feature are compared by the ranker.
enum class FeatureScale {
  unit,      // 0..1, linear
  linear,    // linear over [min, max]
  circular,  // pitch class: 11 is next to 0
  category,  // equal or not (mode)
};

struct FeatureSpec {
  Feature feature;
  std::string_view name;   // Spotify's name, e.g. "danceability"
  double min, max;         // valid range of catalog data, inclusive
  double target_min, target_max;  // range a prediction or override is clamped to
  FeatureScale scale;
  double step;             // the finest change a listener sets (a slider's step)
  std::string_view unit;   // "", "dB", "BPM", "ms", ...
  std::string_view help;   // one line for --help and the web page
};

const std::array<FeatureSpec, kFeatureCount>& feature_specs();
const FeatureSpec& feature_spec(Feature f);
std::optional<Feature> feature_by_name(std::string_view name);

// One optional value per feature; a catalog track or a prediction may know
// only some of them.
struct FeatureValues {
  std::array<std::optional<double>, kFeatureCount> values{};

  std::optional<double>& operator[](Feature f) { return values[static_cast<std::size_t>(f)]; }
  const std::optional<double>& operator[](Feature f) const { return values[static_cast<std::size_t>(f)]; }
  bool empty() const;
};

// {"energy": 0.8, "tempo": 120}: the known values by Spotify's names.
nlohmann::json to_json(const FeatureValues& values);

// True when v lies inside the feature's valid data range (and is an integer
// for key, mode and time_signature).
bool feature_value_valid(Feature f, double v);
// v clamped to the feature's target range.
double clamp_to_target(Feature f, double v);

}  // namespace promptlist
