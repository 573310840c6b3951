// features/describing_words.h: which words of a name or a prompt can say
// something about sound. One list each, read by the built-in predictor,
// the sound model's training and the learned predictor.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace promptlist {

// Words that never describe a sound, however often they appear in track
// and album names ("feat", "remastered", "version", numbers, two letters).
bool is_noise_word(const std::string& word);

// Words that say what is asked for, not how it should sound ("songs",
// "music", "playlist", "play", "need", "like").
bool is_request_word(const std::string& word);

// The negation that governs word i of words ("no ", "not too ", "without
// ", "nothing too ", "less "): a negator at most three words before it with no
// "and", "but", "or", "with" or "yet" between. Empty: not negated.
std::string negation_before(const std::vector<std::string>& words, std::size_t i);

// The prompt's words that a predictor should read, joined by spaces: the
// negated phrases ("no vocals", "not too loud": stated_constraints answers
// those) and the request words are left out; a negation ends at
// punctuation. "chill songs without vocals" -> "chill", "not sad, something
// hopeful" -> "something hopeful". Empty when nothing is left.
std::string sound_words(std::string_view prompt);

}  // namespace promptlist
