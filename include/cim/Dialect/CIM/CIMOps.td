//===- CIMOps.td - Operations of the cim dialect -----------*- tablegen -*-===//

#ifndef CIM_DIALECT_CIM_CIMOPS_TD
#define CIM_DIALECT_CIM_CIMOPS_TD

include "cim/Dialect/CIM/CIMDialect.td"
include "cim/Dialect/CIM/CIMAttrs.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/IR/CommonAttrConstraints.td"

def CIM_CrossbarMatmulOp : CIM_Op<"crossbar_matmul", [Pure]> {
  let summary = "Matrix product with a stationary weight, computed on crossbars";
  let description = [{
    `result[m, n] = sum_k input[m, k] * weight[k, n]`, where `weight` is
    programmed into crossbar cells once and `input` rows stream through the
    DACs. The weight must be a compile-time constant: that is what makes it
    stationary. Products of two activations (attention's QK^T and AV) are
    not this op; they take the digital or the reprogram-then-compute path.

    With float operands the product is real-valued; with integer operands
    (after `cim.quantize`) it is exact integer arithmetic and the result type
    is the accumulator.

    ```mlir
    %y = cim.crossbar_matmul %x, %w : tensor<4x64xf32>, tensor<64x32xf32> -> tensor<4x32xf32>
    ```
  }];
  let arguments = (ins AnyStaticShapeTensor:$input,
                       AnyStaticShapeTensor:$weight);
  let results = (outs AnyStaticShapeTensor:$result);
  let assemblyFormat = [{
    $input `,` $weight attr-dict `:` type($input) `,` type($weight) `->` type($result)
  }];
  let hasVerifier = 1;
}

class CIM_QuantOp<string mnemonic, Type inputType, Type resultType>
    : CIM_Op<mnemonic, [Pure, SameOperandsAndResultShape]> {
  let arguments = (ins inputType:$input,
                       ConfinedAttr<I64Attr, [IntMinValue<2>, IntMaxValue<32>]>:$bits,
                       DenseF64ArrayAttr:$scales,
                       OptionalAttr<I64Attr>:$axis);
  let results = (outs resultType:$result);
  let assemblyFormat = [{
    $input `bits` $bits `scales` $scales (`axis` $axis^)? attr-dict `:`
    type($input) `->` type($result)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

def CIM_QuantizeOp : CIM_QuantOp<"quantize",
    RankedTensorOf<[AnyFloat]>, RankedTensorOf<[AnySignlessInteger]>> {
  let summary = "Symmetric quantisation to signed integers";
  let description = [{
    `q = clamp(round_half_even(x / scale), -(2^(bits-1) - 1), 2^(bits-1) - 1)`:
    symmetric, narrow range (so a differential pair or an offset encoding
    represents every level), with one scale for the whole tensor or, with
    `axis`, one scale per index along that dimension (per output channel).
    The result element type must be at least `bits` wide. Folds when the
    input is a constant, which is how weights are quantised at compile time.

    ```mlir
    %q = cim.quantize %w bits 8 scales [0.02, 0.04] axis 1 : tensor<64x2xf32> -> tensor<64x2xi8>
    ```
  }];
}

def CIM_DequantizeOp : CIM_QuantOp<"dequantize",
    RankedTensorOf<[AnySignlessInteger]>, RankedTensorOf<[AnyFloat]>> {
  let summary = "Back from quantised integers to real values";
  let description = [{
    `x = q * scale`, with the same per-tensor or per-axis scales as
    `cim.quantize`. `bits` records the precision the integers were quantised
    to; every input value must fit it. Folds when the input is a constant.

    ```mlir
    %x = cim.dequantize %q bits 8 scales [0.5] : tensor<4xi32> -> tensor<4xf32>
    ```
  }];
}

#endif // CIM_DIALECT_CIM_CIMOPS_TD
