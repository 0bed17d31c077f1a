#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Integration scenarios: the real mcastfwd binary on pcap vdevs.

    run_scenarios.py [--binary PATH] [-k SUBSTRING]... [--keep | --keep-failed]
                     [-v] [--list]

Each scenario builds a configuration and input pcaps in a temporary
directory, runs mcastfwd with net_pcap vdevs (no hugepages, no PCI, no
shared config: nothing on the host is touched), waits until the input has
been consumed and the counters are quiet, stops it with SIGINT and checks
the output pcaps and the stats file.  One line per scenario,
"PASS name" or "FAIL name: reason", then "N passed, N failed"; the exit
status is non-zero when anything failed (or nothing ran).

The binary is --binary, else $MCASTFWD_BIN, else build/app/mcastfwd/mcastfwd
under the repository root.  --keep keeps the temporary directories (their
paths are printed), --keep-failed only those of failed scenarios; a run
can be replayed by hand with the command line in the directory's cmd.txt.
A failure prints, indented under its FAIL line, each run's exit status,
how the wait ended and the non-zero counters.

Stats file: fast-path counters are "workers" plus, when the file has it,
"control_forwarder" (the control thread forwards the punted first packets
of new flows); the scenarios check their sum.

Port layout: vdev i is net_pcapi (port id i).  Every port gets as many
tx_pcap files (one per tx queue) as the app configures tx queues: one per
worker plus one for the control thread; a port's output is the union of
its tx files.  Ports with no input read an empty pcap.
"""

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, HERE)
import pcapgen as pg  # noqa: E402

REPO = os.path.dirname(os.path.dirname(HERE))

EAL_BASE = ["--no-huge", "-m", "256", "--no-shconf", "--no-pci",
            "--log-level=lib.eal:error"]
LCORES_ONE = ["-l", "0-1"]                 # main + 1 worker
LCORES_TWO = ["--lcores", "0@0,1@1,2@1"]   # main + 2 workers on 2 cores

WAIT_MAX = 20.0        # s: input consumed and counters quiet
STOP_MAX = 15.0        # s: exit after SIGINT
START_STATS_MAX = 8.0  # s: first stats file expected by then

# Malformed-input counters of struct fwd_stats (fwd.h).
DROP_COUNTERS = ["drop_short", "drop_not_ipv4", "drop_bad_version",
                 "drop_bad_ihl", "drop_bad_len", "drop_bad_csum", "drop_ttl",
                 "drop_not_mcast", "drop_no_iface"]

# Every field of struct fwd_stats, in order (the stats file must name all).
FWD_STATS_FIELDS = [
    "rx_pkts", "rx_bytes", "tx_pkts", "tx_drops", "fwd_pkts",
    "drop_short", "drop_not_ipv4", "drop_bad_version", "drop_bad_ihl",
    "drop_bad_len", "drop_bad_csum", "drop_ttl", "drop_not_mcast",
    "drop_no_iface", "drop_fragment", "drop_negative", "drop_wrong_if",
    "drop_miss", "drop_no_mbuf", "punt_miss", "punt_wrong_if", "punt_igmp",
    "punt_linklocal", "punt_ring_full"]

PCAP_MAC_PREFIX = "02:70:63:61:70:"  # net_pcap default MAC + port index


class ScenarioFail(Exception):
    pass


def need(cond, msg):
    if not cond:
        raise ScenarioFail(msg)


# ---------------------------------------------------------------------------
# configuration (schema: doc/configuration.md, lib/ctl)

def iface(name, port, ifindex=None, vlan=None, mac=None, ttl_threshold=None,
          mtu=None):
    d = {"name": name, "port": port}
    if ifindex is not None:
        d["ifindex"] = ifindex
    if vlan is not None:
        d["vlan"] = vlan
    if mac is not None:
        d["mac"] = mac
    if ttl_threshold is not None:
        d["ttl_threshold"] = ttl_threshold
    if mtu is not None:
        d["mtu"] = mtu
    return d


def membership(group, interfaces, source="*"):
    return {"source": source, "group": group, "interfaces": list(interfaces)}


def route(prefix, interface, next_hop=None, metric=None):
    d = {"prefix": prefix, "interface": interface}
    if next_hop is not None:
        d["next_hop"] = next_hop
    if metric is not None:
        d["metric"] = metric
    return d


def mroute(group, iif, oifs, source="*"):
    return {"source": source, "group": group, "iif": iif, "oifs": list(oifs)}


def base_limits(**kw):
    d = {"punt_rate": 1000000, "punt_ring": 4096, "mbufs": 8191}
    d.update(kw)
    return d


def std_interfaces(n_out=3, **overrides):
    """in0 = net_pcap0 (ifindex 1), outK = net_pcapK (ifindex K+1)."""
    ifs = [iface("in0", "net_pcap0", ifindex=1)]
    for k in range(1, n_out + 1):
        ifs.append(iface("out%d" % k, "net_pcap%d" % k, ifindex=k + 1,
                         **overrides.get("out%d" % k, {})))
    return ifs


def config(interfaces, routes=(), memberships=(), mroutes=(), limits=None,
           workers=None):
    c = {"interfaces": list(interfaces)}
    if routes:
        c["routes"] = list(routes)
    if memberships:
        c["memberships"] = list(memberships)
    if mroutes:
        c["mroutes"] = list(mroutes)
    if workers is not None:
        c["workers"] = workers
    c["limits"] = limits if limits is not None else base_limits()
    return c


# ---------------------------------------------------------------------------
# running the binary

class Result:
    def __init__(self):
        self.rc = None
        self.stdout = ""
        self.stderr = ""
        self.stats = None
        self.out = {}       # port index -> list of frames (bytes)
        self.out_q = {}     # port index -> list of lists (per tx queue)
        self.notes = []
        self.wait_reason = ""
        self.elapsed = 0.0

    def parsed(self, port):
        return [pg.parse_frame(f) for f in self.out.get(port, [])]

    def summary(self):
        """One line: exit status, wait, non-zero counters."""
        parts = ["rc=%s" % self.rc, "wait: %s" % (self.wait_reason or "-")]
        if self.stats:
            for sect in ("workers", "control_forwarder"):
                w = self.stats.get(sect)
                if isinstance(w, dict):
                    parts.append("%s: " % sect + " ".join(
                        "%s=%s" % (k, v) for k, v in sorted(w.items()) if v))
            c = self.stats.get("control", {})
            parts.append("control: " + " ".join(
                "%s=%s" % (k, c[k]) for k in ("punts", "misses", "wrong_if", "igmp",
                                              "linklocal", "mfes", "mfes_created",
                                              "mfes_expired", "miss_errors",
                                              "fwd_errors") if c.get(k)))
            parts.append("mfes: " + " ".join(
                "(%s,%s)iif=%s,oifs=%s,in=%s,wif=%s,neg=%s" % (
                    m.get("source"), m.get("group"), m.get("iif"), m.get("oifs"),
                    m.get("in_pkts"), m.get("wrong_if"), m.get("negative"))
                for m in self.stats.get("mfes", [])[:6]))
        else:
            parts.append("no stats file")
        return "; ".join(parts)

    def tail(self, n=12):
        lines = (self.stderr + self.stdout).strip().splitlines()
        return " | ".join(lines[-n:])

    def fwd(self):
        """struct fwd_stats summed over the workers and the control
        thread's own forwarder (it handles the punted first packets):
        "workers" + "control_forwarder" when the file splits them."""
        need(self.stats is not None, "no stats file")
        tot = dict(self.stats.get("workers", {}))
        for k, v in self.stats.get("control_forwarder", {}).items():
            tot[k] = tot.get(k, 0) + v
        return tot

    def worker(self, name):
        """A fwd_stats counter, workers + control forwarder."""
        w = self.fwd()
        need(name in w, "stats file: workers.%s missing" % name)
        return w[name]

    def control(self, name):
        need(self.stats is not None, "no stats file")
        c = self.stats.get("control", {})
        need(name in c, "stats file: control.%s missing" % name)
        return c[name]

    def mfe(self, source, group):
        need(self.stats is not None, "no stats file")
        for m in self.stats.get("mfes", []):
            if m.get("source") == source and m.get("group") == group:
                return m
        return None


class Harness:
    def __init__(self, binary, keep=False, verbose=False, keep_failed=False):
        self.binary = binary
        self.keep = keep
        self.keep_failed = keep_failed
        self.verbose = verbose
        self.runs = []      # Results of the current scenario
        self.pending = []   # temp dirs kept until the scenario's verdict

    def run(self, name, cfg, inputs, n_ports, workers=1, hold=0.0,
            expect_rx=None, config_text=None, stats_interval=1,
            expect_start=True, app_args=()):
        """Run mcastfwd.

        inputs: {port: [frames]} or {port: [[frames q0], [frames q1]]}
        (several rx_pcap files = several rx queues).  hold: seconds to keep
        it running after the input is consumed.  Returns a Result."""
        d = tempfile.mkdtemp(prefix="mcastfwd-%s-" % name)
        res = Result()
        res.dir = d
        try:
            self._run(d, res, cfg, inputs, n_ports, workers, hold, expect_rx,
                      config_text, stats_interval, expect_start, app_args)
        finally:
            self.runs.append(res)
            if self.keep:
                print("  [%s] kept %s" % (name, d))
            elif self.keep_failed:
                self.pending.append(d)
            else:
                shutil.rmtree(d, ignore_errors=True)
        return res

    def scenario_done(self, passed):
        """Forget the scenario's runs; --keep-failed keeps a failed one's
        directories.  Returns detail lines for a failure report."""
        lines = []
        if not passed:
            for res in self.runs:
                lines.append(res.summary())
        for d in self.pending:
            if passed:
                shutil.rmtree(d, ignore_errors=True)
            else:
                lines.append("kept %s (cmd.txt replays the run)" % d)
        self.runs, self.pending = [], []
        return lines

    def _run(self, d, res, cfg, inputs, n_ports, workers, hold, expect_rx,
             config_text, stats_interval, expect_start, app_args=()):
        cfg_path = os.path.join(d, "config.json")
        with open(cfg_path, "w") as f:
            if config_text is not None:
                f.write(config_text)
            else:
                json.dump(cfg, f, indent=1)
        empty = pg.write_pcap(os.path.join(d, "empty.pcap"), [])
        n_tx = workers + 1
        total_rx = 0
        vdevs = []
        tx_files = {}
        for port in range(n_ports):
            src = inputs.get(port)
            if src and isinstance(src[0], (list, tuple)):
                queues = src
            elif src:
                queues = [src]
            else:
                queues = []
            rx = []
            for q, frames in enumerate(queues):
                path = pg.write_pcap(os.path.join(d, "in%d_q%d.pcap" % (port, q)),
                                     frames)
                rx.append(path)
                total_rx += len(frames)
            if not rx:
                rx = [empty]
            tx = [os.path.join(d, "out%d_q%d.pcap" % (port, q)) for q in range(n_tx)]
            tx_files[port] = tx
            args = ["net_pcap%d" % port] + ["rx_pcap=" + r for r in rx] + \
                ["tx_pcap=" + t for t in tx]
            vdevs += ["--vdev", ",".join(args)]
        stats_path = os.path.join(d, "stats.json")
        lcores = LCORES_ONE if workers == 1 else LCORES_TWO
        cmd = [self.binary] + EAL_BASE + lcores + vdevs + [
            "--", "--config", cfg_path, "--stats-file", stats_path,
            "--stats-interval", str(stats_interval), "--log-level", "info"
        ] + list(app_args)
        with open(os.path.join(d, "cmd.txt"), "w") as f:
            f.write(" ".join(cmd) + "\n")
        if self.verbose:
            print("  $ " + " ".join(cmd))
        if expect_rx is None:
            expect_rx = total_rx
        out_f = open(os.path.join(d, "stdout.txt"), "w+")
        err_f = open(os.path.join(d, "stderr.txt"), "w+")
        t0 = time.monotonic()
        proc = subprocess.Popen(cmd, stdout=out_f, stderr=err_f,
                                stdin=subprocess.DEVNULL, cwd=d)
        try:
            if expect_start:
                res.wait_reason = self._wait_quiet(proc, stats_path, tx_files,
                                                   expect_rx)
                if proc.poll() is None and hold > 0:
                    time.sleep(hold)
                if proc.poll() is None:
                    proc.send_signal(signal.SIGINT)
                else:
                    res.notes.append("exited by itself before SIGINT (rc %s)"
                                     % proc.returncode)
            try:
                proc.wait(timeout=STOP_MAX if expect_start else WAIT_MAX)
            except subprocess.TimeoutExpired:
                res.notes.append("did not exit %.0f s after SIGINT: killed"
                                 % STOP_MAX)
                proc.kill()
                proc.wait(timeout=10)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        res.elapsed = time.monotonic() - t0
        res.rc = proc.returncode
        out_f.seek(0)
        err_f.seek(0)
        res.stdout = out_f.read()
        res.stderr = err_f.read()
        out_f.close()
        err_f.close()
        res.stats = _read_json(stats_path)
        res.tx_files = tx_files
        for port, files in tx_files.items():
            qs = []
            for path in files:
                if os.path.exists(path):
                    try:
                        qs.append(pg.read_pcap(path))
                    except ValueError as e:
                        res.notes.append(str(e))
                        qs.append([])
                else:
                    qs.append(None)
            res.out_q[port] = qs
            res.out[port] = [fr for q in qs if q for fr in q]
        if self.verbose:
            print("  rc=%s elapsed=%.1fs wait=%s" % (res.rc, res.elapsed,
                                                    res.wait_reason))

    def _wait_quiet(self, proc, stats_path, tx_files, expect_rx):
        """Until every input frame was received and the counters did not
        change across two stats-file writes; bounded by WAIT_MAX.  Without
        a stats file, until the output pcaps stop growing for 2 s."""
        t0 = time.monotonic()
        last_sig, last_mtime, same_writes = None, None, 0
        last_sizes, sizes_since = None, t0
        while True:
            now = time.monotonic()
            if proc.poll() is not None:
                return "process exited (rc %s)" % proc.returncode
            if now - t0 > WAIT_MAX:
                return "timeout after %.0f s" % WAIT_MAX
            st = None
            try:
                mtime = os.stat(stats_path).st_mtime_ns
            except OSError:
                mtime = None
            if mtime is not None and mtime != last_mtime:
                st = _read_json(stats_path)
                if st is not None:
                    last_mtime = mtime
                    rx = _rx_seen(st)
                    # not "mfes": their expiry_cs counts down; not the
                    # --churn-rate counters: they never stop
                    ctl = {k: v for k, v in (st.get("control") or {}).items()
                           if not k.startswith("churn_")}
                    sig = json.dumps([st.get("workers"), ctl,
                                      st.get("ports")], sort_keys=True)
                    if rx >= expect_rx and sig == last_sig:
                        same_writes += 1
                    else:
                        same_writes = 0
                    last_sig = sig
                    if same_writes >= 1:
                        return "quiet (rx %d/%d) after %.1f s" % (
                            rx, expect_rx, now - t0)
            if last_mtime is None and now - t0 > START_STATS_MAX:
                # no stats file: fall back to the output files' sizes
                sizes = [os.path.getsize(p) if os.path.exists(p) else -1
                         for fs in tx_files.values() for p in fs]
                if sizes != last_sizes:
                    last_sizes, sizes_since = sizes, now
                elif now - sizes_since > 2.0:
                    return "no stats file; outputs quiet after %.1f s" % (now - t0)
            time.sleep(0.1)


def _read_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def _rx_seen(st):
    """Frames the ports received (workers.rx_pkts also counts the punted
    packets the control thread forwards, so it is only the fallback)."""
    ports = st.get("ports")
    if isinstance(ports, dict) and ports:
        return sum(p.get("ipackets", 0) for p in ports.values()
                   if isinstance(p, dict))
    w = st.get("workers")
    if isinstance(w, dict):
        return w.get("rx_pkts", 0)
    return 0


# ---------------------------------------------------------------------------
# common checks

def check_clean(res, what="run"):
    """Exit 0, stats file written with every counter."""
    if res.rc != 0 or res.stats is None or res.notes:
        raise ScenarioFail("%s: rc=%s, stats=%s, %s; wait: %s; log: %s" % (
            what, res.rc, "ok" if res.stats else "missing",
            "; ".join(res.notes) or "-", res.wait_reason, res.tail()))
    for sect in ("workers", "control_forwarder"):
        if sect == "control_forwarder" and sect not in res.stats:
            continue  # older layout: the workers' sum included it
        missing = [k for k in FWD_STATS_FIELDS if k not in res.stats[sect]]
        need(not missing, "stats file: %s lacks %s" % (sect, ", ".join(missing)))
    w = res.fwd()
    for k in ("ports", "control", "mfes"):
        need(k in res.stats, "stats file: no %r section" % k)
    if "control_forwarder" in res.stats:
        # each received frame is counted once, by the worker that polled it
        rx = res.stats["workers"].get("rx_pkts")
        ip = _rx_seen(res.stats)
        need(rx == ip, "workers.rx_pkts %s but the ports received %d" % (rx, ip))
    # with punt_rate 1e6 and a 4096 punt ring nothing may be lost
    lost = {k: w[k] for k in ("tx_drops", "drop_no_mbuf", "punt_ring_full",
                              "drop_miss") if w.get(k)}
    need(not lost, "packets lost: %s" % lost)
    # what the ports say they sent is what the pcap files hold
    for port, frames in res.out.items():
        ps = res.stats["ports"].get("net_pcap%d" % port)
        need(ps is not None, "stats file: no ports.net_pcap%d" % port)
        need(ps.get("opackets") == len(frames),
             "net_pcap%d: opackets %s but %d frame(s) in its tx pcaps"
             % (port, ps.get("opackets"), len(frames)))


def index_inputs(frames_lists):
    """(stream, seq) -> parsed input frame."""
    idx = {}
    for frames in frames_lists:
        for f in frames:
            p = pg.parse_frame(f)
            if p.get("seq") is not None:
                idx[(p["stream"], p["seq"])] = p
    return idx


def check_copy(inp, out, where):
    """A forwarded copy: same IP packet except TTL - 1 and a valid checksum
    (header otherwise identical, payload untouched)."""
    need(out.get("ethertype") == pg.ETH_P_IPV4,
         "%s: copy is not IPv4 (ethertype %s)" % (where, out.get("ethertype")))
    need(out["ip_csum_ok"], "%s: bad IPv4 checksum 0x%04x on a forwarded copy"
         % (where, out["ip_csum"]))
    need(out["ttl"] == inp["ttl"] - 1, "%s: TTL %d, expected %d" % (
        where, out["ttl"], inp["ttl"] - 1))
    for k in ("version", "ihl", "tos", "total_length", "ident", "flags_frag",
              "proto", "src", "dst", "options"):
        need(out.get(k) == inp.get(k), "%s: IPv4 %s changed: %r -> %r" % (
            where, k, inp.get(k), out.get(k)))
    need(out.get("payload") == inp.get("payload"), "%s: payload changed" % where)
    need(out.get("udp_csum_ok", True), "%s: UDP checksum broken" % where)


def streams_on(res, port, inputs_idx=None, where=None):
    """{stream: sorted list of seqs} seen on @port; checks every copy against
    its input when @inputs_idx is given."""
    got = {}
    for i, p in enumerate(res.parsed(port)):
        s = p.get("stream")
        if s is None:
            got.setdefault(None, []).append(i)
            continue
        got.setdefault(s, []).append(p["seq"])
        if inputs_idx is not None:
            inp = inputs_idx.get((s, p["seq"]))
            need(inp is not None, "port %d: unknown copy stream %s seq %s"
                 % (port, s, p["seq"]))
            check_copy(inp, p, "%s port %d stream %d seq %d" % (
                where or "", port, s, p["seq"]))
    return {k: sorted(v) for k, v in got.items()}


def expect_streams(res, port, expected, idx=None):
    """Port @port carries exactly streams {stream: n} with seqs 0..n-1
    once each, nothing else."""
    got = streams_on(res, port, idx)
    if None in got:
        raise ScenarioFail("port %d: %d frame(s) without a sequence marker "
                           "(e.g. frame #%d)" % (port, len(got[None]), got[None][0]))
    for s, n in expected.items():
        seqs = got.get(s, [])
        if seqs != list(range(n)):
            missing = sorted(set(range(n)) - set(seqs))
            dups = len(seqs) - len(set(seqs))
            raise ScenarioFail(
                "port %d stream %d: %d of %d copies (missing %s%s, %d duplicate(s))"
                % (port, s, len(seqs), n, missing[:8],
                   "..." if len(missing) > 8 else "", dups))
    extra = {s: len(v) for s, v in got.items() if s not in expected}
    need(not extra, "port %d: unexpected streams %s (stream: copies)" % (port, extra))


def expect_silent(res, port):
    n = len(res.out.get(port, []))
    if n:
        p = pg.parse_frame(res.out[port][0])
        raise ScenarioFail("port %d sent %d frame(s), expected none; first: "
                           "%s -> %s ttl %s" % (port, n, p.get("src"), p.get("dst"),
                                                p.get("ttl")))


def seq_frames(n, stream, **kw):
    return [pg.udp_frame(seq=i, stream=stream, **kw) for i in range(n)]


PAUSE_FRAMES = 100000


def pause(n=PAUSE_FRAMES):
    """Filler the worker drops at once (ARP: drop_not_ipv4).  net_pcap
    delivers a whole file at memory speed, so without it every packet of a
    new flow reaches the worker before the control thread has installed the
    MFE and all of them are punted; a pause after the first packets of a
    flow lets the rest hit the entry in the fast path."""
    f = pg.ether_frame("ff:ff:ff:ff:ff:ff", "02:00:00:00:00:fe", pg.ETH_P_ARP,
                       bytes(28))
    return [f] * n


def primed(*lists):
    """The first packet of each list, a pause, then the rest interleaved:
    the first packets create the entries (punted), the rest must hit them
    in the workers."""
    return [x[0] for x in lists if x] + pause() + interleave(*[x[1:] for x in lists])


def interleave(*lists):
    out = []
    for i in range(max(len(x) for x in lists)):
        for x in lists:
            if i < len(x):
                out.append(x[i])
    return out


# ---------------------------------------------------------------------------
# scenarios

SCENARIOS = []


def scenario(fn):
    SCENARIOS.append(fn)
    return fn


ROUTE_10 = route("10.0.0.0/8", "in0")


@scenario
def right_ports(h):
    """(S,G) membership on 2 of 3 outputs: copies on exactly those."""
    cfg = config(std_interfaces(3), routes=[ROUTE_10],
                 memberships=[membership("239.1.1.1", ["out1", "out2"],
                                         source="10.0.0.1"),
                              membership("239.1.1.1", ["out3"],
                                         source="10.0.0.2")])
    a = seq_frames(50, 1, src="10.0.0.1", dst="239.1.1.1")
    b = seq_frames(30, 2, src="10.0.0.2", dst="239.1.1.1")
    c = seq_frames(20, 3, src="10.0.0.3", dst="239.1.1.1")  # no member
    frames = primed(a, b, c)
    res = h.run("right_ports", cfg, {0: frames}, 4)
    check_clean(res)
    idx = index_inputs([frames])
    expect_streams(res, 1, {1: 50}, idx)
    expect_streams(res, 2, {1: 50}, idx)
    expect_streams(res, 3, {2: 30}, idx)
    expect_silent(res, 0)
    m = res.mfe("10.0.0.1", "239.1.1.1")
    need(m is not None, "no MFE (10.0.0.1, 239.1.1.1) in the stats file")
    need(m["iif"] == 1 and sorted(m["oifs"]) == [2, 3],
         "MFE (10.0.0.1,239.1.1.1): iif %s oifs %s, expected 1 / [2, 3]"
         % (m["iif"], m["oifs"]))
    need(m["in_pkts"] == 50, "MFE in_pkts %s, expected 50" % m["in_pkts"])
    need(m.get("out_pkts", {}).get("2") == 50 and m["out_pkts"].get("3") == 50,
         "MFE out_pkts %s, expected 50 on 2 and 3" % m.get("out_pkts"))


@scenario
def ttl_checksum(h):
    """TTL - 1 and a valid header checksum on every copy (whole copies and
    in-place for small frames, header + shared payload for large ones;
    options; several TTLs)."""
    cfg = config(std_interfaces(2), routes=[ROUTE_10],
                 memberships=[membership("239.1.1.1", ["out1", "out2"]),
                              membership("239.2.2.2", ["out1"])])
    frames = []
    specs = [  # (stream, n, kw)
        (1, 20, dict(ttl=64)),
        (2, 20, dict(ttl=2)),
        (3, 20, dict(ttl=255)),
        (4, 20, dict(ttl=128, options=b"\x94\x04\x00\x00")),   # IHL 6
        (5, 20, dict(ttl=33, payload_size=1400)),              # > FWD_COPY_MAX
        (6, 20, dict(ttl=17, payload_size=220, tos=0xB8)),
        (7, 20, dict(ttl=200, dst="239.2.2.2", payload_size=1000)),  # one oif
        (8, 20, dict(ttl=100, options=b"\x01" * 12, payload_size=300)),  # IHL 8
    ]
    lists = []
    for s, n, kw in specs:
        kw = dict(kw)
        kw.setdefault("dst", "239.1.1.1")
        lists.append(seq_frames(n, s, src="10.0.0.%d" % s, **kw))
    frames = primed(*lists)
    res = h.run("ttl_checksum", cfg, {0: frames}, 3)
    check_clean(res)
    idx = index_inputs([frames])
    both = {s: n for s, n, kw in specs if kw.get("dst") is None}
    expect_streams(res, 1, dict(list(both.items()) + [(7, 20)]), idx)
    expect_streams(res, 2, both, idx)


@scenario
def l2_rewrite(h):
    """Source MAC = the output interface's MAC (override, or the port's),
    destination MAC = 01:00:5e + low 23 bits of the group."""
    macs = {1: "02:aa:bb:cc:00:01", 2: "02:aa:bb:cc:00:02"}
    cfg = config([iface("in0", "net_pcap0", ifindex=1),
                  iface("out1", "net_pcap1", ifindex=2, mac=macs[1]),
                  iface("out2", "net_pcap2", ifindex=3, mac=macs[2]),
                  iface("out3", "net_pcap3", ifindex=4)],
                 routes=[ROUTE_10],
                 memberships=[membership("239.129.1.1", ["out1", "out2", "out3"]),
                              membership("224.200.7.9", ["out1", "out2", "out3"])])
    a = seq_frames(20, 1, dst="239.129.1.1", src_mac="02:00:00:00:11:11")
    b = seq_frames(20, 2, dst="224.200.7.9", src_mac="02:00:00:00:22:22",
                   payload_size=600)
    frames = primed(a, b)
    res = h.run("l2_rewrite", cfg, {0: frames}, 4)
    check_clean(res)
    idx = index_inputs([frames])
    want_src = {1: macs[1], 2: macs[2], 3: PCAP_MAC_PREFIX + "03"}
    for port in (1, 2, 3):
        expect_streams(res, port, {1: 20, 2: 20}, idx)
        for p in res.parsed(port):
            need(p["src_mac"] == want_src[port],
                 "port %d: source MAC %s, expected %s" % (port, p["src_mac"],
                                                         want_src[port]))
            want_dst = pg.mac_str(pg.mcast_mac(p["dst"]))
            need(p["dst_mac"] == want_dst, "port %d: dst MAC %s for %s, expected %s"
                 % (port, p["dst_mac"], p["dst"], want_dst))
            need(not p["vlans"], "port %d: untagged interface sent a tag" % port)


@scenario
def vlan_rewrite(h):
    """Untagged in -> tagged out, tagged in -> untagged out, tag A -> tag B;
    a frame on a VLAN that is no interface is dropped (drop_no_iface)."""
    cfg = config([iface("in0", "net_pcap0", ifindex=1),
                  iface("in0v100", "net_pcap0", ifindex=2, vlan=100),
                  iface("out1", "net_pcap1", ifindex=3),
                  iface("out1v200", "net_pcap1", ifindex=4, vlan=200),
                  iface("out2", "net_pcap2", ifindex=5)],
                 routes=[route("10.0.0.0/8", "in0"),
                         route("10.1.0.0/16", "in0v100")],
                 memberships=[membership("239.1.1.1", ["out1v200"]),
                              membership("239.2.2.2", ["out2"]),
                              membership("239.3.3.3", ["out1v200", "out1"])])
    a = seq_frames(20, 1, src="10.0.0.1", dst="239.1.1.1")             # untagged
    b = seq_frames(20, 2, src="10.1.0.1", dst="239.2.2.2", vlan=100)   # tagged
    c = seq_frames(20, 3, src="10.1.0.2", dst="239.3.3.3", vlan=100,
                   payload_size=500)
    d = seq_frames(7, 4, src="10.1.0.3", dst="239.1.1.1", vlan=300)    # no iface
    frames = primed(a, b, c, d)
    res = h.run("vlan_rewrite", cfg, {0: frames}, 3)
    check_clean(res)
    idx = index_inputs([frames])
    got = {}
    for p in res.parsed(1):
        vl = tuple(v[1] for v in p["vlans"])
        got.setdefault((p["stream"], vl), []).append(p["seq"])
        inp = idx[(p["stream"], p["seq"])]
        check_copy(inp, p, "port 1 stream %d" % p["stream"])
        need(all(v[0] == pg.ETH_P_8021Q for v in p["vlans"]),
             "port 1: tag with TPID other than 0x8100")
    need(sorted(got.get((1, (200,)), [])) == list(range(20)),
         "untagged -> vlan 200: %d of 20 copies tagged 200 (saw %s)"
         % (len(got.get((1, (200,)), [])), sorted(got.keys())))
    need(sorted(got.get((3, (200,)), [])) == list(range(20)),
         "vlan 100 -> vlan 200: %d of 20 (saw %s)" % (len(got.get((3, (200,)), [])),
                                                      sorted(got.keys())))
    need(sorted(got.get((3, ()), [])) == list(range(20)),
         "vlan 100 -> untagged out1: %d of 20 (saw %s)" % (len(got.get((3, ()), [])),
                                                           sorted(got.keys())))
    extra = set(got) - {(1, (200,)), (3, (200,)), (3, ())}
    need(not extra, "port 1: unexpected (stream, tags) %s" % sorted(extra))
    expect_streams(res, 2, {2: 20}, idx)
    for p in res.parsed(2):
        need(not p["vlans"], "vlan 100 -> untagged: copy on port 2 carries tags %s"
             % p["vlans"])
    expect_silent(res, 0)
    need(res.worker("drop_no_iface") == 7, "drop_no_iface %d, expected 7"
         % res.worker("drop_no_iface"))
    m = res.mfe("10.1.0.1", "239.2.2.2")
    need(m is not None and m["iif"] == 2, "MFE (10.1.0.1,239.2.2.2): %s, expected iif 2"
         % m)


@scenario
def rpf_drop(h):
    """Packets of a known (S,G) on a non-RPF interface: not forwarded,
    drop_wrong_if and the MFE's wrong_if counted."""
    cfg = config(std_interfaces(2), routes=[ROUTE_10],
                 memberships=[membership("239.1.1.1", ["out1", "out2"])])
    good = seq_frames(40, 1, src="10.0.0.1", dst="239.1.1.1")
    bad = seq_frames(20, 2, src="10.0.0.1", dst="239.1.1.1")   # arrives on out2
    # the wrong-interface copies come once the MFE exists
    res = h.run("rpf_drop", cfg, {0: good, 2: pause() + bad}, 3)
    check_clean(res)
    idx = index_inputs([good])
    expect_streams(res, 1, {1: 40}, idx)
    expect_streams(res, 2, {1: 40}, idx)
    expect_silent(res, 0)
    m = res.mfe("10.0.0.1", "239.1.1.1")
    need(m is not None, "no MFE (10.0.0.1,239.1.1.1)")
    need(m["iif"] == 1, "MFE iif %s, expected 1" % m["iif"])
    need(m["wrong_if"] == 20, "MFE wrong_if %s, expected 20" % m["wrong_if"])
    need(m["in_pkts"] == 40, "MFE in_pkts %s, expected 40 (wrong-if arrivals are "
         "not input)" % m["in_pkts"])
    dw = res.worker("drop_wrong_if")
    need(dw == 20, "drop_wrong_if %d, expected 20 (punt_wrong_if %d)"
         % (dw, res.worker("punt_wrong_if")))


