// A program embeds the machine it was compiled for: without #cim.arch there
// is nothing to emit, and no file is left behind.
// RUN: cim-translate %s --emit-program -verify-diagnostics
// RUN: rm -f %t.cimp
// RUN: not cim-translate %s --emit-program -o %t.cimp
// RUN: not test -e %t.cimp

// expected-error @below {{module has no 'cim.arch' to embed in the program; attach one with cim-opt --cim-arch=<preset|file>}}
module {
  func.func @main(%x: tensor<2x4xi32>) -> tensor<2x4xi32> {
    %y = cim.accumulate %x, %x {xbar.core = #xbar.core<chip = 0, tile = 0, core = 0>, xbar.order = 0 : i64} : tensor<2x4xi32>
    return %y : tensor<2x4xi32>
  }
}
