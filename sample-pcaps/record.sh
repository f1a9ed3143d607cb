#!/usr/bin/env bash
# Re-record the tcplens sample captures in this directory.
#
#   sudo ./record.sh            # all scenarios
#   sudo ./record.sh reset ...  # only the named scenarios
#
# Traffic goes only to 127.0.0.1 / ::1 on lo, and (no-answer) to 127.0.0.1
# inside a network namespace this script creates and always deletes.
# Each scenario uses its own fixed port (see scenarios.py PORTS), tcpdump
# filters on it, is started before and stopped after the traffic, and is
# itself bounded by `timeout`.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$HERE"

ALL=(client-close server-close refused reset half-close ipv6-client-close
     no-answer mixed)
TCPDUMP_LIMIT=30      # seconds; hard upper bound for every tcpdump
SCENARIO_LIMIT=20     # seconds; hard upper bound for every scenarios.py run
NS="tcplens-rec-$$"   # namespace for no-answer

die() { echo "record.sh: $*" >&2; exit 1; }

[[ $EUID -eq 0 ]] || die "must run as root (capturing on lo needs it): sudo $0"
command -v tcpdump >/dev/null || die "tcpdump not found; install it (apt-get install tcpdump)"
command -v python3 >/dev/null || die "python3 not found"
command -v timeout >/dev/null || die "timeout (coreutils) not found"
HAVE_TSHARK=0; command -v tshark >/dev/null && HAVE_TSHARK=1

TCPDUMP_PID=""
SCEN_PID=""
NS_CREATED=0
WORK="$(mktemp -d)"
cleanup() {
    local rc=$?
    if [[ -n "$SCEN_PID" ]] && kill -0 "$SCEN_PID" 2>/dev/null; then
        kill -TERM "$SCEN_PID" 2>/dev/null || true
        wait "$SCEN_PID" 2>/dev/null || true
    fi
    if [[ -n "$TCPDUMP_PID" ]] && kill -0 "$TCPDUMP_PID" 2>/dev/null; then
        kill -TERM "$TCPDUMP_PID" 2>/dev/null || true
        wait "$TCPDUMP_PID" 2>/dev/null || true
    fi
    if [[ $NS_CREATED -eq 1 ]]; then
        ip netns del "$NS" 2>/dev/null || true
    fi
    rm -rf "$WORK"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# capture NAME PRECISION NETNS FILTER -- COMMAND...
#   NETNS is "-" for the host's lo.
capture() {
    local name=$1 prec=$2 ns=$3 filter=$4; shift 5
    local out="$name.pcap" tmp="$WORK/$name.pcap" err="$WORK/$name.err"
    local -a pre=()
    [[ $ns != - ]] && pre=(ip netns exec "$ns")
    echo "== $name: tcpdump -i lo '$filter' (precision $prec)"

    "${pre[@]}" timeout "$TCPDUMP_LIMIT" tcpdump -i lo -U -n -Z root \
        --time-stamp-precision="$prec" -w "$tmp" "$filter" 2>"$err" &
    TCPDUMP_PID=$!
    local i
    for i in $(seq 1 50); do                       # wait <= 5 s for tcpdump
        grep -q "listening on" "$err" 2>/dev/null && break
        kill -0 "$TCPDUMP_PID" 2>/dev/null || { cat "$err" >&2; die "tcpdump failed for $name"; }
        sleep 0.1
    done
    grep -q "listening on" "$err" || die "tcpdump did not start for $name"
    sleep 0.3

    "${pre[@]}" timeout "$SCENARIO_LIMIT" "$@" &
    SCEN_PID=$!
    wait "$SCEN_PID" || die "scenario $name failed"
    SCEN_PID=""

    sleep 0.5                                      # let the last packets land
    kill -TERM "$TCPDUMP_PID"
    wait "$TCPDUMP_PID" || true                    # timeout exits 124 on TERM
    TCPDUMP_PID=""
    grep -E "captured|dropped" "$err" | sed 's/^/   tcpdump: /'
    grep -q "^0 packets dropped by kernel" "$err" || die "$name: kernel dropped packets"
    [[ -s "$tmp" ]] || die "$name: empty capture"
    mv -f "$tmp" "$out"
    if [[ -n "${SUDO_UID:-}" ]]; then chown "$SUDO_UID:${SUDO_GID:-$SUDO_UID}" "$out"; fi
    if [[ $HAVE_TSHARK -eq 1 ]]; then
        tshark -r "$out" -T fields -e frame.number -e ip.src -e ipv6.src \
            -e tcp.srcport -e tcp.flags.str -e tcp.len 2>/dev/null | sed 's/^/   /'
    fi
}

record() {
    case $1 in
        client-close)      capture client-close  micro - 'tcp port 9001' -- python3 "$HERE/scenarios.py" client-close ;;
        server-close)      capture server-close  nano  - 'tcp port 9002' -- python3 "$HERE/scenarios.py" server-close ;;
        refused)           capture refused       micro - 'tcp port 9003' -- python3 "$HERE/scenarios.py" refused ;;
        reset)             capture reset         micro - 'tcp port 9004' -- python3 "$HERE/scenarios.py" reset ;;
        half-close)        capture half-close    micro - 'tcp port 9005' -- python3 "$HERE/scenarios.py" half-close ;;
        ipv6-client-close) capture ipv6-client-close micro - 'tcp port 9006' -- python3 "$HERE/scenarios.py" ipv6-client-close ;;
        mixed)             capture mixed         micro - 'tcp port 9008' -- python3 "$HERE/scenarios.py" mixed ;;
        no-answer)
            command -v ip >/dev/null || die "no-answer needs iproute2 (ip netns)"
            ip netns add "$NS"
            NS_CREATED=1
            ip netns exec "$NS" ip link set lo up
            # only the probe's SYNs (fixed source port 30007), not the filler
            capture no-answer micro "$NS" 'tcp port 9007 and tcp port 30007' -- python3 "$HERE/scenarios.py" no-answer
            ip netns del "$NS"
            NS_CREATED=0
            ;;
        *) die "unknown scenario '$1' (known: ${ALL[*]})" ;;
    esac
}

# Refuse to start if something already listens on one of our ports.
if command -v ss >/dev/null; then
    busy=$(ss -Hltn '( sport >= :9001 and sport <= :9008 )' || true)
    [[ -z "$busy" ]] || die "ports 9001-9008 must be free, found listeners:"$'\n'"$busy"
fi

if [[ $# -gt 0 ]]; then todo=("$@"); else todo=("${ALL[@]}"); fi
for s in "${todo[@]}"; do record "$s"; done
echo "done: ${todo[*]}"
