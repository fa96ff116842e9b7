//===- ValidateTest.cpp - Programs the runtime refuses
//----------------------===//
//
// One valid program, broken one way per test; each message must name the
// core, the instruction and the value at fault.
//
//===----------------------------------------------------------------------===//

#include "RuntimeTestSupport.h"

using namespace cim;
using namespace cim::runtime;
using namespace cim::runtime::test;

namespace {

class RuntimeValidate : public ::testing::Test {
protected:
  void SetUp() override { program = build(smallArch()); }

  /// Values: 0 x, 1 levels, 2 planes, 3 sums, 4 converted, 5 combined,
  /// 6 y, 7 moved, 8 scale, 9 real, 10 q. Home stream: 0 program, 1 dac,
  /// 2 mvm, 3 adc, 4 shift_add, 5 recombine. Remote stream (tile 1, one
  /// hop away): 0 transfer, 1 rescale, 2 quantize.
  Program build(const arch::ArchSpec &spec) {
    ProgramBuilder b(spec);
    const arch::CellEncoding encoding = arch::CellEncoding::forArch(spec, 8);
    buildMatmul(b, home, randomInts(8, -127, 127, 1), 2, 4, 2, encoding, 8, 1,
                8, 0);
    int64_t moved = b.value("moved", ElementType::I32, {2, 2});
    b.add(remote, transfer(6, moved, home, 1));
    int64_t scale = b.constant("scale", ElementType::F32, {}, {0.5});
    int64_t real = b.value("real", ElementType::F32, {2, 2});
    Instruction rescale = make(Opcode::Rescale, {moved, scale}, real);
    rescale.weightScales = {1.0, 2.0};
    b.add(remote, rescale);
    int64_t q = b.value("q", ElementType::I8, {2, 2});
    Instruction quantize = make(Opcode::Quantize, {real}, q);
    quantize.scale = 0.1;
    b.add(remote, quantize);
    b.output(q);
    return b.program;
  }

  Instruction &at(size_t stream, size_t index) {
    return program.cores[stream].instructions[index];
  }

  /// Validation fails with a message holding every fragment.
  void expectRejected(std::initializer_list<std::string> fragments) {
    Status status = validate(program);
    ASSERT_FALSE(status.isOk()) << "accepted";
    for (const std::string &fragment : fragments)
      EXPECT_NE(status.message().find(fragment), std::string::npos)
          << "'" << fragment << "' not in: " << status.message();
  }

