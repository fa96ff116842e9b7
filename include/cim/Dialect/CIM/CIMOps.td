//===- CIMOps.td - Operations of the cim dialect -----------*- tablegen -*-===//

#ifndef CIM_DIALECT_CIM_CIMOPS_TD
#define CIM_DIALECT_CIM_CIMOPS_TD

include "cim/Dialect/CIM/CIMDialect.td"
include "cim/Dialect/CIM/CIMAttrs.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/IR/CommonAttrConstraints.td"
include "mlir/Interfaces/InferTypeOpInterface.td"

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

    Grouped form (grouped and depthwise convolutions): `input` is
    `M x G x K`, `weight` is `G x K x N` and the result `M x G x N`; each of
    the `G` groups is an independent matrix.

    With `reprogram`, the weight may be an activation: the arrays are
    written with it at run time before the product (the cost model of
    `cim-convert-linalg` chose this over the digital path).

    ```mlir
    %y = cim.crossbar_matmul %x, %w : tensor<4x64xf32>, tensor<64x32xf32> -> tensor<4x32xf32>
    ```
  }];
  let arguments = (ins AnyStaticShapeTensor:$input,
                       AnyStaticShapeTensor:$weight,
                       UnitAttr:$reprogram);
  let results = (outs AnyStaticShapeTensor:$result);
  let assemblyFormat = [{
    $input `,` $weight attr-dict `:` type($input) `,` type($weight) `->` type($result)
  }];
  let hasVerifier = 1;
  // Integer products of constants fold, so the exactness of later encodings
  // can be checked by folding both sides.
  let hasFolder = 1;
}

