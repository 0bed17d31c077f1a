#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Run mcastfwd on its default configuration with pcap ports: no NIC, no
# root-only setup, nothing on the host touched.
#
#   scripts/run-default.sh [OUTDIR]        (default ./out)
#
# Input:  config/sample.pcap on in0 (net_pcap0)   (scripts/make-sample-pcap.py)
# Config: config/default.json
# Output: OUTDIR/out1.pcap, OUTDIR/out2.pcap      (what out1 / out2 sent)
#         OUTDIR/stats.json                       (counters and MFEs at exit)
#         OUTDIR/mcastfwd.log                     (the app's log)
#
# Builds nothing: the binary is $MCASTFWD_BIN, else build/app/mcastfwd/mcastfwd.
# Uses free hugepages (--in-memory) when there are any, else --no-huge.
# Runs until the input is consumed and the counters are quiet (at most 20 s),
# then stops the app with SIGINT and prints a summary.
set -euo pipefail

outdir=${1:-./out}
mkdir -p "$outdir"
outdir=$(cd "$outdir" && pwd)
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"

bin=${MCASTFWD_BIN:-build/app/mcastfwd/mcastfwd}
config=config/default.json
input=config/sample.pcap
for f in "$bin" "$config" "$input"; do
	if [ ! -e "$f" ]; then
		echo "run-default.sh: $f not found" >&2
		[ "$f" = "$bin" ] && echo "  build first: meson setup build && ninja -C build" >&2
		[ "$f" = "$input" ] && echo "  generate it: scripts/make-sample-pcap.py" >&2
		exit 1
	fi
done
command -v python3 >/dev/null || { echo "run-default.sh: needs python3" >&2; exit 1; }

# One worker (-l 0-1): every port needs a tx queue for the worker and one
# for the control thread, i.e. two tx_pcap files; they are merged below.
q="$outdir/.queues"
rm -rf "$q"
mkdir -p "$q"
rm -f "$outdir/out1.pcap" "$outdir/out2.pcap" "$outdir/stats.json"
python3 - "$q/empty.pcap" <<'EOF'
import struct, sys
with open(sys.argv[1], "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
EOF

free_huge=$(awk '/^HugePages_Free:/ {print $2}' /proc/meminfo 2>/dev/null || echo 0)
if [ "${free_huge:-0}" -gt 0 ]; then
	mem=(--in-memory)
else
	mem=(--no-huge -m 256 --no-shconf)
fi

n_in=$(python3 -B -c "
import sys; sys.path.insert(0, 'test/integration'); import pcapgen
print(pcapgen.count_pcap('$input'))")

"$bin" "${mem[@]}" --no-pci -l 0-1 --log-level=lib.eal:error \
	--vdev "net_pcap0,rx_pcap=$input,tx_pcap=$q/in0_q0.pcap,tx_pcap=$q/in0_q1.pcap" \
	--vdev "net_pcap1,rx_pcap=$q/empty.pcap,tx_pcap=$q/out1_q0.pcap,tx_pcap=$q/out1_q1.pcap" \
	--vdev "net_pcap2,rx_pcap=$q/empty.pcap,tx_pcap=$q/out2_q0.pcap,tx_pcap=$q/out2_q1.pcap" \
	-- --config "$config" --stats-file "$outdir/stats.json" --stats-interval 1 \
	>"$outdir/mcastfwd.log" 2>&1 &
pid=$!

# Wait until net_pcap0 received every frame and two consecutive stats
# files show the same counters (bounded).
python3 - "$outdir/stats.json" "$n_in" "$pid" <<'EOF'
import json, os, sys, time
path, want, pid = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
t0, last, last_mtime = time.monotonic(), None, None
while time.monotonic() - t0 < 20:
    try:
        os.kill(pid, 0)
    except OSError:
        sys.exit(0)
    try:
        m = os.stat(path).st_mtime_ns
        if m != last_mtime:
            with open(path) as f:
                st = json.load(f)
            last_mtime = m
            rx = sum(p.get("ipackets", 0) for p in st.get("ports", {}).values())
            sig = json.dumps([st.get("workers"), st.get("control"), st.get("ports")],
                             sort_keys=True)
            if rx >= want and sig == last:
                sys.exit(0)
            last = sig
    except (OSError, ValueError):
        pass
    time.sleep(0.1)
print("run-default.sh: not quiet after 20 s, stopping anyway", file=sys.stderr)
EOF

if kill -0 "$pid" 2>/dev/null; then
	kill -INT "$pid"
	for _ in $(seq 1 150); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		echo "run-default.sh: mcastfwd did not stop within 15 s of SIGINT; killing it" >&2
		kill -KILL "$pid" 2>/dev/null || true
	fi
fi
rc=0
wait "$pid" || rc=$?
if [ "$rc" -ne 0 ]; then
	echo "run-default.sh: mcastfwd exited with status $rc; its log:" >&2
	tail -n 20 "$outdir/mcastfwd.log" >&2
	exit "$rc"
fi

python3 -B - "$outdir" "$q" "$input" <<'EOF'
import collections, json, os, sys
sys.path.insert(0, "test/integration")
import pcapgen as pg
outdir, q, inp = sys.argv[1:4]

def merge(name):
    recs = []
    for k in range(2):
        p = os.path.join(q, "%s_q%d.pcap" % (name, k))
        if os.path.exists(p):
            recs += pg.read_pcap_records(p)
    recs.sort(key=lambda r: r[0])
    pg.write_pcap(os.path.join(outdir, name + ".pcap"), [r[1] for r in recs])
    return [pg.parse_frame(r[1]) for r in recs]

outs = {n: merge(n) for n in ("out1", "out2")}
try:
    with open(os.path.join(outdir, "stats.json")) as f:
        st = json.load(f)
except (OSError, ValueError):
    st = {}
c, ports = st.get("control", {}), st.get("ports", {})
# fast-path counters: the workers plus the control thread's forwarder
w = dict(st.get("workers", {}))
for k, v in st.get("control_forwarder", {}).items():
    w[k] = w.get(k, 0) + v

print("mcastfwd default run: %s -> %s" % (inp, outdir))
print("  packets in:  %d (net_pcap0 ipackets %s)" % (
    pg.count_pcap(inp), ports.get("net_pcap0", {}).get("ipackets", "?")))
for n, port in (("out1", "net_pcap1"), ("out2", "net_pcap2")):
    flows = collections.Counter("%s->%s" % (p.get("src"), p.get("dst")) for p in outs[n])
    print("  %-4s %-9s: %3d packets (opackets %s)  %s" % (
        n, port, len(outs[n]), ports.get(port, {}).get("opackets", "?"),
        ", ".join("%s x%d" % kv for kv in sorted(flows.items()))))
print("  forwarded %s, punted %s (misses %s, igmp %s, link-local %s)" % (
    w.get("fwd_pkts", "?"), c.get("punts", "?"), c.get("misses", "?"),
    c.get("igmp", "?"), c.get("linklocal", "?")))
drops = {k: v for k, v in sorted(w.items()) if k.startswith("drop_") and v}
print("  drops: %s" % (", ".join("%s %d" % kv for kv in drops.items()) or "none"))
for m in st.get("mfes", []):
    print("  MFE (%s, %s) iif %s -> oifs %s: in %s, out %s" % (
        m.get("source"), m.get("group"), m.get("iif"), m.get("oifs"),
        m.get("in_pkts"), m.get("out_pkts")))
print("  files: out1.pcap out2.pcap stats.json mcastfwd.log")
EOF
rm -rf "$q"
