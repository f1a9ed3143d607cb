#!/usr/bin/env python3
"""Generate tcplens sequence-analysis fixtures (tcp.analysis.* flags) from tshark 4.0.

Usage:
    make_analysis_fixtures.py CAPTURE... --root DIR --out OUTDIR [--tshark PATH] [--notes FILE]

For every CAPTURE one TSV is written to OUTDIR, named like make_fixtures.py names
it (path relative to --root, '/' -> '__', plus '.tsv').  Columns:

    stream  frame  flags

* one row per packet that shows at least one analysis flag:
  stream = tshark tcp.stream renumbered densely (as make_fixtures.py does, after
  dropping TCP quoted inside ICMP/ICMPv6), frame = frame.number,
  flags = comma-separated tcplens names (Anomaly.jsonName()) in enum order;
* one row per stream with frame = 'total': flags = 'packets=N' followed by
  'name=count' for every flag the stream shows (count = packets showing it).

Flags are read exactly as tshark prints the fields: tcp.analysis.retransmission
is present on plain, fast and spurious retransmissions alike (Wireshark adds
that expert info to all three), so 'retransmission' counts all of them.

Python 3.11, standard library only.  See README.md.
"""

import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_fixtures as mf  # noqa: E402  (pick_layers, out_name, check_version, parse_args)

# tcplens Anomaly order (analyzer .../session/Anomaly.java) -> tshark field
ANOMALIES = [
    ("retransmission", "tcp.analysis.retransmission"),
    ("fast_retransmission", "tcp.analysis.fast_retransmission"),
    ("spurious_retransmission", "tcp.analysis.spurious_retransmission"),
    ("out_of_order", "tcp.analysis.out_of_order"),
    ("lost_segment", "tcp.analysis.lost_segment"),
    ("acked_unseen_segment", "tcp.analysis.ack_lost_segment"),
    ("duplicate_ack", "tcp.analysis.duplicate_ack"),
    ("zero_window", "tcp.analysis.zero_window"),
    ("zero_window_probe", "tcp.analysis.zero_window_probe"),
    ("zero_window_probe_ack", "tcp.analysis.zero_window_probe_ack"),
    ("keep_alive", "tcp.analysis.keep_alive"),
    ("keep_alive_ack", "tcp.analysis.keep_alive_ack"),
    ("window_update", "tcp.analysis.window_update"),
    ("window_full", "tcp.analysis.window_full"),
    ("reused_ports", "tcp.analysis.reused_ports"),
]

BASE_FIELDS = ["frame.number", "frame.protocols", "tcp.stream"]
TSHARK_FIELDS = BASE_FIELDS + [f for _, f in ANOMALIES]
AGG = ","


def tshark_cmd(tshark, capture):
    cmd = [tshark, "-n", "-r", capture, "-2", "-T", "fields",
           "-E", "separator=/t", "-E", "header=n", "-E", "quote=n",
           "-E", "occurrence=a", "-E", "aggregator=" + AGG]
    for f in TSHARK_FIELDS:
        cmd += ["-e", f]
    return cmd


def parse(lines, notes):
    """-> list of (stream, frame, [flag names]) for the TCP packets tcplens sees."""
    out = []
    for line in lines:
        if not line.strip():
            continue
        cols = line.rstrip("\n").split("\t")
        cols += [""] * (len(TSHARK_FIELDS) - len(cols))
        row = dict(zip(TSHARK_FIELDS, cols))
        if row["tcp.stream"] == "":
            continue
        picked = mf.pick_layers(row["frame.protocols"])
        if picked is None:
            notes.add(f"frame {row['frame.number']}: TCP only inside ICMP/ICMPv6 (or without IP) - excluded")
            continue
        tcp_i = picked[0]
        streams = row["tcp.stream"].split(AGG)
        flags = []
        for name, field in ANOMALIES:
            if row[field] != "":
                flags.append(name)
        if len(streams) > 1 and flags:
            # FT_NONE fields cannot be told apart per TCP layer; they are
            # attributed to the chosen (outer) layer, which is the only one
            # the analysis runs on in the corpus.
            notes.add(f"frame {row['frame.number']}: {len(streams)} TCP layers; flags {flags} attributed to layer #{tcp_i + 1}")
        out.append((int(streams[tcp_i]), int(row["frame.number"]), flags))
    return out


def build(pkts, notes):
    order = []
    seen = set()
    for s, _, _ in pkts:
        if s not in seen:
            seen.add(s)
            order.append(s)
    renum = {old: new for new, old in enumerate(order)}
    rows = []
    totals = {}
    for s, frame, flags in pkts:
        sid = renum[s]
        t = totals.setdefault(sid, {"packets": 0})
        t["packets"] += 1
        for f in flags:
            t[f] = t.get(f, 0) + 1
        if flags:
            rows.append((sid, str(frame), ",".join(flags)))
    for sid in range(len(order)):
        t = totals[sid]
        parts = [f"packets={t['packets']}"]
        parts += [f"{name}={t[name]}" for name, _ in ANOMALIES if name in t]
        rows.append((sid, "total", ",".join(parts)))
    # per stream: packets in frame order, then the total row
    rows.sort(key=lambda r: (r[0], r[1] == "total", int(r[1]) if r[1] != "total" else 0))
    return rows


def main(argv=None):
    args = mf.parse_args(argv, __doc__.splitlines()[0])
    mf.check_version(args.tshark)
    os.makedirs(args.out, exist_ok=True)
    all_notes = []
    with tempfile.TemporaryDirectory() as confdir:
        env = dict(os.environ)
        env["WIRESHARK_CONFIG_DIR"] = confdir  # default preferences only
        for cap in args.captures:
            proc = subprocess.run(tshark_cmd(args.tshark, cap), capture_output=True, text=True, env=env)
            if proc.returncode != 0:
                raise RuntimeError(f"tshark failed on {cap}: {proc.stderr.strip()}")
            notes = set()
            rows = build(parse(proc.stdout.splitlines(), notes), notes)
            name = mf.out_name(cap, args.root)
            with open(os.path.join(args.out, name), "w", encoding="utf-8", newline="\n") as fh:
                fh.write("stream\tframe\tflags\n")
                for r in rows:
                    fh.write(f"{r[0]}\t{r[1]}\t{r[2]}\n")
            all_notes += [f"{name}: {n}" for n in sorted(notes)]
    if args.notes:
        with open(args.notes, "w", encoding="utf-8") as fh:
            fh.write("\n".join(all_notes) + ("\n" if all_notes else ""))
    for n in all_notes:
        print(n, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
