//===- ArchValidationTest.cpp - Every validation error of the loader --------===//
//
// Field-level errors are checked for every field of the schema (missing,
// wrong type, out of range), so a field added to the table is covered
// without a new test. Cross-field rules each have a test of their own.
//
//===----------------------------------------------------------------------===//

#include "ArchTestSupport.h"

#include <cmath>

using namespace cim::arch;
using namespace cim::arch::test;

namespace {

bool containsMessage(const std::vector<std::string> &messages,
                     const std::string &needle) {
  for (const std::string &message : messages)
    if (message.find(needle) != std::string::npos)
      return true;
  return false;
}

std::string joined(const std::vector<std::string> &messages) {
  std::string text;
  for (const std::string &message : messages)
    text += message + "\n";
  return text;
}

FlatFields isaacFields() { return flatFields(loadPresetOrDie("isaac")); }

class SchemaFieldTest : public ::testing::TestWithParam<FieldInfo> {};

TEST_P(SchemaFieldTest, MissingRequiredFieldIsNamed) {
  const FieldInfo &field = GetParam();
  ArchLoadResult result =
      loadArchFlat(withoutField(isaacFields(), field.path), "t.yaml");
  if (!field.required) {
    // The default stands; it may still break a relation (isaac's mesh needs
    // its 4 tiles per router), but it is never reported as missing.
    EXPECT_EQ(result.errorText().find("missing required field"),
              std::string::npos)
        << result.errorText();
    return;
  }
  std::vector<std::string> messages = errorsOf(result);
  EXPECT_TRUE(containsMessage(messages,
                              "missing required field '" + field.path + "'"))
      << joined(messages);
}

TEST_P(SchemaFieldTest, WrongTypeIsNamed) {
  const FieldInfo &field = GetParam();
  if (field.kind == FieldKind::String)
    return; // any scalar is a string
  std::vector<std::string> messages = errorsOf(
      loadArchFlat(withField(isaacFields(), field.path, "zz"), "t.yaml"));
  const char *expected = field.kind == FieldKind::Int      ? "an integer"
                         : field.kind == FieldKind::Double ? "a number"
                         : field.kind == FieldKind::Bool   ? "true or false"
                                                           : "one of";
  EXPECT_TRUE(containsMessage(messages, field.path + " must be " + expected))
      << joined(messages);
  EXPECT_TRUE(containsMessage(messages, "'zz'")) << joined(messages);
}

TEST_P(SchemaFieldTest, OutOfRangeIsNamedWithTheRange) {
  const FieldInfo &field = GetParam();
  if (field.kind != FieldKind::Int && field.kind != FieldKind::Double)
    return;
  for (double bad : {field.min - 1, field.max * 2 + 1}) {
    if (std::isinf(bad))
      continue;
    std::string text = field.kind == FieldKind::Int
                           ? std::to_string(static_cast<int64_t>(bad))
                           : formatFieldValue(bad);
    std::vector<std::string> messages = errorsOf(
        loadArchFlat(withField(isaacFields(), field.path, text), "t.yaml"));
    EXPECT_TRUE(containsMessage(messages, field.path + " must be in "))
        << joined(messages);
    EXPECT_TRUE(containsMessage(messages, "got " + text)) << joined(messages);
  }
}

TEST_P(SchemaFieldTest, MappingWhereAValueBelongsIsRejected) {
  const FieldInfo &field = GetParam();
  std::vector<std::string> messages = errorsOf(loadArchFlat(
      withField(withoutField(isaacFields(), field.path), field.path + ".x",
                "1"),
      "t.yaml"));
  EXPECT_TRUE(containsMessage(messages, field.path +
                                            " must be a single value, got "
                                            "a mapping"))
      << joined(messages);
}

INSTANTIATE_TEST_SUITE_P(
    EveryField, SchemaFieldTest, ::testing::ValuesIn(archSchema()),
    [](const ::testing::TestParamInfo<FieldInfo> &info) {
      std::string name = info.param.path;
      for (char &c : name)
        if (!std::isalnum(static_cast<unsigned char>(c)))
          c = '_';
      return name;
    });

TEST(ArchValidation, ErrorsCarryFileLineAndField) {
  std::string text = writeArchYaml(loadPresetOrDie("isaac"));
  int line = replaceInSection(text, "adc", "bits", "0");
  ASSERT_GT(line, 0);
  ArchLoadResult result = loadArchString(text, "arch/isaac.yaml");
  ASSERT_EQ(result.getErrors().size(), 1u) << result.errorText();
  const ArchDiagnostic &diag = result.getErrors()[0];
  EXPECT_EQ(diag.field, "adc.bits");
  EXPECT_EQ(diag.line, line);
  EXPECT_EQ(diag.str(), "arch/isaac.yaml:" + std::to_string(line) +
                            ": adc.bits must be in 1..16, got 0");
}

TEST(ArchValidation, AllProblemsAreReportedInOneRun) {
  FlatFields fields = withField(isaacFields(), "adc.bits", "0");
  fields = withField(fields, "dac.bits", "99");
  fields = withoutField(fields, "array.rows");
  ArchLoadResult result = loadArchFlat(fields, "t.yaml");
  EXPECT_EQ(result.getErrors().size(), 3u) << result.errorText();
}

TEST(ArchValidation, UnknownFieldSuggestsTheClosestName) {
  std::vector<std::string> messages = errorsOf(
      loadArchFlat(withField(isaacFields(), "adc.bitz", "8"), "t.yaml"));
  EXPECT_TRUE(containsMessage(
      messages, "unknown field 'adc.bitz'; did you mean 'adc.bits'?"))
      << joined(messages);
  messages = errorsOf(
      loadArchFlat(withField(isaacFields(), "wibble", "1"), "t.yaml"));
  EXPECT_TRUE(containsMessage(messages, "unknown field 'wibble'") &&
              !containsMessage(messages, "did you mean"))
      << joined(messages);
}

TEST(ArchValidation, UnknownFieldHasItsLine) {
  std::string text = writeArchYaml(loadPresetOrDie("isaac"));
  text += "extra_section:\n  x: 1\n";
  int lines = static_cast<int>(std::count(text.begin(), text.end(), '\n'));
  ArchLoadResult result = loadArchString(text, "t.yaml");
  ASSERT_EQ(result.getErrors().size(), 1u) << result.errorText();
  EXPECT_EQ(result.getErrors()[0].line, lines - 1);
}

TEST(ArchValidation, SectionThatIsNotAMappingIsReportedOnce) {
  std::string text = writeArchYaml(loadPresetOrDie("isaac"));
  std::string broken;
  std::istringstream in(text);
  std::string line;
  bool skipping = false;
  while (std::getline(in, line)) {
    if (!line.empty() && line[0] != ' ')
      skipping = line == "adc:";
    if (line == "adc:")
      broken += "adc: 8\n";
    else if (!skipping)
      broken += line + "\n";
  }
  std::vector<std::string> messages =
      errorsOf(loadArchString(broken, "t.yaml"));
  ASSERT_EQ(messages.size(), 1u) << joined(messages);
  EXPECT_EQ(messages[0], "adc must be a mapping, got '8'");
}

TEST(ArchValidation, InvalidYamlSyntaxHasALine) {
  ArchLoadResult result =
      loadArchString("name: x\nhierarchy: [1, 2\nadc: {}\n", "bad.yaml");
  ASSERT_EQ(result.getErrors().size(), 1u);
  EXPECT_GT(result.getErrors()[0].line, 0);
  EXPECT_EQ(result.getErrors()[0].message.rfind("invalid YAML: ", 0), 0u);
}

TEST(ArchValidation, GarbageAndEmptyInputAreRejectedCleanly) {
  std::string garbage("\x00\xff{{\x01", 5);
  EXPECT_FALSE(loadArchString(garbage, "g.yaml").ok());
  std::vector<std::string> messages = errorsOf(loadArchString("", "e.yaml"));
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0], "the hardware description must be a YAML mapping "
                         "at the top level, got nothing");
  messages = errorsOf(loadArchString("- 1\n- 2\n", "l.yaml"));
  EXPECT_TRUE(containsMessage(messages, "got a list")) << joined(messages);
}

