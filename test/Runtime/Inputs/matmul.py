"""An integer product for the cim-run tests: the module, its input as .npy,
and checks of cim-run's output against numpy and against the compiler.

Usage:
  matmul.py module M K N SEED [--constant-input]
      prints @main: y = x * w (cim.crossbar_matmul), w a constant 8-bit
      weight, x an i8 argument "x" (or, with --constant-input, the same x as
      a constant, for the compiler's folder)
  matmul.py inputs M K N SEED FILE      writes x as FILE (int8)
  matmul.py check M K N SEED FILE       FILE must hold x @ w exactly (int32)
  matmul.py check-folded FOLDED FILE    FILE must hold the M x N i32
                                        constant of the folded module FOLDED
Exit status 1, with the first difference, when a check fails.
"""
import re
import sys

import numpy as np


def operands(m, k, n, seed):
    rng = np.random.default_rng(seed)
    x = rng.integers(-128, 127, size=(m, k), endpoint=True, dtype=np.int64)
    w = rng.integers(-127, 127, size=(k, n), endpoint=True, dtype=np.int64)
    return x, w


def dense(a):
    return np.array2string(a, separator=", ", threshold=sys.maxsize,
                           max_line_width=sys.maxsize).replace("\n", "")


def module(m, k, n, seed, constant_input):
    x, w = operands(m, k, n, seed)
    xt, wt, yt = ("tensor<%dx%dx%s>" % s for s in
                  ((m, k, "i8"), (k, n, "i8"), (m, n, "i32")))
    if constant_input:
        print("func.func @main() -> (%s {onnx.name = \"y\"}) {" % yt)
        print("  %%x = arith.constant dense<%s> : %s" % (dense(x), xt))
    else:
        print("func.func @main(%%x: %s {onnx.name = \"x\"}) -> "
              "(%s {onnx.name = \"y\"}) {" % (xt, yt))
    print("  %%w = arith.constant dense<%s> : %s" % (dense(w), wt))
    # The ONNX node: reports charge the product's energy to "fc".
    print("  %%y = cim.crossbar_matmul %%x, %%w {cim.weight_bits = 8 : i64} : "
          "%s, %s -> %s loc(fused<\"MatMul\">[\"fc\"(\"m.onnx\":0:0)])"
          % (xt, wt, yt))
    print("  return %%y : %s" % yt)
    print("}")


def expect(path, expected):
    got = np.load(path)
    if got.dtype != np.int32 or got.shape != expected.shape:
        sys.exit("%s: %s %s, expected int32 %s" % (path, got.dtype, got.shape,
                                                   expected.shape))
    differ = np.argwhere(got != expected)
    if len(differ):
        at = tuple(differ[0])
        sys.exit("%s: %d elements differ; at %s got %d, expected %d"
                 % (path, len(differ), at, got[at], expected[at]))
    print("%s: %d elements match" % (path.rsplit("/", 1)[-1], got.size))


def folded(path, m, n):
    text = open(path).read()
    found = re.findall(r"dense<([^>]*)> : tensor<%dx%dxi32>" % (m, n), text)
    if len(found) != 1:
        sys.exit("%s: %d folded %dx%d constants" % (path, len(found), m, n))
    values = [int(v) for v in re.findall(r"-?\d+", found[0])]
    return np.array(values, dtype=np.int64).reshape(m, n)


def main():
    mode, args = sys.argv[1], sys.argv[2:]
    if mode == "check-folded":
        got = np.load(args[1])
        expect(args[1], folded(args[0], *got.shape))
        return
    m, k, n, seed = map(int, args[:4])
    if mode == "module":
        module(m, k, n, seed, "--constant-input" in args[4:])
    elif mode == "inputs":
        np.save(args[4], operands(m, k, n, seed)[0].astype(np.int8))
    elif mode == "check":
        x, w = operands(m, k, n, seed)
        expect(args[4], x @ w)
    else:
        sys.exit("unknown mode " + mode)


if __name__ == "__main__":
    main()