@scenario
def ttl_threshold(h):
    """An output with ttl_threshold 64 gets TTL 65 but not TTL 64."""
    cfg = config(std_interfaces(2, out1={"ttl_threshold": 64}),
                 routes=[ROUTE_10],
                 memberships=[membership("239.1.1.1", ["out1", "out2"])])
    a = seq_frames(15, 1, src="10.0.0.1", ttl=64)
    b = seq_frames(15, 2, src="10.0.0.2", ttl=65)
    c = seq_frames(10, 3, src="10.0.0.3", ttl=2)
    d = seq_frames(10, 4, src="10.0.0.4", ttl=200)
    frames = primed(a, b, c, d)
    res = h.run("ttl_threshold", cfg, {0: frames}, 3)
    check_clean(res)
    idx = index_inputs([frames])
    expect_streams(res, 1, {2: 15, 4: 10}, idx)
    expect_streams(res, 2, {1: 15, 2: 15, 3: 10, 4: 10}, idx)


@scenario
def link_local(h):
    """224.0.0.0/24 is never forwarded (no MFE either); each frame is punted
    and counted as punt_linklocal; other traffic flows meanwhile."""
    cfg = config(std_interfaces(2), routes=[ROUTE_10],
                 memberships=[membership("239.1.1.1", ["out1", "out2"])])
    ll = []
    for i, g in enumerate(["224.0.0.5", "224.0.0.6", "224.0.0.251",
                           "224.0.0.255", "224.0.0.9"]):
        ll += seq_frames(4, 10 + i, src="10.0.0.%d" % (i + 1), dst=g)
    good = seq_frames(20, 1, src="10.0.0.1", dst="239.1.1.1")
    frames = interleave(ll, good)
    res = h.run("link_local", cfg, {0: frames}, 3)
    check_clean(res)
    idx = index_inputs([frames])
    expect_streams(res, 1, {1: 20}, idx)
    expect_streams(res, 2, {1: 20}, idx)
    expect_silent(res, 0)
    n = len(ll)
    need(res.worker("punt_linklocal") == n, "punt_linklocal %d, expected %d"
         % (res.worker("punt_linklocal"), n))
    need(res.control("linklocal") == n, "control.linklocal %d, expected %d"
         % (res.control("linklocal"), n))
    for m in res.stats.get("mfes", []):
        need(not m["group"].startswith("224.0.0."),
             "an MFE was created for link-local %s" % m["group"])


