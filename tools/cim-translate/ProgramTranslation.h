//===- ProgramTranslation.h - The --emit-program translation ----*- C++ -*-===//

#ifndef CIM_TOOLS_CIM_TRANSLATE_PROGRAMTRANSLATION_H
#define CIM_TOOLS_CIM_TRANSLATE_PROGRAMTRANSLATION_H

namespace cim {

/// Registers --emit-program: a module after the mapping pipeline's xbar
/// passes -> the runtime's program file (binary protobuf).
void registerProgramTranslation();

} // namespace cim

#endif // CIM_TOOLS_CIM_TRANSLATE_PROGRAMTRANSLATION_H
