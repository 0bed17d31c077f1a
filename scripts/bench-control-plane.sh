#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Build (release) and run the control-plane benchmark, test/bench/.
#
#   scripts/bench-control-plane.sh [--runs N]
#
# Prints each run's figures (one "name value [PASS|MISS]" per line, then a
# JSON line).  Numbers move with machine load: on a shared box use --runs 3
# and read the best.  The build directory is build-bench
# (MCASTFWD_BUILD_BENCH overrides).
set -euo pipefail

cd "$(dirname "$0")/.."

runs=1
while (($# > 0)); do
	case "$1" in
	--runs)
		runs=${2:?--runs needs a number}
		shift
		;;
	-h | --help)
		sed -n '4,10p' "$0"
		exit 0
		;;
	*)
		echo "bench-control-plane.sh: unknown option $1" >&2
		exit 2
		;;
	esac
	shift
done

dir=${MCASTFWD_BUILD_BENCH:-build-bench}
if [[ -d $dir/meson-private ]]; then
	meson setup --reconfigure "$dir" --buildtype=release -Dtests=false \
		-Dbench=true >/dev/null
else
	meson setup "$dir" --buildtype=release -Dtests=false -Dbench=true \
		>/dev/null
fi
ninja -C "$dir" test/bench/bench_control_plane >/dev/null

for ((i = 1; i <= runs; i++)); do
	((runs > 1)) && echo "--- run $i/$runs"
	"$dir/test/bench/bench_control_plane"
done
