#!/usr/bin/python3
"""Decoding speed of the C++ T5 runtime (bench_t5) against PyTorch, same run.

    /usr/bin/python3 bench/torch_t5.py --bench-binary build-t5/bench/bench_t5 \
        [--model-dir build-t5/bench-t5-base] [--shape base|small] [--max-length 32]

1. Writes a random-weight T5 folder with the tools in shared/reference
   (make_fixtures.make_t5_weights / write_t5_folder, the t5-tiny knobs and
   spiece.model) in t5-base's shape (d_model 768, 12+12 layers, 12 heads,
   d_ff 3072, vocab 32128) unless the folder already holds that shape. It
   goes into the build tree, never into git.
2. Times PyTorch: the reference encoder (reference.T5Ref.encode) and an
   incremental decoder with a key/value cache written here (transformers is
   not installable on this machine), driven by reference.greedy_decode /
   reference.beam_search, at 1 and 2 torch threads; the better is reported.
3. Runs bench_t5 on the same folder and prompts (OpenBLAS at 1 and 2
   threads), checks both produced the same ids, and prints one JSON object.

Use Debian's /usr/bin/python3 (python3-torch, python3-numpy).
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
REFERENCE = os.path.normpath(os.path.join(HERE, "..", "..", "shared", "reference"))
sys.path.insert(0, REFERENCE)
import reference as R  # noqa: E402
import make_fixtures as MF  # noqa: E402

SHAPES = {
    "base": dict(d_model=768, d_kv=64, num_heads=12, d_ff=3072, num_layers=12, num_decoder_layers=12,
                 feed_forward_proj="relu", tie_word_embeddings=True, vocab_size=32128),
    "small": dict(d_model=512, d_kv=64, num_heads=8, d_ff=2048, num_layers=6, num_decoder_layers=6,
                  feed_forward_proj="relu", tie_word_embeddings=True, vocab_size=32128),
}

PROMPTS = [
    "prompt: I need energetic dance music for a party",
    "prompt: Play calm acoustic songs for studying",
    "prompt: Upbeat music for working out",
    "prompt: Relaxing instrumental background music",
    "prompt: Happy pop music for driving",
]


def ensure_model(model_dir: str, shape: dict) -> float:
    """Writes the random folder unless it is already there; returns seconds spent."""
    cfg_path = os.path.join(model_dir, "config.json")
    if os.path.exists(cfg_path) and os.path.exists(os.path.join(model_dir, "model.safetensors")):
        with open(cfg_path) as f:
            cfg = json.load(f)
        if all(cfg.get(k) == v for k, v in shape.items()):
            return 0.0
    t0 = time.time()
    MF.T5_VOCAB = shape["vocab_size"]  # make_fixtures reads this global
    arch = {k: v for k, v in shape.items() if k != "vocab_size"}
    knobs = dict(MF.T5_KNOBS["t5-tiny"])
    seed = knobs.pop("seed")
    weights = MF.make_t5_weights(arch, seed, knobs)
    MF.write_t5_folder(model_dir, arch, weights, os.path.join(REFERENCE, "t5-tiny", "spiece.model"))
    return time.time() - t0


class CachedT5Decoder:
    """T5 decoder steps with a key/value cache, on top of reference.T5Ref's
    weights. The step function takes the full prefixes (as the reference
    searches call it) and works out which cached row each new row continues."""

    def __init__(self, ref: "R.T5Ref", enc_out: torch.Tensor):
        self.ref = ref
        w, c = ref.w, ref.cfg
        self.h, self.dk = ref.n_heads, ref.d_kv
        self.layers = []
        for i in range(ref.n_dec):
            p = f"decoder.block.{i}.layer."
            lw = {k: w[p + k] for k in (
                "0.layer_norm.weight", "0.SelfAttention.q.weight", "0.SelfAttention.k.weight",
                "0.SelfAttention.v.weight", "0.SelfAttention.o.weight", "1.layer_norm.weight",
                "1.EncDecAttention.q.weight", "1.EncDecAttention.o.weight", "2.layer_norm.weight")}
            S = enc_out.shape[1]
            # cross keys/values once per input: (heads, S, d_kv)
            lw["ck"] = (enc_out[0] @ w[p + "1.EncDecAttention.k.weight"].t()).view(S, self.h, self.dk).transpose(0, 1)
            lw["cv"] = (enc_out[0] @ w[p + "1.EncDecAttention.v.weight"].t()).view(S, self.h, self.dk).transpose(0, 1)
            lw["ff"] = p + "2.DenseReluDense."
            self.layers.append(lw)
        self.table = w["decoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight"]
        self.keys = [None] * ref.n_dec
        self.values = [None] * ref.n_dec
        self.prev = None  # prefixes the cache holds

    def _reorder(self, prefixes: torch.Tensor) -> None:
        if self.prev is None:
            return
        parents = prefixes[:, :-1]
        src = []
        for row in parents:
            match = (self.prev == row).all(dim=1).nonzero()
            src.append(int(match[0]))
        if src != list(range(len(src))):
            idx = torch.tensor(src)
            self.keys = [k[idx] for k in self.keys]
            self.values = [v[idx] for v in self.values]

    def __call__(self, prefixes: torch.Tensor) -> torch.Tensor:
        self._reorder(prefixes)
        self.prev = prefixes.clone()
        ref, w = self.ref, self.ref.w
        n, T = prefixes.shape
        t = T - 1
        x = w["shared.weight"][prefixes[:, -1]]  # (n, d)
        rel = torch.arange(T) - t
        buckets = R.t5_relative_bucket(rel, False, ref.num_buckets, ref.max_distance)
        bias = self.table[buckets].t()  # (heads, T)
        for i, lw in enumerate(self.layers):
            hdn = R.t5_rms_norm(x, lw["0.layer_norm.weight"], ref.eps)
            q = (hdn @ lw["0.SelfAttention.q.weight"].t()).view(n, self.h, 1, self.dk)
            k = (hdn @ lw["0.SelfAttention.k.weight"].t()).view(n, self.h, 1, self.dk)
            v = (hdn @ lw["0.SelfAttention.v.weight"].t()).view(n, self.h, 1, self.dk)
            self.keys[i] = k if self.keys[i] is None else torch.cat([self.keys[i], k], dim=2)
            self.values[i] = v if self.values[i] is None else torch.cat([self.values[i], v], dim=2)
            scores = torch.matmul(q, self.keys[i].transpose(-1, -2)) + bias[None, :, None, :]
            ctx = torch.matmul(torch.softmax(scores, dim=-1), self.values[i]).reshape(n, -1)
            x = x + ctx @ lw["0.SelfAttention.o.weight"].t()
            hdn = R.t5_rms_norm(x, lw["1.layer_norm.weight"], ref.eps)
            q = (hdn @ lw["1.EncDecAttention.q.weight"].t()).view(n, self.h, 1, self.dk)
            scores = torch.matmul(q, lw["ck"].transpose(-1, -2).unsqueeze(0))
            ctx = torch.matmul(torch.softmax(scores, dim=-1), lw["cv"].unsqueeze(0)).reshape(n, -1)
            x = x + ctx @ lw["1.EncDecAttention.o.weight"].t()
            hdn = R.t5_rms_norm(x, lw["2.layer_norm.weight"], ref.eps)
            x = x + ref._ffn(lw["ff"], hdn)
        x = R.t5_rms_norm(x, w["decoder.final_layer_norm.weight"], ref.eps)
        if ref.tied:
            return (x * (ref.d_model ** -0.5)) @ w["shared.weight"].t()
        return x @ w["lm_head.weight"].t()


def torch_generate(ref, tok, prompt: str, beams: int, max_length: int) -> list:
    ids = torch.tensor([tok.encode(prompt)])
    enc = ref.encode(ids)
    step = CachedT5Decoder(ref, enc)
    if beams == 1:
        return R.greedy_decode(step, 0, 1, max_length)["ids"]
    return R.beam_search(step, 0, 1, beams, max_length, 1.0, True)["ids"]


def bench_torch(model_dir: str, prompts: list, max_length: int, thread_counts: list) -> dict:
    ref = R.T5Ref.from_dir(model_dir)
    tok = R.T5TokenizerRef(os.path.join(model_dir, "spiece.model"))
    runs, outputs = [], {}
    with torch.inference_mode():
        for mode, beams in (("greedy", 1), ("beam4", 4)):
            for threads in thread_counts:
                torch.set_num_threads(threads)
                torch_generate(ref, tok, prompts[0], beams, max_length)  # warm-up
                t0 = time.perf_counter()
                ids = [torch_generate(ref, tok, p, beams, max_length) for p in prompts]
                seconds = time.perf_counter() - t0
                new_tokens = sum(len(s) - 1 for s in ids)
                runs.append(dict(mode=mode, threads=threads, new_tokens=new_tokens, seconds=seconds,
                                 ms_per_prompt=1000 * seconds / len(prompts), tokens_per_s=new_tokens / seconds))
                outputs[mode] = ids
    return {"implementation": f"PyTorch {torch.__version__} (reference encoder + KV-cached decoder, "
                              "reference greedy/beam loops)", "runs": runs, "outputs": outputs}


def best(runs: list, mode: str) -> dict:
    return max((r for r in runs if r["mode"] == mode), key=lambda r: r["tokens_per_s"])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--bench-binary", required=True, help="path of the built bench_t5")
    ap.add_argument("--model-dir", default=None, help="where the random model goes (default: beside the binary)")
    ap.add_argument("--shape", choices=sorted(SHAPES), default="base")
    ap.add_argument("--max-length", type=int, default=32)
    ap.add_argument("--threads", default="1,2")
    args = ap.parse_args()
    shape = SHAPES[args.shape]
    model_dir = args.model_dir or os.path.join(os.path.dirname(os.path.abspath(args.bench_binary)),
                                               f"bench-t5-{args.shape}")
    write_s = ensure_model(model_dir, shape)
    thread_counts = [int(t) for t in args.threads.split(",")]

    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write("\n".join(PROMPTS) + "\n")
        prompts_file = f.name
    try:
        cpp_out = subprocess.run([args.bench_binary, model_dir, "--prompts", prompts_file, "--max-length",
                                  str(args.max_length), "--threads", args.threads],
                                 check=True, capture_output=True, text=True).stdout
    finally:
        os.unlink(prompts_file)
    cpp = json.loads(cpp_out)
    pt = bench_torch(model_dir, PROMPTS, args.max_length, thread_counts)

    summary = {}
    for mode in ("greedy", "beam4"):
        c, p = best(cpp["runs"], mode), best(pt["runs"], mode)
        same = sum(a == b for a, b in zip(cpp["outputs"][mode], pt["outputs"][mode]))
        summary[mode] = {
            "cpp_tokens_per_s": round(c["tokens_per_s"], 2), "cpp_ms_per_prompt": round(c["ms_per_prompt"], 1),
            "cpp_threads": c["threads"],
            "torch_tokens_per_s": round(p["tokens_per_s"], 2), "torch_ms_per_prompt": round(p["ms_per_prompt"], 1),
            "torch_threads": p["threads"],
            "speedup_tokens_per_s": round(c["tokens_per_s"] / p["tokens_per_s"], 3),
            "identical_outputs": f"{same}/{len(PROMPTS)}",
        }
    for r in (cpp, pt):
        r.pop("outputs")
    print(json.dumps({
        "shape": dict(shape, name=args.shape),
        "model_dir": model_dir, "model_write_s": round(write_s, 1),
        "prompts": len(PROMPTS), "max_length": args.max_length,
        "note": "new tokens include eos, exclude the start token; each side times tokenize+encode+decode per "
                "prompt after one warm-up; best thread count reported in summary",
        "summary": summary, "cpp": cpp, "torch": pt,
    }, indent=1))


if __name__ == "__main__":
    main()
