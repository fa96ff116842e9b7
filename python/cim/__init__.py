"""Python helpers of the cim project.

`cim.tools` finds the command-line tools of a build; `cim.arch` reads hardware
descriptions through `cim-arch`, so Python sees exactly the figures the
compiler computes.
"""