@scenario
def igmp_punt(h):
    """IGMP (v2 reports and leave, v3 report, query; also to a group that has
    members) is punted and counted, never forwarded."""
    cfg = config(std_interfaces(2), routes=[ROUTE_10],
                 memberships=[membership("239.1.1.1", ["out1", "out2"])])
    ig = [pg.igmp_frame("239.1.1.1") for _ in range(4)]
    ig += [pg.igmp_frame("239.5.5.5", src="10.0.0.77")]
    ig += [pg.igmp_frame("239.1.1.1", msg_type=0x17) for _ in range(2)]
    ig += [pg.igmp_frame("239.1.1.1", msg_type=0x22,
                         records=[(4, "239.1.1.1", []), (1, "239.2.2.2", ["10.0.0.1"])])
           for _ in range(3)]
    ig += [pg.igmp_frame("0.0.0.0", msg_type=0x11)]
    good = seq_frames(20, 1)
    frames = interleave(ig, good)
    res = h.run("igmp_punt", cfg, {0: frames}, 3)
    check_clean(res)
    idx = index_inputs([frames])
    expect_streams(res, 1, {1: 20}, idx)
    expect_streams(res, 2, {1: 20}, idx)
    n = len(ig)
    need(res.worker("punt_igmp") == n, "punt_igmp %d, expected %d"
         % (res.worker("punt_igmp"), n))
    need(res.control("igmp") == n, "control.igmp %d, expected %d"
         % (res.control("igmp"), n))


