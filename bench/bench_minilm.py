#!/usr/bin/python3
"""MiniLM-L6-shaped sentence embedder: our C++ against PyTorch, same run.

Writes a random-weight sentence-transformers folder shaped like
all-MiniLM-L6-v2 (384 hidden, 6 layers, 12 heads, 1536 intermediate, 30522
vocab, max_seq_length 256) with the tools of ../shared/reference, takes
every EVERY-th verse chunk of the demo catalog, and times
  (a) one prompt of <= 16 tokens, batch 1 (median latency)
  (b) all those verses, batches of 32 sorted by length (verses/s)
for PyTorch (the reference's SentenceEmbedderRef, Debian python3-torch) at
1 and 2 threads and for our bench_transformer at 1 and 2 threads. Ratios
are against PyTorch's better thread setting. Prints JSON.

Usage: /usr/bin/python3 bench/bench_minilm.py [--build build] [--every 6]
"""
import argparse, json, os, subprocess, sys, time

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SHARED = os.environ.get("PROMPTLIST_SHARED", os.path.join(ROOT, "..", "shared"))
sys.path.insert(0, os.path.join(SHARED, "reference"))
import reference as R  # noqa: E402

PROMPT = "I need energetic dance music for a party"
SHAPE = dict(hidden=384, layers=6, heads=12, intermediate=1536, vocab=30522, positions=512, max_seq=256)


