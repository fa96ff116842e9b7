//===- TensorPb.h - ONNX TensorProto files for inputs, outputs -*- C++ -*-===//
//
// The tensor files of ONNX's backend tests (test_data_set_*/input_0.pb):
// one serialized onnx.TensorProto. cim-run reads them beside .npy files and
// can write its outputs in the same form, so a backend test's expected
// outputs compare directly. Element types are the ones .npy exchanges
// (float32, float64, int8, int16, int32, int64); data either in raw_data or
// in the typed fields. Anything else (other types, external data, element
// counts that disagree with the dims, bytes that are not a TensorProto) is
// refused with a message that names the file and the reason.
//
//===----------------------------------------------------------------------===//

#ifndef CIM_RUNTIME_TENSORPB_H
#define CIM_RUNTIME_TENSORPB_H

#include "cim/runtime/Npy.h"
#include "cim/runtime/Status.h"

#include <string>

namespace cim::runtime {

/// Parses one serialized TensorProto; `source` names it in messages. The
/// tensor's name goes to `name` when given.
Status parseTensorPb(const std::string &bytes, const std::string &source,
                     NpyArray &array, std::string *name = nullptr);

/// A serialized TensorProto named `name`, the data in raw_data. Fails if
/// the elements do not match the shape or an element does not fit the type.
Status renderTensorPb(const NpyArray &array, const std::string &name,
                      std::string &bytes);

/// A tensor file by its extension: `.pb` is a TensorProto, anything else
/// .npy.
Status readTensorFile(const std::string &path, NpyArray &array);

} // namespace cim::runtime

#endif // CIM_RUNTIME_TENSORPB_H
