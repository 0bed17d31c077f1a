#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Pktgen-DPDK and mcastfwd on one host, joined by two memif links
# (shared memory, no NIC): Pktgen port 0 -> mcastfwd in0, mcastfwd out1 ->
# Pktgen port 1.
#
#   scripts/pktgen/memif.sh mcastfwd [GROUPS]   # terminal 1 (memif server)
#   scripts/pktgen/memif.sh pktgen   [GROUPS]   # terminal 2 (memif client)
#
# Cores: mcastfwd control on 0, its worker on 1; Pktgen main on 2, its
# tx/rx lcores on 3-4 (a 2-core box can still run it for a functional
# check, with --lcores mapping everything onto the two cores; figures
# from such a run measure scheduling, not forwarding).
#
# mcastfwd needs a tx queue per worker plus one for the control thread on
# every port: a memif port gets its queues from rte_eth_dev_configure(), and
# the client must offer as many rings, so Pktgen's ports are given 2 queues
# ("[3:4].0" style mappings below), and the server side (mcastfwd) sets its
# queue counts from the configuration.  GROUPS static mroutes are written
# by scripts/bench/gen.py with the same address plan as mcast-range.lua.
#
# Pktgen is not packaged in Debian 12: build Pktgen-DPDK 23.06.x against
# the system DPDK 22.11 (meson setup build && ninja -C build in its tree)
# and put its app/pktgen on PATH or set PKTGEN=/path/to/pktgen.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
what=${1:-}
groups=${2:-1000}
sock_in=/run/mcastfwd-memif-in.sock
sock_out=/run/mcastfwd-memif-out.sock
mcastfwd=${MCASTFWD:-$root/build-perf/app/mcastfwd/mcastfwd}
pktgen=${PKTGEN:-pktgen}
mem=(--file-prefix "memif_$what")
if ! grep -q '^HugePages_Free: *[1-9]' /proc/meminfo; then
	mem+=(--no-huge -m 2048)
fi

case $what in
mcastfwd)
	cfg=/tmp/mcastfwd-memif-$groups.json
	python3 "$root/scripts/bench/gen.py" stable-config "$cfg" 1 "$groups" >/dev/null
	# the generated config names net_pcap0/net_null0: point it at memif
	sed -i 's/"net_pcap0"/"net_memif0"/; s/"net_null0"/"net_memif1"/' "$cfg"
	exec "$mcastfwd" -l 0-1 "${mem[@]}" --no-pci \
		--vdev "net_memif0,role=server,id=0,socket=$sock_in" \
		--vdev "net_memif1,role=server,id=0,socket=$sock_out" \
		-- --config "$cfg" --stats-interval 5
	;;
pktgen)
	export MCAST_GROUPS=$groups
	exec "$pktgen" -l 2-4 "${mem[@]}" --no-pci \
		--vdev "net_memif0,role=client,id=0,socket=$sock_in" \
		--vdev "net_memif1,role=client,id=0,socket=$sock_out" \
		-- -P -m "[3:4].0,[3:4].1" -f "$here/mcast-range.lua"
	;;
*)
	sed -n '3,27p' "$0"
	exit 2
	;;
esac
