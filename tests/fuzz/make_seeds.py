"""Seed corpora for the fuzz targets, from ../shared (real data and the
reference models), written under OUT/<target>/. Small seeds on purpose:
libFuzzer mutates faster from short valid inputs.

Usage: /usr/bin/python3 make_seeds.py SHARED_DIR PROMPTLIST_BINARY GLOVE_JSON OUT"""
import json
import os
import subprocess
import sys
import tempfile
import zipfile

SHARED, BINARY, GLOVE_JSON, OUT = sys.argv[1:5]
DATA, REF = os.path.join(SHARED, "data"), os.path.join(SHARED, "reference")
sys.path.insert(0, REF)


def seed(target, name, data):
    os.makedirs(os.path.join(OUT, target), exist_ok=True)
    with open(os.path.join(OUT, target, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode("utf-8"))


def head_lines(path, n, skip=0):
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    return lines[skip:skip + n]


def text_seeds():
    golden = json.load(open(os.path.join(REF, "bert-tiny.golden.json"), encoding="utf-8"))
    return [c["text"] for c in golden["cases"]]


def lyrics_and_features():
    songs = head_lines(os.path.join(DATA, "lyrics", "songs.jsonl"), 6)
    for i, line in enumerate(songs):
        seed("fuzz_lyrics_jsonl", f"song{i}", line + "\n")
    for name in ("spotify_songs.csv", "dataset-of-90s.csv"):
        rows = head_lines(os.path.join(DATA, "features", name), 6)
        seed("fuzz_features_csv", name, "\n".join(rows) + "\n")


def model_files():
    import numpy as np
    import reference as R
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "small.safetensors")
        R.write_safetensors(path, {"a": np.arange(6, dtype=np.float32).reshape(2, 3),
                                   "b": np.ones(4, dtype=np.float16), "ids": np.arange(3, dtype=np.int64)})
        seed("fuzz_safetensors", "small", open(path, "rb").read())
    vocab = open(os.path.join(REF, "bert-tiny", "vocab.txt"), encoding="utf-8").read().splitlines()[:200]
    tok = json.load(open(os.path.join(REF, "bert-tiny", "tokenizer.json"), encoding="utf-8"))
    tok["model"]["vocab"] = {t: i for i, t in enumerate(vocab)}
    text = json.dumps(tok)
    seed("fuzz_tokenizer_json", "tiny", text + "\n".join(vocab) + "\n")
    members = {"pkg/model/config.json": open(os.path.join(REF, "bert-tiny", "config.json")).read(),
               "pkg/model/modules.json": open(os.path.join(REF, "bert-tiny", "modules.json")).read(),
               "pkg/model/vocab.txt": "\n".join(vocab), "pkg/model/model.safetensors": b"\x08" + b"\0" * 7 + b"{}      "}
    for method, name in ((zipfile.ZIP_STORED, "stored"), (zipfile.ZIP_DEFLATED, "deflated")):
        path = os.path.join(OUT, "tmp.zip")
        with zipfile.ZipFile(path, "w", method) as z:
            for member, data in members.items():
                z.writestr(member, data)
        seed("fuzz_zip", name, open(path, "rb").read())
        os.remove(path)


def texts():
    for i, t in enumerate(text_seeds()):
        seed("fuzz_wordpiece", f"golden{i}", t)
        seed("fuzz_sentencepiece", f"golden{i}", t)
    card = ['"danceability": 0.9, "energy": 0.9, "valence": 0.9',
            '{"acousticness": 0.8, "tempo": 80, "instrumentalness": 0.7}',
            'danceability: 0.5 energy: 0.2 loudness: -12 mode: 0 key: 5', '"tempo": 128.0, "speechiness": 0.05,,']
    for i, t in enumerate(card):
        seed("fuzz_feature_text", f"card{i}", t)


def vectors_and_index():
    """A 300-word GloVe file and a verse index of six songs, made by the binary."""
    with tempfile.TemporaryDirectory() as home:
        glove = json.load(open(GLOVE_JSON, encoding="utf-8"))
        words = glove["words"][:300]
        small = dict(glove, words=words, size=len(words), vectors={w: glove["vectors"][w] for w in words})
        small_json, plwv = os.path.join(home, "small.json"), os.path.join(home, "small.plwv")
        json.dump(small, open(small_json, "w"))
        run = lambda *a: subprocess.run([BINARY, "--home", home, "--glove", plwv, *a], check=True, capture_output=True)
        run("model", "import-glove", small_json)
        seed("fuzz_word_vectors", "small", open(plwv, "rb").read())
        songs = os.path.join(home, "songs.jsonl")
        open(songs, "w", encoding="utf-8").write("\n".join(head_lines(os.path.join(DATA, "lyrics", "songs.jsonl"), 6)) + "\n")
        run("import", songs)
        run("index", "--model", "glove")
        seed("fuzz_verse_index", "six-songs", open(os.path.join(home, "index-glove.plvi"), "rb").read())


def http():
    requests = ["GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n",
                "GET /api/song?id=openhymnal/jesujoyofmansdesiring HTTP/1.1\r\nHost: x\r\n\r\n",
                "GET /api/features?prompt=calm%20acoustic%20songs HTTP/1.1\r\nHost: x\r\n\r\n",
                "GET /api/map HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"]
    for path, body in (("/api/playlist", '{"prompt": "running wild and free", "n": 5, "by": "both"}'),
                       ("/api/export?format=xspf", '{"prompt": "the sea", "by": "lyrics"}')):
        requests.append(f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                        f"Content-Length: {len(body)}\r\n\r\n{body}")
    for i, r in enumerate(requests):
        seed("fuzz_http", f"request{i}", r)


for make in (lyrics_and_features, model_files, texts, vectors_and_index, http):
    make()
