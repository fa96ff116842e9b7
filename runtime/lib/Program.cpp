//===- Program.cpp - Names and sizes of program entities ------------------===//

#include "cim/runtime/Program.h"

using namespace cim::runtime;

int64_t ValueInfo::numElements() const {
  int64_t count = 1;
  for (int64_t dim : shape)
    count *= dim;
  return count;
}

int64_t ValueInfo::bytes() const { return numElements() * elementBytes(type); }

const char *cim::runtime::toString(Opcode opcode) {
  switch (opcode) {
  case Opcode::Program:
    return "program";
  case Opcode::Dac:
    return "dac";
  case Opcode::Mvm:
    return "mvm";
  case Opcode::Adc:
    return "adc";
  case Opcode::ShiftAdd:
    return "shift_add";
  case Opcode::Recombine:
    return "recombine";
  case Opcode::Accumulate:
    return "accumulate";
  case Opcode::Rescale:
    return "rescale";
  case Opcode::Quantize:
    return "quantize";
  case Opcode::Transfer:
    return "transfer";
  case Opcode::Slice:
    return "slice";
  case Opcode::Concat:
    return "concat";
  case Opcode::Generic:
    return "generic";
  case Opcode::Reshape:
    return "reshape";
  case Opcode::DynamicScale:
    return "dynamic_scale";
  case Opcode::Encode:
    return "encode";
  }
  return "?";
}

const char *cim::runtime::toString(ScalarOpcode opcode) {
  switch (opcode) {
#define CIM_SCALAR_NAME(op, name)                                              \
  case ScalarOpcode::op:                                                       \
    return name;
    CIM_SCALAR_OPCODES(CIM_SCALAR_NAME)
#undef CIM_SCALAR_NAME
  }
  return "?";
}

const char *cim::runtime::toString(ElementType type) {
  switch (type) {
  case ElementType::I8:
    return "i8";
  case ElementType::I16:
    return "i16";
  case ElementType::I32:
    return "i32";
  case ElementType::I64:
    return "i64";
  case ElementType::F32:
    return "f32";
  case ElementType::I1:
    return "i1";
  case ElementType::F64:
    return "f64";
  }
  return "?";
}

int64_t cim::runtime::integerBits(ElementType type) {
  return type == ElementType::I1 ? 1 : 8 * elementBytes(type);
}

int64_t cim::runtime::elementBytes(ElementType type) {
  switch (type) {
  case ElementType::I8:
  case ElementType::I1:
    return 1;
  case ElementType::I16:
    return 2;
  case ElementType::I32:
  case ElementType::F32:
    return 4;
  case ElementType::I64:
  case ElementType::F64:
    return 8;
  }
  return 0;
}

bool cim::runtime::isInteger(ElementType type) {
  return type != ElementType::F32 && type != ElementType::F64;
}

std::string cim::runtime::toString(const CoreId &core) {
  return "core (chip " + std::to_string(core.chip) + ", tile " +
         std::to_string(core.tile) + ", core " + std::to_string(core.core) +
         ")";
}
