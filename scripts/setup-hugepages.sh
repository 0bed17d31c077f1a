#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Reserve 2 MiB hugepages and mount hugetlbfs so mcastfwd can run without
# --no-huge (faster: physically contiguous, TLB-friendly mbuf memory).
#
#   sudo scripts/setup-hugepages.sh [PAGES]     default 1024 pages (2 GiB)
#   sudo scripts/setup-hugepages.sh --status
#
# Prints what it did; exits non-zero if the kernel gave fewer pages than
# asked (memory fragmentation: try again after boot, or ask for fewer).
set -euo pipefail

mnt=/dev/hugepages
nr=/proc/sys/vm/nr_hugepages

status() {
	grep -E '^(HugePages_(Total|Free)|Hugepagesize)' /proc/meminfo
	if mountpoint -q "$mnt" 2>/dev/null; then
		echo "hugetlbfs mounted on $mnt"
	else
		echo "hugetlbfs not mounted on $mnt"
	fi
}

if [[ ${1:-} == --status ]]; then
	status
	exit 0
fi
pages=${1:-1024}
if ! [[ $pages =~ ^[0-9]+$ ]]; then
	echo "setup-hugepages.sh: PAGES must be a number, got '$pages'" >&2
	exit 2
fi
if [[ $(id -u) != 0 ]]; then
	echo "setup-hugepages.sh: needs root (writes $nr, mounts $mnt)" >&2
	exit 1
fi
echo "$pages" >"$nr"
got=$(cat "$nr")
mkdir -p "$mnt"
mountpoint -q "$mnt" || mount -t hugetlbfs nodev "$mnt"
status
if ((got < pages)); then
	echo "setup-hugepages.sh: asked for $pages pages, the kernel gave $got" >&2
	exit 1
fi
