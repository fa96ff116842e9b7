//===- ArchLoaderTest.cpp - Loading presets, files and YAML -----------------===//

#include "ArchTestSupport.h"

#include "cim/Arch/ArchSummary.h"

#include <cstdio>
#include <fstream>

using namespace cim::arch;
using namespace cim::arch::test;

namespace {

TEST(ArchLoader, PresetsAreExactlyTheShippedFiles) {
  EXPECT_EQ(presetNames(),
            (std::vector<std::string>{"flash8", "hermes", "isaac"}));
  for (const std::string &name : presetNames()) {
    std::ifstream file(std::string(CIM_ARCH_DIR) + "/" + name + ".yaml");
    std::stringstream contents;
    contents << file.rdbuf();
    // The embedded copy is the file, byte for byte.
    EXPECT_EQ(presetText(name).value_or(""), contents.str()) << name;
  }
  EXPECT_FALSE(presetText("nonexistent").has_value());
}

TEST(ArchLoader, EveryPresetLoadsWithItsName) {
  for (const std::string &name : presetNames()) {
    ArchLoadResult result = loadArch(name);
    ASSERT_TRUE(result.ok()) << result.errorText();
    EXPECT_EQ(result.getSpec().name, name);
    EXPECT_FALSE(result.getSpec().description.empty());
  }
}

TEST(ArchLoader, IsaacMatchesItsSources) {
  ArchSpec spec = loadPresetOrDie("isaac");
  EXPECT_EQ(spec.array.rows, 128);
  EXPECT_EQ(spec.array.cols, 128);
  EXPECT_EQ(spec.array.cell.bits, 2);
  EXPECT_EQ(spec.dac.bits, 1);
  EXPECT_EQ(spec.adc.bits, 8);
  EXPECT_EQ(spec.adc.perArray, 1);
  EXPECT_DOUBLE_EQ(spec.clockGHz, 1.0);
  EXPECT_DOUBLE_EQ(spec.adc.energyPj, 1.67);
  EXPECT_EQ(spec.array.cell.signedEncoding, SignedEncoding::Offset);
  EXPECT_EQ(spec.device.model, DeviceModel::RRAM);
  EXPECT_DOUBLE_EQ(spec.device.parameters.at("stuck_at_on_probability"),
                   0.001);
}

TEST(ArchLoader, HermesAndFlash8MatchTheirSources) {
  ArchSpec hermes = loadPresetOrDie("hermes");
  EXPECT_EQ(hermes.array.rows, 256);
  EXPECT_EQ(hermes.adc.perArray, 256);
  EXPECT_TRUE(hermes.array.cell.differentialInCell);
  EXPECT_EQ(hermes.device.model, DeviceModel::PCM);
  ArchSpec flash = loadPresetOrDie("flash8");
  EXPECT_EQ(flash.array.cell.bits, 8);
  EXPECT_GT(flash.hierarchy.chips, 1);
  EXPECT_EQ(flash.chipLink.topology, ChipLinkTopology::Chain);
  EXPECT_FALSE(flash.dram.present);
  EXPECT_EQ(flash.array.cell.signedEncoding, SignedEncoding::Offset);
}

TEST(ArchLoader, WrittenYamlLoadsBackToTheSameSpec) {
  for (const std::string &name : presetNames()) {
    ArchSpec spec = loadPresetOrDie(name);
    std::string yaml = writeArchYaml(spec);
    ArchLoadResult again = loadArchString(yaml, name + "-roundtrip");
    ASSERT_TRUE(again.ok()) << again.errorText() << yaml;
    EXPECT_EQ(writeArchYaml(again.getSpec()), yaml);
    EXPECT_EQ(flatFields(again.getSpec()), flatFields(spec));
  }
}

TEST(ArchLoader, FlatFieldsLoadLikeText) {
  ArchSpec spec = loadPresetOrDie("hermes");
  ArchLoadResult flat = loadArchFlat(flatFields(spec), "flat");
  ASSERT_TRUE(flat.ok()) << flat.errorText();
  EXPECT_EQ(writeArchYaml(flat.getSpec()), writeArchYaml(spec));
}

TEST(ArchLoader, LoadsAFileByPath) {
  std::string path = ::testing::TempDir() + "/custom.yaml";
  {
    std::ofstream out(path);
    out << presetText("isaac").value();
  }
  ArchLoadResult result = loadArch(path);
  ASSERT_TRUE(result.ok()) << result.errorText();
  EXPECT_EQ(result.getSpec().name, "isaac");
  std::remove(path.c_str());
}

TEST(ArchLoader, MissingFileNamesThePath) {
  ArchLoadResult result = loadArch("no/such/arch.yaml");
  ASSERT_FALSE(result.ok());
  ASSERT_EQ(result.getErrors().size(), 1u);
  EXPECT_EQ(result.getErrors()[0].source, "no/such/arch.yaml");
  EXPECT_NE(result.getErrors()[0].message.find("No such file"),
            std::string::npos);
}

TEST(ArchLoader, DirectoryIsNotAFile) {
  ArchLoadResult result = loadArchFile(::testing::TempDir());
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.errorText().find("Is a directory"), std::string::npos);
}

TEST(ArchLoader, UnknownPresetListsThePresets) {
  ArchLoadResult result = loadArch("isac");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.errorText(), "isac: not a file and not a preset (presets: "
                                "flash8, hermes, isaac)\n");
}

TEST(ArchLoader, SummariesReportDerivedFigures) {
  ArchSpec spec = loadPresetOrDie("isaac");
  std::string text = renderSummaryText(spec);
  // 168 tiles x 12 IMAs x 8 arrays; an 8-bit MVM is the first 100 ns read,
  // 7 more planes of 100 ns and the last plane's 128 conversions of 0.78 ns.
  EXPECT_NE(text.find("16,128 arrays"), std::string::npos) << text;
  EXPECT_NE(text.find("MVM 900 cycles"), std::string::npos) << text;
  std::string json = renderSummaryJson(spec);
  // Offset encoding: 4 two-bit slices per weight, one reference column, so
  // (128 - 1) / 4 = 31 weight columns of 128 rows per array.
  const int64_t capacity = int64_t(168) * 12 * 8 * 128 * 31;
  EXPECT_NE(json.find("\"total_arrays\": 16128"), std::string::npos) << json;
  EXPECT_NE(json.find("\"weight_capacity\": " + std::to_string(capacity)),
            std::string::npos)
      << json;
}

} // namespace
