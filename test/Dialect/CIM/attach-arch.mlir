// cim-attach-arch and its shorthand --cim-arch attach a validated spec.
// RUN: cim-opt %s --cim-arch=isaac | FileCheck %s --check-prefix=ISAAC
// RUN: cim-opt %s --cim-attach-arch="arch=flash8" | FileCheck %s --check-prefix=FLASH
// RUN: cim-opt %s --cim-arch=%arch_dir/hermes.yaml | FileCheck %s --check-prefix=HERMES
// RUN: cim-opt %s --cim-arch=isaac | cim-opt --cim-attach-arch="arch=hermes replace=true" | FileCheck %s --check-prefix=HERMES

// Errors: no arch, an unknown preset, a second arch, an invalid file.
// RUN: not cim-opt %s --cim-attach-arch 2>&1 | FileCheck %s --check-prefix=NOARCH
// RUN: not cim-opt %s --cim-arch=isac 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// RUN: cim-opt %s --cim-arch=isaac | not cim-opt --cim-arch=hermes 2>&1 | FileCheck %s --check-prefix=TWICE
// RUN: not cim-opt %s --cim-arch=%S/../../Arch/Inputs/two-errors.yaml 2>&1 | FileCheck %s --check-prefix=BADFILE

// ISAAC: module attributes {cim.arch = #cim.arch<"isaac", {
// ISAAC-SAME: array = {cell = {bits = 2 : i64
// FLASH: module attributes {cim.arch = #cim.arch<"flash8", {
// FLASH-SAME: chip_link = {bandwidth_gbytes_per_s = 3.200000e+01 : f64, energy_pj_per_bit = 5.000000e-01 : f64, latency_ns = 1.000000e+01 : f64, topology = "chain"}
// HERMES: module attributes {cim.arch = #cim.arch<"hermes", {
// HERMES-NOT: "isaac"

// NOARCH: error: cim-attach-arch needs arch=<preset|file>
// UNKNOWN: isac:0:0: error: not a file and not a preset (presets: flash8, hermes, isaac)
// TWICE: error: module already has a 'cim.arch'; pass replace=true to overwrite it
// BADFILE: two-errors.yaml:[[#ADC:]]:1: error: adc.bits must be in 1..16, got 0
// BADFILE: two-errors.yaml:[[#ADC+1]]:1: error: adc.per_array must be an integer, got 'one'
module {
}
