# -*- Python -*-
# lit configuration of the cim test suite (check-cim).

import os

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "CIM"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.excludes = ["Inputs", "lit.cfg.py", "lit.site.cfg.py"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.cim_obj_root, "test")

config.substitutions.append(("%PATH%", config.environment["PATH"]))
config.substitutions.append(("%python", config.python_executable))
config.substitutions.append(("%cim_src_root", config.cim_src_root))
config.substitutions.append(("%cim_obj_root", config.cim_obj_root))
config.substitutions.append(("%arch_dir", os.path.join(config.cim_src_root, "arch")))

llvm_config.with_system_environment(["HOME", "TMP", "TEMP"])
llvm_config.use_default_substitutions()

llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
llvm_config.with_environment("PATH", config.cim_tools_dir, append_path=True)

tools = [
    ToolSubst("cim-opt", unresolved="fatal"),
    ToolSubst("cim-translate", unresolved="fatal"),
    ToolSubst("cim-compile", unresolved="fatal"),
    ToolSubst("cim-arch", unresolved="fatal"),
    ToolSubst("cim-onnx-ops", unresolved="fatal"),
    ToolSubst("cim-run", unresolved="fatal"),
]
llvm_config.add_tool_substitutions(tools, [config.cim_tools_dir, config.llvm_tools_dir])
