// Explicit constraints in a prompt. These are facts the person stated, so
// they win over anything a model predicts. Matching is on the normalised
// words of the prompt (word_tokens), so case, accents and punctuation do not
// matter.
#include <charconv>
#include <cmath>
#include <string>
#include <vector>

#include "promptlist/feature_predictor.h"
#include "promptlist/feature_schema.h"
#include "promptlist/text.h"
#include "features/describing_words.h"

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

// What a negated statement asks for. Presence features (vocals, an
// audience, acoustic instruments, speech) flip; a negated mood is a
// moderate value on the other side ("not sad" is not "happy", "not too
// loud" is not "silent"); a negated tempo word is a middling tempo.
double negate(Feature f, double v) {
  if (f == Feature::tempo) return v > 110 ? 100 : 115;
  if (feature_spec(f).scale != FeatureScale::unit) return v;
  if (f == Feature::instrumentalness) return v < 0.5 ? 0.85 : 0.0;
  if (f == Feature::liveness || f == Feature::acousticness || f == Feature::speechiness) return 1.0 - v;
  return 0.5 - (v - 0.5) * 0.4;
}

// "a bit sad", "slightly faster", "a little more energetic": how many
// words before word i soften it (0: none); its value moves half way back
// to typical.
std::size_t softener_before(const std::vector<std::string>& w, std::size_t i) {
  auto at = [&](std::size_t back) -> std::string { return back <= i ? w[i - back] : std::string(); };
  const std::size_t back = at(1) == "more" ? 2 : 1;  // "a bit more energetic"
  if (at(back) == "slightly" || at(back) == "somewhat" || at(back) == "fairly") return back;
  return at(back + 1) == "a" && (at(back) == "bit" || at(back) == "little") ? back + 1 : 0;
}

double soften(Feature f, double v) {
  if (f == Feature::tempo) return 115 + (v - 115) * 0.5;
  if (feature_spec(f).scale != FeatureScale::unit) return v;
  return 0.5 + (v - 0.5) * 0.5;
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
    const std::string negation = negation_before(w, i);
    const std::size_t soft = negation.empty() ? softener_before(w, i) : 0;
    // A word's own statement, its negation's ("no vocals", "not too loud")
    // or its softened form's ("a bit sad").
    auto shade = [&](Feature f, double v) { return !negation.empty() ? negate(f, v) : soft ? soften(f, v) : v; };
    std::string said = negation;
    for (std::size_t k = i - soft; k < i; ++k) said += w[k] + " ";
    said += word;
    auto says = [&](Feature f, double v) { state(t, f, shade(f, v), said); };
    auto means = [&](Feature f, double v) { describe(t, f, shade(f, v), said); };
    // "120 bpm", "120bpm" (tokenised as one word), "tempo 120"
    if ((at(i + 1) == "bpm" || at(i + 1) == "beats") && number(word)) state(t, Feature::tempo, *number(word), word + " bpm");
    if (word.size() > 3 && word.ends_with("bpm") && number(word.substr(0, word.size() - 3)))
      state(t, Feature::tempo, *number(word.substr(0, word.size() - 3)), word);
    if (word == "tempo" && number(at(i + 1))) state(t, Feature::tempo, *number(at(i + 1)), "tempo " + at(i + 1));
    if (word == "slow" || word == "slower") says(Feature::tempo, 75);
    if (word == "fast" || word == "faster" || word == "uptempo") says(Feature::tempo, 140);
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
    if (word == "instrumental" || word == "instrumentals") says(Feature::instrumentalness, 0.85);
    if (word == "vocals" || word == "vocal" || word == "singing" || word == "sung" || word == "lyrics")
      says(Feature::instrumentalness, 0.0);
    if (word == "live" || word == "concert") says(Feature::liveness, 0.8);
    if (word == "studio") says(Feature::liveness, 0.1);
    if (word == "acoustic" || word == "unplugged") says(Feature::acousticness, 0.85);
    if (word == "electronic" || word == "electric") says(Feature::acousticness, 0.05);
    if (word == "spoken" || word == "rap" || word == "podcast") says(Feature::speechiness, word == "rap" ? 0.3 : 0.7);
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
    if (mood_words(word, "energetic intense loud aggressive powerful hard")) means(Feature::energy, 0.85);
    if (mood_words(word, "angry furious rage raging")) means(Feature::energy, 0.9), means(Feature::valence, 0.25);
    if (mood_words(word, "calm quiet mellow relaxing relaxed soft gentle peaceful soothing tranquil sleepy"))
      means(Feature::energy, 0.25);
    if (mood_words(word, "sleep asleep sleeping bedtime lullaby")) means(Feature::energy, 0.15), means(Feature::acousticness, 0.8);
    if (mood_words(word, "happy cheerful joyful upbeat uplifting sunny")) means(Feature::valence, 0.8);
    if (mood_words(word, "sad melancholy melancholic gloomy depressing mournful heartbroken")) means(Feature::valence, 0.2);
    if (mood_words(word, "danceable dance dancing groovy")) means(Feature::danceability, 0.8);
    if (mood_words(word, "party partying festive celebration"))
      means(Feature::danceability, 0.8), means(Feature::valence, 0.75), means(Feature::energy, 0.75);
    if (word == "waltz" || (word == "3" && at(i + 1) == "4")) state(t, Feature::time_signature, 3, word);
  }
  return t;
}

}  // namespace promptlist
