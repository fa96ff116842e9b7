// cim-translate moves a hardware description between YAML and #cim.arch.
// RUN: cim-translate --import-arch-yaml %arch_dir/flash8.yaml | FileCheck %s --check-prefix=IMPORT
// RUN: cim-opt %s --cim-arch=flash8 | cim-translate --export-arch-yaml > %t.yaml
// RUN: cim-arch --json %t.yaml > %t.exported.json
// RUN: cim-arch --json flash8 > %t.preset.json
// RUN: diff %t.preset.json %t.exported.json

// Errors: no arch to export (and no output file left behind), a bad file.
// RUN: rm -f %t.none.yaml
// RUN: not cim-translate --export-arch-yaml %s -o %t.none.yaml 2>&1 | FileCheck %s --check-prefix=NOARCH
// RUN: not test -e %t.none.yaml
// RUN: not cim-translate --import-arch-yaml %S/../Arch/Inputs/two-errors.yaml -o %t.bad.mlir 2>&1 | FileCheck %s --check-prefix=BAD
// RUN: not test -e %t.bad.mlir

// IMPORT: module attributes {cim.arch = #cim.arch<"flash8", {
// IMPORT-SAME: dram = {{{.*}}present = false}
// NOARCH: error: module has no 'cim.arch' attribute to export; attach one with cim-opt --cim-arch=<preset|file>
// BAD: two-errors.yaml:38:1: error: adc.bits must be in 1..16, got 0
module {
}
