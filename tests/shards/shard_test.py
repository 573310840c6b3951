#!/usr/bin/env python3
"""Shards end to end: the verse index built as 4 shard tasks on a local Dask
cluster of 2 workers (tools/shard_index.py), served by 4 `promptlist
serve-shard` processes on loopback, and asked by `promptlist search --shards`:
the merged answer is the whole index's answer; one shard killed mid-run
leaves answers that name it and hold the best of the other three.

Usage: shard_test.py PROMPTLIST_BINARY SHARED_DIR   (PYTHONPATH must reach Dask)
"""
import csv
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHARDS = 4
failures = []


def check(name, ok, detail=""):
    print(("ok      " if ok else "FAILED  ") + name + ("" if ok else f": {detail}"), flush=True)
    if not ok:
        failures.append(name)


def run(binary, *args, ok=True):
    r = subprocess.run([binary, *args], capture_output=True, text=True, timeout=300)
    if ok and r.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed ({r.returncode}): {r.stderr}")
    return r


def prompts(shared, n):
    with open(shared / "data" / "descriptions" / "musiccaps-public.csv", newline="") as f:
        return [row["caption"] for _, row in zip(range(n), csv.DictReader(f))]


def start_servers(binary, model, files):
    """One serve-shard per file on a free port; returns [(process, 'host:port')]."""
    servers = []
    for f in files:
        p = subprocess.Popen([binary, "serve-shard", "--model", model, "--index", str(f), "--port", "0"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = p.stdout.readline()
        m = re.search(r"http://([0-9.]+:[0-9]+)/", line)
        if not m:
            raise SystemExit(f"serve-shard {f} did not start: {line}{p.stderr.read()}")
        servers.append((p, m.group(1)))
    return servers


def search(binary, model, prompt, shards=None, k=10):
    args = ["search", prompt, "--model", model, "-k", str(k), "--json"]
    if shards:
        args += ["--shards", ",".join(shards)]
    r = run(binary, *args, ok=False)
    return r, (json.loads(r.stdout) if r.returncode == 0 else None)


def chunks_of(answer):
    return [(h["song_key"], h["text"]) for h in answer["hits"]]


def same_hits(a, b):
    """The same chunks with the same scores (ties may come in another order)."""
    return sorted(chunks_of(a)) == sorted(chunks_of(b)) and all(
        abs(x["score"] - y["score"]) < 1e-5 for x, y in zip(a["hits"], b["hits"]))


def build(binary, shared, home, model):
    lyrics = home.parent / "songs.jsonl"
    with open(shared / "data" / "lyrics" / "songs.jsonl") as f, open(lyrics, "w") as out:
        out.writelines(line for _, line in zip(range(400), f))
    run(binary, "import", str(lyrics))
    run(binary, "index", "--model", model)  # the whole index, to compare with
    r = subprocess.run([sys.executable, str(ROOT / "tools" / "shard_index.py"), "--shards", str(SHARDS), "--workers", "2",
                        "--out", str(home / "shards"), "--promptlist", binary, "--", "--model", model],
                       capture_output=True, text=True, timeout=600)
    check("shard_index.py builds 4 shards on Dask", r.returncode == 0, r.stderr[-2000:])
    summary = json.loads(r.stdout[r.stdout.index("{"):])
    check("on a local cluster of 2 workers", summary["workers"] == 2, summary)
    check("run by the workers, not the driver", all(s["worker"].split(":")[1] != str(os.getpid()) for s in summary["shards"]))
    return [Path(s["index"]) for s in summary["shards"]]


def kill_mid_run(binary, model, servers, queries):
    """Queries run on a thread while shard 2 is killed; returns the answers after the kill."""
    addresses = [a for _, a in servers]
    victim, victim_address = servers[2]
    after, started, killed = [], threading.Event(), threading.Event()

    def asker():
        for i, q in enumerate(queries):
            if i == 3:
                started.set()
            dead = killed.is_set()  # before the query: one in flight at the kill may have had shard 2's answer
            r, answer = search(binary, model, q, addresses)
            after.append((q, r, answer, dead))
    t = threading.Thread(target=asker)
    t.start()
    started.wait(60)
    victim.send_signal(signal.SIGKILL)
    victim.wait()
    killed.set()
    t.join()
    return [(q, r, a) for q, r, a, dead in after if dead], victim_address


def main():
    binary, shared = sys.argv[1], Path(sys.argv[2])
    model = str(shared / "reference" / "bert-tiny")  # removes no components: shard scores are the whole index's
    with tempfile.TemporaryDirectory() as work:
        home = Path(work) / "home"
        os.environ["PROMPTLIST_HOME"] = str(home)
        files = build(binary, shared, home, model)
        servers = start_servers(binary, model, files)
        addresses = [a for _, a in servers]
        try:
            qs = prompts(shared, 40)
            # Shard 2's chunks, all of them (it holds fewer than 1,000).
            _, own = search(binary, model, qs[0], [addresses[2]], k=1000)
            in_victim = set(chunks_of(own))
            whole = {q: search(binary, model, q, k=1000)[1] for q in qs}
            info = run(binary, "info", "--model", model).stdout
            total = int(re.search(r"(\d+) chunks x", info).group(1))
            sizes = [json.load(urllib.request.urlopen(f"http://{a}/api/health", timeout=10))["chunks"] for a in addresses]
            check("every chunk of the whole index is in exactly one shard", sum(sizes) == total, f"{sizes} vs {total}")
            merged_ok = all(same_hits(search(binary, model, q, addresses)[1],
                                      {"hits": whole[q]["hits"][:10]}) for q in qs[:20])
            check("the merged top 10 of 4 shards is the whole index's top 10", merged_ok)
            check("shard 2 holds a quarter of the chunks, give or take, all found", len(own["hits"]) == sizes[2] and
                  0.15 * total < sizes[2] < 0.35 * total, f"{len(in_victim)}, {sizes[2]} of {total}")
            after, victim_address = kill_mid_run(binary, model, servers, qs[20:])
            check("queries answered after the kill", len(after) > 0)
            for q, r, answer in after:
                named = answer is not None and len(answer["missing"]) == 1 and answer["missing"][0].startswith(victim_address)
                rest = [h for h in whole[q]["hits"] if (h["song_key"], h["text"]) not in in_victim][:10]
                if not (r.returncode == 0 and named and "did not answer" in r.stderr and same_hits(answer, {"hits": rest})):
                    check("an answer without shard 2 names it and holds the best of the other three", False,
                          f"{q}: rc {r.returncode}, {r.stderr} {answer and answer['missing']}")
                    break
            else:
                check("an answer without shard 2 names it and holds the best of the other three", True)
            for p, _ in servers:
                p.kill()
            r, _ = search(binary, model, qs[0], addresses)
            check("no shard answering is an error", r.returncode != 0 and "no shard answered" in r.stderr, r.stderr)
            r, _ = search(binary, model, qs[0], ["localhost"])
            check("a malformed address is named", r.returncode != 0 and "not HOST:PORT" in r.stderr, r.stderr)
        finally:
            for p, _ in servers:
                p.kill()
                p.wait()
    print(f"{len(failures)} failed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
