#!/usr/bin/env python3
"""Generate tcplens session-record fixtures from tshark 4.0 per-packet output.

Usage:
    make_fixtures.py CAPTURE... --root DIR --out OUTDIR [--tshark PATH]

For every CAPTURE one TSV is written to OUTDIR, named after the capture's
path relative to --root with '/' replaced by '__' and '.tsv' appended.
One row per tshark tcp.stream (after dropping TCP quoted inside ICMP/ICMPv6
errors and renumbering densely), columns = FIELDS below, '' for null.

Python 3.11, standard library only.  See README.md for the derivation rules.
"""

import argparse
import ipaddress
import os
import subprocess
import sys
import tempfile

FIELDS = [
    "id", "ip_version", "client_addr", "client_port", "server_addr",
    "server_port", "client_basis", "start_ns", "end_ns", "packets_c2s",
    "packets_s2c", "bytes_c2s", "bytes_s2c", "syn_packets", "synack_packets",
    "fin_c2s", "fin_s2c", "rst_c2s", "rst_s2c", "handshake_status", "syn_ns",
    "synack_ns", "ack_ns", "rtt_ns", "close_initiator", "close_kind",
    "close_complete", "completeness",
]

# tshark -e fields, in this order.  -E occurrence=a: every occurrence, joined
# by the aggregator, so that the IP layer that really carries the TCP header
# can be picked (see pick_layers()).
TSHARK_FIELDS = [
    "frame.number", "frame.time_epoch", "frame.protocols", "tcp.stream",
    "ip.src", "ip.dst", "ipv6.src", "ipv6.dst",
    "tcp.srcport", "tcp.dstport", "tcp.seq_raw", "tcp.ack_raw", "tcp.flags",
    "tcp.len", "tcp.analysis.initial_rtt", "tcp.completeness",
]
AGG = ","

FIN, SYN, RST, ACK = 0x01, 0x02, 0x04, 0x10
MOD = 1 << 32



# tcplens' rule for sessions without SYN or SYN-ACK (analyzer ServerPorts.java, kept in step by hand):
# the system ports and a few registered ports of common services are likely server ports.
REGISTERED_SERVER_PORTS = {
    1080, 1194, 1433, 1521, 1883, 2049, 2181, 2379, 3000, 3128, 3306, 3389, 4369, 5000, 5060, 5061,
    5222, 5432, 5672, 5900, 5984, 6379, 6443, 6633, 6653, 6667, 8000, 8008, 8080, 8081, 8088, 8443,
    8883, 8888, 9000, 9042, 9090, 9092, 9200, 9300, 9418, 11211, 27017}


def likely_server_port(port):
    return 0 < port < 1024 or port in REGISTERED_SERVER_PORTS

def tshark_cmd(tshark, capture):
    cmd = [tshark, "-n", "-r", capture, "-2", "-T", "fields",
           "-E", "separator=/t", "-E", "header=n", "-E", "quote=n",
           "-E", "occurrence=a", "-E", "aggregator=" + AGG]
    for f in TSHARK_FIELDS:
        cmd += ["-e", f]
    return cmd


def time_to_ns(text):
    """tshark epoch/relative text -> integer ns, parsed as a string.

    tshark prints "%s%d.%09d" (sign, seconds, nanoseconds).  For records whose
    nanosecond part is out of range (>= 1e9) it prints more than 9 digits; the
    digits after the point are then still the nanosecond count, so they are
    read as an integer rather than as a decimal fraction."""
    text = text.strip()
    if not text:
        return None
    neg = text.startswith("-")
    if neg or text.startswith("+"):
        text = text[1:]
    secs, _, frac = text.partition(".")
    secs = int(secs or "0")
    if len(frac) <= 9:
        nsecs = int(frac.ljust(9, "0")) if frac else 0
    else:
        nsecs = int(frac)
    val = secs * 1_000_000_000 + nsecs
    return -val if neg else val


def canon_addr(text, warnings, ctx):
    try:
        canon = str(ipaddress.ip_address(text))
    except ValueError:
        warnings.append(f"{ctx}: address {text!r} does not parse")
        return text
    if canon != text:
        # Python's ipaddress follows RFC 5952 except for IPv4-mapped
        # addresses (3.11 prints ::ffff:102:304); report, keep tshark's text.
        warnings.append(f"{ctx}: tshark prints {text!r}, RFC 5952 form {canon!r}; kept tshark's")
    return text


def split_multi(value):
    return value.split(AGG) if value != "" else []


