// A machine without DRAM cannot spill what its buffers do not hold.
// RUN: sed -e 's/size_kib: 2,/size_kib: 0,/' -e 's/size_kib: 8,/size_kib: 0,/' %S/../CIM/Inputs/tiny.yaml > %t.yaml
// RUN: not cim-opt %s --cim-arch=%t.yaml --xbar-route 2>&1 | FileCheck %s
// CHECK: error: core (chip 0, tile 0, core 0) needs {{[0-9]+}} bytes of buffer at its peak but has 0, and 'tiny' has no DRAM to spill to
func.func @big(%x: tensor<64x64xf32>) -> tensor<64x64xf32> {
  return %x : tensor<64x64xf32>
}
