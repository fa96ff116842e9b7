// A model larger than the machine: the error names the shortfall and the
// layers taking the most arrays.
// RUN: %python %S/Inputs/gen_tiles.py 17 > %t.mlir
// RUN: not cim-opt %t.mlir --cim-arch=%S/../CIM/Inputs/tiny.yaml --xbar-place 2>&1 | FileCheck %s
// RUN: not cim-opt %t.mlir --xbar-place 2>&1 | FileCheck %s --check-prefix=NOARCH
// RUN: not cim-opt %t.mlir --cim-arch=%S/../CIM/Inputs/tiny.yaml --xbar-place="mode=fast" 2>&1 | FileCheck %s --check-prefix=MODE

// CHECK: error: the model does not fit 'tiny': it needs 17 arrays, the machine has 16 (short by 1); largest layers: 'conv0' (Conv) ~9 arrays, 'conv1' (Conv) ~8 arrays
// NOARCH: error: xbar-place needs the machine: attach a #cim.arch with --cim-arch=<preset|file>
// MODE: error: xbar-place mode must be latency or throughput, got 'fast'
