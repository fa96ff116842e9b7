"""Float reference for examples/digits/digits.onnx, in NumPy, and the checks
the end-to-end test makes of cim-run's logits against it.

  digits_reference.py compare MODEL IMAGES LABELS LOGITS MODE
    prints top-1 agreement with the float model, accuracy, and the largest
    logit error relative to the largest float logit; exits 1 when they miss
    the bounds of MODE (ideal or quantized).

The model is Conv-Relu-Conv-Relu-MaxPool-Flatten-Gemm-Relu-Gemm
(examples/digits/train.py); the reference reads its initialisers and runs
those ops directly, independent of the compiler.
"""
import sys

import numpy as np
import onnx
from onnx import numpy_helper


def conv3x3_same(x, w, b):
    padded = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    windows = np.lib.stride_tricks.sliding_window_view(padded, (3, 3),
                                                       axis=(2, 3))
    # windows: N, C, H, W, 3, 3
    return np.einsum("nchwij,fcij->nfhw", windows, w) + b[None, :, None, None]


def float_logits(model_path, images):
    weights = {t.name: numpy_helper.to_array(t).astype(np.float64)
               for t in onnx.load(model_path).graph.initializer}
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


# (minimum top-1 agreement with the float model, maximum logit error
# relative to the largest float logit). Ideal mode keeps the 8-bit weight
# and input quantisation and nothing else (measured 0.009); quantized adds
# the converters: isaac's 8-bit ADCs drop low bits of full 128-row column
# sums (measured 0.18 on isaac, 0.15 on hermes).
BOUNDS = {"ideal": (0.99, 0.02), "quantized": (0.97, 0.5)}


def main(argv):
    _, command, model, images, labels, logits, mode = argv
    assert command == "compare"
    images = np.load(images)
    labels = np.load(labels)
    got = np.load(logits).reshape(len(images), -1)
    want = float_logits(model, images)
    agreement = float((got.argmax(1) == want.argmax(1)).mean())
    accuracy = float((got.argmax(1) == labels).mean())
    error = float(np.abs(got - want).max() / np.abs(want).max())
    print(f"{mode}: {len(images)} images, top-1 agreement {agreement:.4f}, "
          f"accuracy {accuracy:.4f} (float "
          f"{float((want.argmax(1) == labels).mean()):.4f}), "
          f"relative logit error {error:.4f}")
    min_agreement, max_error = BOUNDS[mode]
    if agreement < min_agreement or error > max_error:
        print(f"outside the {mode} bounds: agreement >= {min_agreement}, "
              f"error <= {max_error}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
