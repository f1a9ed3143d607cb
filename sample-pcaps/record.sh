#!/usr/bin/env bash
# Re-record the tcplens sample captures in this directory.
#
#   sudo ./record.sh            # all scenarios
#   sudo ./record.sh reset ...  # only the named scenarios
#
# Traffic goes only to 127.0.0.1 / ::1 on lo, and (no-answer) to 127.0.0.1
# inside a network namespace this script creates and always deletes.
# Each scenario uses its own fixed port (see scenarios.py PORTS),
# `tcplens capture` filters on it, is started before and stopped (SIGTERM)
# after the traffic, and is itself bounded by `timeout`.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$HERE"

ALL=(client-close server-close refused reset half-close ipv6-client-close
     no-answer mixed)
CAPTURE_LIMIT=30      # seconds; hard upper bound for every tcplens capture
SCENARIO_LIMIT=20     # seconds; hard upper bound for every scenarios.py run
NS="tcplens-rec-$$"   # namespace for no-answer

die() { echo "record.sh: $*" >&2; exit 1; }

[[ $EUID -eq 0 ]] || die "must run as root (capturing on lo needs it): sudo $0"
TCPLENS="$HERE/../tcplens"
[[ -x "$TCPLENS" ]] || die "the tcplens launcher is missing: $TCPLENS"
"$TCPLENS" --version >/dev/null || die "tcplens does not run (it needs JDK 17, Maven and libpcap)"
command -v python3 >/dev/null || die "python3 not found"
command -v timeout >/dev/null || die "timeout (coreutils) not found"
HAVE_TSHARK=0; command -v tshark >/dev/null && HAVE_TSHARK=1

CAPTURE_PID=""
SCEN_PID=""
NS_CREATED=0
WORK="$(mktemp -d)"
cleanup() {
    local rc=$?
    if [[ -n "$SCEN_PID" ]] && kill -0 "$SCEN_PID" 2>/dev/null; then
        kill -TERM "$SCEN_PID" 2>/dev/null || true
        wait "$SCEN_PID" 2>/dev/null || true
    fi
    if [[ -n "$CAPTURE_PID" ]] && kill -0 "$CAPTURE_PID" 2>/dev/null; then
        kill -TERM "$CAPTURE_PID" 2>/dev/null || true
        wait "$CAPTURE_PID" 2>/dev/null || true
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
    local out="$name.pcap" tmp="$WORK/$name.pcap" err="$WORK/$name.err" rep="$WORK/$name.out"
    local -a pre=()
    [[ $ns != - ]] && pre=(ip netns exec "$ns")
    echo "== $name: tcplens capture -i lo -f '$filter' (precision $prec)"

    "${pre[@]}" timeout "$CAPTURE_LIMIT" "$TCPLENS" capture -i lo --brief \
        --time-stamp-precision="$prec" -w "$tmp" -f "$filter" >"$rep" 2>"$err" &
    CAPTURE_PID=$!
    local i
    for i in $(seq 1 100); do                      # wait <= 10 s for tcplens (JVM start)
        grep -q "capturing on" "$err" 2>/dev/null && break
        kill -0 "$CAPTURE_PID" 2>/dev/null || { cat "$err" >&2; die "tcplens capture failed for $name"; }
        sleep 0.1
    done
    grep -q "capturing on" "$err" || die "tcplens capture did not start for $name"
    sleep 0.3

    "${pre[@]}" timeout "$SCENARIO_LIMIT" "$@" &
    SCEN_PID=$!
    wait "$SCEN_PID" || die "scenario $name failed"
    SCEN_PID=""

    sleep 0.5                                      # let the last packets land
    kill -TERM "$CAPTURE_PID"
    wait "$CAPTURE_PID" || true                    # stopped by SIGTERM
    CAPTURE_PID=""
    grep -E "captured" "$rep" | sed 's/^/   tcplens: /'
    grep -q " 0 dropped by kernel, 0 dropped by interface, 0 dropped by tcplens" "$rep" \
        || die "$name: packets were dropped"
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
