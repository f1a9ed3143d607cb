#!/usr/bin/env python3
"""IPv6 SYNs whose sources collide under tcplens' old, unkeyed session hash (issue 13, item 4).

The old hash mixed an IPv6 address as hi*31 + lo, so sources (hi + k, lo - 31k) all hashed alike;
with the same ports every SYN fell into one probe cluster. `--random` writes the same number of
SYNs from random sources, the control.

    python3 tools/crafted-syns.py 8000 /tmp/c8k.pcap
    python3 tools/crafted-syns.py --random 100000 /tmp/r100k.pcap
"""
import random
import struct
import sys

args = sys.argv[1:]
rand = args[:1] == ['--random']
if rand:
    args = args[1:]
n, out = int(args[0]), args[1]
M = (1 << 64) - 1
rng = random.Random(1)
dst = struct.pack('>QQ', 0x20010db800000000, 1)
with open(out, 'wb') as f:
    f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))   # pcap, µs, Ethernet
    for k in range(n):
        if rand:
            src = struct.pack('>QQ', 0x20010db800010000 + rng.getrandbits(32), rng.getrandbits(64))
        else:
            src = struct.pack('>QQ', (0x20010db800010000 + k) & M, (0x1000000 - 31 * k) & M)
        tcp = struct.pack('>HHIIBBHHH', 40000, 80, 1000 + k, 0, 5 << 4, 0x02, 65535, 0, 0)
        ip = struct.pack('>IHBB', 6 << 28, len(tcp), 6, 64) + src + dst
        pkt = b'\x02' * 6 + b'\x04' * 6 + b'\x86\xdd' + ip + tcp
        t = k * 1000   # 1 ms apart
        f.write(struct.pack('<IIII', t // 1000000, t % 1000000, len(pkt), len(pkt)))
        f.write(pkt)
