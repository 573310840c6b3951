"""Our WordPiece ids against Hugging Face's `tokenizers` (the PyPI wheel,
in build/python) with the real all-MiniLM-L6-v2 tokenizer.json, for every
verse chunk of the demo catalog, every MusicCaps caption, every track title
and the hostile texts of realmodel_texts.py. Ids are compared untruncated,
[CLS] ... [SEP] included.

Usage: /usr/bin/python3 check_tokenizer.py TOOL MODEL_DIR DATA_DIR WORK_DIR
(PYTHONPATH must reach the tokenizers package.)"""
import json
import os
import subprocess
import sys

import tokenizers

import realmodel_texts as T


def hf_ids(model, texts):
    tok = tokenizers.Tokenizer.from_file(os.path.join(model, "tokenizer.json"))
    tok.no_truncation()
    tok.no_padding()
    return [e.ids for e in tok.encode_batch(texts, add_special_tokens=True)]


def our_ids(tool, model, texts, work):
    path = os.path.join(work, "tokenizer-texts.jsonl")
    T.write_texts(path, texts)
    out = subprocess.run([tool, "tokenize", model, path], check=True, capture_output=True, text=True).stdout
    return [json.loads(line) for line in out.splitlines()]


def main(tool, model, data, work):
    groups = {"verse chunks": T.verse_chunks(tool, model, data), "captions": T.captions(data),
              "track titles": T.track_titles(data), "hostile texts": T.HOSTILE}
    texts = [t for g in groups.values() for t in g]
    ours, theirs = our_ids(tool, model, texts, work), hf_ids(model, texts)
    assert len(ours) == len(texts), f"tool gave {len(ours)} encodings for {len(texts)} texts"
    bad = [i for i in range(len(texts)) if ours[i] != theirs[i]]
    tokens = sum(len(ids) for ids in theirs)
    counts = ", ".join(f"{len(g)} {name}" for name, g in groups.items())
    return T.report(texts, bad, lambda i: f"MISMATCH ours {ours[i][:30]} theirs {theirs[i][:30]}",
                    f"tokenizers {tokenizers.__version__}: {len(texts)} texts ({counts}), {tokens} tokens; "
                    f"{len(bad)} differ from ours")


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:5]))
