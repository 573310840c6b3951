#include "promptlist/predictor_evaluation.h"

#include <algorithm>
#include <map>
#include <set>

#include "promptlist/sound_ranking.h"

namespace promptlist {

namespace {

// Mann-Whitney AUC of the members among all scores (ties count half).
double auc(const std::vector<double>& scores, const std::vector<char>& member) {
  std::vector<std::size_t> order(scores.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return scores[a] < scores[b]; });
  double rank_sum = 0;
  std::size_t positives = 0;
  for (std::size_t pos = 0; pos < order.size();) {
    std::size_t end = pos;
    while (end < order.size() && scores[order[end]] == scores[order[pos]]) ++end;
    const double mid_rank = (pos + end + 1) / 2.0;
    for (std::size_t k = pos; k < end; ++k)
      if (member[order[k]]) rank_sum += mid_rank, ++positives;
    pos = end;
  }
  const double negatives = static_cast<double>(scores.size() - positives);
  if (positives == 0 || negatives == 0) return 0.5;
  return (rank_sum - positives * (positives + 1) / 2.0) / (positives * negatives);
}

}  // namespace

HeldOutReport evaluate_held_out_playlists(const PredictorTrainer& train, const std::vector<Song>& tracks,
                                          const std::vector<std::pair<std::int64_t, PlaylistLabel>>& memberships,
                                          std::size_t every) {
  std::map<std::string, std::pair<std::string, std::vector<std::int64_t>>> playlists;  // id -> name, tracks
  for (const auto& [key, label] : memberships) {
    auto& p = playlists[label.playlist_id];
    p.first = label.name;
    p.second.push_back(key);
  }
  std::vector<const std::pair<std::string, std::vector<std::int64_t>>*> held_out;
  std::vector<std::int64_t> excluded;
  std::size_t i = 0;
  for (const auto& [id, p] : playlists)
    if (i++ % every == 0) {
      held_out.push_back(&p);
      excluded.insert(excluded.end(), p.second.begin(), p.second.end());
    }

  const std::unique_ptr<FeaturePredictor> predictor = train(excluded);
  SoundRanker ranker(tracks);
  HeldOutReport report;
  report.held_out = held_out.size();
  std::vector<double> fits(tracks.size());
  std::vector<char> member(tracks.size());
  double auc_sum = 0;
  std::size_t above = 0;
  for (const auto* p : held_out) {
    const FeatureTarget target = predictor->predict(p->first);
    if (target.empty()) {
      ++report.without_prediction;
      continue;
    }
    const std::set<std::int64_t> keys(p->second.begin(), p->second.end());
    for (std::size_t t = 0; t < tracks.size(); ++t) {
      auto f = ranker.fit(tracks[t], target);
      fits[t] = f ? f->total : 0;
      member[t] = keys.count(tracks[t].key) != 0;
    }
    HeldOutPlaylist r;
    r.prompt = p->first;
    r.tracks = keys.size();
    r.auc = auc(fits, member);
    for (const auto& spec : feature_specs())
      if (target[spec.feature]) r.features.push_back(std::string(spec.name));
    auc_sum += r.auc;
    above += r.auc > 0.5;
    report.playlists.push_back(std::move(r));
  }
  if (!report.playlists.empty()) {
    report.mean_auc = auc_sum / report.playlists.size();
    report.share_above_random = static_cast<double>(above) / report.playlists.size();
  }
  return report;
}

}  // namespace promptlist
