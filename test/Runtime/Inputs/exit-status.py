"""Runs a command and checks its exit status (lit's `not` accepts any
non-zero status; cim-run distinguishes usage errors, 2, from other errors,
1).

Usage: exit-status.py STATUS COMMAND [ARGS...]
The command's stdout and stderr pass through; exits 1 with a message if the
status differs.
"""
import subprocess
import sys

expected = int(sys.argv[1])
status = subprocess.call(sys.argv[2:])
if status != expected:
    sys.exit("exit-status.py: %s exited with %d, expected %d"
             % (sys.argv[2], status, expected))