def write_model(path):
    """A MiniLM-shaped folder; the vocabulary is bert-tiny's real word list
    padded with unused tokens to 30522 entries."""
    if os.path.exists(os.path.join(path, "model.safetensors")):
        return
    os.makedirs(os.path.join(path, "1_Pooling"), exist_ok=True)
    with open(os.path.join(SHARED, "reference", "bert-tiny", "vocab.txt"), encoding="utf-8") as f:
        vocab = [line.rstrip("\n") for line in f]
    vocab += [f"[unused{i}]" for i in range(len(vocab), SHAPE["vocab"])]
    with open(os.path.join(path, "vocab.txt"), "w", encoding="utf-8") as f:
        f.write("".join(t + "\n" for t in vocab))
    rng = np.random.RandomState(1234)
    H, I = SHAPE["hidden"], SHAPE["intermediate"]

    def n(*shape, std=0.05):
        return (rng.standard_normal(shape) * std).astype(np.float32)

    w = {"embeddings.word_embeddings.weight": n(SHAPE["vocab"], H, std=0.5),
         "embeddings.position_embeddings.weight": n(SHAPE["positions"], H, std=0.2),
         "embeddings.token_type_embeddings.weight": n(2, H, std=0.2),
         "embeddings.LayerNorm.weight": 1 + n(H, std=0.1), "embeddings.LayerNorm.bias": n(H)}
    for i in range(SHAPE["layers"]):
        p = f"encoder.layer.{i}."
        for name in ("query", "key", "value"):
            w[p + f"attention.self.{name}.weight"] = n(H, H)
            w[p + f"attention.self.{name}.bias"] = n(H)
        w[p + "attention.output.dense.weight"], w[p + "attention.output.dense.bias"] = n(H, H), n(H)
        w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"] = 1 + n(H, std=0.1), n(H)
        w[p + "intermediate.dense.weight"], w[p + "intermediate.dense.bias"] = n(I, H), n(I)
        w[p + "output.dense.weight"], w[p + "output.dense.bias"] = n(H, I), n(H)
        w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"] = 1 + n(H, std=0.1), n(H)
    R.write_safetensors(os.path.join(path, "model.safetensors"), w, metadata={"format": "pt"})
    config = {"architectures": ["BertModel"], "model_type": "bert", "hidden_act": "gelu",
              "hidden_size": H, "intermediate_size": I, "num_hidden_layers": SHAPE["layers"],
              "num_attention_heads": SHAPE["heads"], "max_position_embeddings": SHAPE["positions"],
              "type_vocab_size": 2, "vocab_size": SHAPE["vocab"], "layer_norm_eps": 1e-12,
              "position_embedding_type": "absolute", "pad_token_id": 0}
    files = {
        "config.json": config,
        "tokenizer_config.json": {"do_lower_case": True, "strip_accents": None, "tokenize_chinese_chars": True},
        "sentence_bert_config.json": {"max_seq_length": SHAPE["max_seq"], "do_lower_case": False},
        "modules.json": [{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
                         {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
                         {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"}],
        "1_Pooling/config.json": {"word_embedding_dimension": H, "pooling_mode_mean_tokens": True,
                                  "pooling_mode_cls_token": False, "pooling_mode_max_tokens": False},
    }
    for name, obj in files.items():
        with open(os.path.join(path, name), "w", encoding="utf-8") as f:
            json.dump(obj, f)


def torch_run(model_dir, texts, threads):
    torch.set_num_threads(threads)
    st = R.SentenceEmbedderRef(model_dir)
    with torch.no_grad():
        for _ in range(5):
            st.encode([PROMPT])
        lat = []
        for _ in range(50):
            t0 = time.perf_counter()
            st.encode([PROMPT])
            lat.append((time.perf_counter() - t0) * 1000)
        lat.sort()
        # sentence-transformers' encode(): sort by length (longest first), batches of 32
        order = sorted(range(len(texts)), key=lambda i: -len(st.tokenizer.encode(st.preprocess(texts[i]), st.max_seq_length)[0]))
        out = [None] * len(texts)
        t0 = time.perf_counter()
        for s in range(0, len(order), 32):
            idx = order[s:s + 32]
            emb = st.encode([texts[i] for i in idx])["embedding"]
            for k, i in enumerate(idx):
                out[i] = emb[k].numpy()
        secs = time.perf_counter() - t0
    return {"threads": threads, "prompt_ms_p50": lat[len(lat) // 2], "verses_per_s": len(texts) / secs}, np.stack(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--every", type=int, default=6)
    args = ap.parse_args()
    work = os.path.join(args.build, "bench", "minilm-l6-random")
    write_model(work)
    binary = os.path.join(args.build, "bench", "bench_transformer")
    texts_path = os.path.join(args.build, "bench", "minilm-verses.jsonl")
    subprocess.run([binary, "chunks", work, texts_path, str(args.every)], check=True)
    with open(texts_path, encoding="utf-8") as f:
        texts = [json.loads(line) for line in f]

    ours, ours_int8 = [], []
    for threads in (1, 2):
        for mode, results in (("run", ours), ("run-int8", ours_int8)):
            r = subprocess.run([binary, mode, work, texts_path, PROMPT, str(threads)], check=True,
                               capture_output=True, text=True)
            results.append(json.loads(r.stdout))
    our_emb = np.fromfile(texts_path + ".ours.f32", dtype=np.float32).reshape(len(texts), SHAPE["hidden"])
    int8_emb = np.fromfile(texts_path + ".int8.f32", dtype=np.float32).reshape(len(texts), SHAPE["hidden"])
    theirs = []
    for threads in (1, 2):
        result, emb = torch_run(work, texts, threads)
        theirs.append(result)
    def cosine(a, b):
        return (a * b).sum(1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))
    cos = cosine(our_emb, emb)
    cos8 = cosine(int8_emb, our_emb)
    best_torch_lat = min(t["prompt_ms_p50"] for t in theirs)
    best_torch_tput = max(t["verses_per_s"] for t in theirs)
    best_ours_lat = min(o["prompt_ms_p50"] for o in ours)
    best_ours_tput = max(o["verses_per_s"] for o in ours)
    best_int8_lat = min(o["prompt_ms_p50"] for o in ours_int8)
    best_int8_tput = max(o["verses_per_s"] for o in ours_int8)
    print(json.dumps({
        "model": "random-weight MiniLM-L6 shape " + json.dumps(SHAPE),
        "verses": len(texts), "prompt": PROMPT, "prompt_tokens": ours[0]["prompt_tokens"],
        "ours_fp32": ours, "ours_int8": ours_int8, "pytorch": theirs, "torch_version": torch.__version__,
        "prompt_latency_speedup_vs_best_pytorch": best_torch_lat / best_ours_lat,
        "verse_throughput_ratio_vs_best_pytorch": best_ours_tput / best_torch_tput,
        "cosine_ours_vs_pytorch_min": float(cos.min()),
        "int8_prompt_latency_speedup_vs_best_pytorch": best_torch_lat / best_int8_lat,
        "int8_verse_throughput_ratio_vs_best_pytorch": best_int8_tput / best_torch_tput,
        "int8_cosine_to_fp32_min": float(cos8.min()),
        "int8_cosine_to_fp32_mean": float(cos8.mean()),
    }, indent=2))


if __name__ == "__main__":
    main()
