# Prints what a script sees of its environment under the runner.
import os
import sys

import helper

print("name:", __name__)
print("argv:", sys.argv[1:])
print("argv0 is this file:", sys.argv[0] == os.path.abspath(__file__))
print("cwd is script folder:", os.getcwd() == os.path.dirname(os.path.abspath(__file__)))
print("path0 is script folder:", sys.path[0] == os.getcwd())
with open("data.txt") as f:
    print("data:", f.read().strip())
print("helper:", helper.GREETING)
if "--exit" in sys.argv:
    sys.exit(int(sys.argv[sys.argv.index("--exit") + 1]))
