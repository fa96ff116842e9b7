//===- ProgramCodec.h - Program fields in their protobuf form ------*- C++
//-*-===//
//
// Private to the runtime library: the enumerations of a program and its
// constants' bytes as runtime/proto/program.proto holds them, both ways.
// ProgramIO.cpp builds and checks whole files from these.
//
//===----------------------------------------------------------------------===//

#ifndef CIM_RUNTIME_LIB_PROGRAMCODEC_H
#define CIM_RUNTIME_LIB_PROGRAMCODEC_H

#include "cim/runtime/Program.h"
#include "cim/runtime/Status.h"
#include "program.pb.h"

#include <string>
#include <vector>

namespace cim::runtime::detail {

namespace pb = ::cim::program;

pb::ElementType toProto(ElementType type);
/// proto3 enumerations are open: false for a number no enumerator has.
bool fromProto(int type, ElementType &out);
pb::Opcode toProto(Opcode opcode);
bool fromProto(int opcode, Opcode &out);
pb::SignedEncoding toProto(arch::SignedEncoding scheme);
bool fromProto(int scheme, arch::SignedEncoding &out);

/// "value <id> '<name>'", as messages name a value.
std::string describe(int64_t id, const ValueInfo &value);

/// The constant's elements as the little-endian bytes of its element type;
/// fails on an element that type cannot hold exactly.
Status encodeConstant(int64_t id, const ValueInfo &value, std::string &bytes);
/// The inverse of encodeConstant (the size is checked by the caller).
void decodeConstant(const std::string &bytes, ElementType type,
                    std::vector<double> &out);

} // namespace cim::runtime::detail

#endif // CIM_RUNTIME_LIB_PROGRAMCODEC_H
