"""The checks the end-to-end test makes of cim-run's logits for the digits
CNN against its float reference.

  digits_reference.py compare MODEL IMAGES LABELS LOGITS MODE
    prints top-1 agreement with the float model, accuracy, and the largest
    logit error relative to the largest float logit; exits 1 when they miss
    the bounds of MODE (ideal or quantized).

The reference is examples/digits/reference.py: the model's ops in NumPy,
independent of the compiler.
"""
import sys
from pathlib import Path

import numpy as np

# The reference lives with the example (the demo reports float accuracy
# from it too).
sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "examples" /
                       "digits"))
from reference import float_logits  # noqa: E402


# (minimum top-1 agreement with the float model, maximum logit error
# relative to the largest float logit). Ideal numerics compute every
# crossbar product from its real-valued reference, so only float rounding
# is left (1e-3 is ONNX's own tolerance); quantized has the 8-bit weights
# and inputs and the converters: isaac's 8-bit ADCs drop low bits of full
# 128-row column sums (measured 0.18 on isaac, 0.15 on hermes).
BOUNDS = {"ideal": (1.0, 1e-3), "quantized": (0.97, 0.5)}


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
          f"relative logit error {error:.2g}")
    min_agreement, max_error = BOUNDS[mode]
    if agreement < min_agreement or error > max_error:
        print(f"outside the {mode} bounds: agreement >= {min_agreement}, "
              f"error <= {max_error}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
