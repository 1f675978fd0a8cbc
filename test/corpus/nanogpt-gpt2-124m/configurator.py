# Our own configurator: each argument is an override file (exec'd) or --key=value, as in nanoGPT's configurator.py
import sys
from ast import literal_eval
for arg in sys.argv[1:]:
    if '=' not in arg:
        exec(open(arg).read())
    else:
        key, val = arg[2:].split('=')
        globals()[key] = literal_eval(val)
