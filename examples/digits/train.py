#!/usr/bin/env python3
"""Trains the demo network: a small CNN on scikit-learn's bundled 8x8 digits.

Deterministic (fixed seeds, one thread) and CPU-only; takes a few seconds.
Writes, next to this script:
  digits.onnx          the trained model (opset 13, input "image" 1x1x8x8)
  test_images.npy      the held-out test split, float32 [N, 1, 8, 8] in [0, 1]
  test_labels.npy      its labels, int64 [N]
and prints the float accuracy on the test split. No data is downloaded: the
digits set ships with scikit-learn.
"""
import sys
from pathlib import Path

import numpy as np
import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

HERE = Path(__file__).resolve().parent


class DigitsCNN(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.features = torch.nn.Sequential(
            torch.nn.Conv2d(1, 16, 3, padding=1), torch.nn.ReLU(),
            torch.nn.Conv2d(16, 32, 3, padding=1), torch.nn.ReLU(),
            torch.nn.MaxPool2d(2))
        self.classifier = torch.nn.Sequential(
            torch.nn.Flatten(), torch.nn.Linear(32 * 4 * 4, 64),
            torch.nn.ReLU(), torch.nn.Linear(64, 10))

    def forward(self, x):
        return self.classifier(self.features(x))


def main(out_dir: Path = HERE) -> int:
    torch.manual_seed(0)
    torch.set_num_threads(1)
    digits = load_digits()
    images = (digits.images / 16.0).astype(np.float32)[:, None, :, :]
    x_train, x_test, y_train, y_test = train_test_split(
        images, digits.target.astype(np.int64), test_size=0.25,
        random_state=0, stratify=digits.target)

    model = DigitsCNN()
    optimizer = torch.optim.Adam(model.parameters(), lr=2e-3)
    xt, yt = torch.from_numpy(x_train), torch.from_numpy(y_train)
    generator = torch.Generator().manual_seed(0)
    for _ in range(15):
        order = torch.randperm(len(xt), generator=generator)
        for start in range(0, len(xt), 64):
            batch = order[start:start + 64]
            optimizer.zero_grad()
            loss = torch.nn.functional.cross_entropy(model(xt[batch]),
                                                     yt[batch])
            loss.backward()
            optimizer.step()

    model.eval()
    with torch.no_grad():
        predicted = model(torch.from_numpy(x_test)).argmax(1).numpy()
    accuracy = float((predicted == y_test).mean())
    torch.onnx.export(model, torch.zeros(1, 1, 8, 8),
                      str(out_dir / "digits.onnx"), opset_version=13,
                      input_names=["image"], output_names=["logits"])
    np.save(out_dir / "test_images.npy", x_test)
    np.save(out_dir / "test_labels.npy", y_test)
    print(f"float accuracy on {len(y_test)} held-out digits: {accuracy:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE))
