#!/bin/sh
# Regenerates the tshark expectations for DecodeCorpusTsharkTest (run once; the output is committed).
#   sh make-decode-fixtures.sh [corpus-dir]     (default: ../../../../../shared/pcaps/public, i.e. /work/shared/pcaps/public)
# One gzipped TSV per capture, named after its path relative to the corpus with '/' -> '__'.
# Columns: frame.number ip.version src dst tcp.srcport tcp.dstport tcp.seq_raw tcp.ack_raw tcp.flags
#          tcp.window_size_value tcp.len tcp.hdr_len
# src/dst: ip.src/ipv6.src of the innermost IP layer (-E occurrence=l takes the last value of each field,
# so for tunnels the innermost header wins; a frame with an IPv4 and an IPv6 layer keeps the one whose
# version tshark lists last in ip.version).
# Frames with TCP quoted inside ICMP errors are left out (-Y 'tcp && !icmp && !icmpv6').
# tshark 4.0.17 was used; default preferences (-o options would change tcp.len / reassembly).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
corpus=${1:-$here/../../../../../shared/pcaps/public}
out=$here/decode-fixtures
mkdir -p "$out"
rm -f "$out"/*.tsv.gz
cd "$corpus"
find . -type f \( -name '*.pcap' -o -name '*.pcapng' -o -name '*.cap' \) | sed 's|^\./||' | LC_ALL=C sort | while read -r f; do
  name=$(printf '%s' "$f" | sed 's|/|__|g')
  tshark -n -r "$f" -Y 'tcp && !icmp && !icmpv6' -T fields -E separator=/t -E occurrence=l \
    -e frame.number -e ip.version -e ip.src -e ip.dst -e ipv6.src -e ipv6.dst \
    -e tcp.srcport -e tcp.dstport -e tcp.seq_raw -e tcp.ack_raw -e tcp.flags \
    -e tcp.window_size_value -e tcp.len -e tcp.hdr_len 2>/dev/null \
  | awk -F'\t' 'BEGIN{OFS="\t"} {
      # innermost address family follows the last ip.version value
      if ($2 == 6) { s = $5; d = $6 } else { s = $3; d = $4 }
      print $1, $2, s, d, $7, $8, $9, $10, $11, $12, $13, $14 }' \
  | gzip -9n > "$out/$name.tsv.gz"
done
ls "$out" | wc -l
du -sh "$out"
