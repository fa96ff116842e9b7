//===- XbarOps.td - Operations of the xbar dialect ---------*- tablegen -*-===//

#ifndef CIM_DIALECT_XBAR_XBAROPS_TD
#define CIM_DIALECT_XBAR_XBAROPS_TD

include "cim/Dialect/Xbar/XbarDialect.td"
include "cim/Dialect/Xbar/XbarAttrs.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/IR/CommonAttrConstraints.td"
include "mlir/Interfaces/InferTypeOpInterface.td"

def Xbar_ProgramOp : Xbar_Op<"program", [MemoryEffects<[MemWrite]>]> {
  let summary = "Program a block of cells of one array";
  let description = [{
    Writes the integer conductance levels of `levels` (rows x cols, one level
    per cell, `0 .. 2^bits_per_cell - 1`) into the array at `[row, col]`.
    Charged as cell writes (`array.cell.write_*` of the arch) by the
    runtime. With a `#cim.arch` on the module, the block must lie inside the
    array and the coordinate inside the machine.

    ```mlir
    xbar.program %levels into #xbar.array<chip = 0, tile = 0, core = 0, array = 1> at [0, 32] : tensor<128x32xi8>
    ```
  }];
  let arguments = (ins StaticShapeTensorOf<[AnySignlessInteger]>:$levels,
                       Xbar_ArrayAttr:$array,
                       ConfinedAttr<I64Attr, [IntNonNegative]>:$row,
                       ConfinedAttr<I64Attr, [IntNonNegative]>:$col);
  let assemblyFormat = [{
    $levels `into` $array `at` ` ` `[` $row `,` $col `]` attr-dict `:` type($levels)
  }];
  let hasVerifier = 1;
}

