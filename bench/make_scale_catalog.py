#!/usr/bin/env python3
"""Writes a SYNTHETIC catalog of about 1,000,000 verse chunks and
1,000,000 tracks, made from the real demo data, for the scale benchmarks.

Nothing here is a real song or a real track:
- lyrics: each song takes a real song's shape (its verses and the number of
  lines in each) and fills every line with a real line drawn at random from
  the whole demo catalog ("real lines recombined"); id synthetic/lyrics-N,
  the template's title and artist with "(synthetic N)";
- tracks: each row is a real row of spotify_songs.csv (TidyTuesday) with its
  audio features jittered (a few % of each feature's range, clipped to it),
  a made-up track id and "(synthetic N)" after its name; its playlist, genre
  and subgenre are the real row's.

Writes OUT/lyrics/synthetic.jsonl, OUT/features/synthetic.csv and
OUT/SOURCES.md (saying the above), outside git. Deterministic for a seed.
Then:  promptlist --home H import --data OUT --skip-bad && promptlist --home H index --model glove

Usage: make_scale_catalog.py --out DIR [--chunks 1000000] [--tracks 1000000] [--data ../shared/data] [--seed 1]
"""
import argparse
import csv
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# (column, low, high, jitter as a share of the range): the jittered audio features.
JITTER = [("danceability", 0, 1, 0.03), ("energy", 0, 1, 0.03), ("loudness", -60, 0, 0.01),
          ("speechiness", 0, 1, 0.02), ("acousticness", 0, 1, 0.03), ("instrumentalness", 0, 1, 0.02),
          ("liveness", 0, 1, 0.03), ("valence", 0, 1, 0.03), ("tempo", 0, 250, 0.01)]
ID_LETTERS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
# Chunks per demo song, measured on the demo catalog with GloVe (11,831 / 2,459).
CHUNKS_PER_SONG = 4.8


def progress(label, done, total):
    if sys.stderr.isatty():
        print(f"\r{label} {done:,} of {total:,} ({100 * done // total}%)", end="", file=sys.stderr, flush=True)
        if done == total:
            print(file=sys.stderr)


def write_lyrics(data, out, songs, rng):
    real = [json.loads(line) for line in open(data / "lyrics" / "songs.jsonl")]
    lines = [line for song in real for verse in song["verses"] for line in verse.split("\n") if line.strip()]
    path = out / "lyrics" / "synthetic.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as f:
        for n in range(songs):
            template = real[n % len(real)]
            verses = ["\n".join(rng.choice(lines) for _ in verse.split("\n")) for verse in template["verses"]]
            song = {"id": f"synthetic/lyrics-{n:07d}", "title": f"{template['title']} (synthetic {n})",
                    "artist": template.get("artist", ""), "collection": "synthetic", "language": "en",
                    "tags": template.get("tags", []), "verses": verses}
            f.write(json.dumps(song) + "\n")
            if n % 10000 == 0 or n == songs - 1:
                progress("lyrics", n + 1, songs)
    return path


def jittered(row, rng):
    for column, low, high, share in JITTER:
        value = float(row[column]) + rng.gauss(0, share * (high - low))
        row[column] = f"{min(high, max(low, value)):.4g}"
    return row


def write_tracks(data, out, tracks, rng):
    with open(data / "features" / "spotify_songs.csv", newline="") as f:
        reader = csv.DictReader(f)
        header, real = reader.fieldnames, [r for r in reader if r["track_name"] and r["track_artist"]]
    path = out / "features" / "synthetic.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=header)
        writer.writeheader()
        for n in range(tracks):
            row = jittered(dict(real[n % len(real)]), rng)
            row["track_id"] = "".join(rng.choice(ID_LETTERS) for _ in range(22))
            row["track_name"] = f"{row['track_name']} (synthetic {n})"
            writer.writerow(row)
            if n % 10000 == 0 or n == tracks - 1:
                progress("tracks", n + 1, tracks)
    return path


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", required=True, help="folder to write (outside git)")
    parser.add_argument("--chunks", type=int, default=1_000_000, help="about how many verse chunks (default 1,000,000)")
    parser.add_argument("--tracks", type=int, default=1_000_000, help="how many tracks (default 1,000,000)")
    parser.add_argument("--data", default=str(ROOT.parent / "shared" / "data"), help="the real demo data")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    out, data = Path(args.out), Path(args.data)
    if (out.resolve() / ".git").exists() or ROOT in out.resolve().parents and "build" not in out.resolve().parts:
        parser.error(f"{out}: write the synthetic catalog outside the repository (or under build/)")
    rng = random.Random(args.seed)
    songs = max(1, round(args.chunks / CHUNKS_PER_SONG))
    lyrics = write_lyrics(data, out, songs, rng)
    features = write_tracks(data, out, args.tracks, rng)
    (out / "SOURCES.md").write_text(
        "# A SYNTHETIC catalog (bench/make_scale_catalog.py)\n\n" + __doc__.split("\n\n")[1] +
        f"\n\nMade with --chunks {args.chunks} --tracks {args.tracks} --seed {args.seed} from {data}.\n")
    print(json.dumps({"songs_with_lyrics": songs, "tracks": args.tracks, "lyrics": str(lyrics), "features": str(features)}))


if __name__ == "__main__":
    main()