  const CoreId home = core(0, 0, 0), remote = core(0, 1, 0);
  const std::string homeName = "core (chip 0, tile 0, core 0)";
  const std::string remoteName = "core (chip 0, tile 1, core 0)";
  Program program;
};

TEST_F(RuntimeValidate, BaseProgramIsValid) {
  Status status = validate(program);
  EXPECT_TRUE(status.isOk()) << status.message();
}

TEST_F(RuntimeValidate, ArchFieldOutOfRange) {
  program.arch.adc.perArray = 0;
  expectRejected({"arch: adc.per_array must be at least 1, got 0"});
}

TEST_F(RuntimeValidate, ConstantSizeMismatch) {
  std::vector<double> fewer = program.values[1].constant.values();
  fewer.pop_back();
  program.values[1].constant = fewer;
  expectRejected(
      {"value 1 'levels' has 35 constant elements", "[4x9] holds 36"});
}

TEST_F(RuntimeValidate, NonIntegralIntegerConstant) {
  program.values[1].constant.set(3, 0.5);
  expectRejected({"value 1 'levels' element 3", "fits i8"});
}

TEST_F(RuntimeValidate, DuplicateBinding) {
  program.values[6].isOutput = true;
  program.values[6].binding = "q";
  expectRejected({"value 10 'q' and value 6 'y' share the binding 'q'"});
}

TEST_F(RuntimeValidate, StreamOnMissingCore) {
  program.cores[1].core = core(0, 4, 0);
  expectRejected({"core (chip 0, tile 4, core 0) (instruction stream 1) "
                  "does not exist"});
}

TEST_F(RuntimeValidate, TwoStreamsForOneCore) {
  program.cores[1].core = home;
  expectRejected({homeName + " has two instruction streams (0 and 1)"});
}

TEST_F(RuntimeValidate, ValueIdOutOfRange) {
  at(0, 2).inputs[0] = 99;
  expectRejected({homeName + " instruction 2 (mvm) reads value 99"});
}

TEST_F(RuntimeValidate, ValueWrittenTwice) {
  at(0, 4).output = 4;
  expectRejected({homeName +
                  " instruction 4 (shift_add) writes value 4 "
                  "'converted', already written by " +
                  homeName + " instruction 3"});
}

TEST_F(RuntimeValidate, HostValueWritten) {
  at(0, 1).output = 0;
  expectRejected({"instruction 1 (dac) writes value 0 'x', which the host "
                  "provides"});
}

TEST_F(RuntimeValidate, ValueNothingWrites) {
  ProgramBuilder b(program.arch);
  b.program = program;
  int64_t orphan = b.value("orphan", ElementType::I8, {2, 4});
  program = b.program;
  at(0, 1).inputs[0] = orphan;
  expectRejected({homeName + " instruction 1 (dac): reads value 11 "
                             "'orphan', which nothing writes"});
}

TEST_F(RuntimeValidate, ReadBeforeWrite) {
  at(0, 1).inputs[0] = 3;
  expectRejected({homeName +
                  " instruction 1 (dac): reads value 3 'sums' "
                  "before " +
                  homeName + " instruction 2 writes it"});
}

TEST_F(RuntimeValidate, ReadOnAnotherCoreWithoutTransfer) {
  at(1, 1).inputs[0] = 6;
  expectRejected({remoteName +
                  " instruction 1 (rescale): reads value 6 'y', "
                  "which lives on " +
                  homeName + " instruction 5: it needs a transfer"});
}

TEST_F(RuntimeValidate, WrongInputCount) {
  at(0, 3).inputs.push_back(3);
  expectRejected({homeName + " instruction 3 (adc): takes 1 input(s), got 2"});
}

TEST_F(RuntimeValidate, ProgramLevelsNotTwoDimensional) {
  program.values[1].shape = {36};
  expectRejected({"instruction 0 (program): levels value 1 'levels' must be "
                  "2-D"});
}

TEST_F(RuntimeValidate, LevelOutOfRange) {
  program.values[1].constant.set(5, 4);
  expectRejected({homeName + " instruction 0 (program): cell level 4 at "
                             "element 5 of value 1 'levels' is outside 0..3"});
}

TEST_F(RuntimeValidate, NegativeLevelWithoutDifferentialInCell) {
  program.values[1].constant.set(0, -1);
  expectRejected({"cell level -1 at element 0", "outside 0..3"});
}

TEST(RuntimeValidateLevels, SignedLevelsOnlyInDifferentialCells) {
  arch::ArchSpec spec = smallArch();
  spec.array.cell.signedEncoding = arch::SignedEncoding::Differential;
  spec.array.cell.differentialInCell = true;
  ProgramBuilder b(spec);
  buildMatmul(b, core(0, 0, 0), {5, -5}, 1, 1, 2,
              arch::CellEncoding::forArch(spec, 8), 8, 1, 8, 0);
  b.program.values[1].constant.set(0, -3);
  EXPECT_TRUE(validate(b.program).isOk()) << validate(b.program).message();
  b.program.values[1].constant.set(0, -4);
  Status status = validate(b.program);
  ASSERT_FALSE(status.isOk());
  EXPECT_NE(status.message().find("cell level -4 at element 0 of value 1 "
                                  "'levels' is outside -3..3"),
            std::string::npos)
      << status.message();
}

TEST_F(RuntimeValidate, DacPlaneCount) {
  at(0, 1).dacBits = 2;
  expectRejected({homeName + " instruction 1 (dac): value 2 'planes' must "
                             "have shape [4x2x4], got [8x2x4]"});
}

TEST_F(RuntimeValidate, DacBitsOutOfRange) {
  at(0, 1).dacBits = 0;
  expectRejected({"instruction 1 (dac): input bits must be in 1..32 and DAC "
                  "bits in 1..16, got 8 and 0"});
}

TEST_F(RuntimeValidate, MvmShapes) {
  program.values[3].shape = {8, 3, 9};
  expectRejected({"instruction 2 (mvm): input value 2 'planes' [8x2x4] and "
                  "value 3 'sums' [8x3x9] must be"});
}

TEST_F(RuntimeValidate, MvmBlockBeyondRows) {
  at(0, 2).row = program.arch.array.rows - 2;
  expectRejected({homeName + " instruction 2 (mvm): block rows 126..130, "
                             "columns 0..9 does not fit a 128x128 array"});
}

TEST_F(RuntimeValidate, MvmBlockBeyondColumns) {
  at(0, 2).col = program.arch.array.cols - 1;
  expectRejected({"instruction 2 (mvm): block rows 0..4, columns 127..136 "
                  "does not fit"});
}

TEST_F(RuntimeValidate, ArrayNotInHierarchy) {
  at(0, 2).array.array = 2;
  expectRejected({"instruction 2 (mvm): array 2 of " + homeName +
                  " does not exist on 'isaac'"});
}

TEST_F(RuntimeValidate, ArrayOfAnotherCore) {
  at(0, 0).array.core = core(0, 0, 1);
  expectRejected({homeName +
                  " instruction 0 (program): array 0 of core "
                  "(chip 0, tile 0, core 1) is not on the " +
                  homeName});
}

TEST_F(RuntimeValidate, MvmReadsUnprogrammedCells) {
  at(0, 2).col = 40;
  expectRejected({"instruction 2 (mvm): reads cell (0, 40) of array 0 of " +
                  homeName + ", which no earlier program instruction wrote"});
}

TEST_F(RuntimeValidate, AdcBitsOutOfRange) {
  at(0, 3).adcBits = 33;
  expectRejected({"instruction 3 (adc): ADC bits must be in 1..32"});
}

TEST_F(RuntimeValidate, ShiftAddShape) {
  program.values[5].shape = {8, 2, 9};
  expectRejected({"instruction 4 (shift_add): value 5 'combined' must have "
                  "shape [2x9], got [8x2x9]"});
}

TEST_F(RuntimeValidate, RecombineColumnCount) {
  program.values[6].shape = {2, 3};
  expectRejected({"instruction 5 (recombine): 3 weight columns in this "
                  "offset encoding take 13 physical columns, but value 5 "
                  "'combined' has 9"});
}

TEST_F(RuntimeValidate, RecombineSliceCount) {
  at(0, 5).encoding.slices = 3;
  expectRejected({"instruction 5 (recombine): offset encoding of 8-bit "
                  "weights in 2-bit cells takes 4 slices, got 3"});
}

TEST_F(RuntimeValidate, RecombinePairedColumnsOutsideDifferential) {
  at(0, 5).encoding.pairedColumns = true;
  expectRejected({"instruction 5 (recombine): paired columns apply only"});
}

TEST_F(RuntimeValidate, AccumulatePartialShapes) {
  Instruction acc = make(Opcode::Accumulate, {4}, -1);
  ProgramBuilder b(program.arch);
  b.program = program;
  acc.output = b.value("acc", ElementType::I32, {2, 9});
  b.add(home, acc);
  program = b.program;
  expectRejected({"instruction 6 (accumulate): partial value 4 'converted' "
                  "[8x2x9] does not match value 11 'acc' [2x9]"});
}

TEST_F(RuntimeValidate, TransferFromMissingCore) {
  at(1, 0).from = core(0, 9, 0);
  expectRejected({remoteName + " instruction 0 (transfer): source core "
                               "(chip 0, tile 9, core 0) does not exist"});
}

TEST_F(RuntimeValidate, TransferFromCoreWithoutTheValue) {
  at(1, 0).from = core(0, 2, 0);
  expectRejected({remoteName +
                  " instruction 0 (transfer): transfers value "
                  "6 'y' from core (chip 0, tile 2, core 0), "
                  "but it is written by " +
                  homeName + " instruction 5"});
}

TEST_F(RuntimeValidate, TransferToItself) {
  program.cores[0].instructions.push_back(transfer(0, 7, home, 0));
  program.cores[1].instructions.erase(program.cores[1].instructions.begin());
  program.values[7].shape = {2, 4};
  program.values[7].type = ElementType::I8;
  expectRejected({homeName + " instruction 6 (transfer): transfers value 0 "
                             "'x' from its own core"});
}

TEST_F(RuntimeValidate, TransferHopsDisagreeWithRoute) {
  at(1, 0).hops = 3;
  expectRejected({"instruction 0 (transfer): declares 3 hops and 0 chip "
                  "hops from " +
                  homeName + ", but the route has 1 and 0"});
}

TEST_F(RuntimeValidate, TransferAcrossUnlinkedChips) {
  program.arch.hierarchy.chips = 2;
  program.arch.chipLink.topology = arch::ChipLinkTopology::None;
  program.cores[1].core = core(1, 1, 0);
  expectRejected({"core (chip 1, tile 1, core 0) instruction 0 (transfer): "
                  "chips 0 and 1 of 'isaac' are not linked"});
}

TEST_F(RuntimeValidate, TransferChangesShape) {
  program.values[7].shape = {4};
  expectRejected({"instruction 0 (transfer): value 7 'moved' must have the "
                  "type and shape of value 6 'y'"});
}

TEST_F(RuntimeValidate, RescaleWeightScaleCount) {
  at(1, 1).weightScales = {1.0};
  expectRejected({remoteName + " instruction 1 (rescale): needs one weight "
                               "scale per output channel (2), got 1"});
}

TEST_F(RuntimeValidate, RescaleScaleMustBeOneFloat) {
  program.values[8].shape = {2};
  program.values[8].constant = {0.5, 0.5};
  expectRejected({"instruction 1 (rescale): input scale value 8 'scale' "
                  "must be one f32 element"});
}

TEST_F(RuntimeValidate, QuantizeBitsExceedType) {
  at(1, 2).quantBits = 9;
  expectRejected({remoteName + " instruction 2 (quantize): 9-bit levels do "
                               "not fit value 10 'q' of type i8"});
}

TEST_F(RuntimeValidate, QuantizeNeedsFloatInput) {
  at(1, 2).inputs[0] = 7;
  expectRejected({"instruction 2 (quantize): value 7 'moved' must be f32"});
}

TEST_F(RuntimeValidate, IntegerOpOnFloats) {
  program.values[0].type = ElementType::F32;
  expectRejected({homeName + " instruction 1 (dac): value 0 'x' must hold "
                             "integers, got f32"});
}

TEST_F(RuntimeValidate, OutputNeverWritten) {
  ProgramBuilder b(program.arch);
  b.program = program;
  b.output(b.value("ghost", ElementType::I32, {1}));
  program = b.program;
  expectRejected({"output value 11 'ghost' ('ghost') is never written"});
}

TEST_F(RuntimeValidate, ExecuteRefusesBadBindings) {
  ExecuteResult result;
  const Tensor good =
      Tensor::ofInts(ElementType::I8, {2, 4}, std::vector<int64_t>(8, 1));
  ASSERT_TRUE(execute(program, {{"x", good}}, {}, result).isOk());
  EXPECT_EQ(execute(program, {}, {}, result).message(),
            "input 'x' is not bound");
  Tensor big = good;
  big.ints[2] = 128;
  EXPECT_EQ(execute(program, {{"x", big}}, {}, result).message(),
            "input 'x' element 2 = 128 does not fit i8");
  Tensor wrongShape = good;
  wrongShape.shape = {4, 2};
  EXPECT_NE(execute(program, {{"x", wrongShape}}, {}, result)
                .message()
                .find("input 'x' must be 8 i8 elements"),
            std::string::npos);
  EXPECT_EQ(execute(program, {{"x", good}, {"z", good}}, {}, result).message(),
            "the program has no input named 'z'");
}

} // namespace
