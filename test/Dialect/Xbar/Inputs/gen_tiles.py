"""Writes a function with COUNT full 4 x 9 array tiles (for the tiny arch),
alternating between two layers named conv0 and conv1.

Usage: gen_tiles.py COUNT
"""
import sys

ENCODING = ("#cim.encoding<offset, weight_bits = 4, bits_per_cell = 2, "
            "slices = 2, paired_columns = false>")


def main():
    count = int(sys.argv[1])
    print("func.func @big(%x: tensor<1x4xi8>) -> tensor<1x9xi32> {")
    for i in range(count):
        print(f"  %l{i} = arith.constant dense<1> : tensor<4x9xi8>")
        print(f"  %y{i} = cim.array_matmul %x, %l{i} {{encoding = {ENCODING}}}"
              f" : tensor<1x4xi8>, tensor<4x9xi8> -> tensor<1x9xi32>"
              f' loc(fused<"Conv">["conv{i % 2}"("m.onnx":0:0)])')
    print("  return %y0 : tensor<1x9xi32>")
    print("}")


if __name__ == "__main__":
    main()