TEST(ArchValidation, EnumAndBoolSpellings) {
  std::vector<std::string> messages =
      errorsOf(loadArchFlat(withField(isaacFields(),
                                      "array.cell.signed_encoding", "diff"),
                            "t.yaml"));
  EXPECT_TRUE(containsMessage(
      messages, "array.cell.signed_encoding must be one of differential, "
                "offset, twos_complement; got 'diff'"))
      << joined(messages);
  EXPECT_TRUE(loadArchFlat(withField(isaacFields(), "dram.present", "True"),
                           "t.yaml")
                  .ok());
}

TEST(ArchValidation, DeviceParametersMustBeNumbers) {
  std::vector<std::string> messages = errorsOf(loadArchFlat(
      withField(isaacFields(), "device.parameters.drift", "fast"), "t.yaml"));
  EXPECT_TRUE(containsMessage(
      messages, "device.parameters.drift must be a number, got 'fast'"))
      << joined(messages);
}

TEST(ArchValidation, NameMustBeAnIdentifier) {
  std::vector<std::string> messages = errorsOf(
      loadArchFlat(withField(isaacFields(), "name", "my chip"), "t.yaml"));
  EXPECT_TRUE(containsMessage(messages, "name must be a non-empty identifier"))
      << joined(messages);
}

