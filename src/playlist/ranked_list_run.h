// src/playlist/ranked_list_run.h: the run of a signal that answers a named
// request (an artist, a genre, an era) with a list of tracks made once, at
// the start: ranking is taking its head, judging is looking a song up.
#pragma once

#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "playlist/signals.h"

namespace promptlist {

class RankedListRun : public SignalRun {
 public:
  // `hits`: distinct songs, best first (their rank is set here). `why`
  // makes a hit's why-line. `named`: whether the prompt named what the list
  // answers (a genre a "more like this" seed is filed under was not named).
  RankedListRun(std::vector<SignalHit> hits, std::function<std::string(const SignalHit&)> why, bool named = true);

  std::vector<SignalHit> rank(std::size_t pool) override;
  bool exhausted() const override { return exhausted_; }
  double best_score() const override;
  std::optional<SignalHit> judge(const Song& song) override;
  void explain(const SignalHit& hit, const Song& song, PlaylistEntry& entry) override;
  bool answers_request() const override { return named_; }

 private:
  std::vector<SignalHit> hits_;
  std::unordered_map<std::int64_t, std::size_t> place_;  // song key -> index in hits_
  std::function<std::string(const SignalHit&)> why_;
  bool exhausted_ = false;
  bool named_ = true;
};

// A signal that answers a named request from what TrackFacts knows of the
// tracks: available wherever the catalog has tracks.
class TrackFactsSignal : public Signal {
 public:
  explicit TrackFactsSignal(const TrackFacts* facts) : facts_(facts) {}
  bool available() const override { return facts_ && !facts_->tracks().empty(); }

 protected:
  const TrackFacts* facts_;
};

// The tracks of `facts` at `indices` as hits, in that order, each scored `score`.
void append_hits(const TrackFacts& facts, const std::vector<std::uint32_t>& indices, double score,
                 std::vector<SignalHit>& hits);

}  // namespace promptlist
