"""Prefixes each line of standard input with the seconds since the Unix time given as argument."""
import sys
import time

t0 = float(sys.argv[1])
for line in sys.stdin:
    sys.stdout.write("%.3f %s" % (time.time() - t0, line))
    sys.stdout.flush()
