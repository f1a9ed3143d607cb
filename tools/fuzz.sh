#!/bin/sh
# Runs one Jazzer fuzz test in fuzzing mode (mvn verify only replays the seeds).
#   tools/fuzz.sh MODULE CLASS#METHOD SECONDS      e.g. tools/fuzz.sh capture ReaderFuzzTest#pcap 600
# Crashes are written to MODULE/src/test/resources/<package>/<Class>Inputs/<method>/ and so become
# regression tests; the generated corpus goes to MODULE/.cifuzz-corpus/ (not committed).
# Needs the other modules installed first: mvn -B -q install -DskipTests
set -eu
module=$1 test=$2 seconds=$3
cd "$(dirname "$0")/.."
JAZZER_FUZZ=1 exec mvn -B -o -pl "$module" test -Dtest="$test" -Dsurefire.failIfNoSpecifiedTests=false \
  -DargLine="-Xmx2g -Djazzer.internal.arg.0=fuzz -Djazzer.internal.arg.1=-max_total_time=$seconds -Djazzer.internal.arg.2=-print_final_stats=1"
