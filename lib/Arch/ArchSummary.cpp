//===- ArchSummary.cpp - Human and JSON summaries of a machine -------------===//

#include "cim/Arch/ArchSummary.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <sstream>

using namespace cim::arch;

namespace {

/// The figures both summaries print, gathered once.
nlohmann::ordered_json summaryObject(const ArchSpec &s) {
  nlohmann::ordered_json j;
  j["name"] = s.name;
  j["description"] = s.description;
  j["clock_ghz"] = s.clockGHz;
  j["chips"] = s.hierarchy.chips;
  j["tiles_per_chip"] = s.hierarchy.tilesPerChip;
  j["cores_per_tile"] = s.hierarchy.coresPerTile;
  j["arrays_per_core"] = s.hierarchy.arraysPerCore;
  j["total_cores"] = s.totalCores();
  j["arrays_per_chip"] = s.arraysPerChip();
  j["total_arrays"] = s.totalArrays();
  j["array_rows"] = s.array.rows;
  j["array_cols"] = s.array.cols;
  j["bits_per_cell"] = s.array.cell.bits;
  j["signed_encoding"] = toString(s.array.cell.signedEncoding);
  j["cells_per_array"] = s.cellsPerArray();
  j["cells_per_chip"] = s.cellsPerChip();
  j["total_cells"] = s.totalCells();
  j["dac_bits"] = s.dac.bits;
  j["adc_bits"] = s.adc.bits;
  j["adcs_per_array"] = s.adc.perArray;
  j["columns_per_adc"] = s.columnsPerAdc();
  j["total_adcs"] = s.totalAdcs();
  j["weight_bits"] = s.precision.weightBits;
  j["input_bits"] = s.precision.inputBits;
  j["slices_per_weight"] = s.slicesPerWeight();
  j["columns_per_weight"] = s.columnsPerWeight();
  j["reference_columns_per_array"] = s.referenceColumnsPerArray();
  j["weights_per_array"] = s.weightsPerArray();
  j["weight_capacity"] = s.weightCapacity();
  j["input_planes"] = s.inputPlanes();
  j["plane_interval_cycles"] = s.planeIntervalCycles();
  j["mvm_cycles"] = s.mvmCycles();
  j["peak_macs_per_cycle"] = s.peakMacsPerCycle();
  j["peak_tops"] = s.peakTops();
  j["noc_mesh"] = std::to_string(s.noc.meshRows) + "x" +
                  std::to_string(s.noc.meshCols);
  j["chip_link"] = toString(s.chipLink.topology);
  j["dram"] = s.dram.present;
  j["device_model"] = toString(s.device.model);
  return j;
}

std::string withThousands(int64_t value) {
  std::string digits = std::to_string(value < 0 ? -value : value);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0)
      out += ',';
    out += digits[i];
  }
  return value < 0 ? "-" + out : out;
}

std::string fixed(double value, int decimals) {
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%.*f", decimals, value);
  return buffer;
}

} // namespace

std::string cim::arch::renderSummaryText(const ArchSpec &s) {
  std::ostringstream os;
  os << s.name << ": " << s.description << "\n";
  os << "  hierarchy     " << s.hierarchy.chips << " chip(s) x "
     << s.hierarchy.tilesPerChip << " tiles x " << s.hierarchy.coresPerTile
     << " cores x " << s.hierarchy.arraysPerCore << " arrays = "
     << withThousands(s.totalArrays()) << " arrays ("
     << withThousands(s.totalCores()) << " cores)\n";
  os << "  array         " << s.array.rows << " x " << s.array.cols << ", "
     << s.array.cell.bits << " bit(s)/cell, "
     << toString(s.array.cell.signedEncoding)
     << (s.array.cell.differentialInCell ? " (in cell)" : "") << ", "
     << toString(s.device.model) << " device\n";
  os << "  cells         " << withThousands(s.cellsPerChip()) << " per chip, "
     << withThousands(s.totalCells()) << " in all\n";
  os << "  converters    DAC " << s.dac.bits << "-bit x " << s.dac.perArray
     << "/array; ADC " << s.adc.bits << "-bit x " << s.adc.perArray
     << "/array (" << s.columnsPerAdc() << " columns each)\n";
  os << "  weights       " << s.precision.weightBits << "-bit: "
     << s.slicesPerWeight() << " slice(s), " << s.columnsPerWeight()
     << " column(s) each; " << withThousands(s.weightsPerArray())
     << " per array, " << withThousands(s.weightCapacity()) << " in all\n";
  os << "  timing        clock " << fixed(s.clockGHz, 3) << " GHz; "
     << s.precision.inputBits << "-bit input = " << s.inputPlanes()
     << " plane(s) x " << s.planeIntervalCycles() << " cycles; MVM "
     << s.mvmCycles() << " cycles\n";
  os << "  peak          " << fixed(s.peakMacsPerCycle(), 1)
     << " MACs/cycle = " << fixed(s.peakTops(), 3) << " TOPS\n";
  os << "  interconnect  mesh " << s.noc.meshRows << "x" << s.noc.meshCols
     << " (" << s.noc.tilesPerRouter << " tile(s)/router, "
     << s.noc.flitBits << "-bit flits); chip link "
     << toString(s.chipLink.topology) << "; DRAM "
     << (s.dram.present ? "yes" : "none") << "\n";
  return os.str();
}

std::string cim::arch::renderSummaryJson(const ArchSpec &spec) {
  return summaryObject(spec).dump(2) + "\n";
}
