//===- ArchAttrTest.cpp - #cim.arch <-> ArchSpec ----------------------------===//

#include "cim/Arch/ArchLoader.h"
#include "cim/Dialect/CIM/CIMOps.h"
#include "cim/InitAllDialects.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"

#include <gtest/gtest.h>

using namespace mlir;

namespace {

class ArchAttrTest : public ::testing::Test {
protected:
  ArchAttrTest() {
    DialectRegistry registry;
    cim::registerAllDialects(registry);
    context.appendDialectRegistry(registry);
    context.loadDialect<cim::CIMDialect>();
  }
  MLIRContext context;
};

TEST_F(ArchAttrTest, EveryPresetSurvivesTheAttribute) {
  for (const std::string &name : cim::arch::presetNames()) {
    cim::arch::ArchLoadResult loaded = cim::arch::loadArch(name);
    ASSERT_TRUE(loaded.ok()) << loaded.errorText();
    auto attr = cim::ArchAttr::get(&context, loaded.getSpec());
    EXPECT_EQ(attr.getName(), name);
    EXPECT_EQ(cim::arch::writeArchYaml(attr.getArchSpec()),
              cim::arch::writeArchYaml(loaded.getSpec()));
  }
}

TEST_F(ArchAttrTest, PrintedAttributeParsesBackToTheSameAttribute) {
  auto attr =
      cim::ArchAttr::get(&context, cim::arch::loadArch("flash8").getSpec());
  std::string text;
  llvm::raw_string_ostream os(text);
  Attribute(attr).print(os);
  Attribute parsed = parseAttribute(text, &context);
  EXPECT_EQ(parsed, attr) << text;
}

TEST_F(ArchAttrTest, ValidateReportsTheLoadersMessage) {
  auto attr =
      cim::ArchAttr::get(&context, cim::arch::loadArch("isaac").getSpec());
  // Replace adc.bits with 0 inside the nested dictionary.
  DictionaryAttr spec = attr.getSpec();
  auto adc = cast<DictionaryAttr>(spec.get("adc"));
  NamedAttrList adcEntries(adc);
  adcEntries.set("bits", IntegerAttr::get(IntegerType::get(&context, 64), 0));
  NamedAttrList entries(spec);
  entries.set("adc", adcEntries.getDictionary(&context));

  std::string message;
  ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
    message = diag.str();
    return success();
  });
  EXPECT_TRUE(failed(cim::ArchAttr::validate(
      [&] { return emitError(UnknownLoc::get(&context)); },
      entries.getDictionary(&context))));
  EXPECT_EQ(message, "invalid hardware description: adc.bits must be in "
                     "1..16, got 0");
}

TEST_F(ArchAttrTest, ValidateRejectsNonScalarFields) {
  std::string message;
  ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
    message = diag.str();
    return success();
  });
  Builder builder(&context);
  DictionaryAttr spec = builder.getDictionaryAttr(
      {builder.getNamedAttr("name", builder.getArrayAttr({}))});
  EXPECT_TRUE(failed(cim::ArchAttr::validate(
      [&] { return emitError(UnknownLoc::get(&context)); }, spec)));
  EXPECT_EQ(message, "#cim.arch field 'name' must be a number, boolean, "
                     "string or dictionary, got []");
}

TEST_F(ArchAttrTest, ParsingAnIncompleteSpecFails) {
  // An empty spec is invalid: parsing fails with the verifier's message.
  std::string message;
  ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
    message = diag.str();
    return success();
  });
  EXPECT_FALSE(parseAttribute("#cim.arch<\"t\", {}>", &context));
  EXPECT_NE(message.find("missing required field 'name'"), std::string::npos)
      << message;
}

} // namespace
