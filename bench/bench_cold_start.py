#!/usr/bin/python3
"""Cold start: how long one `promptlist` command takes from exec to exit.

Usage (after ./setup.sh has built build/promptlist, imported and indexed the
demo catalog):

    /usr/bin/python3 bench/bench_cold_start.py [--build build] [--rounds 7]
        [--prompt "upbeat music for working out"] [--model DIR]

Each command runs ROUNDS times as a fresh process (after one warm-up run, so
the files are in the page cache, as on a machine that has run it once);
prints one JSON object with the median and the best wall time of each:

  generate_lyrics   promptlist generate PROMPT -n 9 --by lyrics
  generate_both     promptlist generate PROMPT -n 9   (the default: every signal)
  generate_sound    promptlist generate PROMPT -n 9 --by sound
  features          promptlist features PROMPT
  peer_pytorch      the peer: /usr/bin/python3 loading the same all-MiniLM-L6-v2
                    folder with the independent PyTorch reference
                    (../shared/reference/reference.py) and embedding the
                    prompt, the least a Python demo such as the seed's does
                    before it can search (it does not search)

"vs_peer" is the peer's median over ours (> 1: ours starts faster);
"target_s" is the sound issue's 0.3 s for generate_both. The figures are
wall-clock times on a shared machine: "load_average" says how quiet it was.
"""

import argparse, json, os, statistics, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
REFERENCE = os.path.join(HERE, "..", "..", "shared", "reference")


def parse_args():
    home = os.environ.get("PROMPTLIST_HOME") or os.path.expanduser("~/.local/share/promptlist")
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--build", default="build", help="the build folder holding promptlist (default: build)")
    p.add_argument("--rounds", type=int, default=7, help="timed runs per command (default: 7)")
    p.add_argument("--prompt", default="upbeat music for working out")
    p.add_argument("--model", default=os.path.join(home, "models", "all-MiniLM-L6-v2"),
                   help="the model folder the peer loads (default: HOME/models/all-MiniLM-L6-v2)")
    return p.parse_args()


def wall_times(command, rounds):
    """One warm-up run, then ROUNDS timed runs; stops on a failing command."""
    times = []
    for i in range(rounds + 1):
        t0 = time.perf_counter()
        done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        elapsed = time.perf_counter() - t0
        if done.returncode != 0:
            sys.exit(f"bench_cold_start: {' '.join(command)} failed: {done.stderr.strip()}")
        if i:
            times.append(elapsed)
    return {"median_s": round(statistics.median(times), 4), "best_s": round(min(times), 4)}


def peer_command(model, prompt):
    code = ("import sys; sys.path.insert(0, sys.argv[1]); import reference as R; "
            "R.SentenceEmbedderRef(sys.argv[2]).encode([sys.argv[3]])")
    return ["/usr/bin/python3", "-c", code, os.path.abspath(REFERENCE), model, prompt]


def main():
    args = parse_args()
    promptlist = os.path.join(args.build, "promptlist")
    if not os.access(promptlist, os.X_OK):
        sys.exit(f"bench_cold_start: {promptlist} is missing; run ./setup.sh first")
    if not os.path.isdir(args.model):
        sys.exit(f"bench_cold_start: {args.model}: no model folder for the peer; run ./setup.sh first")
    commands = {
        "generate_lyrics": [promptlist, "generate", args.prompt, "-n", "9", "--by", "lyrics"],
        "generate_both": [promptlist, "generate", args.prompt, "-n", "9"],
        "generate_sound": [promptlist, "generate", args.prompt, "-n", "9", "--by", "sound"],
        "features": [promptlist, "features", args.prompt],
        "peer_pytorch": peer_command(args.model, args.prompt),
    }
    load = os.getloadavg()
    results = {}
    for name, command in commands.items():
        print(f"bench_cold_start: {name}", file=sys.stderr)
        results[name] = wall_times(command, args.rounds)
    peer = results["peer_pytorch"]["median_s"]
    print(json.dumps({
        "prompt": args.prompt,
        "rounds": args.rounds,
        "cpus": os.cpu_count(),
        "load_average": [round(x, 2) for x in load],
        "results": results,
        "vs_peer": {k: round(peer / v["median_s"], 2) for k, v in results.items() if k != "peer_pytorch"},
        "target_s": {"generate_both": 0.3},
    }, indent=2))


if __name__ == "__main__":
    main()