# bad= knob -> the counters it may land in (the first one is the obvious one)
MALFORMED = [
    ("short", 3, ["drop_short"]),
    ("short_eth", 3, ["drop_short"]),
    ("version", 3, ["drop_bad_version"]),
    ("ihl", 3, ["drop_bad_ihl"]),
    ("ihl_big", 3, ["drop_bad_ihl", "drop_short", "drop_bad_len"]),
    ("totlen_big", 3, ["drop_bad_len"]),
    ("totlen_small", 3, ["drop_bad_len", "drop_bad_ihl"]),
    ("csum", 3, ["drop_bad_csum"]),
    ("ttl0", 3, ["drop_ttl"]),
    ("ttl1", 3, ["drop_ttl"]),
    ("ethertype", 3, ["drop_not_ipv4"]),
    ("arp", 3, ["drop_not_ipv4"]),
    ("unicast", 3, ["drop_not_mcast"]),
    ("broadcast", 3, ["drop_not_mcast"]),
    ("qinq", 3, ["drop_not_ipv4", "drop_no_iface"]),
]


@scenario
def malformed(h):
    """Each malformed frame lands in its drop counter, none is forwarded, and
    good packets before and after are all forwarded."""
    cfg = config(std_interfaces(2), routes=[ROUTE_10],
                 memberships=[membership("239.1.1.1", ["out1", "out2"])])
    bad = []
    for knob, n, _ in MALFORMED:
        for i in range(n):
            bad.append(pg.udp_frame(bad=knob, src="10.0.0.1", dst="239.1.1.1",
                                    seq=1000 + i, stream=99))
    before = seq_frames(40, 1)[:10]
    after = seq_frames(40, 1)[10:]
    frames = before + bad + after
    res = h.run("malformed", cfg, {0: frames}, 3)
    check_clean(res)
    idx = index_inputs([before + after])
    expect_streams(res, 1, {1: 40}, idx)
    expect_streams(res, 2, {1: 40}, idx)
    w = res.fwd()
    total = sum(n for _, n, _ in MALFORMED)
    counted = sum(w.get(c, 0) for c in DROP_COUNTERS)
    probs = []
    for c in DROP_COUNTERS:
        lo = sum(n for _, n, cs in MALFORMED if cs == [c])
        hi = sum(n for _, n, cs in MALFORMED if c in cs)
        if not lo <= w.get(c, 0) <= hi:
            probs.append("%s=%d (expected %s)" % (c, w.get(c, 0),
                                                  lo if lo == hi else "%d..%d" % (lo, hi)))
    need(counted == total and not probs,
         "malformed drops: %d counted of %d sent; %s" % (
             counted, total, ", ".join(probs) or "per-counter ok"))
    ip = res.stats["ports"]["net_pcap0"]["ipackets"]
    need(ip == len(frames), "net_pcap0 ipackets %d, expected %d" % (ip, len(frames)))


