//===- OnnxTranslation.h - The --import-onnx translation ----------*- C++ -*-===//

#ifndef CIM_TOOLS_CIM_TRANSLATE_ONNXTRANSLATION_H
#define CIM_TOOLS_CIM_TRANSLATE_ONNXTRANSLATION_H

namespace cim {

/// Registers --import-onnx and its --input-shape option.
void registerOnnxTranslation();

} // namespace cim

#endif // CIM_TOOLS_CIM_TRANSLATE_ONNXTRANSLATION_H
