"""Native anchor of scripts/bench-anchors.mjs: milliseconds per translation of an ONNX
translator in onnxruntime (CPU execution provider) at a given thread count.

Usage: python3 scripts/bench_ort.py MODEL.onnx THREADS RUNS SIDE...
Prints one JSON object per side: {"side": ..., "ms": ...}.
"""
import json
import sys
import time

import numpy as np
import onnxruntime as ort

model, threads, runs, *sides = sys.argv[1:]
options = ort.SessionOptions()
options.intra_op_num_threads = int(threads)
options.inter_op_num_threads = 1
session = ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])
domains = session.get_inputs()[1].shape[1]
code = np.zeros((1, domains), np.float32)
code[0, 1] = 1.0
for side in map(int, sides):
    # The same pattern as `ufdn bench` draws, in [-1, 1].
    y, x = np.mgrid[0:side, 0:side]
    rgb = np.stack([x % 256, y % 256, (x ^ y) % 256]).astype(np.float32) / 127.5 - 1.0
    feeds = {"image": rgb[None], "code": code}
    session.run(None, feeds)  # warm-up
    start = time.perf_counter()
    for _ in range(int(runs)):
        session.run(None, feeds)
    print(json.dumps({"side": side, "ms": (time.perf_counter() - start) * 1e3 / int(runs)}), flush=True)
