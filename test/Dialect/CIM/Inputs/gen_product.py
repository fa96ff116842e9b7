"""Writes a module with one integer crossbar product of constant operands.

Usage: gen_product.py M K N WEIGHT_BITS SEED [GROUPS]
Weights are uniform in the symmetric narrow range of WEIGHT_BITS, inputs in
[-127, 127]; with GROUPS > 1 the product is grouped ([M,G,K] x [G,K,N]).
Used to check that tiling and cell encoding keep products exact: the module
folded directly and folded after the passes must give the same constant.
"""
import random
import sys


def dense(values, shape):
    def nest(flat, dims):
        if len(dims) == 1:
            return "[" + ", ".join(map(str, flat)) + "]"
        step = len(flat) // dims[0]
        return "[" + ", ".join(nest(flat[i * step:(i + 1) * step], dims[1:])
                               for i in range(dims[0])) + "]"
    return nest(values, shape)


def main():
    m, k, n, bits, seed = map(int, sys.argv[1:6])
    groups = int(sys.argv[6]) if len(sys.argv) > 6 else 1
    rng = random.Random(seed)
    limit = 2 ** (bits - 1) - 1
    x_shape = [m, k] if groups == 1 else [m, groups, k]
    w_shape = [k, n] if groups == 1 else [groups, k, n]
    y_shape = [m, n] if groups == 1 else [m, groups, n]
    x = [rng.randint(-127, 127) for _ in range(m * k * groups)]
    w = [rng.randint(-limit, limit) for _ in range(k * n * groups)]
    wtype = "i8" if bits <= 8 else "i16"
    t = lambda shape, e: "tensor<" + "x".join(map(str, shape)) + "x" + e + ">"
    print("func.func @product() -> %s {" % t(y_shape, "i32"))
    print("  %%x = arith.constant dense<%s> : %s" % (dense(x, x_shape), t(x_shape, "i8")))
    print("  %%w = arith.constant dense<%s> : %s" % (dense(w, w_shape), t(w_shape, wtype)))
    print("  %%y = cim.crossbar_matmul %%x, %%w {cim.weight_bits = %d : i64} : %s, %s -> %s"
          % (bits, t(x_shape, "i8"), t(w_shape, wtype), t(y_shape, "i32")))
    print("  return %%y : %s" % t(y_shape, "i32"))
    print("}")


if __name__ == "__main__":
    main()
