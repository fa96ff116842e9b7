"""Inputs and expected outputs of the emit-program tests, as .npy files.

Plain Python (no numpy): the .npy format is a short header and raw
little-endian data, which is all these tests need.

Usage:
  npy_product.py two-cores-inputs DIR     x_low.npy, x_high.npy of
                                          emit-program.mlir
  npy_product.py two-cores-check DIR      checks DIR/y.npy and DIR/out1.npy
  npy_product.py module M K N SEED        prints @main: an i8 argument times
                                          a constant 8-bit weight
                                          (cim.crossbar_matmul)
  npy_product.py folded M K N SEED        the same product of two constants,
                                          for the compiler to fold
  npy_product.py inputs M K N SEED FILE   writes the argument as FILE
  npy_product.py check M K N SEED FILE    checks the product in FILE
  npy_product.py same-as-folded MLIR FILE checks that FILE holds the
                                          i32 constant the folded MLIR
                                          returns
Exit status 1 (with the first difference) when a check fails.
"""
import ast
import random
import re
import struct
import sys

FORMATS = {"<i1": "b", "|i1": "b", "<i2": "h", "<i4": "i", "<i8": "q",
           "<f4": "f", "<f8": "d"}


def write_npy(path, descr, shape, values):
    header = "{'descr': '%s', 'fortran_order': False, 'shape': (%s), }" % (
        descr, "".join("%d, " % d for d in shape))
    # Magic (6) + version (2) + length (2) + header + newline: a multiple of
    # 64 bytes, as numpy writes it.
    header += " " * ((64 - (10 + len(header) + 1) % 64) % 64) + "\n"
    with open(path, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)))
        f.write(header.encode("latin1"))
        f.write(struct.pack("<%d%s" % (len(values), FORMATS[descr]), *values))


def read_npy(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:6] != b"\x93NUMPY":
        sys.exit("%s: not a .npy file" % path)
    if data[6] == 1:
        (length,), start = struct.unpack("<H", data[8:10]), 10
    else:
        (length,), start = struct.unpack("<I", data[8:12]), 12
    header = ast.literal_eval(data[start:start + length].decode("latin1"))
    count = 1
    for d in header["shape"]:
        count *= d
    body = data[start + length:]
    values = struct.unpack("<%d%s" % (count, FORMATS[header["descr"]]),
                           body[:count * struct.calcsize(
                               FORMATS[header["descr"]])])
    return header["descr"], tuple(header["shape"]), list(values)


def matmul(x, w, m, k, n):
    return [sum(x[i * k + l] * w[l * n + j] for l in range(k))
            for i in range(m) for j in range(n)]


def expect(path, descr, shape, values):
    got_descr, got_shape, got = read_npy(path)
    if (got_descr, got_shape) != (descr, shape):
        sys.exit("%s: %s %s, expected %s %s" % (path, got_descr, got_shape,
                                                descr, shape))
    for e, (a, b) in enumerate(zip(got, values)):
        if a != b:
            sys.exit("%s: element %d is %r, expected %r" % (path, e, a, b))
    print("%s: %d elements match" % (path.rsplit("/", 1)[-1], len(values)))


# emit-program.mlir: W, the inputs, and quantize(x_high, 0.5, 4 bits).
TWO_CORES_W = [1, -2, 3, -4, 5, -6, 7, 0, -1, 2, -3, 4,
               -5, 6, -7, 0, 1, 2, 3, -4, 5, -6, 7, 0]
X_LOW = [3, -7, 0, 5, -1, 2, 7, -8]
# 5.0 / 0.5 = 10 clamps to 7; -0.75 / 0.5 = -1.5 rounds half to even, -2.
X_HIGH = [0.5, -3.5, 5.0, 1.0, -0.75, 2.0, 0.0, -1.5]


def quantize(x, scale, bits):
    limit = 2 ** (bits - 1) - 1
    return max(-limit, min(limit, round(x / scale)))  # round: half to even


