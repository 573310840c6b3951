#!/usr/bin/python3
"""FAISS's side of bench_ann: IndexFlatIP and IndexHNSWFlat on the vectors,
queries and exact top 10 that bench_ann wrote, one thread, batch 1.

Usage: bench_ann_faiss.py VECTORS.f32 QUERIES.f32 TRUTH.u32 DIM
Prints one JSON object (bench_ann puts it under "faiss").
"""

import json, os, sys, time

import faiss
import numpy as np

K = 10
WIDTHS = [16, 32, 64, 128, 256, 512]


def measure(search, queries, truth):
    found, ms = 0, []
    t0 = time.perf_counter()
    for i, q in enumerate(queries):
        s = time.perf_counter()
        _, rows = search(q.reshape(1, -1))
        ms.append((time.perf_counter() - s) * 1000)
        found += len(set(rows[0].tolist()) & set(truth[i].tolist()))
    total = time.perf_counter() - t0
    ms.sort()
    return {"recall_at_10": found / (len(queries) * K), "queries_per_s": len(queries) / total,
            "p50_ms": ms[len(ms) // 2], "p99_ms": ms[len(ms) * 99 // 100]}


def index_bytes(index):
    return len(faiss.serialize_index(index))


def main():
    vectors_path, queries_path, truth_path, dim = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    faiss.omp_set_num_threads(1)
    rows = np.fromfile(vectors_path, dtype=np.float32).reshape(-1, dim)
    queries = np.fromfile(queries_path, dtype=np.float32).reshape(-1, dim)
    truth = np.fromfile(truth_path, dtype=np.uint32).reshape(-1, K)
    out = {"version": faiss.__version__}

    flat = faiss.IndexFlatIP(dim)
    flat.add(rows)
    out["flat_ip"] = measure(lambda q: flat.search(q, K), queries[:20], truth[:20])
    out["flat_ip"]["index_bytes"] = rows.nbytes

    hnsw = faiss.IndexHNSWFlat(dim, 16, faiss.METRIC_INNER_PRODUCT)
    hnsw.hnsw.efConstruction = 100
    t = time.perf_counter()
    hnsw.add(rows)
    out["hnsw_flat"] = {"build_s": time.perf_counter() - t, "m": 16, "ef_construction": 100,
                        "index_bytes": index_bytes(hnsw), "by_ef": {}}
    for ef in WIDTHS:
        hnsw.hnsw.efSearch = ef
        out["hnsw_flat"]["by_ef"][str(ef)] = measure(lambda q: hnsw.search(q, K), queries, truth)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
