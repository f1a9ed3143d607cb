#!/usr/bin/env bash
# Benchmark: tcplens against its peers on the same generated capture, in the same run.
#
#   ./bench/run.sh [1m|10m] [RUNS]        (default: 1m, 3 runs each)
#
# Inputs are generated once by ../shared/bench/gen_pcap.py into bench-out/ (ignored by git) and
# reused. Tools run alternately (tcplens, cat, tcptrace, tcplens, ...) with the file in the page
# cache, then tshark's runs; each run's wall time and peak RSS come from /usr/bin/time. tshark goes
# last because on bench-10m it takes ~14 GiB: in this VM whatever runs right after that much memory
# was freed runs slower (tcplens 4.96 and 5.05 s, then 6.15 s after a 13 GiB allocation was
# touched and freed), and in a strict rotation the same tool would always pay for it. Prints the median per tool,
# packets/s, MB/s and the ratios, and checks tcplens' sessions against the generator's truth.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
size="${1:-1m}"
runs="${2:-3}"
out="$here/bench-out"
mkdir -p "$out"
gen="$here/../shared/bench/gen_pcap.py"
case "$size" in
  1m)  args=(--sessions 16000 --seed 1) ;;
  10m) args=(--sessions 160000 --seed 10) ;;
  *)   echo "usage: $0 [1m|10m] [RUNS]" >&2; exit 2 ;;
esac
pcap="$out/bench-$size.pcap"
truth="$out/bench-$size.truth.tsv"
if [ ! -s "$pcap" ]; then
  [ -f "$gen" ] || { echo "bench: $gen not found" >&2; exit 1; }
  echo "generating $pcap ..." >&2
  python3 "$gen" "${args[@]}" --out "$pcap" --truth "$truth" >&2
fi
command -v /usr/bin/time >/dev/null || { echo "bench: /usr/bin/time is needed (apt-get install time)" >&2; exit 1; }
jar="$here/cli/target/tcplens.jar"
[ -f "$jar" ] || (cd "$here" && mvn -B -q -DskipTests package)

packets=$(python3 - "$pcap" <<'PY'
import struct, sys
with open(sys.argv[1], 'rb') as f:
    f.read(24); n = 0
    while True:
        h = f.read(16)
        if len(h) < 16: break
        n += 1; f.seek(struct.unpack('<IIII', h)[2], 1)
print(n)
PY
)
bytes=$(stat -L -c %s "$pcap")   # -L: bench-out/ may hold a link to a shared copy
cat "$pcap" > /dev/null   # into the page cache

declare -A cmds=(
  [tcplens]="$here/tcplens analyze --format jsonl $pcap"   # the launcher, with its JVM flags
  [tcptrace]="tcptrace -n $pcap"
  [tshark]="tshark -n -q -r $pcap -z conv,tcp"
  [cat]="cat $pcap"
)
order=(tcplens cat)
command -v tcptrace >/dev/null && order+=(tcptrace)
last=()
command -v tshark >/dev/null && last+=(tshark)

declare -A times rss
rounds=()
for ((i = 1; i <= runs; i++)); do
  for tool in "${order[@]}"; do rounds+=("$i $tool"); done
done
for tool in "${last[@]}"; do
  for ((i = 1; i <= runs; i++)); do rounds+=("$i $tool"); done
done
order+=("${last[@]}")
for round in "${rounds[@]}"; do
  i=${round%% *}; tool=${round#* }
  {
    dest=/dev/null
    [ "$tool" = tcplens ] && dest="$out/tcplens.out"   # kept for the truth check
    cat "$pcap" > /dev/null   # back into the page cache: tshark's ~14 GiB on bench-10m pushes it out
    /usr/bin/time -o "$out/time.txt" -f "%e %M" ${cmds[$tool]} > "$dest" 2>/dev/null
    stats=$(tail -1 "$out/time.txt")
    times[$tool]+="${stats%% *} "
    rss[$tool]+="${stats##* } "
    echo "run $i $tool: ${stats%% *} s, ${stats##* } KiB" >&2
  }
done

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo
echo "input: $pcap  ($packets packets, $((bytes / 1000000)) MB)  $(date -u +%F)  $(nproc) cores"
printf '%-10s %10s %14s %10s %14s\n' tool "median s" "packets/s" "MB/s" "peak RSS MiB"
base=$(echo ${times[tcplens]} | median)
for tool in "${order[@]}"; do
  t=$(echo ${times[$tool]} | median)
  m=$(echo ${rss[$tool]} | median)
  awk -v t="$t" -v p="$packets" -v b="$bytes" -v m="$m" -v n="$tool" -v base="$base" \
    'BEGIN { printf "%-10s %10.2f %14.0f %10.0f %14.1f   %s\n", n, t, p / t, b / t / 1e6, m / 1024,
             (n == "tcplens" || n == "cat") ? "" : sprintf("tcplens runs %.1fx as fast", t / base) }'
done
if [ -f "$truth" ]; then
  echo
  python3 "$here/bench/check_truth.py" "$truth" "$out/tcplens.out"
fi
# bounded memory: the same run in a 256 MiB heap (the issue's limit); memory follows concurrent
# sessions, not the file's size
set +e
cat "$pcap" > /dev/null
JAVA_OPTS=-Xmx256m /usr/bin/time -o "$out/time.txt" -f "%e %M" "$here/tcplens" analyze --format jsonl "$pcap" > /dev/null 2>"$out/small-heap.err"
code=$?
set -e
stats=$(tail -1 "$out/time.txt")
echo "with JAVA_OPTS=-Xmx256m: ${stats%% *} s, peak RSS $(( ${stats##* } / 1024 )) MiB, exit $code"
