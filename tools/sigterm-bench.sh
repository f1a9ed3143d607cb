#!/bin/sh
# Time from SIGTERM to exit with many sessions open (docs/ROBUSTNESS.md, "Signals").
#   tools/sigterm-bench.sh SESSIONS WAIT_SECONDS [FORMAT]      e.g. tools/sigterm-bench.sh 1000000 30 jsonl
# Writes a raw-IPv4 pcap of SESSIONS unanswered SYNs from distinct ports (all open at the end) to $TMPDIR,
# runs `analyze -o` on it followed by the same file again and again (retransmissions: no new sessions),
# sends SIGTERM after WAIT_SECONDS (long enough to have read the first copy: the report must then hold
# SESSIONS lines), and prints the exit code, the seconds from the signal to the exit and the report's size.
# JAVA_OPTS (default -Xmx6g) goes to the JVM. Needs python3 and the built jar (mvn -B -q -DskipTests package).
set -eu
sessions=$1 wait=$2 format=${3:-jsonl}
cd "$(dirname "$0")/.."
dir=$(mktemp -d "${TMPDIR:-/tmp}/tcplens-sigterm.XXXXXX")
trap 'rm -rf "$dir"' EXIT
python3 - "$sessions" "$dir/syn.pcap" <<'EOF'
import struct, sys
n, out = int(sys.argv[1]), sys.argv[2]
with open(out, 'wb') as f:
    f.write(struct.pack('<IHHiIII', 0xA1B2C3D4, 2, 4, 0, 0, 65535, 101))   # pcap, LINKTYPE_RAW
    for i in range(n):
        f.write(struct.pack('<IIII', 1700000000, i % 1000000, 40, 40))
        f.write(struct.pack('!BBHIBBHII', 0x45, 0, 40, 0, 64, 6, 0, 0x0A000000 | (i // 60000 + 1), 0x0A000100))
        f.write(struct.pack('!HHIIBBHHH', 1 + i % 60000, 80, 1000, 0, 0x50, 0x02, 65535, 0, 0))
EOF
set -- "$dir/syn.pcap"
i=0
while [ $i -lt 200 ]; do set -- "$@" "$dir/syn.pcap"; i=$((i + 1)); done
# shellcheck disable=SC2086  # JAVA_OPTS is a list of options
java -XX:+UseParallelGC ${JAVA_OPTS:--Xmx6g} -jar cli/target/tcplens.jar analyze --format "$format" \
  --max-sessions 100000000 -o "$dir/report" "$@" 2>"$dir/err" &
pid=$!
sleep "$wait"
start=$(date +%s.%N)
kill -TERM $pid
rc=0
wait $pid || rc=$?
end=$(date +%s.%N)
echo "exit $rc, $(echo "$end - $start" | bc) s from SIGTERM to exit"
[ -f "$dir/report" ] && echo "report: $(wc -l <"$dir/report") lines, $(stat -c %s "$dir/report") bytes"
ls -a "$dir" | grep '\.part$' && echo "a .part file is left"
cat "$dir/err"
