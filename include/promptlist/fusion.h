// promptlist/fusion.h: several signals' rankings of candidate songs made
// into one score per song.
//
//   std::vector<FusedCandidate> c = ...;   // each with one hit slot per signal
//   fuse(c, {run0.best_score(), run1.best_score()}, FusionOptions{});
//   // c[i].score: 1 for a song first in every signal
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "promptlist/signal.h"

namespace promptlist {

struct FusionOptions {
  // Reciprocal rank fusion's constant: a song's fused score is the sum over
  // signals of 1 / (rrf_k + 1 + rank). 60 is Cormack et al.'s (2009) value:
  // large enough that a signal's first few places do not drown the others,
  // and rank-based, so signals with very different score scales (a few
  // thousand verses, tens of thousands of tracks) share the list fairly.
  double rrf_k = 60;
  // A signal that answers what the prompt asked for by name ("songs like
  // Queen", "90s", "hard rock") counts this many times a signal of general
  // fit (lyrics, sound): its first ~2 * rrf_k places come before the best
  // verse, and a named artist's tracks are not interleaved with hymns.
  double request_weight = 3;
};

// One candidate song and what each signal made of it.
struct FusedCandidate {
  std::int64_t song_key = 0;
  std::vector<std::optional<SignalHit>> hits;  // one slot per signal, in the signals' order
  double score = 0;                            // set by fuse(), times acceptance
  double acceptance = 1;                       // the product of the signals' acceptance of it (signal.h)
};

// How one signal counts in a fusion of several.
struct SignalWeight {
  // Multiplies the signal's term: a signal answering a named request counts
  // FusionOptions::request_weight times, so its first places come first.
  double weight = 1;
  // In (0, 1]: how strongly the signal matches this prompt
  // (SignalRun::evidence). Its places (rank + 1) are read as place / share, so a signal
  // of half the evidence gets about half the places of one of full
  // evidence, rather than none of the first ones.
  double share = 1;
};

// One signal: its score scaled by its best (best_scores). Several: the
// reciprocal rank fusion, each signal's term weight / (rrf_k + (rank + 1) /
// share) (empty weights: all 1), scaled so that first in every signal is 1.
void fuse(std::vector<FusedCandidate>& candidates, const std::vector<double>& best_scores,
          const FusionOptions& options, const std::vector<SignalWeight>& weights = {});

}  // namespace promptlist