//===--- Cross-field rules ----------------------------------------------===//

TEST(ArchRelations, ConductanceRangeMustBeOrdered) {
  std::vector<std::string> messages = errorsOf(loadArchFlat(
      withField(isaacFields(), "array.cell.g_max_microsiemens", "0.1"),
      "t.yaml"));
  EXPECT_TRUE(containsMessage(
      messages, "array.cell.g_max_microsiemens must exceed "
                "array.cell.g_min_microsiemens (0.476), got 0.1"))
      << joined(messages);
}

TEST(ArchRelations, AdcsMustDivideTheColumns) {
  std::vector<std::string> messages = errorsOf(
      loadArchFlat(withField(isaacFields(), "adc.per_array", "3"), "t.yaml"));
  EXPECT_TRUE(containsMessage(
      messages, "adc.per_array must divide array.cols (128), got 3"))
      << joined(messages);
  EXPECT_FALSE(loadArchFlat(withField(isaacFields(), "adc.per_array", "256"),
                            "t.yaml")
                   .ok());
}

TEST(ArchRelations, DacsMustDivideTheRows) {
  std::vector<std::string> messages = errorsOf(
      loadArchFlat(withField(isaacFields(), "dac.per_array", "96"), "t.yaml"));
  EXPECT_TRUE(containsMessage(
      messages, "dac.per_array must divide array.rows (128), got 96"))
      << joined(messages);
}

TEST(ArchRelations, DifferentialInCellNeedsDifferential) {
  std::vector<std::string> messages = errorsOf(loadArchFlat(
      withField(isaacFields(), "array.cell.differential_in_cell", "true"),
      "t.yaml"));
  EXPECT_TRUE(containsMessage(messages,
                              "array.cell.differential_in_cell needs "
                              "signed_encoding differential, got offset"))
      << joined(messages);
}

TEST(ArchRelations, SignedWeightsNeedTwoBits) {
  std::vector<std::string> messages = errorsOf(loadArchFlat(
      withField(isaacFields(), "precision.weight_bits", "1"), "t.yaml"));
  EXPECT_TRUE(containsMessage(messages,
                              "precision.weight_bits must be at least 2"))
      << joined(messages);
}

TEST(ArchRelations, ArrayMustHoldOneWeight) {
  // Offset encoding of 8-bit weights in 2-bit cells needs 4 columns plus the
  // reference column.
  std::vector<std::string> messages = errorsOf(loadArchFlat(
      withField(withField(isaacFields(), "array.cols", "4"), "adc.per_array",
                "1"),
      "t.yaml"));
  EXPECT_TRUE(containsMessage(messages,
                              "array.cols (4) cannot hold one 8-bit weight, "
                              "which needs 5 columns"))
      << joined(messages);
}

