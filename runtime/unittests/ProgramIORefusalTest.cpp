//===- ProgramIORefusalTest.cpp - Program files that must not load --------===//
//
// Each test breaks one thing in a valid file and expects the reader's
// message for it; the last ones feed cut, random and corrupted bytes.
//
//===----------------------------------------------------------------------===//

#include "ProgramIOTestSupport.h"

#include <functional>
#include <random>

using namespace cim;
using namespace cim::runtime;
using namespace cim::runtime::test;
namespace pb = ::cim::program;

namespace {

/// Deserialises `message` and expects an error containing `expected`.
void expectRefused(const pb::Program &message, const std::string &expected) {
  std::string bytes;
  ASSERT_TRUE(message.SerializeToString(&bytes));
  Program program;
  Status status = deserializeProgram(bytes, "bad.cimp", program);
  ASSERT_FALSE(status.isOk()) << "accepted; expected: " << expected;
  EXPECT_NE(status.message().find(expected), std::string::npos)
      << status.message();
  EXPECT_EQ(status.message().rfind("bad.cimp", 0), 0u) << status.message();
  EXPECT_TRUE(program.values.empty() && program.cores.empty());
}

/// The kitchen sink with one change.
void expectRefused(const std::function<void(pb::Program &)> &mutate,
                   const std::string &expected) {
  pb::Program message = messageOf(kitchenSink());
  mutate(message);
  expectRefused(message, expected);
}

pb::Instruction &instruction(pb::Program &m, int core, int index) {
  return *m.mutable_cores(core)->mutable_instructions(index);
}

TEST(ProgramIORefuses, WrongVersion) {
  // Version 1 programs had no vector-unit instructions.
  expectRefused([](pb::Program &m) { m.set_format_version(1); },
                "program format version 1, but this reader reads version 2");
  expectRefused([](pb::Program &m) { m.set_format_version(3); },
                "program format version 3, but this reader reads version 2");
  expectRefused([](pb::Program &m) { m.clear_format_version(); },
                "program format version 0");
}

TEST(ProgramIORefuses, MissingMagic) {
  expectRefused([](pb::Program &m) { m.set_magic(0x12345678); },
                "not a cim program (no 'CIMP' magic)");
  // Another protobuf message parses but has no magic either.
  pb::CoreId other;
  other.set_chip(3);
  std::string bytes;
  ASSERT_TRUE(other.SerializeToString(&bytes));
  Program program;
  EXPECT_FALSE(deserializeProgram(bytes, "other", program).isOk());
}

TEST(ProgramIORefuses, UnknownEnumerations) {
  expectRefused(
      [](pb::Program &m) {
        m.mutable_values(2)->set_type(static_cast<pb::ElementType>(42));
      },
      "value 2 'planes' has an unknown element type (42)");
  expectRefused(
      [](pb::Program &m) {
        m.mutable_values(0)->set_type(pb::ELEMENT_TYPE_UNSPECIFIED);
      },
      "value 0 'x' has an unknown element type (0)");
  expectRefused(
      [](pb::Program &m) {
        instruction(m, 0, 1).set_opcode(static_cast<pb::Opcode>(99));
      },
      "core (chip 0, tile 0, core 0) instruction 1: unknown opcode 99");
  expectRefused(
      [](pb::Program &m) {
        instruction(m, 0, 1).set_opcode(pb::OPCODE_UNSPECIFIED);
      },
      "unknown opcode 0");
  expectRefused(
      [](pb::Program &m) {
        instruction(m, 0, 5).mutable_encoding()->set_scheme(
            static_cast<pb::SignedEncoding>(7));
      },
      "instruction 5: encoding has an unknown signed encoding (7)");
}

TEST(ProgramIORefuses, IndicesOutOfRange) {
  expectRefused(
      [](pb::Program &m) { instruction(m, 0, 1).set_inputs(0, 1000); },
      "instruction 1: reads value 1000, but the program has");
  expectRefused([](pb::Program &m) { instruction(m, 0, 1).set_inputs(0, -1); },
                "reads value -1");
  expectRefused([](pb::Program &m) { instruction(m, 0, 2).set_output(77); },
                "instruction 2: writes value 77");
  expectRefused([](pb::Program &m) { instruction(m, 0, 2).set_output(-2); },
                "writes value -2");
  expectRefused(
      [](pb::Program &m) { instruction(m, 0, 0).set_row(int64_t(1) << 40); },
      "row = 1099511627776 is out of range");
  expectRefused(
      [](pb::Program &m) {
        instruction(m, 1, 0).mutable_from()->set_tile(-(int64_t(1) << 50));
      },
      "source tile = ");
  expectRefused(
      [](pb::Program &m) {
        m.mutable_cores(0)->mutable_id()->set_core(int64_t(1) << 62);
      },
      "instruction stream 0: core = ");
  // In range for the format, out of range for the machine: validate().
  expectRefused(
      [](pb::Program &m) { m.mutable_cores(0)->mutable_id()->set_tile(9); },
      "does not exist on 'isaac'");
  expectRefused(
      [](pb::Program &m) {
        instruction(m, 0, 0).mutable_array()->set_array(5);
      },
      "array 5 of core (chip 0, tile 0, core 0) does not exist");
}

TEST(ProgramIORefuses, ConstantSizes) {
  // Value 1 holds the 16 x 13 i8 levels (offset, 2-bit cells: 4 slices for
  // each of 3 weights, and the reference column).
  expectRefused(
      [](pb::Program &m) {
        std::string *data = m.mutable_values(1)->mutable_constant();
        data->pop_back();
      },
      "value 1 'levels' holds 207 bytes of constant data, but 208 i8 "
      "elements take 208");
  expectRefused(
      [](pb::Program &m) {
        m.mutable_values(1)->mutable_constant()->push_back('\0');
      },
      "holds 209 bytes");
  // i32 partial: 6 elements of 4 bytes.
  expectRefused(
      [](pb::Program &m) { m.mutable_values(8)->set_constant(""); },
      "value 8 'partial' holds 0 bytes of constant data, but 6 i32 elements "
      "take 24");
  // Retyping a constant changes the size its bytes must have.
  expectRefused(
      [](pb::Program &m) {
        m.mutable_values(8)->set_type(pb::ELEMENT_TYPE_I64);
      },
      "but 6 i64 elements take 48");
}

TEST(ProgramIORefuses, BadShapes) {
  expectRefused([](pb::Program &m) { m.mutable_values(2)->set_shape(0, -4); },
                "value 2 'planes' has a negative dimension (-4)");
  // The product overflows int64: refused before anything is allocated.
  expectRefused(
      [](pb::Program &m) {
        pb::Value &v = *m.mutable_values(1);
        v.clear_shape();
        v.add_shape(int64_t(1) << 40);
        v.add_shape(int64_t(1) << 40);
        v.add_shape(int64_t(1) << 40);
      },
      "value 1 'levels' has more than 2147483648 elements");
  expectRefused(
      [](pb::Program &m) {
        pb::Value &v = *m.mutable_values(3);
        v.add_shape(int64_t(1) << 31);
      },
      "has more than 2147483648 elements");
  // No elements, but a dimension that later sums would overflow with.
  expectRefused(
      [](pb::Program &m) {
        pb::Value &v = *m.mutable_values(3);
        v.set_shape(0, 0);
        v.add_shape(int64_t(1) << 62);
      },
      "value 3 'sums' has more than 2147483648 elements");
}

TEST(ProgramIORefuses, ArchThatDoesNotLoad) {
  expectRefused([](pb::Program &m) { m.set_arch_yaml("adc: [unclosed"); },
                "bad.cimp: the embedded arch does not load:\nbad.cimp "
                "(embedded arch):");
  expectRefused([](pb::Program &m) { m.set_arch_yaml(""); },
                "the embedded arch does not load");
  // A field out of range: the loader's own message, with its line.
  expectRefused(
      [](pb::Program &m) {
        std::string yaml = m.arch_yaml();
        const size_t at = yaml.find("  bits: 8", yaml.find("\nadc:"));
        ASSERT_NE(at, std::string::npos) << yaml;
        yaml.replace(at, 9, "  bits: 0");
        m.set_arch_yaml(yaml);
      },
      "adc.bits must be in");
}

TEST(ProgramIORefuses, WhatValidateRefuses) {
  // Format-valid, but the transfer declares the wrong route.
  expectRefused([](pb::Program &m) { instruction(m, 1, 0).set_hops(3); },
                "declares 3 hops and 0 chip hops");
  // Two writers of one value.
  expectRefused([](pb::Program &m) { instruction(m, 0, 3).set_output(3); },
                "values are written once");
}

TEST(ProgramIORefuses, TruncatedBytes) {
  const std::string bytes = serializeOrFail(kitchenSink());
  ASSERT_GT(bytes.size(), 200u);
  std::vector<size_t> cuts = {0, 1, 3, 5, 6, 9, 20, 100};
  for (size_t fraction = 1; fraction < 16; ++fraction)
    cuts.push_back(bytes.size() * fraction / 16);
  for (size_t back = 1; back <= 12; ++back)
    cuts.push_back(bytes.size() - back);
  for (size_t cut : cuts) {
    Program program;
    Status status =
        deserializeProgram(bytes.substr(0, cut), "cut.cimp", program);
    EXPECT_FALSE(status.isOk()) << "a cut at " << cut << " of " << bytes.size()
                                << " bytes was accepted";
    EXPECT_EQ(status.message().rfind("cut.cimp: ", 0), 0u);
  }
}

TEST(ProgramIORefuses, RandomBytes) {
  std::mt19937 gen(42);
  for (size_t size : {1, 2, 7, 64, 1000, 10000}) {
    for (int trial = 0; trial < 20; ++trial) {
      std::string bytes(size, '\0');
      for (char &c : bytes)
        c = static_cast<char>(gen());
      Program program;
      EXPECT_FALSE(deserializeProgram(bytes, "random", program).isOk());
    }
  }
  // A valid envelope around garbage.
  pb::Program message = messageOf(kitchenSink());
  std::string bytes;
  message.SerializeToString(&bytes);
  for (int trial = 0; trial < 20; ++trial) {
    std::string garbage = bytes.substr(0, 12);
    for (int i = 0; i < 500; ++i)
      garbage.push_back(static_cast<char>(gen()));
    Program program;
    EXPECT_FALSE(deserializeProgram(garbage, "random", program).isOk());
  }
}

/// Single-byte corruptions of a valid file: each is refused or reads as a
/// program that validates, lists and runs (or fails to run) cleanly.
TEST(ProgramIORefuses, CorruptedBytesNeverCrash) {
  const std::string bytes = serializeOrFail(kitchenSink());
  std::mt19937 gen(7);
  int accepted = 0;
  for (int trial = 0; trial < 3000; ++trial) {
    std::string corrupt = bytes;
    const size_t at = gen() % corrupt.size();
    corrupt[at] = static_cast<char>(corrupt[at] ^ (1 + gen() % 255));
    Program program;
    if (!deserializeProgram(corrupt, "corrupt", program).isOk())
      continue;
    ++accepted;
    EXPECT_TRUE(validate(program).isOk());
    EXPECT_FALSE(disassemble(program).empty());
    ExecuteResult result;
    (void)execute(program, kitchenSinkInputs(), {}, result);
  }
  // Names, nodes and constant data can change without breaking anything.
  EXPECT_GT(accepted, 0);
}
} // namespace
