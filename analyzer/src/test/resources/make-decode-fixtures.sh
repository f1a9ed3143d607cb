#!/bin/sh
# Regenerates the tshark expectations for DecodeCorpusTsharkTest (run once; the output is committed).
#   sh make-decode-fixtures.sh [corpus-dir]     (default: ../../../../../shared/pcaps/public, i.e. /work/shared/pcaps/public)
# One gzipped TSV per capture, named after its path relative to the corpus with '/' -> '__'.
# Columns: frame.number ip.version src dst tcp.srcport tcp.dstport tcp.seq_raw tcp.ack_raw tcp.flags
#          tcp.window_size_value tcp.len tcp.hdr_len
# src/dst, ip.version: those of the IP header that carries the TCP segment, i.e. the last 'ip' or
# 'ipv6' layer before the first 'tcp' in frame.protocols (tunnels: the innermost one; OpenFlow or other
# payloads that quote a packet after the TCP layer do not count). -E occurrence=a lists every value.
# Frames with TCP quoted inside ICMP errors are left out (-Y 'tcp && !icmp && !icmpv6').
# tshark 4.0.17 was used, default preferences.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
corpus=${1:-$here/../../../../../shared/pcaps/public}
out=$here/decode-fixtures
mkdir -p "$out"
rm -f "$out"/*.tsv.gz
cd "$corpus"
find . -type f \( -name '*.pcap' -o -name '*.pcapng' -o -name '*.cap' \) | sed 's|^\./||' | LC_ALL=C sort | while read -r f; do
  name=$(printf '%s' "$f" | sed 's|/|__|g')
  tshark -n -r "$f" -Y 'tcp && !icmp && !icmpv6' -T fields -E separator=/t -E occurrence=a -E aggregator=, \
    -e frame.number -e frame.protocols -e ip.src -e ip.dst -e ipv6.src -e ipv6.dst \
    -e tcp.srcport -e tcp.dstport -e tcp.seq_raw -e tcp.ack_raw -e tcp.flags \
    -e tcp.window_size_value -e tcp.len -e tcp.hdr_len 2>/dev/null \
  | awk -F'\t' 'BEGIN{OFS="\t"} {
      n = split($2, layer, ":"); v4 = 0; v6 = 0; ver = 0
      for (i = 1; i <= n && layer[i] != "tcp"; i++) {
        if (layer[i] == "ip") { v4++; ver = 4 } else if (layer[i] == "ipv6") { v6++; ver = 6 }
      }
      split($3, s4, ","); split($4, d4, ","); split($5, s6, ","); split($6, d6, ",")
      if (ver == 6) { s = s6[v6]; d = d6[v6] } else { s = s4[v4]; d = d4[v4] }
      for (i = 7; i <= 14; i++) { split($i, first, ","); $i = first[1] }
      print $1, ver, s, d, $7, $8, $9, $10, $11, $12, $13, $14 }' \
  | gzip -9n > "$out/$name.tsv.gz"
done
ls "$out" | wc -l
du -sh "$out"
