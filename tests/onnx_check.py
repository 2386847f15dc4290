"""Runs an ONNX translator with onnxruntime (CPU) on .npy inputs and prints the largest
absolute difference between its output and an expected .npy output, then the standard
deviation of the expected output (a check is only as strong as the output is far from flat).

Usage: python3 tests/onnx_check.py MODEL.onnx IMAGE.npy CODE.npy EXPECTED.npy
"""
import sys

import numpy as np
import onnxruntime as ort

model, image, code, expected = sys.argv[1:5]
session = ort.InferenceSession(model, providers=["CPUExecutionProvider"])
(output,) = session.run(["translated"], {"image": np.load(image), "code": np.load(code)})
want = np.load(expected)
if output.shape != want.shape:
    sys.exit(f"onnxruntime output shape {output.shape}, ufdn's {want.shape}")
print(f"{float(np.abs(output - want).max()):.3e} {float(want.std()):.3e}")
