// Explicit constraints in a prompt. These are facts the person stated, so
// they win over anything a model predicts. Matching is on the normalised
// words of the prompt (word_tokens), so case, accents and punctuation do not
// matter.
#include <charconv>
#include <cmath>
#include <string>
#include <vector>

#include "promptlist/feature_predictor.h"
#include "promptlist/text.h"

namespace promptlist {

namespace {

std::optional<double> number(const std::string& w) {
  double v = 0;
  auto [end, ec] = std::from_chars(w.data(), w.data() + w.size(), v);
  if (ec != std::errc() || end != w.data() + w.size()) return std::nullopt;
  return v;
}

std::optional<double> number_word(const std::string& w) {
  static const char* kWords[] = {"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"};
  for (int i = 0; i <= 10; ++i)
    if (w == kWords[i]) return i;
  return number(w);
}

int pitch_class(const std::string& w) {
  static const char* kNames[] = {"c", "c#", "d", "d#", "e", "f", "f#", "g", "g#", "a", "a#", "b"};
  for (int i = 0; i < 12; ++i)
    if (w == kNames[i]) return i;
  return -1;
}

void state(FeatureTarget& t, Feature f, double value, const std::string& evidence) {
  t.set(f, FeatureGoal{value, 1.0, TargetSource::stated, "\"" + evidence + "\""});
}

bool mood_words(const std::string& word, std::string_view list) {
  std::size_t start = 0;
  while (start < list.size()) {
    std::size_t end = list.find(' ', start);
    if (end == std::string_view::npos) end = list.size();
    if (list.substr(start, end - start) == word) return true;
    start = end + 1;
  }
  return false;
}

void describe(FeatureTarget& t, Feature f, double value, const std::string& word) {
  if (t[f]) return;  // a measured statement ("120 bpm") or an earlier word wins
  t.set(f, FeatureGoal{value, 0.8, TargetSource::stated, "\"" + word + "\""});
}

}  // namespace

FeatureTarget stated_constraints(std::string_view prompt) {
  FeatureTarget t;
  const auto w = word_tokens(prompt);
  auto at = [&](std::size_t i) -> const std::string& {
    static const std::string empty;
    return i < w.size() ? w[i] : empty;
  };
  for (std::size_t i = 0; i < w.size(); ++i) {
    const std::string& word = w[i];
    // "120 bpm", "120bpm" (tokenised as one word), "tempo 120"
    if ((at(i + 1) == "bpm" || at(i + 1) == "beats") && number(word)) state(t, Feature::tempo, *number(word), word + " bpm");
    if (word.size() > 3 && word.ends_with("bpm") && number(word.substr(0, word.size() - 3)))
      state(t, Feature::tempo, *number(word.substr(0, word.size() - 3)), word);
    if (word == "tempo" && number(at(i + 1))) state(t, Feature::tempo, *number(at(i + 1)), "tempo " + at(i + 1));
    if (word == "slow" || word == "slower") state(t, Feature::tempo, 75, word);
    if (word == "fast" || word == "faster" || word == "uptempo") state(t, Feature::tempo, 140, word);
    // "under 3 minutes", "less than 4 minutes", "over 5 minutes", "3 minute songs"
    if ((at(i + 2) == "minutes" || at(i + 2) == "minute" || at(i + 2) == "min" || at(i + 2) == "mins") &&
        number_word(at(i + 1))) {
      const double minutes = *number_word(at(i + 1));
      if (word == "under" || word == "below" || word == "than" || word == "shorter")
        state(t, Feature::duration_ms, std::max(30.0, minutes * 60000 - 30000), word + " " + at(i + 1) + " minutes");
      else if (word == "over" || word == "above" || word == "longer")
        state(t, Feature::duration_ms, minutes * 60000 + 60000, word + " " + at(i + 1) + " minutes");
    }
    if ((at(i + 1) == "minutes" || at(i + 1) == "minute" || at(i + 1) == "min") && number_word(word) &&
        !t[Feature::duration_ms] && i > 0 && at(i - 1) != "under" && at(i - 1) != "over" && at(i - 1) != "than")
      state(t, Feature::duration_ms, *number_word(word) * 60000, word + " minutes");
    if (word == "instrumental" || word == "instrumentals") state(t, Feature::instrumentalness, 0.85, word);
    if (word == "vocals" || word == "vocal" || word == "singing" || word == "sung") state(t, Feature::instrumentalness, 0.0, word);
    if (word == "live" || word == "concert") state(t, Feature::liveness, 0.8, word);
    if (word == "studio") state(t, Feature::liveness, 0.1, word);
    if (word == "acoustic" || word == "unplugged") state(t, Feature::acousticness, 0.85, word);
    if (word == "electronic" || word == "electric") state(t, Feature::acousticness, 0.05, word);
    if (word == "spoken" || word == "rap" || word == "podcast") state(t, Feature::speechiness, word == "rap" ? 0.3 : 0.7, word);
    if (word == "minor" && (at(i + 1) == "key" || i > 0)) state(t, Feature::mode, 0, at(i - 1) == "a" || at(i - 1) == "in" ? "minor key" : at(i - 1) + " minor");
    if (word == "major" && (at(i + 1) == "key" || i > 0)) state(t, Feature::mode, 1, at(i - 1) == "a" || at(i - 1) == "in" ? "major key" : at(i - 1) + " major");
    // "in D major", "key of G", "A minor"
    if ((at(i + 1) == "major" || at(i + 1) == "minor") && pitch_class(word) >= 0 && word != "a")
      state(t, Feature::key, pitch_class(word), word + " " + at(i + 1));
    if (word == "key" && at(i + 1) == "of" && pitch_class(at(i + 2)) >= 0)
      state(t, Feature::key, pitch_class(at(i + 2)), "key of " + at(i + 2));
    // Words that name a Spotify feature's own definition ("energy: a
    // perceptual measure of intensity and activity", "valence: musical
    // positiveness"). They are stated, but describe rather than measure,
    // so they get a lower confidence than a number would.
    if (mood_words(word, "energetic intense loud aggressive powerful hard")) describe(t, Feature::energy, 0.85, word);
    if (mood_words(word, "calm quiet mellow relaxing relaxed soft gentle peaceful soothing tranquil sleepy"))
      describe(t, Feature::energy, 0.25, word);
    if (mood_words(word, "happy cheerful joyful upbeat uplifting sunny")) describe(t, Feature::valence, 0.8, word);
    if (mood_words(word, "sad melancholy melancholic gloomy depressing mournful heartbroken"))
      describe(t, Feature::valence, 0.2, word);
    if (mood_words(word, "danceable dance dancing groovy")) describe(t, Feature::danceability, 0.8, word);
    if (word == "waltz" || (word == "3" && at(i + 1) == "4")) state(t, Feature::time_signature, 3, word);
  }
  return t;
}

}  // namespace promptlist
