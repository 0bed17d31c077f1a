#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Install the build and test dependencies (Debian 12), build mcastfwd and
# run it once on its embedded default (pcap ports, no NIC, no hugepages).
#
#   sudo scripts/setup.sh             install packages, build in build/, run
#                                     the default (scripts/run-default.sh out)
#   sudo scripts/setup.sh --deps-only install packages only (what CI uses)
#   scripts/setup.sh --no-deps        build and run (packages already there)
#   scripts/setup.sh --no-run         ... and do not run the default
#
# The package list lives in scripts/deps.txt so CI and developers install
# exactly the same set.
set -euo pipefail

cd "$(dirname "$0")/.."

deps=1
build=1
run=1
for arg in "$@"; do
	case "$arg" in
	--deps-only) build=0 run=0 ;;
	--no-deps) deps=0 ;;
	--no-run) run=0 ;;
	-h | --help)
		sed -n '4,15p' "$0"
		exit 0
		;;
	*)
		echo "setup.sh: unknown option $arg" >&2
		exit 2
		;;
	esac
done

if [[ $deps == 1 ]]; then
	if [[ $(id -u) != 0 ]]; then
		echo "setup.sh: installing packages needs root (sudo $0), or use --no-deps" >&2
		exit 1
	fi
	mapfile -t pkgs < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' scripts/deps.txt | grep -v '^$')
	export DEBIAN_FRONTEND=noninteractive
	apt-get -o Acquire::Retries=3 update
	apt-get -o Acquire::Retries=3 install -y --no-install-recommends "${pkgs[@]}"
fi

if [[ $build == 1 ]]; then
	if [[ -d build/meson-private ]]; then
		meson setup --reconfigure build
	else
		meson setup build
	fi
	ninja -C build
	# Built as root through sudo: give the tree back to the invoking user.
	if [[ -n ${SUDO_UID:-} && -n ${SUDO_GID:-} ]]; then
		chown -R "$SUDO_UID:$SUDO_GID" build
	fi
fi

if [[ $run == 1 ]]; then
	echo
	echo "setup.sh: running mcastfwd on config/default.json (scripts/run-default.sh out)"
	scripts/run-default.sh out
	if [[ -n ${SUDO_UID:-} && -n ${SUDO_GID:-} ]]; then
		chown -R "$SUDO_UID:$SUDO_GID" out
	fi
fi
