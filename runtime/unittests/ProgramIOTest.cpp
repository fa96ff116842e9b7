//===- ProgramIOTest.cpp - Program files: round trip and writing ----------===//

#include "ProgramIOTestSupport.h"

#include "cim/runtime/FileIO.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>

#include <unistd.h>

using namespace cim;
using namespace cim::runtime;
using namespace cim::runtime::test;
namespace pb = ::cim::program;

namespace {

void expectSameInstruction(const Instruction &a, const Instruction &b,
                           const std::string &where) {
  SCOPED_TRACE(where);
  EXPECT_EQ(a.opcode, b.opcode);
  EXPECT_EQ(a.inputs, b.inputs);
  EXPECT_EQ(a.output, b.output);
  EXPECT_EQ(a.node, b.node);
  EXPECT_TRUE(a.array.core == b.array.core);
  EXPECT_EQ(a.array.array, b.array.array);
  EXPECT_EQ(a.row, b.row);
  EXPECT_EQ(a.col, b.col);
  EXPECT_EQ(a.inputBits, b.inputBits);
  EXPECT_EQ(a.dacBits, b.dacBits);
  EXPECT_EQ(a.adcBits, b.adcBits);
  EXPECT_EQ(a.shift, b.shift);
  EXPECT_EQ(a.signedRange, b.signedRange);
  EXPECT_EQ(a.encoding.scheme, b.encoding.scheme);
  EXPECT_EQ(a.encoding.weightBits, b.encoding.weightBits);
  EXPECT_EQ(a.encoding.bitsPerCell, b.encoding.bitsPerCell);
  EXPECT_EQ(a.encoding.slices, b.encoding.slices);
  EXPECT_EQ(a.encoding.pairedColumns, b.encoding.pairedColumns);
  EXPECT_EQ(a.weightScales, b.weightScales);
  EXPECT_EQ(a.scale, b.scale);
  EXPECT_EQ(a.quantBits, b.quantBits);
  EXPECT_TRUE(a.from == b.from);
  EXPECT_EQ(a.hops, b.hops);
  EXPECT_EQ(a.chipHops, b.chipHops);
  EXPECT_EQ(a.offsets, b.offsets);
  EXPECT_EQ(a.sizes, b.sizes);
  EXPECT_EQ(a.axis, b.axis);
}

/// Field by field: the listing prints only what each opcode reads.
void expectSamePrograms(const Program &a, const Program &b) {
  EXPECT_EQ(arch::writeArchYaml(a.arch), arch::writeArchYaml(b.arch));
  ASSERT_EQ(a.values.size(), b.values.size());
  for (size_t v = 0; v < a.values.size(); ++v) {
    SCOPED_TRACE("value " + std::to_string(v));
    EXPECT_EQ(a.values[v].name, b.values[v].name);
    EXPECT_EQ(a.values[v].type, b.values[v].type);
    EXPECT_EQ(a.values[v].shape, b.values[v].shape);
    EXPECT_EQ(a.values[v].constant, b.values[v].constant);
    EXPECT_EQ(a.values[v].binding, b.values[v].binding);
    EXPECT_EQ(a.values[v].isInput, b.values[v].isInput);
    EXPECT_EQ(a.values[v].isOutput, b.values[v].isOutput);
  }
  ASSERT_EQ(a.cores.size(), b.cores.size());
  for (size_t c = 0; c < a.cores.size(); ++c) {
    EXPECT_TRUE(a.cores[c].core == b.cores[c].core);
    ASSERT_EQ(a.cores[c].instructions.size(), b.cores[c].instructions.size());
    for (size_t i = 0; i < a.cores[c].instructions.size(); ++i)
      expectSameInstruction(
          a.cores[c].instructions[i], b.cores[c].instructions[i],
          "core " + std::to_string(c) + " instruction " + std::to_string(i));
  }
}

TEST(ProgramIO, RoundTripKeepsEveryFieldListingAndResult) {
  const Program original = kitchenSink();
  const std::string bytes = serializeOrFail(original);
  Program loaded;
  Status status = deserializeProgram(bytes, "sink.cimp", loaded);
  ASSERT_TRUE(status.isOk()) << status.message();
  expectSamePrograms(original, loaded);
  EXPECT_EQ(disassemble(original), disassemble(loaded));
  // Serialisation is deterministic.
  EXPECT_EQ(serializeOrFail(loaded), bytes);

  for (Numerics numerics : {Numerics::Quantized, Numerics::Ideal}) {
    ExecuteOptions options;
    options.numerics = numerics;
    ExecuteResult before = runOrFail(original, kitchenSinkInputs(), options);
    ExecuteResult after = runOrFail(loaded, kitchenSinkInputs(), options);
    EXPECT_EQ(before.outputs, after.outputs) << toString(numerics);
    EXPECT_EQ(renderReportJson(before.report), renderReportJson(after.report));
    EXPECT_EQ(before.outputs.size(), 7u);
  }
}

TEST(ProgramIO, RoundTripEveryEncoding) {
  for (auto [scheme, inCell] :
       {std::pair<arch::SignedEncoding, bool>{
            arch::SignedEncoding::Differential, false},
        {arch::SignedEncoding::Differential, true},
        {arch::SignedEncoding::Offset, false},
        {arch::SignedEncoding::TwosComplement, false}}) {
    arch::ArchSpec spec = smallArch();
    spec.array.cell.signedEncoding = scheme;
    spec.array.cell.differentialInCell = inCell;
    spec.array.cell.bits = 2;
    const arch::CellEncoding encoding = arch::CellEncoding::forArch(spec, 8);
    ProgramBuilder b(spec);
    buildMatmul(b, core(0, 0, 0), randomInts(8 * 4, -127, 127, 1), 2, 8, 4,
                encoding, 8, 1, 16, 0);
    Program loaded;
    Status status =
        deserializeProgram(serializeOrFail(b.program), "enc.cimp", loaded);
    ASSERT_TRUE(status.isOk()) << status.message();
    expectSamePrograms(b.program, loaded);
    const TensorMap inputs = {
        {"x", Tensor::ofInts(ElementType::I8, {2, 8},
                             randomInts(16, -128, 127, 2))}};
    EXPECT_EQ(runOrFail(b.program, inputs).outputs,
              runOrFail(loaded, inputs).outputs);
  }
}

TEST(ProgramIO, ListingNamesOperandsAndNodes) {
  const std::string listing = disassemble(kitchenSink());
  for (const char *expected :
       {"arch 'isaac': 1 chips x 4 tiles x 2 cores x 2 arrays",
        "%0 'x' i8[2x16] input 'x'",
        "'partial' i32[2x3] constant [1, -2, 3, 2147483647, -2147483647, 0]",
        "constant (", "core (0, 0, 0), 6 instructions:",
        "0: program %1 array 0 of core (0, 0, 0) at (0, 0)  // /layer1/MatMul",
        "= dac %0 input_bits 8 dac_bits 2", "= adc %3 bits 12 shift 1 signed",
        "encoding offset weight_bits 8",
        "= transfer %6 from core (0, 0, 0) hops 2 chip_hops 0",
        "weight_scales [0.125, 0.3333333333333333, 1e-30]",
        "= quantize %11 scale 0.1 bits 6"})
    EXPECT_NE(listing.find(expected), std::string::npos) << expected << "\nin\n"
                                                         << listing;
}

//===----------------------------------------------------------------------===//
// Writing
//===----------------------------------------------------------------------===//

TEST(ProgramIOWrite, RefusesWhatItCannotWriteExactly) {
  std::string bytes;
  ProgramBuilder b(smallArch());
  b.constant("f", ElementType::F32, {1}, {0.1});
  Status status = serializeProgram(b.program, bytes);
  ASSERT_FALSE(status.isOk());
  EXPECT_NE(status.message().find("value 0 'f' element 0 = 0.100000 is not "
                                  "exactly representable as f32"),
            std::string::npos)
      << status.message();

  ProgramBuilder invalid(smallArch());
  const int64_t x = invalid.input("x", ElementType::I8, {2});
  const int64_t y = invalid.value("y", ElementType::I8, {3});
  invalid.output(y);
  invalid.add(core(0, 0, 0), make(Opcode::Accumulate, {x}, y));
  status = serializeProgram(invalid.program, bytes);
  ASSERT_FALSE(status.isOk());
  EXPECT_NE(status.message().find("cannot write an invalid program: "),
            std::string::npos);
}

TEST(ProgramIOWrite, FloatConstantsKeepTheirBits) {
  ProgramBuilder b(smallArch());
  const std::vector<double> data = {0.5,
                                    -0.0,
                                    std::numeric_limits<float>::denorm_min(),
                                    3.4028234663852886e38,
                                    -std::numeric_limits<double>::infinity(),
                                    std::ldexp(1.0, -126)};
  const int64_t f =
      b.constant("f", ElementType::F32, {2, 3}, std::vector<double>(data));
  pb::Program message = messageOf(b.program);
  ASSERT_EQ(message.values(f).constant().size(), 24u);
  // 0.5f little-endian.
  EXPECT_EQ(message.values(f).constant().substr(0, 4),
            std::string("\x00\x00\x00\x3f", 4));
  Program loaded;
  std::string bytes;
  message.SerializeToString(&bytes);
  ASSERT_TRUE(deserializeProgram(bytes, "f.cimp", loaded).isOk());
  EXPECT_EQ(loaded.values[f].constant.size(), data.size());
  for (size_t e = 0; e < data.size(); ++e)
    EXPECT_EQ(loaded.values[f].constant[e], data[e]) << e;
  EXPECT_TRUE(std::signbit(loaded.values[f].constant[1]));
}

TEST(ProgramIOWrite, DoubleAndBoolConstantsKeepTheirValues) {
  ProgramBuilder b(smallArch());
  const int64_t d = b.constant("d", ElementType::F64, {3}, {0.1, -1e300, 1.0 / 3});
  const int64_t m = b.constant("m", ElementType::I1, {3}, {1, 0, 1});
  pb::Program message = messageOf(b.program);
  EXPECT_EQ(message.values(d).constant().size(), 24u);
  EXPECT_EQ(message.values(m).constant(), std::string("\x01\x00\x01", 3));
  Program loaded;
  std::string bytes;
  message.SerializeToString(&bytes);
  ASSERT_TRUE(deserializeProgram(bytes, "d.cimp", loaded).isOk());
  EXPECT_EQ(loaded.values[d].type, ElementType::F64);
  EXPECT_EQ(loaded.values[d].constant, (std::vector<double>{0.1, -1e300, 1.0 / 3}));
  EXPECT_EQ(loaded.values[m].type, ElementType::I1);
  EXPECT_EQ(loaded.values[m].constant, (std::vector<double>{1, 0, 1}));
}

class ProgramFiles : public ::testing::Test {
protected:
  void SetUp() override {
    dir = std::filesystem::temp_directory_path() /
          ("cim-programio-" + std::to_string(::getpid()) + "-" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
  }
  void TearDown() override { std::filesystem::remove_all(dir); }
  std::string path(const std::string &name) const {
    return (dir / name).string();
  }
  std::filesystem::path dir;
};

TEST_F(ProgramFiles, SaveAndLoad) {
  const Program program = kitchenSink();
  ASSERT_TRUE(saveProgramFile(program, path("p.cimp")).isOk());
  EXPECT_FALSE(std::filesystem::exists(path("p.cimp.tmp")));
  Program loaded;
  Status status = loadProgramFile(path("p.cimp"), loaded);
  ASSERT_TRUE(status.isOk()) << status.message();
  EXPECT_EQ(disassemble(loaded), disassemble(program));
  std::string bytes;
  ASSERT_TRUE(readFile(path("p.cimp"), bytes).isOk());
  EXPECT_EQ(bytes, serializeOrFail(program));
}

TEST_F(ProgramFiles, FailedSaveLeavesNothingBehind) {
  // An existing file is kept when the program cannot be written.
  ASSERT_TRUE(writeFileAtomically(path("p.cimp"), "old").isOk());
  ProgramBuilder b(smallArch());
  b.constant("f", ElementType::F32, {1}, {0.1});
  Status status = saveProgramFile(b.program, path("p.cimp"));
  ASSERT_FALSE(status.isOk());
  EXPECT_EQ(status.message().rfind(path("p.cimp") + ": ", 0), 0u);
  std::string bytes;
  ASSERT_TRUE(readFile(path("p.cimp"), bytes).isOk());
  EXPECT_EQ(bytes, "old");
  EXPECT_FALSE(std::filesystem::exists(path("p.cimp.tmp")));

  // A directory that does not exist.
  status = saveProgramFile(kitchenSink(), path("no/such/dir/p.cimp"));
  ASSERT_FALSE(status.isOk());
  EXPECT_NE(status.message().find("No such file or directory"),
            std::string::npos)
      << status.message();

  // The rename fails (the target is a non-empty directory): the temporary
  // file is removed.
  std::filesystem::create_directories(path("taken/child"));
  status = saveProgramFile(kitchenSink(), path("taken"));
  ASSERT_FALSE(status.isOk());
  EXPECT_NE(status.message().find("cannot rename"), std::string::npos)
      << status.message();
  EXPECT_FALSE(std::filesystem::exists(path("taken.tmp")));
}

TEST_F(ProgramFiles, LoadRefusals) {
  Program program;
  Status status = loadProgramFile(path("missing.cimp"), program);
  ASSERT_FALSE(status.isOk());
  EXPECT_EQ(status.message(), "cannot open '" + path("missing.cimp") +
                                  "': No such file or directory");
  status = loadProgramFile(dir.string(), program);
  ASSERT_FALSE(status.isOk());
  EXPECT_NE(status.message().find("Is a directory"), std::string::npos)
      << status.message();
  ASSERT_TRUE(writeFileAtomically(path("empty.cimp"), "").isOk());
  status = loadProgramFile(path("empty.cimp"), program);
  ASSERT_FALSE(status.isOk());
  EXPECT_EQ(status.message(),
            path("empty.cimp") + ": not a cim program (no 'CIMP' magic)");
}

} // namespace
