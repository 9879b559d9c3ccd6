#!/usr/bin/env python3
"""Writes float-repr.txt: one double per line as its 64 IEEE bits in hex and Python's repr() of it, the shortest
decimal that reads back as that double. ShortestDecimalTest checks io.cachecheck.decode.ShortestDecimal against it.

    python3 gen_float_repr.py functions/src/test/resources/formats/float-repr.txt

Cases: every power of two (where the interval of decimals that read back is lopsided) and 500
seeded random bit patterns. NaN and infinities are skipped: they have no decimal."""
import math
import random
import struct
import sys


def bits(d):
    return struct.unpack("<Q", struct.pack("<d", d))[0]


values = []
for e in range(-1074, 1024):
    p = math.ldexp(1.0, e)
    values.append(p)
rng = random.Random(20261205)
for _ in range(500):
    values.append(struct.unpack("<d", struct.pack("<Q", rng.getrandbits(64)))[0])
values += [0.1, 0.1 + 0.2, 1e23, 2.0 ** 63, 5e-324, 1.7976931348623157e308, 2.82879384806159e17, 1.0e-5]
with open(sys.argv[1], "w") as f:
    for d in values:
        if math.isfinite(d):
            f.write("%016x %r\n" % (bits(d), d))
