"""Float reference for digits.onnx, in NumPy, independent of the compiler.

The model is Conv-Relu-Conv-Relu-MaxPool-Flatten-Gemm-Relu-Gemm
(train.py); float_logits reads its initialisers and runs those ops
directly. Used by the demo (float accuracy) and by the end-to-end test.
"""
import numpy as np
import onnx
from onnx import numpy_helper


def conv3x3_same(x, w, b):
    padded = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    # N, C, H, W, 3, 3
    windows = np.lib.stride_tricks.sliding_window_view(padded, (3, 3),
                                                       axis=(2, 3))
    return np.einsum("nchwij,fcij->nfhw", windows, w) + b[None, :, None, None]


def float_logits(model_path, images):
    weights = {t.name: numpy_helper.to_array(t).astype(np.float64)
               for t in onnx.load(str(model_path)).graph.initializer}
    x = images.astype(np.float64)
    x = np.maximum(conv3x3_same(x, weights["features.0.weight"],
                                weights["features.0.bias"]), 0)
    x = np.maximum(conv3x3_same(x, weights["features.2.weight"],
                                weights["features.2.bias"]), 0)
    n, c, h, w = x.shape
    x = x.reshape(n, c, h // 2, 2, w // 2, 2).max(axis=(3, 5))
    x = x.reshape(n, -1)
    x = np.maximum(x @ weights["classifier.1.weight"].T
                   + weights["classifier.1.bias"], 0)
    return x @ weights["classifier.3.weight"].T + weights["classifier.3.bias"]
