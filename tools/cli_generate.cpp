// promptlist generate: a playlist for a prompt.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli_commands.h"
#include "cli_context.h"
#include "cli_progress.h"
#include "promptlist/engine.h"
#include "promptlist/error.h"
#include "promptlist/name_table.h"
#include "promptlist/playlist.h"
#include "promptlist/verse_index.h"

namespace fs = std::filesystem;

namespace promptlist::cli {

namespace {

void print_playlist_table(const Playlist& p, const Embedder* verse_model) {
  if (p.seed) std::printf("Songs like \"%s\" by %s (%zu songs)\n\n", p.seed->title.c_str(), p.seed->artist.c_str(), p.entries.size());
  else std::printf("Playlist for \"%s\" (%zu songs)\n\n", p.request.prompt.c_str(), p.entries.size());
  for (std::size_t i = 0; i < p.entries.size(); ++i) {
    const auto& e = p.entries[i];
    std::printf("%2zu. %s - %s%s   [%.3f]\n", i + 1, e.title.c_str(), e.artist.c_str(),
                e.spotify_id.empty() ? " (text, no recording)" : "", e.score);
    std::printf("    why: %s\n", e.why.c_str());
    // The matched verse, indented, at most 4 lines.
    std::size_t start = 0;
    for (int line = 0; line < 4 && start < e.matched_text.size(); ++line) {
      std::size_t end = e.matched_text.find('\n', start);
      if (end == std::string::npos) end = e.matched_text.size();
      std::printf("    | %s\n", e.matched_text.substr(start, end - start).c_str());
      start = end + 1;
    }
    if (start < e.matched_text.size()) std::printf("    | ...\n");
    std::printf("\n");
  }
  if (!p.target.empty()) {
    std::printf("sound asked for:");
    for (const auto& spec : feature_specs())
      if (const auto& g = p.target[spec.feature])
        std::printf(" %s %.2f (%s)", std::string(spec.name).c_str(), g->value, to_string(g->source));
    std::printf("\n");
  }
  if (verse_model) std::printf("verses matched with %s\n", verse_model->model_id().c_str());
  for (const auto& n : p.notes) std::printf("note: %s\n", n.c_str());
}

void cmd_generate(EngineOptions& options, const PlaylistRequest& request, bool json) {
  validate(request);
  options.signals = request.by;  // open only what the request needs
  const Engine engine(options);
  for (const auto& w : engine.warnings()) std::fprintf(stderr, "warning: %s\n", w.c_str());
  const Playlist p = engine.playlist(request);
  if (json)
    std::cout << to_json(p).dump(2) << "\n";
  else
    print_playlist_table(p, engine.lyrics() ? engine.embedder() : nullptr);
}

}  // namespace

void add_generate_command(CLI::App& app, EngineOptions& paths) {
  struct Args {
    PlaylistRequest request;
    std::string scoring = "hybrid";
    bool json = false;
  };
  auto args = std::make_shared<Args>();
  auto* generate = app.add_subcommand("generate", "Make a playlist for a prompt");
  generate->add_option("prompt", args->request.prompt, "What you want to hear (may be left out with --like)");
  generate->add_option("--like", args->request.like,
                       "A song's id (see 'promptlist song'): songs like it, by its verses and its sound, itself left out");
  generate->add_option("-n,--count", args->request.n, "Number of songs")->capture_default_str();
  generate->add_option("--max-per-artist", args->request.max_per_artist, "At most K songs by one artist (0: no cap)");
  generate->add_option("--scoring", args->scoring, "Lyrics scoring: " + name_list(lyrics_scoring_names()))
      ->check(CLI::IsMember(lyrics_scoring_names()))
      ->capture_default_str();
  std::vector<std::string> by_choices = signal_names();
  by_choices.emplace_back(kAllSignals);
  generate->add_option("--by", args->request.by, "Choose songs by " + signal_choices() + " (every signal)")
      ->check(CLI::IsMember(by_choices))
      ->capture_default_str();
  add_model_options(*generate, paths);
  generate->add_option("--t5", paths.t5_model, "A T5 feature-generator folder (default: the sound model 'promptlist index' learned)");
  add_feature_override_options(*generate, args->request.overrides);
  generate->add_flag("--recordings-only", args->request.recordings_only,
                     "Leave out texts without a recording (the public-domain lyrics)");
  generate->add_flag("--json", args->json, "Print JSON");
  generate->callback([&paths, args] {
    args->request.scoring = lyrics_scoring_from_string(args->scoring);
    cmd_generate(paths, args->request, args->json);
  });
}

}  // namespace promptlist::cli