@scenario
def star_g_fallback(h):
    """A static (*,G) mroute forwards any source, without punting."""
    cfg = config(std_interfaces(3),
                 mroutes=[mroute("239.5.5.5", "in0", ["out1", "out3"])])
    a = seq_frames(15, 1, src="10.0.0.1", dst="239.5.5.5")
    b = seq_frames(15, 2, src="10.0.0.2", dst="239.5.5.5")
    c = seq_frames(15, 3, src="192.168.7.7", dst="239.5.5.5")
    frames = interleave(a, b, c)
    res = h.run("star_g_fallback", cfg, {0: frames}, 4)
    check_clean(res)
    idx = index_inputs([frames])
    expect_streams(res, 1, {1: 15, 2: 15, 3: 15}, idx)
    expect_streams(res, 3, {1: 15, 2: 15, 3: 15}, idx)
    expect_silent(res, 2)
    expect_silent(res, 0)
    need(res.worker("punt_miss") == 0, "punt_miss %d: (*,G) hits must not punt"
         % res.worker("punt_miss"))


@scenario
def churn_stable_flows(h):
    """While the control thread republishes 50k entries/s (--churn-rate),
    stable flows through static mroutes lose nothing and go nowhere else:
    the fast path follows publications without disturbing other entries."""
    cfg = config(std_interfaces(3),
                 mroutes=[mroute("239.6.6.6", "in0", ["out1"], source="10.0.0.1"),
                          mroute("239.6.6.7", "in0", ["out2", "out3"],
                                 source="10.0.0.2")],
                 limits=base_limits(max_entries=8192))
    a = seq_frames(400, 1, src="10.0.0.1", dst="239.6.6.6")
    b = seq_frames(400, 2, src="10.0.0.2", dst="239.6.6.7")
    frames = interleave(a, b)
    res = h.run("churn_stable_flows", cfg, {0: frames}, 4,
                app_args=["--churn-rate", "50000", "--churn-entries", "2000"])
    check_clean(res)
    idx = index_inputs([frames])
    expect_streams(res, 1, {1: 400}, idx)
    expect_streams(res, 2, {2: 400}, idx)
    expect_streams(res, 3, {2: 400}, idx)
    expect_silent(res, 0)
    ctl = res.stats.get("control", {})
    need(ctl.get("churn_updates", 0) >= 10000 and ctl.get("churn_errors") == 0,
         "churn: %s updates, %s errors; expected >= 10000 and 0"
         % (ctl.get("churn_updates"), ctl.get("churn_errors")))


