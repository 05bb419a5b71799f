#!/usr/bin/env bash
# README's first command: installs what is missing, builds Brindle, brings up the lab (a 3-node cluster out of
# network namespaces, with the demo tenant network) and shows it working: nodes, BGP sessions, workloads, and real
# traffic allowed and denied by policy. Arguments go to 'brindle lab up' (e.g. --nodes 5 --datastore etcd --bgp rr).
# Remove the lab with: sudo ./brindle lab down
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" -ne 0 ]; then exec sudo env "PATH=$PATH" "$0" "$@"; fi

./scripts/setup.sh
echo "lab: building brindle…"
dotnet build src/Brindle.Cli -c Release -nologo -v q -clp:ErrorsOnly
if [ $# -eq 0 ] && [ -f /run/brindle/lab/brindle/state.json ]; then
  echo "lab: the lab 'brindle' is already up (remove it with: sudo ./brindle lab down)"
else
  ./brindle lab up "$@"
fi
name=brindle
for ((i = 1; i <= $#; i++)); do [ "${!i}" = "--name" ] && { j=$((i + 1)); name=${!j}; }; done
echo
./brindle lab status --name "$name"
echo
./brindle lab check --name "$name"
