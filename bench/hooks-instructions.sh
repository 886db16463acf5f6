#!/bin/bash
# Instructions per async hook call (docs/benchmarks.md, "Async hook path"): valgrind counts a
# process making N1 and one making N2 calls; (Ir(N2) - Ir(N1)) / (N2 - N1) is a warm call's cost.
# Fixed young generation, one thread and fixed seeds, so that two runs count the same (within 0.1%).
# Run after `npm run build`: bench/hooks-instructions.sh [variant...]; SLUICE_DIST=<dir> for another build.
set -euo pipefail
cd "$(dirname "$0")/.."
N1=${N1:-20000}
N2=${N2:-80000}
FLAGS="--single-threaded --min-semi-space-size=16 --max-semi-space-size=16 --random-seed=1 --hash-seed=1"
count() {
  valgrind --tool=callgrind --callgrind-out-file=/dev/null node $FLAGS bench/hooks-calls.mjs "$1" "$2" 2>&1 |
    grep -o 'Collected : [0-9]*' | awk '{print $3}'
}
for variant in "${@:-sluiceAsync tapableAsync sluiceMixed sluiceFirstMixed syncPlusAwait}"; do
  for v in $variant; do
    a=$(count "$v" "$N2")
    b=$(count "$v" "$N1")
    echo "$v $(((a - b) / (N2 - N1))) instructions/call (load $(cut -d' ' -f1 /proc/loadavg))"
  done
done