@scenario
def data_driven(h):
    """(*,G) membership + route: the first packet of each source creates
    its (S,G) MFE (iif from the route, oifs from the members); every
    input packet is forwarded, the punted first ones included."""
    cfg = config(std_interfaces(3), routes=[ROUTE_10],
                 memberships=[membership("239.1.1.1", ["out1", "out2"])])
    a = seq_frames(100, 1, src="10.0.0.1")
    b = seq_frames(100, 2, src="10.0.0.2")
    frames = primed(a, b)
    res = h.run("data_driven", cfg, {0: frames}, 4)
    check_clean(res)
    idx = index_inputs([frames])
    expect_streams(res, 1, {1: 100, 2: 100}, idx)
    expect_streams(res, 2, {1: 100, 2: 100}, idx)
    expect_silent(res, 3)
    for s in ("10.0.0.1", "10.0.0.2"):
        m = res.mfe(s, "239.1.1.1")
        need(m is not None, "no MFE (%s,239.1.1.1); mfes: %s" % (
            s, [(x["source"], x["group"]) for x in res.stats["mfes"]]))
        need(m["iif"] == 1 and sorted(m["oifs"]) == [2, 3],
             "MFE (%s,239.1.1.1): iif %s oifs %s, expected 1 / [2, 3]"
             % (s, m["iif"], m["oifs"]))
        need(m["in_pkts"] == 100, "MFE (%s,239.1.1.1) in_pkts %s, expected 100"
             % (s, m["in_pkts"]))
        need(m["out_pkts"].get("2") == 100 and m["out_pkts"].get("3") == 100,
             "MFE (%s,239.1.1.1) out_pkts %s" % (s, m["out_pkts"]))
    need(res.control("mfes_created") >= 2, "mfes_created %d" % res.control("mfes_created"))
    need(res.worker("punt_miss") >= 2, "punt_miss %d" % res.worker("punt_miss"))
    # after the pause the worker itself forwards (tx queue 0; the control
    # thread sends on the last queue)
    pm = res.worker("punt_miss")
    need(pm < 200, "punt_miss %d: the worker never hit the new entries" % pm)
    for port in (1, 2):
        n0 = len(res.out_q[port][0] or [])
        need(n0 >= 150, "port %d: worker sent %d of 200 (rest by the control "
             "thread): new entries not used by the fast path" % (port, n0))
    need(res.worker("drop_miss") == 0, "drop_miss %d" % res.worker("drop_miss"))