def pick_layers(protocols):
    """Return (tcp_layer_index, ip_kind, ip_layer_index) of the TCP layer to
    use, or None.

    Chosen TCP layer: the first (outermost) 'tcp' in frame.protocols that is
    not quoted inside an ICMP/ICMPv6 message.  Its network layer is the last
    'ip'/'ipv6' token before it; the index counts that protocol's occurrences
    (so occurrence k of ip.src / ipv6.src belongs to it).  This picks the
    inner header for VXLAN/GRE/... tunnels and the outer header when TCP
    carries another IP packet (e.g. OpenFlow packet-in/out)."""
    toks = protocols.split(":")
    tcp_i = ip4 = ip6 = 0
    last = None
    in_icmp = False
    for t in toks:
        if t in ("icmp", "icmpv6"):
            in_icmp = True
        elif t == "ip":
            ip4 += 1
            last = ("4", ip4 - 1)
        elif t == "ipv6":
            ip6 += 1
            last = ("6", ip6 - 1)
        elif t == "tcp":
            tcp_i += 1
            if not in_icmp and last is not None:
                return tcp_i - 1, last[0], last[1]
    return None


def parse_packets(lines, warnings, notes):
    pkts = []
    for line in lines:
        if not line.strip():
            continue
        cols = line.rstrip("\n").split("\t")
        cols += [""] * (len(TSHARK_FIELDS) - len(cols))
        row = dict(zip(TSHARK_FIELDS, cols))
        if row["tcp.stream"] == "":
            pr = ":" + row["frame.protocols"] + ":"
            if ":tcp:" in pr:
                why = ("TCP quoted in ICMP/ICMPv6 too short for tcp.stream"
                       if ":icmp:" in pr or ":icmpv6:" in pr
                       else "TCP header too short/truncated")
                notes.add(f"frame {row['frame.number']}: protocols list tcp but tshark assigns no tcp.stream ({why})")
            continue
        protos = row["frame.protocols"]
        streams = split_multi(row["tcp.stream"])
        picked = pick_layers(protos)
        if picked is None:
            notes.add(f"frame {row['frame.number']}: TCP only inside ICMP/ICMPv6 (or without IP) - excluded")
            continue
        tcp_i, ipver, ip_i = picked
        ntcp = len(streams)
        if ntcp > 1:
            notes.add(f"frame {row['frame.number']}: {ntcp} TCP layers ({protos}); using TCP layer #{tcp_i + 1}")
        if ipver == "4":
            srcs, dsts = split_multi(row["ip.src"]), split_multi(row["ip.dst"])
        else:
            srcs, dsts = split_multi(row["ipv6.src"]), split_multi(row["ipv6.dst"])
        if len(srcs) > 1 or protos.count(":ip:") + protos.count(":ipv6:") > 1:
            notes.add(f"frame {row['frame.number']}: several IP layers ({protos}); TCP carried by IPv{ipver} layer #{ip_i + 1}")

        def nth(field, i):
            vals = split_multi(row[field])
            return vals[i] if i < len(vals) else ""

        def tnth(field):
            # per-TCP-layer fields: index by TCP layer when every layer has
            # one, else the only value if there is exactly one TCP layer.
            vals = split_multi(row[field])
            if len(vals) == ntcp:
                return vals[tcp_i]
            if ntcp == 1 and len(vals) == 1:
                return vals[0]
            return ""

        frame = int(row["frame.number"])
        src = srcs[ip_i] if ip_i < len(srcs) else ""
        dst = dsts[ip_i] if ip_i < len(dsts) else ""
        ctx = f"frame {frame}"
        flags_txt = tnth("tcp.flags")
        if not flags_txt or not tnth("tcp.srcport"):
            notes.add(f"frame {frame}: tcp.stream without flags/ports - skipped")
            continue
        ln = tnth("tcp.len")
        if ln == "":
            notes.add(f"frame {frame}: no tcp.len (malformed IP/TCP length) - counted as 0 bytes")
        seq = tnth("tcp.seq_raw")
        ack = tnth("tcp.ack_raw")
        pkts.append({
            "frame": frame,
            "ns": time_to_ns(row["frame.time_epoch"]),
            "time_txt": row["frame.time_epoch"],
            "stream": int(streams[tcp_i]),
            "ipver": ipver,
            "src": canon_addr(src, warnings, ctx) if src else "",
            "dst": canon_addr(dst, warnings, ctx) if dst else "",
            "sport": int(tnth("tcp.srcport")),
            "dport": int(tnth("tcp.dstport")),
            "seq": int(seq) if seq else 0,
            "ack": int(ack) if ack else 0,
            "flags": int(flags_txt, 16),
            "len": int(ln) if ln else 0,
            # stream-wide values: only trusted from single-TCP-layer frames
            "irtt": row["tcp.analysis.initial_rtt"] if ntcp == 1 else "",
            "compl": row["tcp.completeness"] if ntcp == 1 else "",
        })
    return pkts


