// promptlist/feature_text.h: reads what a feature generator wrote.
//
// The seed T5 model writes bare pairs, `"danceability": 0.9, "energy": 0.9`
// (T5's SentencePiece vocabulary has no '{' or '}', so braces never come
// out), and its card warns that the text may be incomplete. This parser
// accepts that form with or without braces and quotes, repairs a truncated
// tail, drops unknown names and repeated names (the first wins), clamps
// values outside a feature's target range and rejects values that are not
// numbers, and notes every repair in FeatureTarget::notes. Text that is not
// valid UTF-8 is not read at all (a note says so). The result is always a
// valid target (to_json() gives valid JSON), possibly empty.
#pragma once

#include <string_view>

#include "promptlist/feature_target.h"

namespace promptlist {

// confidence: given to every parsed value (the generator has no own measure).
FeatureTarget parse_feature_text(std::string_view text, double confidence = 0.8);

}  // namespace promptlist
