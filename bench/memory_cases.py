#!/usr/bin/env python3
"""Raw-IP (link type 101) captures for the memory measurements of docs/PERFORMANCE.md (issue 13):

  memory_cases.py many FILE N        one session open from start to end (a packet every 100 s) and N
                                     one-packet sessions (a lone RST each, 1 ms apart: ~60,000 open at
                                     once for the 60 s close linger), all ending behind the first
  memory_cases.py busy FILE N P      N sessions open at once: a handshake each, then P data packets
                                     and ACKs, round robin
"""
import struct, sys

def ipv4(src, dst, sport, dport, seq, ack, flags, payload=0):
    tot = 40 + payload
    ip = struct.pack('!BBHHHBBHII', 0x45, 0, tot, 0, 0x4000, 64, 6, 0, src, dst)
    tcp = struct.pack('!HHIIBBHHH', sport, dport, seq & 0xffffffff, ack & 0xffffffff, 5 << 4, flags, 65535, 0, 0)
    return ip + tcp + b'\0' * payload

def rec(out, t_us, pkt):
    out.write(struct.pack('<IIII', t_us // 1_000_000, t_us % 1_000_000, len(pkt), len(pkt)))
    out.write(pkt)

def header(out):
    out.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 101))

SYN, ACK, PSH, RST, FIN = 2, 16, 8, 4, 1
C, S = 0x0a000001, 0x0a800001

def many(path, n):
    """one long session spanning the file, plus n one-packet sessions (a lone RST each), 1 ms apart"""
    with open(path, 'wb', buffering=1 << 20) as out:
        header(out)
        t = 0
        rec(out, t, ipv4(C, S, 40000, 80, 1000, 0, SYN))
        rec(out, t + 100, ipv4(S, C, 80, 40000, 5000, 1001, SYN | ACK))
        rec(out, t + 200, ipv4(C, S, 40000, 80, 1001, 5001, ACK))
        for i in range(n):
            t = 1000 + i * 1000
            if i % 100_000 == 0:   # the long session: a packet every 100 s
                rec(out, t, ipv4(C, S, 40000, 80, 1001, 5001, ACK))
            src = 0x0b000000 + i // 60000
            rec(out, t + 1, ipv4(src, S, 1024 + i % 60000, 443, i * 7, 0, RST))

def busy(path, n, per):
    """n sessions open at once, each with a handshake and then per data packets, round robin"""
    with open(path, 'wb', buffering=1 << 20) as out:
        header(out)
        t = 0
        def cli(i): return 0x0b000000 + i // 60000, 1024 + i % 60000
        for i in range(n):
            a, p = cli(i)
            rec(out, t, ipv4(a, S, p, 80, 1000, 0, SYN)); t += 10
            rec(out, t, ipv4(S, a, 80, p, 5000, 1001, SYN | ACK)); t += 10
            rec(out, t, ipv4(a, S, p, 80, 1001, 5001, ACK)); t += 10
        for k in range(per):
            for i in range(n):
                a, p = cli(i)
                if k % 2 == 0:
                    rec(out, t, ipv4(a, S, p, 80, 1001 + 10 * (k // 2), 5001, PSH | ACK, 10))
                else:
                    rec(out, t, ipv4(S, a, 80, p, 5001, 1001 + 10 * (k // 2 + 1), ACK))
                t += 10

if __name__ == '__main__':
    kind = sys.argv[1]
    if kind == 'many':
        many(sys.argv[2], int(sys.argv[3]))
    else:
        busy(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