def in_range(x, lo, n):
    """x in [lo, lo+n] modulo 2^32."""
    return (x - lo) % MOD <= n


def seq_ge(a, b):
    """a >= b in 32-bit sequence space."""
    return (a - b) % MOD < (1 << 31)


def session_record(sid, pk, notes):
    first = pk[0]
    a = (first["src"], first["sport"])
    # endpoint set; a packet belongs to 'a->b' when its source is a
    basis = None
    client = None
    for p in pk:
        if p["flags"] & SYN and not p["flags"] & ACK:
            basis, client = "syn", (p["src"], p["sport"])
            break
    if client is None:
        for p in pk:
            if p["flags"] & SYN and p["flags"] & ACK:
                basis, client = "synack", (p["dst"], p["dport"])
                break
    if client is None:
        basis = "inferred"
        if likely_server_port(first["sport"]) and not likely_server_port(first["dport"]):
            client = (first["dst"], first["dport"])
        else:
            client = a
    if client == (first["src"], first["sport"]):
        server = (first["dst"], first["dport"])
    else:
        server = (first["src"], first["sport"])
    if client == server:
        notes.add(f"stream {sid}: source and destination endpoint identical ({client[0]}:{client[1]}) - every packet counted c2s")

    def c2s(p):
        return (p["src"], p["sport"]) == client

    r = {f: "" for f in FIELDS}
    r.update(id=sid, ip_version=first["ipver"], client_addr=client[0],
             client_port=client[1], server_addr=server[0],
             server_port=server[1], client_basis=basis,
             start_ns=first["ns"], end_ns=pk[-1]["ns"])
    cnt = dict(packets_c2s=0, packets_s2c=0, bytes_c2s=0, bytes_s2c=0,
               syn_packets=0, synack_packets=0, fin_c2s=0, fin_s2c=0,
               rst_c2s=0, rst_s2c=0)
    for p in pk:
        d = "c2s" if c2s(p) else "s2c"
        f = p["flags"]
        cnt["packets_" + d] += 1
        cnt["bytes_" + d] += p["len"]
        if f & SYN:
            cnt["synack_packets" if f & ACK else "syn_packets"] += 1
        if f & FIN:
            cnt["fin_" + d] += 1
        if f & RST:
            cnt["rst_" + d] += 1
    r.update(cnt)
    if len({p["ipver"] for p in pk}) > 1:
        notes.add(f"stream {sid}: mixes IPv4 and IPv6 packets")

    # --- handshake -------------------------------------------------------
    syns = []       # (isn, payload len) of client SYNs seen so far
    synacks = []    # (isn, payload len) of valid server SYN-ACKs seen so far
    syn_ns = synack_ns = ack_ns = None
    refused = False
    for p in pk:
        f = p["flags"]
        if c2s(p):
            if f & SYN and not f & ACK:
                syns.append((p["seq"], p["len"]))
                if syn_ns is None:
                    syn_ns = p["ns"]
            elif (f & ACK and not f & (SYN | RST) and synacks
                  and ack_ns is None
                  and any(in_range(p["ack"], s + 1, n) for s, n in synacks)):
                ack_ns = p["ns"]
        else:
            if not syns:
                continue
            if f & SYN and f & ACK and not f & RST and any(
                    in_range(p["ack"], c + 1, n) for c, n in syns):
                synacks.append((p["seq"], p["len"]))
                if synack_ns is None:
                    synack_ns = p["ns"]
            elif f & RST and not synacks and not refused:
                if not f & ACK or any(in_range(p["ack"], c + 1, n) for c, n in syns):
                    refused = True
    if ack_ns is not None:
        status = "complete"
    elif refused:
        status = "refused"
    elif syns and cnt["packets_s2c"] == 0 and all(
            (p["flags"] & (SYN | ACK)) == SYN for p in pk):
        status = "no_answer"
    elif syns:
        status = "partial"
    else:
        status = "not_seen"
    if synack_ns is None:
        # no SYN-ACK acknowledges a SYN (or no SYN was captured): the first SYN-ACK seen, if any
        synack_ns = next((p["ns"] for p in pk if p["flags"] & SYN and p["flags"] & ACK), None)
    r.update(handshake_status=status, syn_ns=syn_ns, synack_ns=synack_ns,
             ack_ns=ack_ns if status == "complete" else None)

    # --- tshark's stream-wide values -----------------------------------------
    irtts = [p["irtt"] for p in pk if p["irtt"]]
    r["rtt_ns"] = time_to_ns(irtts[-1]) if irtts else None
    if len(set(irtts)) > 1:
        notes.add(f"stream {sid}: tcp.analysis.initial_rtt differs between packets {sorted(set(irtts))}; last used")
    compl = [p["compl"] for p in pk if p["compl"]]
    r["completeness"] = compl[-1] if compl else None

    # --- close ---------------------------------------------------------------
    r["close_kind"] = "none"
    for p in pk:
        if p["flags"] & (FIN | RST):
            r["close_initiator"] = "client" if c2s(p) else "server"
            r["close_kind"] = "rst" if p["flags"] & RST else "fin"
            break
    acked = {True: False, False: False}
    for i, p in enumerate(pk):
        if not p["flags"] & FIN:
            continue
        d = c2s(p)
        if acked[d]:
            continue
        target = (p["seq"] + p["len"] + 1) % MOD
        for q in pk[i + 1:]:
            if c2s(q) != d and q["flags"] & ACK and seq_ge(q["ack"], target):
                acked[d] = True
                break
    r["close_complete"] = "true" if (cnt["fin_c2s"] and cnt["fin_s2c"]
                                     and acked[True] and acked[False]) else "false"
    return r


