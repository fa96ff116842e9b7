//===- XbarOps.td - Operations of the xbar dialect ---------*- tablegen -*-===//

#ifndef CIM_DIALECT_XBAR_XBAROPS_TD
#define CIM_DIALECT_XBAR_XBAROPS_TD

include "cim/Dialect/Xbar/XbarDialect.td"
include "cim/Dialect/Xbar/XbarAttrs.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/IR/CommonAttrConstraints.td"

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
    (result `M x C`).
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

#endif // CIM_DIALECT_XBAR_XBAROPS_TD
