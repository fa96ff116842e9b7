//===- ArchTranslation.h - Arch YAML <-> #cim.arch translations ---*- C++ -*-===//

#ifndef CIM_TOOLS_CIM_TRANSLATE_ARCHTRANSLATION_H
#define CIM_TOOLS_CIM_TRANSLATE_ARCHTRANSLATION_H

namespace cim {

/// Registers --import-arch-yaml and --export-arch-yaml.
void registerArchTranslations();

} // namespace cim

#endif // CIM_TOOLS_CIM_TRANSLATE_ARCHTRANSLATION_H
