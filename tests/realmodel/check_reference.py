"""Our sentence embeddings (fp32) against the independent PyTorch reference
of ../shared/reference (reference.py, Debian's python3-torch) on the real
all-MiniLM-L6-v2 weights: 500 verse chunks (spread over the catalog, the
longest among them, so truncation at 256 tokens is exercised) and 200
prompts (MusicCaps captions and the seeds' examples). Every text must reach
cosine >= 0.99999 and max abs difference <= 1e-4.

Usage: /usr/bin/python3 check_reference.py TOOL MODEL_DIR DATA_DIR SHARED_DIR WORK_DIR"""
import os
import subprocess
import sys

import numpy as np
import torch

import realmodel_texts as T

SEED_PROMPTS = ["running wild and free", "I need energetic dance music for a party",
                "calm acoustic songs for studying", "songs like Queen", "90s throwbacks for a road trip",
                "cowboys on the range", "Christmas night", "the sea", "a child falling asleep", "death and mourning"]


def pick(texts, n):
    step = max(1, len(texts) // n)
    return texts[::step][:n]


def chosen_texts(tool, model, data):
    chunks = T.verse_chunks(tool, model, data)
    longest = sorted(chunks, key=len, reverse=True)[:20]
    verses = longest + pick([c for c in chunks if c not in longest], 480)
    prompts = SEED_PROMPTS + pick(T.captions(data), 200 - len(SEED_PROMPTS))
    return verses, prompts


def reference_embeddings(shared, model, texts):
    sys.path.insert(0, os.path.join(shared, "reference"))
    import reference as R
    torch.set_num_threads(2)
    ref = R.SentenceEmbedderRef(model)
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))  # batches of like lengths
    out = np.zeros((len(texts), ref.bert.H), np.float32)
    with torch.no_grad():
        for start in range(0, len(order), 16):
            idx = order[start:start + 16]
            out[idx] = ref.encode([texts[i] for i in idx])["embedding"].numpy()
    return out


def main(tool, model, data, shared, work):
    verses, prompts = chosen_texts(tool, model, data)
    texts = verses + prompts
    path, out = os.path.join(work, "reference-texts.jsonl"), os.path.join(work, "ours.f32")
    T.write_texts(path, texts)
    subprocess.run([tool, "embed", model, path, out], check=True)
    ref = reference_embeddings(shared, model, texts)
    ours = np.fromfile(out, dtype=np.float32).reshape(ref.shape)
    cos = (ours * ref).sum(1) / (np.linalg.norm(ours, axis=1) * np.linalg.norm(ref, axis=1))
    diff = np.abs(ours - ref).max(1)
    bad = [i for i in range(len(texts)) if not (cos[i] >= 0.99999 and diff[i] <= 1e-4)]
    return T.report(texts, bad, lambda i: f"DIFFERS cosine {cos[i]:.7f} max abs {diff[i]:.2e}",
                    f"torch {torch.__version__}: {len(verses)} verses + {len(prompts)} prompts; "
                    f"min cosine {cos.min():.8f}, max abs diff {diff.max():.2e}")


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:6]))
