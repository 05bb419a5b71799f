#!/usr/bin/env bash
# README's test command: builds Brindle and runs every test project, then prints one closing line
# "N passed, N failed" (counted from the TRX results) and exits non-zero if anything failed.
# Privileged end-to-end tests (network namespaces, nftables, BIRD, etcd) need root; run as root for the full suite.
set -uo pipefail
cd "$(dirname "$0")/.."

./scripts/setup.sh >/dev/null || { echo "test: scripts/setup.sh failed" >&2; exit 1; }

results=$(mktemp -d /tmp/brindle-test.XXXXXX)
trap 'rm -rf "$results"' EXIT

dotnet build Brindle.slnx -c Release -nologo -v q -clp:ErrorsOnly
build_rc=$?
if [ $build_rc -ne 0 ]; then
  echo "0 passed, 1 failed (the build failed)"
  exit 1
fi

# Test projects run one after another, so privileged tests never share the machine's network state
# and each writes its own TRX file.
test_rc=0
for proj in tests/*/*.Tests.csproj; do
  name=$(basename "$proj" .csproj)
  dotnet test "$proj" -c Release --no-build -nologo --results-directory "$results" \
    --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=minimal" "$@" || test_rc=1
done

passed=0; failed=0
for f in "$results"/*.trx; do
  [ -e "$f" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$f" | head -1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  fl=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${fl:-0}))
done
if [ $test_rc -ne 0 ] && [ $failed -eq 0 ]; then failed=1; fi   # a crashed test host counts as a failure
echo "$passed passed, $failed failed"
[ $failed -eq 0 ] && [ $test_rc -eq 0 ]