def build_records(pkts, notes):
    by_stream = {}
    for p in pkts:
        by_stream.setdefault(p["stream"], []).append(p)
    order = sorted(by_stream, key=lambda s: by_stream[s][0]["frame"])
    if order != sorted(order) or (order and order != list(range(len(order)))):
        notes.add("tcp.stream ids renumbered (gaps or order changed after exclusions): "
                  + ",".join(f"{old}->{new}" for new, old in enumerate(order) if old != new))
    recs = []
    for new_id, old in enumerate(order):
        pk = by_stream[old]
        for a, b in zip(pk, pk[1:]):
            if b["ns"] is not None and a["ns"] is not None and b["ns"] < a["ns"]:
                notes.add(f"stream {new_id}: timestamps go backwards (frame {b['frame']} earlier than frame {a['frame']}); start/end are first/last in capture order")
                break
        for p in pk:
            if len(p["time_txt"].partition(".")[2]) != 9:
                notes.add(f"frame {p['frame']}: frame.time_epoch {p['time_txt']!r} is not %d.%09d (record nanoseconds out of range)")
        recs.append(session_record(new_id, pk, notes))
    return recs


def fmt(v):
    if v is None:
        return ""
    return str(v)


def out_name(capture, root):
    rel = os.path.relpath(os.path.abspath(capture), os.path.abspath(root))
    return rel.replace(os.sep, "__").replace("/", "__") + ".tsv"


def run_tshark(tshark, capture, confdir):
    env = dict(os.environ)
    env["WIRESHARK_CONFIG_DIR"] = confdir  # ignore any personal preferences
    proc = subprocess.run(tshark_cmd(tshark, capture), capture_output=True,
                          text=True, env=env)
    if proc.returncode != 0:
        raise RuntimeError(f"tshark failed on {capture}: {proc.stderr.strip()}")
    return proc.stdout.splitlines(), proc.stderr


def check_version(tshark):
    out = subprocess.run([tshark, "--version"], capture_output=True, text=True).stdout
    first = out.splitlines()[0] if out else "?"
    if " 4.0." not in first:
        print(f"WARNING: fixtures are defined against tshark 4.0.x, found: {first}", file=sys.stderr)
    return first


def parse_args(argv, description):
    """The command line both fixture generators take."""
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("captures", nargs="+", metavar="CAPTURE")
    ap.add_argument("--root", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--tshark", default="tshark")
    ap.add_argument("--notes", help="also write per-capture oddities to this file")
    return ap.parse_args(argv)


def main(argv=None):
    args = parse_args(argv, __doc__.splitlines()[0])
    check_version(args.tshark)
    os.makedirs(args.out, exist_ok=True)
    all_notes = []
    with tempfile.TemporaryDirectory() as confdir:
        for cap in args.captures:
            lines, _ = run_tshark(args.tshark, cap, confdir)
            warnings, notes = [], set()
            pkts = parse_packets(lines, warnings, notes)
            recs = build_records(pkts, notes)
            name = out_name(cap, args.root)
            with open(os.path.join(args.out, name), "w", encoding="utf-8", newline="\n") as fh:
                fh.write("\t".join(FIELDS) + "\n")
                for r in recs:
                    fh.write("\t".join(fmt(r[f]) for f in FIELDS) + "\n")
            for w in sorted(set(warnings)) + sorted(notes):
                all_notes.append(f"{name}: {w}")
    if args.notes:
        with open(args.notes, "w", encoding="utf-8") as fh:
            fh.write("\n".join(all_notes) + ("\n" if all_notes else ""))
    for n in all_notes:
        print(n, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
