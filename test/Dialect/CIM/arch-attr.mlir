// The #cim.arch attribute round-trips, and its spec is validated like a file.
// RUN: cim-opt %s --cim-arch=hermes | cim-opt | FileCheck %s
// RUN: cim-opt %s --cim-arch=hermes | cim-opt --mlir-print-op-generic | cim-opt | FileCheck %s

// CHECK: module attributes {cim.arch = #cim.arch<"hermes", {
// CHECK-SAME: adc = {bits = 8 : i64,
// CHECK-SAME: cell = {bits = 8 : i64, differential_in_cell = true,
// CHECK-SAME: hierarchy = {arrays_per_core = 1 : i64, chips = 1 : i64, cores_per_tile = 1 : i64, tiles_per_chip = 64 : i64}
// CHECK-SAME: name = "hermes"
module {
}
