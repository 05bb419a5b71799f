#!/usr/bin/env bash
# Installs every Debian package Brindle uses (build, tests, lab, benchmarks). Idempotent:
# packages already present are not touched. Needs root (or sudo) only when something is missing.
set -euo pipefail

PACKAGES=(
  etcd-server etcd-client      # the etcd datastore backend and its tests
  bird2                        # BGP daemon the agent drives
  nftables libnftables1 iptables ipset conntrack   # dataplane (libnftables1: the agent runs nft transactions in-process)
  iproute2 iputils-ping procps psmisc util-linux # namespaces (ip netns, nsenter), probes, process handling
  dnsmasq-base containernetworking-plugins
  hyperfine                    # benchmarks (whole-command timings)
  ca-certificates
  curl                         # the README's health and metrics examples (/readiness, /metrics)
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#PACKAGES[@]} Debian packages already installed"
else
  echo "setup: installing ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  # apt-get update only when an install fails for want of package lists.
  if ! $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"; then
    $SUDO apt-get update -q
    $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
  fi
fi

if ! command -v dotnet >/dev/null 2>&1; then
  echo "setup: the .NET 10 SDK (dotnet) is not on PATH; install it first: https://dotnet.microsoft.com/download" >&2
  exit 1
fi