def Xbar_MvmOp : Xbar_Op<"mvm", [MemoryEffects<[MemRead]>]> {
  let summary = "Analog matrix-vector product on a block of one array";
  let description = [{
    Applies `input` (one integer value per row) to rows
    `row .. row + len(input)` and returns the raw column sums of columns
    `col .. col + len(result)`:
    `result[j] = sum_i input[i] * level[row + i][col + j]`. A 2-D input
    `M x K` streams `M` vectors through the array one after another
    (result `M x C`); a 3-D input `P x M x K` streams the `P` DAC planes of
    each vector (result `P x M x C`).
    Conversion (ADC), shift-and-add and sign recombination are separate ops,
    so their cost and precision stay visible.

    ```mlir
    %sums = xbar.mvm %x on #xbar.array<chip = 0, tile = 0, core = 0, array = 1> at [0, 32] : tensor<128xi8> -> tensor<32xi32>
    ```
  }];
  let arguments = (ins StaticShapeTensorOf<[AnySignlessInteger]>:$input,
                       Xbar_ArrayAttr:$array,
                       ConfinedAttr<I64Attr, [IntNonNegative]>:$row,
                       ConfinedAttr<I64Attr, [IntNonNegative]>:$col);
  let results = (outs StaticShapeTensorOf<[AnySignlessInteger]>:$result);
  let assemblyFormat = [{
    $input `on` $array `at` ` ` `[` $row `,` $col `]` attr-dict `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
}

def Xbar_TransferOp : Xbar_Op<"transfer", [Pure, SameOperandsAndResultType]> {
  let summary = "Move a tensor from one core to another over the NoC";
  let description = [{
    Sends `input` from core `from` to core `to`: `hops` router-to-router
    hops on the chip's mesh (XY routing) and `chip_hops` die-to-die links
    (0 within a chip). The runtime charges the bytes per hop and models link
    contention; the result is the same data on the destination core.

    ```mlir
    %y = xbar.transfer %x from <chip = 0, tile = 0, core = 1> to <chip = 0, tile = 5, core = 0> hops 3 chip_hops 0 : tensor<64x128xi8>
    ```
  }];
  let arguments = (ins AnyStaticShapeTensor:$input,
                       Xbar_CoreAttr:$from, Xbar_CoreAttr:$to,
                       ConfinedAttr<I64Attr, [IntNonNegative]>:$hops,
                       ConfinedAttr<I64Attr, [IntNonNegative]>:$chip_hops);
  let results = (outs AnyStaticShapeTensor:$result);
  let assemblyFormat = [{
    $input `from` $from `to` $to `hops` $hops `chip_hops` $chip_hops attr-dict
    `:` type($input)
  }];
}

def Xbar_DacOp : Xbar_Op<"dac", [Pure]> {
  let summary = "Split inputs into the planes the DACs apply one at a time";
  let description = [{
    An `input_bits`-bit two's complement input `x` is applied as
    `P = ceil(input_bits / dac_bits)` planes of `dac_bits` each:
    `planes[p] = bits [p*d, p*d + d) of x`, the top plane sign-extended (its
    digit may be negative: the DAC drives the opposite polarity), so
    `x = sum_p 2^(p*d) * planes[p]` exactly.

    ```mlir
    %planes = xbar.dac %x input_bits 8 dac_bits 1 : tensor<4x128xi8> -> tensor<8x4x128xi8>
    ```
  }];
  let arguments = (ins StaticShapeTensorOf<[AnySignlessInteger]>:$input,
                       ConfinedAttr<I64Attr, [IntMinValue<1>, IntMaxValue<32>]>:$input_bits,
                       ConfinedAttr<I64Attr, [IntMinValue<1>, IntMaxValue<16>]>:$dac_bits);
  let results = (outs StaticShapeTensorOf<[AnySignlessInteger]>:$planes);
  let assemblyFormat = [{
    $input `input_bits` $input_bits `dac_bits` $dac_bits attr-dict `:`
    type($input) `->` type($planes)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Xbar_AdcOp : Xbar_Op<"adc", [Pure, SameOperandsAndResultType]> {
  let summary = "Convert column sums with the ADC's resolution and range";
  let description = [{
    Each column sum `s` is converted by a `bits`-bit ADC whose range was set
    for this array (`shift` = the low bits it cannot resolve, chosen at
    compile time from the largest sum the block can produce):
    `code = clamp(round_half_away(s / 2^shift), lo, hi)` with
    `[lo, hi] = [-2^(bits-1), 2^(bits-1) - 1]` when `signed`, else
    `[-(2^bits - 1), 2^bits - 1]` (the sign of every sum is known and the
    ADC converts its magnitude), and the result is `code * 2^shift`, so
    units stay those of the sum. With `shift = 0` and sums inside the range
    the conversion is exact.

    ```mlir
    %v = xbar.adc %sums bits 8 shift 1 : tensor<8x4x125xi32>
    ```
  }];
  let arguments = (ins StaticShapeTensorOf<[AnySignlessInteger]>:$sums,
                       ConfinedAttr<I64Attr, [IntMinValue<1>, IntMaxValue<32>]>:$bits,
                       ConfinedAttr<I64Attr, [IntNonNegative]>:$shift,
                       UnitAttr:$signed_range);
  let results = (outs StaticShapeTensorOf<[AnySignlessInteger]>:$values);
  let assemblyFormat = [{
    $sums `bits` $bits `shift` $shift (`signed` $signed_range^)? attr-dict `:`
    type($sums)
  }];
  let hasFolder = 1;
}

def Xbar_ShiftAddOp : Xbar_Op<"shift_add", [Pure]> {
  let summary = "Combine converted DAC planes";
  let description = [{
    `result[m, c] = sum_p 2^(p * dac_bits) * planes[p, m, c]`: the plane
    results weighted by the significance of their input bits.

    ```mlir
    %y = xbar.shift_add %v dac_bits 1 : tensor<8x4x125xi32> -> tensor<4x125xi32>
    ```
  }];
  let arguments = (ins StaticShapeTensorOf<[AnySignlessInteger]>:$planes,
                       ConfinedAttr<I64Attr, [IntMinValue<1>, IntMaxValue<16>]>:$dac_bits);
  let results = (outs StaticShapeTensorOf<[AnySignlessInteger]>:$result);
  let assemblyFormat = [{
    $planes `dac_bits` $dac_bits attr-dict `:` type($planes) `->` type($result)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

#endif // CIM_DIALECT_XBAR_XBAROPS_TD