class CIM_QuantOp<string mnemonic, Type inputType, Type resultType>
    : CIM_Op<mnemonic, [Pure, SameOperandsAndResultShape]> {
  let arguments = (ins inputType:$input,
                       ConfinedAttr<I64Attr, [IntMinValue<2>, IntMaxValue<32>]>:$bits,
                       DenseF64ArrayAttr:$scales,
                       OptionalAttr<I64Attr>:$axis);
  let results = (outs resultType:$result);
  let assemblyFormat = [{
    $input `bits` $bits `scales` custom<Scales>($scales) (`axis` $axis^)?
    attr-dict `:` type($input) `->` type($result)
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

def CIM_QuantizeDynamicOp : CIM_Op<"quantize_dynamic", [Pure]> {
  let summary = "Quantise with a scale the digital unit computes at run time";
  let description = [{
    `scale = max(|x|) / (2^(bits-1) - 1)` over the whole tensor (1 when `x`
    is all zero), then `q` as `cim.quantize` with that scale. Used when no
    calibration data gives a static input scale; the reduction is charged to
    the vector unit.

    ```mlir
    %q, %s = cim.quantize_dynamic %x bits 8 : tensor<4x64xf32> -> tensor<4x64xi8>, tensor<f32>
    ```
  }];
  let arguments = (ins RankedTensorOf<[AnyFloat]>:$input,
                       ConfinedAttr<I64Attr, [IntMinValue<2>, IntMaxValue<32>]>:$bits);
  let results = (outs RankedTensorOf<[AnySignlessInteger]>:$result,
                      0DTensorOf<[AnyFloat]>:$scale);
  let assemblyFormat = [{
    $input `bits` $bits attr-dict `:` type($input) `->` type($result) `,` type($scale)
  }];
  let hasVerifier = 1;
}

def CIM_RescaleOp : CIM_Op<"rescale", [Pure, AttrSizedOperandSegments]> {
  let summary = "Integer accumulator back to real values";
  let description = [{
    `y[m, n] = acc[m, n] * input_scale * weight_scales[n]` (grouped
    accumulators `M x G x N` use `weight_scales[g * N + n]`): undoes the
    input and per-output-channel weight quantisation of a crossbar product.

    The optional `ideal` operands are the product's real-valued reference:
    the float input before quantisation (`M x K`, grouped `M x G x K`) and
    the float weight (`K x N`, grouped `G x K x N`). They are not data the
    machine moves or stores: in ideal numerics the runtime computes
    `y = input x weight` from them, the exact product the quantised path
    approximates (continuous conductances, infinite-precision converters);
    in quantized numerics they are not read. `cim-quantize` sets them for
    every product with a constant weight.

    ```mlir
    %y = cim.rescale %acc, %s weight_scales [0.02, 0.04] : tensor<4x2xi32>, tensor<f32> -> tensor<4x2xf32>
    %z = cim.rescale %acc, %s weight_scales [0.02, 0.04] ideal(%x, %w : tensor<4x3xf32>, tensor<3x2xf32>) : tensor<4x2xi32>, tensor<f32> -> tensor<4x2xf32>
    ```
  }];
  let arguments = (ins RankedTensorOf<[AnySignlessInteger]>:$acc,
                       0DTensorOf<[AnyFloat]>:$inputScale,
                       Optional<RankedTensorOf<[AnyFloat]>>:$idealInput,
                       Optional<RankedTensorOf<[AnyFloat]>>:$idealWeight,
                       DenseF64ArrayAttr:$weightScales);
  let results = (outs RankedTensorOf<[AnyFloat]>:$result);
  let assemblyFormat = [{
    $acc `,` $inputScale `weight_scales` custom<Scales>($weightScales)
    (`ideal` `(` $idealInput^ `,` $idealWeight `:` type($idealInput) `,`
     type($idealWeight) `)`)?
    attr-dict `:` type($acc) `,` type($inputScale) `->` type($result)
  }];
  let hasVerifier = 1;
}

def CIM_Im2colOp : CIM_Op<"im2col", [Pure]> {
  let summary = "Unfold convolution windows into matrix rows";
  let description = [{
    For an `N x C x H x W` input (1-D: `N x C x W`) already padded, row
    `(n, oh, ow)` of the result holds the window under output position
    `(oh, ow)`: `result[n*OH*OW + oh*OW + ow, c*KH*KW + kh*KW + kw] =
    input[n, c, oh*SH + kh*DH, ow*SW + kw*DW]`. With `groups = G` the
    result is `N*OH*OW x G x (C/G)*KH*KW`, group `g` reading channels
    `g*C/G .. (g+1)*C/G`. A convolution is then one `cim.crossbar_matmul`
    with the weights reshaped to `C*KH*KW x F` (grouped: `G x ... x F/G`).

    ```mlir
    %cols = cim.im2col %x kernel [3, 3] strides [1, 1] dilations [1, 1] groups 1 : tensor<1x3x10x10xf32> -> tensor<64x27xf32>
    ```
  }];
  let arguments = (ins AnyStaticShapeTensor:$input,
                       DenseI64ArrayAttr:$kernel,
                       DenseI64ArrayAttr:$strides,
                       DenseI64ArrayAttr:$dilations,
                       ConfinedAttr<I64Attr, [IntMinValue<1>]>:$groups);
  let results = (outs AnyStaticShapeTensor:$result);
  let assemblyFormat = [{
    $input `kernel` $kernel `strides` $strides `dilations` $dilations
    `groups` $groups attr-dict `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
}

def CIM_AccumulateOp : CIM_Op<"accumulate", [Pure, SameOperandsAndResultType]> {
  let summary = "Sum of partial products of row blocks";
  let description = [{
    Elementwise integer sum of the partial results of one matrix's row
    blocks, each computed on its own array (done digitally, after
    conversion). Exact: the result type must hold the sum.

    ```mlir
    %y = cim.accumulate %p0, %p1 : tensor<4x32xi32>
    ```
  }];
  let arguments = (ins Variadic<RankedTensorOf<[AnySignlessInteger]>>:$partials);
  let results = (outs RankedTensorOf<[AnySignlessInteger]>:$result);
  let assemblyFormat = "$partials attr-dict `:` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def CIM_ArrayMatmulOp : CIM_Op<"array_matmul", [Pure]> {
  let summary = "Raw column sums of one array holding cell levels";
  let description = [{
    `cols[m, c] = sum_k input[m, k] * levels[k, c]`: what the bit lines of
    one array carry before conversion, with `levels` the programmed cell
    levels (signed only for differential pairs inside one unit cell). The
    weight matrix never appears again after `cim-encode-cells`: only its
    levels, laid out as `encoding` states.

    ```mlir
    %cols = cim.array_matmul %x, %levels {encoding = #cim.encoding<offset, weight_bits = 8, bits_per_cell = 2, slices = 4, paired_columns = false>} : tensor<4x128xi8>, tensor<128x125xi8> -> tensor<4x125xi32>
    ```
  }];
  let arguments = (ins RankedTensorOf<[AnySignlessInteger]>:$input,
                       RankedTensorOf<[AnySignlessInteger]>:$levels,
                       CIM_CellEncodingAttr:$encoding);
  let results = (outs RankedTensorOf<[AnySignlessInteger]>:$result);
  let assemblyFormat = [{
    $input `,` $levels attr-dict `:` type($input) `,` type($levels) `->`
    type($result)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

def CIM_RecombineOp : CIM_Op<"recombine", [Pure]> {
  let summary = "Column sums of cell slices back to weight-column sums";
  let description = [{
    Applies the recombination of `encoding` (see `#cim.encoding`) to the
    column sums of one array: shifts and adds the slices, subtracts the G-
    columns, the reference column or the sign slice. Exact integer
    arithmetic; the result has one column per logical weight column.

    ```mlir
    %y = cim.recombine %cols {encoding = #cim.encoding<differential, weight_bits = 8, bits_per_cell = 2, slices = 4, paired_columns = true>} : tensor<4x64xi32> -> tensor<4x8xi32>
    ```
  }];
  let arguments = (ins RankedTensorOf<[AnySignlessInteger]>:$columns,
                       CIM_CellEncodingAttr:$encoding);
  let results = (outs RankedTensorOf<[AnySignlessInteger]>:$result);
  let assemblyFormat = [{
    $columns attr-dict `:` type($columns) `->` type($result)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

def CIM_EncodeWeightsOp : CIM_Op<"encode_weights", [Pure]> {
  let summary = "Integer weights to cell levels, at run time";
  let description = [{
    The cell levels of `weights` (`K x N` integers) under `encoding`:
    `K x physical` levels, each weight's `columnsPerWeight` slices in column
    order, the reference column last for the offset encoding — exactly what
    `cim-encode-cells` writes for constant weights, computed by the digital
    unit before an `xbar.program` writes them. Used by products whose
    weight is an activation (the reprogram path); a weight outside the
    encoding's symmetric range is a run-time error.

    ```mlir
    %levels = cim.encode_weights %w {encoding = #cim.encoding<offset, weight_bits = 8, bits_per_cell = 2, slices = 4, paired_columns = false>} : tensor<16x4xi8> -> tensor<16x17xi8>
    ```
  }];
  let arguments = (ins RankedTensorOf<[AnySignlessInteger]>:$weights,
                       CIM_CellEncodingAttr:$encoding);
  let results = (outs RankedTensorOf<[AnySignlessInteger]>:$levels);
  let assemblyFormat = [{
    $weights attr-dict `:` type($weights) `->` type($levels)
  }];
  let hasVerifier = 1;
}

#endif // CIM_DIALECT_CIM_CIMOPS_TD
