-- SPDX-License-Identifier: BSD-3-Clause
--
-- Pktgen-DPDK 23.06.x (the release that builds against DPDK 22.11):
-- range mode sweeping IPv4 multicast groups with the matching 01:00:5e
-- destination MACs, for benchmarking mcastfwd on a NIC-attached box.
--
--   pktgen -l 0-2 -n 4 -a <tx NIC> -a <rx NIC> -- -P -m "[1].0,[2].1" \
--          -f scripts/pktgen/mcast-range.lua
--
-- Port 0 sends into mcastfwd's input interface; port 1 (and more) count
-- what comes back from its outputs.  The address plan is the one of
-- scripts/bench/gen.py (and of configs made with
-- `scripts/bench/gen.py stable-config OUT FANOUT GROUPS`):
--   S = 10.1.0.1, G = 239.0.1.0 + i for i in 0 .. GROUPS-1
-- so static mroutes for those (S,G) exist when the traffic starts.
--
-- Edit the four values below (or set the environment variables
-- MCAST_GROUPS, MCAST_SIZE, MCAST_RATE, MCAST_SECONDS).

package.path = package.path .. ";?.lua;test/?.lua;app/?.lua;"
require "Pktgen"

local groups  = tonumber(os.getenv("MCAST_GROUPS") or "1000")   -- 1..8388352
local size    = tonumber(os.getenv("MCAST_SIZE") or "64")       -- frame size incl. FCS
local rate    = tonumber(os.getenv("MCAST_RATE") or "100")      -- % of line rate
local seconds = tonumber(os.getenv("MCAST_SECONDS") or "30")
local txport  = "0"

-- 239.0.1.0 + i <-> 01:00:5e:00:01:00 + i: both step by one and cover
-- the same count, so each frame's MAC is its group's RFC 1112 MAC as long
-- as the range stays inside 239.0.0.0/9 (groups <= 8388352).
local function ip_of(n)
	return string.format("%d.%d.%d.%d", (n >> 24) & 255, (n >> 16) & 255,
			     (n >> 8) & 255, n & 255)
end
local function mac_of(n)   -- low 23 bits of the group
	n = n & 0x7fffff
	return string.format("01:00:5e:%02x:%02x:%02x", (n >> 16) & 127,
			     (n >> 8) & 255, n & 255)
end

local g0 = (239 << 24) + 256
local g1 = g0 + groups - 1

pktgen.stop(txport)
pktgen.set_range(txport, "on")
pktgen.range.ip_proto(txport, "udp")

pktgen.range.dst_ip(txport, "start", ip_of(g0))
pktgen.range.dst_ip(txport, "inc", "0.0.0.1")
pktgen.range.dst_ip(txport, "min", ip_of(g0))
pktgen.range.dst_ip(txport, "max", ip_of(g1))

pktgen.range.dst_mac(txport, "start", mac_of(g0))
pktgen.range.dst_mac(txport, "inc", "00:00:00:00:00:01")
pktgen.range.dst_mac(txport, "min", mac_of(g0))
pktgen.range.dst_mac(txport, "max", mac_of(g1))

pktgen.range.src_ip(txport, "start", "10.1.0.1")
pktgen.range.src_ip(txport, "inc", "0.0.0.0")
pktgen.range.src_ip(txport, "min", "10.1.0.1")
pktgen.range.src_ip(txport, "max", "10.1.0.1")

pktgen.range.src_port(txport, "start", 5000)
pktgen.range.src_port(txport, "inc", 0)
pktgen.range.src_port(txport, "min", 5000)
pktgen.range.src_port(txport, "max", 5000)
pktgen.range.dst_port(txport, "start", 5001)
pktgen.range.dst_port(txport, "inc", 0)
pktgen.range.dst_port(txport, "min", 5001)
pktgen.range.dst_port(txport, "max", 5001)

pktgen.range.ttl(txport, "start", 64)
pktgen.range.ttl(txport, "inc", 0)
pktgen.range.ttl(txport, "min", 64)
pktgen.range.ttl(txport, "max", 64)

-- Pktgen sizes exclude the FCS (64 -> 60 bytes + 4 FCS on the wire)
pktgen.range.pkt_size(txport, "start", size)
pktgen.range.pkt_size(txport, "inc", 0)
pktgen.range.pkt_size(txport, "min", size)
pktgen.range.pkt_size(txport, "max", size)

pktgen.set(txport, "rate", rate)
pktgen.clr()
printf("mcast-range: %d groups %s..%s, %d B, %d%% rate, %d s\n", groups,
       ip_of(g0), ip_of(g1), size, rate, seconds)

pktgen.start(txport)
pktgen.delay(seconds * 1000)
pktgen.stop(txport)
pktgen.delay(500)

-- per-port totals (the RFC 3918 forwarding rate is rx pps of the output
-- ports; loss = fanout * tx - sum(rx))
local ports = pktgen.portCount()
for p = 0, ports - 1 do
	local st = pktgen.portStats(tostring(p), "port")[p]
	printf("port %d: opackets %d ipackets %d (%.3f Mpps tx, %.3f Mpps rx)\n",
	       p, st.opackets, st.ipackets, st.opackets / seconds / 1e6,
	       st.ipackets / seconds / 1e6)
end