TEST(ArchRelations, MeshMustHaveRoomForEveryTile) {
  std::vector<std::string> messages = errorsOf(
      loadArchFlat(withField(isaacFields(), "noc.mesh_rows", "2"), "t.yaml"));
  EXPECT_TRUE(containsMessage(messages,
                              "noc mesh 2x7 with 4 tiles per router has room "
                              "for 56 tiles, but hierarchy.tiles_per_chip is "
                              "168"))
      << joined(messages);
}

TEST(ArchRelations, SeveralChipsNeedALink) {
  FlatFields fields = withField(isaacFields(), "hierarchy.chips", "2");
  EXPECT_TRUE(loadArchFlat(fields, "t.yaml").ok());
  std::vector<std::string> messages = errorsOf(loadArchFlat(
      withField(fields, "chip_link.topology", "none"), "t.yaml"));
  EXPECT_TRUE(containsMessage(messages, "hierarchy.chips is 2 but "
                                        "chip_link.topology is none"))
      << joined(messages);
  messages = errorsOf(loadArchFlat(
      withField(fields, "chip_link.bandwidth_gbytes_per_s", "0"), "t.yaml"));
  EXPECT_TRUE(containsMessage(messages,
                              "chip_link.bandwidth_gbytes_per_s must be "
                              "positive when chip_link.topology is ring"))
      << joined(messages);
}

TEST(ArchRelations, DramNeedsBandwidthWhenPresent) {
  std::vector<std::string> messages = errorsOf(loadArchFlat(
      withField(isaacFields(), "dram.bandwidth_gbytes_per_s", "0"), "t.yaml"));
  EXPECT_TRUE(containsMessage(messages,
                              "dram.bandwidth_gbytes_per_s must be positive "
                              "when dram.present is true"))
      << joined(messages);
  EXPECT_TRUE(loadArchFlat(withField(withField(isaacFields(),
                                               "dram.bandwidth_gbytes_per_s",
                                               "0"),
                                     "dram.present", "false"),
                           "t.yaml")
                  .ok());
}

TEST(ArchRelations, ABadFieldDoesNotCascadeIntoRelations) {
  // adc.per_array is unreadable, so the divides-the-columns rule is skipped
  // rather than reported a second time.
  std::vector<std::string> messages = errorsOf(loadArchFlat(
      withField(isaacFields(), "adc.per_array", "three"), "t.yaml"));
  EXPECT_EQ(messages.size(), 1u) << joined(messages);
}

} // namespace

namespace {

TEST(ArchValidation, StringsMustBeUtf8) {
  std::vector<std::string> messages = errorsOf(loadArchFlat(
      withField(isaacFields(), "description", "caf\xe9"), "t.yaml"));
  EXPECT_TRUE(containsMessage(messages,
                              "description must be valid UTF-8 text"))
      << joined(messages);
  EXPECT_TRUE(loadArchFlat(withField(isaacFields(), "description",
                                     "caf\xc3\xa9 \xe2\x80\x94 ok"),
                           "t.yaml")
                  .ok());
}

TEST(ArchValidation, DeviceParameterNamesAreIdentifiers) {
  std::vector<std::string> messages = errorsOf(loadArchFlat(
      withField(isaacFields(), "device.parameters.a b", "1"), "t.yaml"));
  EXPECT_TRUE(containsMessage(messages, "names must be identifiers"))
      << joined(messages);
}

TEST(ArchRelations, MachineSizeCannotOverflowDerivedCounts) {
  // Each field is within its own range, but the product is 2^68 cells.
  FlatFields fields = withField(isaacFields(), "hierarchy.tiles_per_chip",
                                "1048576");
  fields = withField(fields, "hierarchy.cores_per_tile", "65536");
  fields = withField(fields, "hierarchy.arrays_per_core", "65536");
  fields = withField(fields, "noc.mesh_rows", "4096");
  fields = withField(fields, "noc.mesh_cols", "4096");
  fields = withField(fields, "noc.tiles_per_router", "64");
  std::vector<std::string> messages = errorsOf(loadArchFlat(fields, "t"));
  ASSERT_EQ(messages.size(), 1u) << joined(messages);
  EXPECT_EQ(messages[0], "the machine is too large: chips x tiles x cores x "
                         "arrays x rows x cols exceeds 2^50 cells");
}

} // namespace