@scenario
def negative_mfe(h):
    """A source with a route but no member: MFE with no oifs, every packet
    dropped as negative."""
    cfg = config(std_interfaces(2), routes=[ROUTE_10],
                 memberships=[membership("239.1.1.1", ["out1"])])
    frames = primed(seq_frames(30, 1, src="10.0.0.1", dst="239.7.7.7"))
    res = h.run("negative_mfe", cfg, {0: frames}, 3)
    check_clean(res)
    for port in range(3):
        expect_silent(res, port)
    m = res.mfe("10.0.0.1", "239.7.7.7")
    need(m is not None, "no MFE (10.0.0.1,239.7.7.7)")
    need(m["oifs"] == [] and m["iif"] == 1, "MFE iif %s oifs %s, expected 1 / []"
         % (m["iif"], m["oifs"]))
    need(m["negative"] == 30, "MFE negative %s, expected 30" % m["negative"])
    need(res.worker("drop_negative") == 30, "drop_negative %d, expected 30"
         % res.worker("drop_negative"))
    need(res.control("negative_mfes") >= 1, "control.negative_mfes %s"
         % res.control("negative_mfes"))


@scenario
def mfe_expiry(h):
    """limits.mfe_timeout 1: the MFE is gone ~3 s after the traffic."""
    cfg = config(std_interfaces(2), routes=[ROUTE_10],
                 memberships=[membership("239.1.1.1", ["out1", "out2"])],
                 limits=base_limits(mfe_timeout=1))
    frames = seq_frames(20, 1, src="10.0.0.1")
    res = h.run("mfe_expiry", cfg, {0: frames}, 3, hold=3.0)
    check_clean(res)
    idx = index_inputs([frames])
    expect_streams(res, 1, {1: 20}, idx)
    expect_streams(res, 2, {1: 20}, idx)
    need(res.control("mfes_created") >= 1, "mfes_created %d"
         % res.control("mfes_created"))
    need(res.control("mfes_expired") >= 1, "mfes_expired %d, expected >= 1"
         % res.control("mfes_expired"))
    need(res.mfe("10.0.0.1", "239.1.1.1") is None,
         "MFE (10.0.0.1,239.1.1.1) still present: %s" % res.mfe("10.0.0.1", "239.1.1.1"))


@scenario
def two_workers(h):
    """Two workers, input port with 2 rx queues: both queues' packets are
    forwarded, each worker on its own tx queue."""
    cfg = config(std_interfaces(2), routes=[ROUTE_10],
                 memberships=[membership("239.1.1.1", ["out1", "out2"])])
    qa = seq_frames(200, 1, src="10.0.0.1")
    qb = seq_frames(200, 2, src="10.0.0.2")
    res = h.run("two_workers", cfg, {0: [primed(qa), primed(qb)]}, 3, workers=2)
    check_clean(res)
    idx = index_inputs([qa, qb])
    for port in (1, 2):
        expect_streams(res, port, {1: 200, 2: 200}, idx)
        qs = res.out_q[port]
        need(len(qs) == 3 and all(q is not None for q in qs),
             "port %d: expected 3 tx queue files" % port)
        per_q = []
        for q in qs:
            st = {}
            for p in (pg.parse_frame(f) for f in q):
                st[p["stream"]] = st.get(p["stream"], 0) + 1
            per_q.append(st)
        # worker k transmits on tx queue k; queue 2 is the control thread
        need(sum(per_q[0].values()) > 0 and sum(per_q[1].values()) > 0,
             "port %d: tx queue use %s: both workers should have sent" % (port, per_q))
    m = {s: res.mfe(s, "239.1.1.1") for s in ("10.0.0.1", "10.0.0.2")}
    for s, e in m.items():
        need(e is not None and e["in_pkts"] == 200, "MFE (%s,239.1.1.1): %s" % (s, e))


