#include "features/activity_sounds.h"

namespace promptlist {

const std::vector<ActivitySound>& activity_sounds() {
  using F = Feature;
  static const std::vector<ActivitySound> kSounds = {
      {"workout at the gym",
       {{F::energy, 1.0}, {F::loudness, 0.7}, {F::tempo, 0.4}, {F::danceability, 0.3}, {F::acousticness, -0.7}}},
      {"running and jogging",
       {{F::energy, 1.0}, {F::tempo, 0.8}, {F::valence, 0.4}, {F::loudness, 0.5}, {F::acousticness, -0.6}}},
      {"party",
       {{F::danceability, 1.0}, {F::energy, 0.7}, {F::valence, 0.7}, {F::loudness, 0.5}, {F::acousticness, -0.5}}},
      {"studying and focus",
       {{F::energy, -1.0}, {F::instrumentalness, 1.0}, {F::speechiness, -0.6}, {F::acousticness, 0.7}, {F::loudness, -0.8},
        {F::valence, -0.4}}},
      {"sleep",
       {{F::energy, -1.5}, {F::acousticness, 1.3}, {F::loudness, -1.3}, {F::tempo, -0.6}, {F::danceability, -0.6},
        {F::instrumentalness, 0.6}}},
      {"meditation and yoga",
       {{F::energy, -1.5}, {F::acousticness, 1.3}, {F::instrumentalness, 1.2}, {F::loudness, -1.3}, {F::tempo, -0.5},
        {F::speechiness, -0.5}}},
      {"chill and relax", {{F::energy, -0.8}, {F::acousticness, 0.6}, {F::loudness, -0.6}, {F::tempo, -0.3}}},
      {"romantic dinner",
       {{F::energy, -0.7}, {F::acousticness, 0.7}, {F::loudness, -0.6}, {F::valence, 0.2}, {F::speechiness, -0.4}}},
      {"rainy day", {{F::valence, -0.7}, {F::energy, -0.7}, {F::acousticness, 0.8}, {F::loudness, -0.5}}},
      {"road trip", {{F::energy, 0.5}, {F::valence, 0.7}, {F::tempo, 0.2}, {F::danceability, 0.2}}},
      {"cleaning the house", {{F::energy, 0.7}, {F::valence, 0.8}, {F::danceability, 0.6}}},
      {"cooking dinner", {{F::valence, 0.6}, {F::danceability, 0.4}, {F::acousticness, 0.3}}},
      {"morning coffee", {{F::energy, -0.4}, {F::acousticness, 0.6}, {F::valence, 0.4}}},
  };
  return kSounds;
}

}  // namespace promptlist
