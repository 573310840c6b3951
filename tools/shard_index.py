#!/usr/bin/env python3
"""Builds the verse index as N shards, each a task on a Dask cluster.

Each task runs `promptlist index --shard I/N --index DIR/shard-I-of-N.plvi`
(a standard index file of the songs whose id hashes to shard I) on a worker
of a local Dask cluster (`--workers`, one thread each) or of a running one
(`--scheduler tcp://HOST:PORT`: each worker must see the same catalog and
promptlist binary). Serve each file with `promptlist serve-shard` and ask
them all with `promptlist search --shards`.

Dask comes from PyPI into build/python (setup.sh, tests/requirements.txt):
    PYTHONPATH=build/python python3 tools/shard_index.py --shards 4 --out DIR [-- --model NAME]
Prints one line per finished shard, then a JSON summary; exits 1 when any
shard failed, naming it and its error.
"""
import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path


def index_shard(binary, shard, count, out, extra):
    """One shard task: runs on a worker; returns what it did."""
    import socket
    path = str(Path(out) / f"shard-{shard}-of-{count}.plvi")
    started = time.monotonic()
    run = subprocess.run([binary, "index", "--shard", f"{shard}/{count}", "--index", path, *extra],
                         capture_output=True, text=True)
    return {"shard": f"{shard}/{count}", "index": path, "returncode": run.returncode,
            "stdout": run.stdout, "stderr": run.stderr.strip(), "seconds": round(time.monotonic() - started, 2),
            "worker": f"{socket.gethostname()}:{os.getpid()}"}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shards", type=int, required=True, help="how many shards (1 to 4096)")
    parser.add_argument("--out", required=True, help="folder for the shard index files")
    parser.add_argument("--workers", type=int, default=2, help="workers of the local cluster (default 2)")
    parser.add_argument("--scheduler", help="address of a running Dask scheduler instead of a local cluster")
    parser.add_argument("--promptlist", default=str(Path(__file__).resolve().parent.parent / "build" / "promptlist"),
                        help="the promptlist binary (default build/promptlist)")
    parser.add_argument("extra", nargs="*", help="after --: options for each 'promptlist index' (--model, --home ...)")
    args = parser.parse_args()
    if not 1 <= args.shards <= 4096:
        parser.error("--shards must be from 1 to 4096")
    if args.workers < 1:
        parser.error("--workers must be at least 1")
    if not os.access(args.promptlist, os.X_OK):
        parser.error(f"{args.promptlist}: no promptlist binary there (build it, or give --promptlist)")
    return args


def main():
    args = parse_args()
    try:
        from dask.distributed import Client, LocalCluster, as_completed
    except ImportError as e:
        sys.exit(f"shard_index.py: Dask is not importable ({e}); setup.sh installs it into build/python: "
                 "run with PYTHONPATH=build/python")
    Path(args.out).mkdir(parents=True, exist_ok=True)
    cluster = None if args.scheduler else LocalCluster(n_workers=args.workers, threads_per_worker=1,
                                                        processes=True, dashboard_address=None)
    with Client(args.scheduler or cluster) as client:
        workers = len(client.scheduler_info()["workers"])
        tasks = [client.submit(index_shard, os.path.abspath(args.promptlist), i, args.shards,
                               os.path.abspath(args.out), args.extra, pure=False) for i in range(args.shards)]
        done = []
        for task in as_completed(tasks):
            r = task.result()
            done.append(r)
            state = "ok" if r["returncode"] == 0 else "FAILED: " + r["stderr"]
            print(f"shard {r['shard']} on {r['worker']} in {r['seconds']} s: {state}", flush=True)
    if cluster:
        cluster.close()
    done.sort(key=lambda r: int(r["shard"].split("/")[0]))
    failed = [r for r in done if r["returncode"] != 0]
    summary = {"shards": [{k: r[k] for k in ("shard", "index", "worker", "seconds", "returncode")} for r in done],
               "workers": workers, "failed": [r["shard"] for r in failed]}
    print(json.dumps(summary, indent=2))
    if failed:
        sys.exit(f"shard_index.py: {len(failed)} of {args.shards} shards failed: "
                 + "; ".join(f"{r['shard']}: {r['stderr']}" for r in failed))


if __name__ == "__main__":
    main()