@scenario
def mtu_fragments(h):
    """An output with MTU 576: larger packets are not sent there (no
    fragmentation; DF or not), smaller ones are; IPv4 fragments are
    forwarded like any packet."""
    cfg = config(std_interfaces(2, out1={"mtu": 576}), routes=[ROUTE_10],
                 memberships=[membership("239.1.1.1", ["out1", "out2"])])
    small = seq_frames(10, 1, src="10.0.0.1", payload_size=548)  # total length 576: fits
    big_df = seq_frames(10, 2, src="10.0.0.2", payload_size=1000)
    big = seq_frames(10, 3, src="10.0.0.3", payload_size=1000, flags_frag=0)
    frag_first = seq_frames(10, 4, src="10.0.0.4", payload_size=200,
                            flags_frag=0x2000)                   # MF, offset 0
    frag_mid = [pg.udp_frame(src="10.0.0.5", seq=i, stream=5, payload_size=200,
                             flags_frag=0x2000 | 185) for i in range(10)]
    frames = primed(small, big_df, big, frag_first, frag_mid)
    res = h.run("mtu_fragments", cfg, {0: frames}, 3)
    check_clean(res)
    idx = index_inputs([frames])
    expect_streams(res, 1, {1: 10, 4: 10, 5: 10}, idx)
    expect_streams(res, 2, {1: 10, 2: 10, 3: 10, 4: 10, 5: 10}, idx)
    need(res.worker("drop_fragment") == 0, "drop_fragment %d: fragments must be "
         "forwarded" % res.worker("drop_fragment"))


BAD_CONFIGS = [
    # (label, config text, expected substring of stderr)
    ("vlan range", json.dumps(config([iface("in0", "net_pcap0", vlan=5000),
                                      iface("out1", "net_pcap1")])),
     "$.interfaces[0].vlan"),
    ("unknown key", json.dumps(dict(config(std_interfaces(1)),
                                    limits={"punt_rat": 5})),
     "$.limits.punt_rat"),
    ("bad group", json.dumps(config(std_interfaces(1), routes=[ROUTE_10],
                                    memberships=[membership("10.1.1.1", ["out1"])])),
     "$.memberships[0].group"),
    ("unknown interface", json.dumps(config(std_interfaces(1), routes=[ROUTE_10],
                                            memberships=[membership("239.1.1.1",
                                                                    ["out9"])])),
     "$.memberships[0].interfaces[0]"),
    ("syntax", '{"interfaces": [ {"name": "in0", "port": "net_pcap0"}, ]',
     "config"),
]


@scenario
def bad_config(h):
    """Invalid configurations: non-zero exit, the JSON path on stderr, no
    output pcap written (nothing is configured)."""
    probs = []
    for label, text, want in BAD_CONFIGS:
        res = h.run("bad_config", None, {}, 2, config_text=text, expect_start=False)
        written = [p for fs in res.tx_files.values() for p in fs if os.path.exists(p)]
        if res.rc in (0, None) or res.rc < 0:
            probs.append("%s: exit status %s" % (label, res.rc))
        elif want not in res.stderr:
            probs.append("%s: stderr lacks %r: %s" % (label, want, res.stderr.strip()[:200]))
        elif written:
            probs.append("%s: output pcap written (%s)" % (label, os.path.basename(written[0])))
        elif res.elapsed > 10:
            probs.append("%s: took %.1f s to fail" % (label, res.elapsed))
    need(not probs, "; ".join(probs))


@scenario
def missing_port(h):
    """A config naming a port no --vdev created: non-zero exit, a message
    naming the port, no port configured, nothing sent."""
    cfg = config([iface("in0", "net_pcap0"), iface("out1", "net_pcap1"),
                  iface("out7", "net_pcap7")],
                 routes=[ROUTE_10],
                 memberships=[membership("239.1.1.1", ["out1", "out7"])])
    res = h.run("missing_port", cfg, {0: seq_frames(10, 1)}, 2, expect_start=False)
    need(res.rc not in (0, None) and res.rc > 0,
         "exit status %s (expected a non-zero exit)" % res.rc)
    need("net_pcap7" in res.stderr + res.stdout and
         "not found" in (res.stderr + res.stdout),
         "no clear message naming net_pcap7: %s" % res.tail(4))
    for port, frames in res.out.items():
        need(not frames, "port %d sent %d frame(s)" % (port, len(frames)))
    need(res.elapsed < 10, "took %.1f s to fail" % res.elapsed)


# ---------------------------------------------------------------------------

def default_binary():
    env = os.environ.get("MCASTFWD_BIN")
    if env:
        return env
    return os.path.join(REPO, "build", "app", "mcastfwd", "mcastfwd")


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("binary_pos", nargs="?", help="mcastfwd binary")
    ap.add_argument("--binary", help="mcastfwd binary")
    ap.add_argument("-k", action="append", default=[],
                    help="run only scenarios whose name contains this")
    ap.add_argument("--keep", action="store_true", help="keep temp dirs")
    ap.add_argument("--keep-failed", action="store_true",
                    help="keep the temp dirs of failed scenarios")
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("--list", action="store_true", help="list scenarios")
    args = ap.parse_args(argv)
    if args.list:
        for fn in SCENARIOS:
            print("%-16s %s" % (fn.__name__, (fn.__doc__ or "").split("\n")[0]))
        return 0
    binary = args.binary or args.binary_pos or default_binary()
    binary = os.path.abspath(binary)
    sel = [fn for fn in SCENARIOS
           if not args.k or any(k in fn.__name__ for k in args.k)]
    passed = failed = 0
    if not os.access(binary, os.X_OK):
        print("FAIL setup: no executable mcastfwd at %s (build it, or pass "
              "--binary / set MCASTFWD_BIN)" % binary)
        print("0 passed, 1 failed")
        return 1
    h = Harness(binary, keep=args.keep, verbose=args.verbose,
                keep_failed=args.keep_failed)
    for fn in sel:
        t0 = time.monotonic()
        try:
            fn(h)
        except ScenarioFail as e:
            failed += 1
            print("FAIL %s: %s" % (fn.__name__, e))
            for line in h.scenario_done(False):
                print("    " + line)
        except Exception as e:  # a harness bug is a failure too
            failed += 1
            print("FAIL %s: harness error %s: %s" % (fn.__name__, type(e).__name__, e))
            if args.verbose:
                traceback.print_exc()
            for line in h.scenario_done(False):
                print("    " + line)
        else:
            passed += 1
            h.scenario_done(True)
            print("PASS %s" % fn.__name__ +
                  (" (%.1f s)" % (time.monotonic() - t0) if args.verbose else ""))
        sys.stdout.flush()
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