def two_cores(args):
    directory = args[1]
    if args[0] == "two-cores-inputs":
        write_npy(directory + "/x_low.npy", "|i1", (2, 4), X_LOW)
        write_npy(directory + "/x_high.npy", "<f4", (2, 4), X_HIGH)
        return
    q = [quantize(v, 0.5, 4) for v in X_HIGH]
    x = []
    for i in range(2):
        x += X_LOW[i * 4:i * 4 + 4] + q[i * 4:i * 4 + 4]
    y = matmul(x, TWO_CORES_W, 2, 8, 3)
    expect(directory + "/y.npy", "<i4", (2, 3), y)
    scales = [0.25, 0.5, 1.0]
    real = [struct.unpack("<f", struct.pack("<f", v * 2.0 * scales[e % 3]))[0]
            for e, v in enumerate(y)]
    expect(directory + "/out1.npy", "<f4", (2, 3), real)


def product_operands(m, k, n, seed):
    rng = random.Random(seed)
    w = [rng.randint(-127, 127) for _ in range(k * n)]
    x = [rng.randint(-127, 127) for _ in range(m * k)]
    return x, w


def dense(values, rows, cols):
    return "dense<[%s]>" % ", ".join(
        "[" + ", ".join(map(str, values[r * cols:(r + 1) * cols])) + "]"
        for r in range(rows))


def same_as_folded(mlir, path):
    """The folded module returns the product as a dense i32 constant of the
    shape FILE has (printed as a list: fewer than 100 elements)."""
    _, shape, _ = read_npy(path)
    with open(mlir) as f:
        text = f.read()
    found = re.search(r"dense<([^>]*)> : tensor<%dx%dxi32>" % shape, text)
    if not found:
        sys.exit("%s: no folded %dx%d i32 product" % ((mlir,) + shape))
    values = [int(v) for v in re.findall(r"-?\d+", found.group(1))]
    if len(values) == 1:  # a splat
        values *= shape[0] * shape[1]
    expect(path, "<i4", shape, values)


def product(args):
    if args[0] == "same-as-folded":
        return same_as_folded(args[1], args[2])
    m, k, n, seed = map(int, args[1:5])
    x, w = product_operands(m, k, n, seed)
    xt, wt, yt = ("tensor<%dx%dx%s>" % s for s in
                  ((m, k, "i8"), (k, n, "i8"), (m, n, "i32")))
    if args[0] == "folded":
        print("func.func @main() -> %s {" % yt)
        print("  %%x = arith.constant %s : %s" % (dense(x, m, k), xt))
        print("  %%w = arith.constant %s : %s" % (dense(w, k, n), wt))
        print("  %%y = cim.crossbar_matmul %%x, %%w {cim.weight_bits = 8 : "
              "i64} : %s, %s -> %s" % (xt, wt, yt))
        print("  return %%y : %s" % yt)
        print("}")
    elif args[0] == "module":
        print("func.func @main(%%x: %s {onnx.name = \"x\"}) -> "
              "(%s {onnx.name = \"y\"}) {" % (xt, yt))
        print("  %%w = arith.constant %s : %s" % (dense(w, k, n), wt))
        print("  %%y = cim.crossbar_matmul %%x, %%w {cim.weight_bits = 8 : "
              "i64} : %s, %s -> %s loc(fused<\"MatMul\">[\"fc\"(\"m.onnx\":"
              "0:0)])" % (xt, wt, yt))
        print("  return %%y : %s" % yt)
        print("}")
    elif args[0] == "inputs":
        write_npy(args[5], "|i1", (m, k), x)
    else:
        expect(args[5], "<i4", (m, n), matmul(x, w, m, k, n))


def main():
    if sys.argv[1].startswith("two-cores"):
        two_cores(sys.argv[1:])
    else:
        product(sys.argv[1:])


if __name__ == "__main__":
    main()
