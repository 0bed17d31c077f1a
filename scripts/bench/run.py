#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""mcastfwd forwarding benchmark: testpmd io, DPDK's ipv4_multicast and
mcastfwd, one after the other in one invocation, on the same worker core.

    scripts/bench/run.py --quick              # the smoke subset (~3 min)
    scripts/bench/run.py --full               # every case (~1 h)
    scripts/bench/run.py --full --cases 'fanout|table'   # regex on case ids
    scripts/bench/run.py --list --full        # print the case ids only

Input: net_pcap with infinite_rx=1 replaying a generated pcap (<= 4096
frames); outputs: net_null with no-rx=1.  Rates are read from outside the
process through DPDK telemetry (/ethdev/stats) over fixed windows; the
worker core is checked for other busy threads.  See doc/benchmark.md.
"""

import argparse
import datetime
import json
import os
import platform
import re
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import gen  # noqa: E402
import sysmon  # noqa: E402
import telemetry  # noqa: E402

PEER_SRC = "/usr/share/dpdk/examples/ipv4_multicast"
TESTPMD = "dpdk-testpmd"
HUGE_MNT = "/dev/hugepages"

# ---------------------------------------------------------------------------
# the case matrix

FANOUTS = [1, 2, 4, 8, 16]
SIZES = [64, 512, 1500]
TABLES = [1000, 100000, 1000000]
CHURN_RATES = [10000, 100000, 1000000]
PEER_FANOUTS = [1, 2, 3, 4]  # ipv4_multicast's table reaches 4 ports


def case_list(full):
    """Every case as a dict; 'id' is what --cases matches."""
    cs = []
    sizes = SIZES if full else [64]
    for s in sizes:
        cs.append({"id": "io-s%d" % s, "app": "testpmd", "fanout": 1,
                   "size": s})
    for ops in ("default", "stack"):
        for s in sizes:
            for f in (PEER_FANOUTS if full else [1, 2, 4]):
                cs.append({"id": "peer-%s-f%d-s%d" % (ops, f, s),
                           "app": "ipv4_multicast", "ops": ops, "fanout": f,
                           "size": s})
    seen = set()

    def mf(group, f, s, t, **kw):
        cid = "mcastfwd-f%d-s%d-t%s" % (f, s, _k(t))
        if kw.get("churn"):
            cid += "-u%s" % _k(kw["churn"])
        if kw.get("workers", 1) > 1:
            cid += "-w%d" % kw["workers"]
        c = {"id": cid, "app": "mcastfwd", "fanout": f, "size": s,
             "table": t, "groups": [group]}
        c.update(kw)
        for old in cs:
            if old["id"] == cid:
                old["groups"].append(group)
                return
        seen.add(cid)
        cs.append(c)

    for f in (FANOUTS if full else [1, 2, 4]):
        mf("fanout", f, 64, 1000)
    if full:
        for s in SIZES:
            for f in (1, 4):
                mf("size", f, s, 1000)
        for t in TABLES:
            mf("table", 1, 64, t)
        for r in CHURN_RATES:
            mf("churn", 1, 64, 1000, churn=r)
        # 1 vs 2 workers: the one-worker figures are the fanout cases
        for f in (1, 4):
            mf("workers", f, 64, 1000, workers=2)
        cs.append({"id": "learn", "app": "mcastfwd-learn", "fanout": 1,
                   "size": 64, "flows": 131072, "groups": ["learn"]})
    return cs


def _k(n):
    if n >= 1000000 and n % 1000000 == 0:
        return "%dM" % (n // 1000000)
    if n >= 1000 and n % 1000 == 0:
        return "%dk" % (n // 1000)
    return str(n)


# ---------------------------------------------------------------------------
# environment: memory, peer build, binaries


class Env:
    def __init__(self, args):
        self.args = args
        self.work = args.work
        os.makedirs(self.work, exist_ok=True)
        self.huge_restore = None
        self.mem_mode = None
        self.peer_bin = None
        self.peer_patch = None
        self.mcastfwd = args.mcastfwd
        self.churn_supported = False
        self.commands = []

    # hugepages -------------------------------------------------------------
    def setup_memory(self):
        want = self.args.hugepages
        info = _meminfo()
        if want == 0:
            self.mem_mode = "no-huge"
            return
        if info.get("HugePages_Total", 0) < want and os.geteuid() == 0:
            with open("/proc/sys/vm/nr_hugepages") as f:
                old = int(f.read())
            with open("/proc/sys/vm/nr_hugepages", "w") as f:
                f.write(str(want))
            self.huge_restore = old
            info = _meminfo()
            log("hugepages: %d -> %d (2 MiB pages; restored at exit)"
                % (old, info.get("HugePages_Total", 0)))
        if not os.path.ismount(HUGE_MNT) and os.geteuid() == 0 \
                and info.get("HugePages_Total", 0) > 0:
            os.makedirs(HUGE_MNT, exist_ok=True)
            subprocess.run(["mount", "-t", "hugetlbfs", "nodev", HUGE_MNT],
                           check=False)
        free = info.get("HugePages_Free", 0)
        if free >= 256 and os.path.ismount(HUGE_MNT):
            self.mem_mode = "hugepages"
        else:
            self.mem_mode = "no-huge"
            log("no usable hugepages (free %d): running with --no-huge; "
                "figures are lower than with hugepages" % free)

    def restore_memory(self):
        if self.huge_restore is not None and not self.args.keep_hugepages:
            with open("/proc/sys/vm/nr_hugepages", "w") as f:
                f.write(str(self.huge_restore))
            log("hugepages restored to %d" % self.huge_restore)

    def eal_mem(self, prefix, big=False):
        if self.mem_mode == "hugepages":
            return ["--file-prefix", prefix, "--huge-unlink"]
        return ["--file-prefix", prefix, "--no-huge", "-m",
                "3072" if big else "1024"]

    # the peer --------------------------------------------------------------
    def build_peer(self):
        """Copy DPDK's ipv4_multicast example and apply the configuration-
        only patch: mask the requested tx offloads (MULTI_SEGS) with what
        the port can do, since net_null/net_pcap do not advertise
        MULTI_SEGS and rte_eth_dev_configure() refuses the port otherwise.
        The data path (mcast_forward, mcast_out_pkt, mcast_send_pkt,
        main_loop) is not touched."""
        src = os.path.join(PEER_SRC, "main.c")
        if not os.path.exists(src):
            raise SystemExit("%s missing: apt-get install dpdk-doc" % src)
        d = os.path.join(self.work, "ipv4_multicast")
        shutil.rmtree(d, ignore_errors=True)
        shutil.copytree(PEER_SRC, d)
        text = open(os.path.join(d, "main.c")).read()
        anchor = ("\t\tlocal_port_conf.rxmode.mtu = RTE_MIN(\n"
                  "\t\t    dev_info.max_mtu,\n"
                  "\t\t    local_port_conf.rxmode.mtu);\n")
        add = ("\t\t/* bench: vdevs lack MULTI_SEGS; ask only for what "
               "the port has */\n"
               "\t\tlocal_port_conf.txmode.offloads &= "
               "dev_info.tx_offload_capa;\n")
        if text.count(anchor) != 1:
            raise SystemExit("ipv4_multicast/main.c: patch anchor not found "
                             "(DPDK version changed?)")
        with open(os.path.join(d, "main.c"), "w") as f:
            f.write(text.replace(anchor, anchor + add))
        diff = subprocess.run(["diff", "-u", src, os.path.join(d, "main.c")],
                              capture_output=True, text=True).stdout
        self.peer_patch = diff
        with open(os.path.join(self.work, "ipv4_multicast.patch"), "w") as f:
            f.write(diff)
        cflags = subprocess.run(["pkg-config", "--cflags", "libdpdk"],
                                capture_output=True, text=True,
                                check=True).stdout.split()
        libs = subprocess.run(["pkg-config", "--libs", "libdpdk"],
                              capture_output=True, text=True,
                              check=True).stdout.split()
        cmd = (["cc", "-O3"] + cflags + ["-DALLOW_EXPERIMENTAL_API",
                                         os.path.join(d, "main.c"), "-o",
                                         os.path.join(d, "ipv4_multicast")]
               + libs)
        subprocess.run(cmd, check=True)
        self.peer_bin = os.path.join(d, "ipv4_multicast")
        self.commands.append({"build ipv4_multicast": " ".join(cmd)})

    def check_mcastfwd(self):
        if not os.access(self.mcastfwd, os.X_OK):
            raise SystemExit(
                "%s not found; build it:\n  meson setup build-perf "
                "-Dbuildtype=release -Dfuzz=false -Dtests=false && ninja -C "
                "build-perf" % self.mcastfwd)
        h = subprocess.run([self.mcastfwd, "--", "--help"],
                           capture_output=True, text=True).stdout
        self.churn_supported = "--churn-rate" in h


def _meminfo():
    out = {}
    for line in open("/proc/meminfo"):
        k, v = line.split(":", 1)
        if k.startswith("HugePages_"):
            out[k] = int(v.split()[0])
    return out


def log(msg):
    print(msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------
# running one process and measuring it


ALL_CPUS = set(range(os.cpu_count() or 1))


def _all_cpus():
    # the driver pins itself to the control CPU; its children get every
    # CPU back and EAL pins each lcore itself
    os.sched_setaffinity(0, ALL_CPUS)
    # a driver started in the background inherits SIGINT ignored
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class Proc:
    def __init__(self, argv, logpath, stdin_pipe=False):
        self.argv = argv
        self.logf = open(logpath, "w")
        self.logpath = logpath
        self.p = subprocess.Popen(
            argv, stdout=self.logf, stderr=subprocess.STDOUT,
            stdin=subprocess.PIPE if stdin_pipe else subprocess.DEVNULL,
            start_new_session=True, preexec_fn=_all_cpus)
        self.t_start = time.monotonic()
        self.stop_signal = signal.SIGINT

    def alive(self):
        return self.p.poll() is None

    def stop(self, timeout=60):
        if self.alive():
            # ipv4_multicast has no handler and loops forever: SIGTERM;
            # testpmd and mcastfwd stop cleanly on SIGINT
            self.p.send_signal(self.stop_signal)
            try:
                self.p.wait(timeout)
            except subprocess.TimeoutExpired:
                log("  (pid %d ignored SIGINT, killing)" % self.p.pid)
                self.p.kill()
                self.p.wait()
        self.logf.close()
        return self.p.returncode

    def tail(self, n=15):
        try:
            return "".join(open(self.logpath).readlines()[-n:])
        except OSError:
            return ""


def wait_idle(cpu, limit, threshold=0.10):
    """Wait (up to @limit s) until @cpu is < @threshold busy; returns the
    last busy fraction seen."""
    t0 = time.monotonic()
    busy = sysmon.cpu_busy(cpu, 1.0)
    while busy >= threshold and time.monotonic() - t0 < limit:
        busy = sysmon.cpu_busy(cpu, 1.0)
    return round(busy, 3)


def connect(proc, prefix, timeout):
    t0 = time.monotonic()
    last = None
    while time.monotonic() - t0 < timeout:
        if not proc.alive():
            raise RuntimeError("exited (%s):\n%s" % (proc.p.returncode,
                                                     proc.tail()))
        try:
            return telemetry.Telemetry(prefix, timeout=0.5)
        except OSError as e:
            last = e
            time.sleep(0.2)
    raise RuntimeError("no telemetry after %d s: %s" % (timeout, last))


def port_sum(stats, ports, key):
    for p in ports:
        if not isinstance(stats.get(p), dict):
            raise RuntimeError("telemetry has no stats for port %d (the "
                               "program stopped?)" % p)
    return sum(stats[p][key] for p in ports)


def measure(proc, tel, in_ports, out_ports, args, extra=None):
    """Warm up, then args.runs windows of args.duration s each."""
    pid = proc.p.pid
    # wait until the input moves (start-up with a big table takes a while)
    t0 = time.monotonic()
    base = port_sum(tel.all_stats(in_ports), in_ports, "ipackets")
    while True:
        time.sleep(0.2)
        now = port_sum(tel.all_stats(in_ports), in_ports, "ipackets")
        if now > base:
            break
        if time.monotonic() - t0 > args.start_timeout:
            raise RuntimeError("input port not receiving after %d s"
                               % args.start_timeout)
    start_s = round(time.monotonic() - proc.t_start, 2)
    time.sleep(args.warmup)
    worker = sysmon.find_worker(pid, args.cpu)
    windows = []
    for _ in range(args.runs):
        w = {}
        snap0 = sysmon.snapshot()
        e0 = extra.begin() if extra else None
        s0 = tel.all_stats(in_ports + out_ports)
        t_0 = time.monotonic()
        mons = []
        prev = snap0
        deadline = t_0 + args.duration
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            time.sleep(min(1.0, left))
            cur = sysmon.snapshot()
            mons.append(sysmon.compare(prev, cur, args.cpu, {pid}, worker))
            prev = cur
        s1 = tel.all_stats(in_ports + out_ports)
        t_1 = time.monotonic()
        dt = t_1 - t_0
        d = {k: port_sum(s1, in_ports, k) - port_sum(s0, in_ports, k)
             for k in ("ipackets", "imissed", "rx_nombuf", "ierrors")}
        o = {k: port_sum(s1, out_ports, k) - port_sum(s0, out_ports, k)
             for k in ("opackets", "oerrors")}
        w["seconds"] = round(dt, 3)
        w["in_mpps"] = round(d["ipackets"] / dt / 1e6, 3)
        w["out_mpps"] = round(o["opackets"] / dt / 1e6, 3)
        w["in_pkts"] = d["ipackets"]
        w["out_pkts"] = o["opackets"]
        w["rx_nombuf"] = d["rx_nombuf"]
        w["oerrors"] = o["oerrors"]
        if extra:
            w.update(extra.end(e0, dt))
        # the core check
        shares = [m["worker_share"] for m in mons
                  if m["worker_share"] is not None]
        fg = {}
        for m in mons:
            for f in m["foreign"]:
                k = "%s[%d]" % (f["comm"], f["pid"])
                fg[k] = round(fg.get(k, 0) + f["cpu_s"], 2)
        w["worker_share"] = round(min(shares), 3) if shares else None
        w["foreign_cpu_s"] = round(sum(fg.values()), 2)
        w["foreign"] = dict(sorted(fg.items(), key=lambda x: -x[1])[:5])
        w["steal"] = max((m.get("steal", 0) for m in mons), default=0)
        w["shared"] = bool(
            (w["worker_share"] is not None and w["worker_share"] < 0.95)
            or w["foreign_cpu_s"] > 0.05 * dt or w["steal"] > 0.02)
        windows.append(w)
        log("    window: in %.2f Mpps out %.2f Mpps  worker %.0f%% of "
            "CPU%d, foreign %.2f cpu-s%s" % (
                w["in_mpps"], w["out_mpps"],
                100 * (w["worker_share"] or 0), args.cpu,
                w["foreign_cpu_s"], "  SHARED" if w["shared"] else ""))
    return windows, start_s


def summarise(windows):
    r = {}
    for k in ("in_mpps", "out_mpps"):
        r[k] = round(statistics.median(w[k] for w in windows), 3)
    clean = [w for w in windows if not w["shared"]]
    r["shared_windows"] = len(windows) - len(clean)
    if clean:
        for k in ("in_mpps", "out_mpps"):
            r[k + "_clean"] = round(statistics.median(w[k] for w in clean),
                                    3)
    return r


# ---------------------------------------------------------------------------
# the three programs


def vdev_null(k):
    return ["--vdev", "net_null%d,no-rx=1" % k]


def run_testpmd(env, c, pcap):
    a = env.args
    prefix = "bench_tp_%d" % os.getpid()
    argv = ([TESTPMD, "-l", "%d,%d" % (a.ctl_cpu, a.cpu)]
            + env.eal_mem(prefix) + ["--no-pci",
            "--vdev", "net_pcap0,rx_pcap=%s,infinite_rx=1" % pcap]
            + vdev_null(0)
            + ["--", "--forward-mode=io", "--nb-cores=1", "--rxq=1",
               "--txq=1", "--rxd=1024", "--txd=1024", "--burst=32",
               "--total-num-mbufs=16383", "--mbcache=256"])
    return argv, [0], [1], True


def run_peer(env, c, pcap):
    a = env.args
    f = c["fanout"]
    prefix = "bench_ipm_%d" % os.getpid()
    argv = [env.peer_bin, "-l", str(a.cpu)] + env.eal_mem(prefix)
    if c["ops"] == "stack":
        argv += ["--mbuf-pool-ops-name", "stack"]
    argv += ["--no-pci"]
    for k in range(f):
        argv += vdev_null(k)
    argv += ["--vdev", "net_pcap0,rx_pcap=%s,infinite_rx=1" % pcap]
    # ports 0..f-1 are the outputs, port f the input; all polled (-q)
    argv += ["--", "-p", "%x" % ((1 << (f + 1)) - 1), "-q", str(f + 1)]
    return argv, [f], list(range(f)), False


def mcastfwd_argv(env, c, pcap, cfg, prefix, infinite=True, extra=()):
    """One worker: lcore = CPU --cpu.  Two workers: lcore 1 on --cpu and
    lcore 2 on --ctl-cpu beside the control thread (the machine has two
    cores), each polling its own queue of the pcap port."""
    a = env.args
    nw = c.get("workers", 1)
    if nw == 1:
        lc = ["-l", "%d,%d" % (a.ctl_cpu, a.cpu)]
    else:
        lc = ["--lcores", "0@%d,1@%d,2@%d" % (a.ctl_cpu, a.cpu, a.ctl_cpu)]
    pcap_arg = ",".join(["rx_pcap=%s" % pcap] * nw
                        + ["tx_pcap=/dev/null"] * (nw + 1))
    argv = ([env.mcastfwd] + lc
            + env.eal_mem(prefix, big=c.get("table", 0) >= 100000)
            + shlex.split(a.mcastfwd_eal)
            + ["--no-pci", "--vdev", "net_pcap0,%s%s"
               % (pcap_arg, ",infinite_rx=1" if infinite else "")])
    for k in range(c["fanout"]):
        argv += vdev_null(k)
    argv += ["--", "--config", cfg, "--log-level", "notice"] + list(extra)
    return argv


class ChurnReader:
    """Achieved update rate and stable-flow loss from the stats file,
    rewritten every second by --stats-interval 1.  Loss is read from the
    app's own counters, taken together in one snapshot (the workers' rx
    and tx): telemetry reads the input and output ports one after the
    other, a skew worth thousands of packets at these rates."""

    DROPS = ("drop_miss", "drop_no_mbuf", "drop_negative", "drop_wrong_if",
             "tx_drops", "punt_miss", "punt_ring_full")

    def __init__(self, path, fanout):
        self.path = path
        self.fanout = fanout

    def _read(self, after):
        t0 = time.monotonic()
        while time.monotonic() - t0 < 3:
            try:
                st = os.stat(self.path)
                if st.st_mtime_ns > after:
                    j = json.load(open(self.path))
                    return st.st_mtime_ns, (j["control"], j["workers"])
            except (OSError, ValueError, KeyError):
                pass
            time.sleep(0.05)
        return None, None

    def begin(self):
        return self._read(time.time_ns())

    def end(self, e0, dt):
        t1, s1 = self._read(time.time_ns())
        t0, s0 = e0
        if not s0 or not s1:
            return {"updates_per_s": None}
        (c0, w0), (c1, w1) = s0, s1
        up = c1.get("churn_updates", 0) - c0.get("churn_updates", 0)
        er = c1.get("churn_errors", 0) - c0.get("churn_errors", 0)
        d = {k: w1.get(k, 0) - w0.get(k, 0) for k in
             ("rx_pkts", "tx_pkts") + self.DROPS}
        return {"updates_per_s": round(up / ((t1 - t0) / 1e9)),
                "update_errors": er,
                # copies expected minus copies sent: what is in flight in
                # the tx buffers (< 32 per port) at either edge, else loss
                "app_rx_pkts": d["rx_pkts"],
                "app_lost": d["rx_pkts"] * self.fanout - d["tx_pkts"],
                "app_drops": sum(d[k] for k in self.DROPS)}


EXIT_STATS = re.compile(r"stats: rx (\d+) fwd (\d+) tx (\d+) tx_drops (\d+) "
                        r"drops (\d+)")


def exit_stats(logpath):
    """mcastfwd's counters as it stopped (the stats line its log has
    after "stopping", printed after the workers' final flush), or None:
    the lines before are the periodic ones."""
    last, stopping = None, False
    try:
        for line in open(logpath, errors="replace"):
            if "mcastfwd: stopping" in line:
                stopping = True
            m = EXIT_STATS.search(line)
            if m and stopping:
                last = m
    except OSError:
        return None
    if not last:
        return None
    return dict(zip(("rx_pkts", "fwd_pkts", "tx_pkts", "tx_drops", "drops"),
                    map(int, last.groups())))


def run_case(env, c):
    a = env.args
    w = a.work
    s = c["size"]
    if c["app"] == "testpmd":
        pcap = gen.pcap_stable(os.path.join(w, "stable-s%d-t1k.pcap" % s),
                               s, 1000)
        argv, inp, outp, pipe = run_testpmd(env, c, pcap)
        extra, cfg = None, None
    elif c["app"] == "ipv4_multicast":
        pcap = gen.pcap_peer(os.path.join(w, "peer-f%d-s%d.pcap"
                                          % (c["fanout"], s)), s, c["fanout"])
        argv, inp, outp, pipe = run_peer(env, c, pcap)
        extra, cfg = None, None
    elif c["app"] == "mcastfwd":
        t = c["table"]
        churn = c.get("churn", 0)
        if churn and not env.churn_supported:
            return {"status": "skipped",
                    "reason": "mcastfwd has no --churn-rate option "
                              "(the update-rate cases need it; "
                              "doc/benchmark.md)"}
        pcap = gen.pcap_stable(os.path.join(w, "stable-s%d-t%s.pcap"
                                            % (s, _k(t))), s, t)
        nchurn = a.churn_entries if churn else 0
        nw = c.get("workers", 1)
        cfg = gen.config_stable(os.path.join(
            w, "mcastfwd-f%d-t%s%s%s.json" % (
                c["fanout"], _k(t), "-c%d" % nchurn if nchurn else "",
                "-w%d" % nw if nw > 1 else "")),
            c["fanout"], t, churn=nchurn,
            worker_lcore=a.cpu if nw == 1 else [1, 2])
        prefix = "bench_mf_%d" % os.getpid()
        ex = []
        extra = None
        if churn:
            sf = os.path.join(w, "churn-stats.json")
            if os.path.exists(sf):
                os.unlink(sf)
            ex = ["--churn-rate", str(churn), "--churn-entries",
                  str(nchurn), "--stats-interval", "1", "--stats-file", sf]
            extra = ChurnReader(sf, c["fanout"])
        argv = mcastfwd_argv(env, c, pcap, cfg, prefix, extra=ex)
        inp, outp, pipe = [0], list(range(1, c["fanout"] + 1)), False
    elif c["app"] == "mcastfwd-learn":
        return run_learn(env, c)
    else:
        raise ValueError(c["app"])
    prefix = argv[argv.index("--file-prefix") + 1]
    # A second worker busy-polls the control CPU: the driver pinned there
    # beside it stalled; it floats for those cases (it mostly sleeps).
    os.sched_setaffinity(0, ALL_CPUS if c.get("workers", 1) > 1
                         else {a.ctl_cpu})
    res = {"command": " ".join(argv), "mem": env.mem_mode,
           "idle_before": wait_idle(a.cpu, a.idle_wait)}
    logpath = os.path.join(w, "%s.log" % c["id"])
    proc = Proc(argv, logpath, stdin_pipe=pipe)
    if c["app"] == "ipv4_multicast":
        proc.stop_signal = signal.SIGTERM
    try:
        tel = connect(proc, prefix, a.start_timeout)
        windows, start_s = measure(proc, tel, inp, outp, a, extra)
        tel.close()
        res.update(status="ok", windows=windows, start_s=start_s)
        res.update(summarise(windows))
    except (RuntimeError, OSError) as e:
        time.sleep(0.5)
        res.update(status="failed", reason=(str(e) + "\n" +
                                            proc.tail(4))[-800:])
    finally:
        proc.stop(timeout=120)
        shutil.rmtree(telemetry.runtime_dir(prefix), ignore_errors=True)
    if extra is not None and res["status"] == "ok":
        # exact: every buffer flushed; the windows' figure can be off by
        # what is in flight at their edges
        res["exit"] = exit_stats(logpath)
    return res


def run_learn(env, c):
    """Data-driven path: a streamed pcap (no infinite_rx) of N new (S,G);
    the control thread creates each MFE and forwards the first packet
    itself, so the output port's opackets, sampled every few ms through
    telemetry, count MFEs created."""
    a = env.args
    w = a.work
    flows = c["flows"]
    pcap = gen.pcap_learn(os.path.join(w, "learn-%d.pcap" % flows),
                          c["size"], flows)
    cfg = gen.config_learn(os.path.join(w, "mcastfwd-learn.json"), flows,
                           worker_lcore=a.cpu)
    runs = []
    cmd = None
    for r in range(a.runs):
        sf = os.path.join(w, "learn-stats-%d.json" % r)
        prefix = "bench_ml_%d" % os.getpid()
        argv = mcastfwd_argv(env, c, pcap, cfg, prefix, infinite=False,
                             extra=["--stats-file", sf])
        cmd = " ".join(argv)
        wait_idle(a.cpu, a.idle_wait)
        proc = Proc(argv, os.path.join(w, "learn-%d.log" % r))
        try:
            tel = connect(proc, prefix, a.start_timeout)
            samples = []
            t0 = time.monotonic()
            last_change = t0
            last = -1
            while time.monotonic() - t0 < 60:
                v = tel.ethdev_stats(1)["opackets"]
                now = time.monotonic()
                samples.append((now, v))
                if v != last:
                    last, last_change = v, now
                elif v > 0 and now - last_change > 1.0:
                    break
                time.sleep(0.002)
            tel.close()
        finally:
            proc.stop(timeout=60)
            shutil.rmtree(telemetry.runtime_dir(prefix), ignore_errors=True)
        total = samples[-1][1] if samples else 0
        rate = None
        if total > 100:
            lo = next(t for t, v in samples if v >= 0.1 * total)
            hi = next(t for t, v in samples if v >= 0.9 * total)
            if hi > lo:
                rate = round(0.8 * total / (hi - lo))
        st = {}
        try:
            j = json.load(open(sf))
            st = {"mfes_created": j["control"]["mfes_created"],
                  "misses": j["control"]["misses"],
                  "punt_ring_full": j["workers"]["punt_ring_full"],
                  "drop_miss": j["workers"]["drop_miss"]}
        except (OSError, ValueError, KeyError):
            pass
        runs.append({"created_per_s": rate, "first_packets_out": total,
                     **st})
        log("    learn run %d: %s MFEs/s, %d first packets forwarded %s"
            % (r, rate, total, st))
    rates = [x["created_per_s"] for x in runs if x["created_per_s"]]
    return {"status": "ok" if rates else "failed", "command": cmd,
            "mem": env.mem_mode, "runs": runs,
            "created_per_s": round(statistics.median(rates)) if rates
            else None}


# ---------------------------------------------------------------------------
# summary lines and plots


def merge_rounds(rounds):
    """One case's result from its rounds' (None: not run in that round).
    Windows and learn runs are pooled; rates are the median of the
    rounds' medians; each round's own figures stay under "rounds", so a
    ratio can pair two cases measured in the same round (ratio())."""
    done = [r for r in rounds if r is not None]
    ok = [r for r in done if r.get("status") == "ok"]
    if not ok:
        return dict(done[-1]) if done else {"status": "not run"}
    res = dict(ok[0])
    res["failed_rounds"] = len(done) - len(ok)
    if "runs" in res:  # the data-driven case
        res["runs"] = [x for r in ok for x in r["runs"]]
        rates = [x["created_per_s"] for x in res["runs"]
                 if x["created_per_s"]]
        res["created_per_s"] = round(statistics.median(rates))
        return res
    res["windows"] = [dict(w, round=k) for k, r in enumerate(rounds)
                      if r is not None and r.get("status") == "ok"
                      for w in r["windows"]]
    res.update(summarise(res["windows"]))
    for k in ("in_mpps", "out_mpps"):
        res[k] = round(statistics.median(r[k] for r in ok), 3)
    res["start_s"] = max(r["start_s"] for r in ok)  # the slowest start
    if any("exit" in r for r in ok):
        ex = [r.get("exit") for r in ok]
        res["exit"] = (None if None in ex else
                       {k: sum(e[k] for e in ex) for k in ex[0]})
    res["rounds"] = [
        {"in_mpps": r["in_mpps"], "out_mpps": r["out_mpps"],
         "shared_windows": r["shared_windows"], "start_s": r["start_s"]}
        if r is not None and r.get("status") == "ok" else None
        for r in rounds]
    return res


def ratio(r, b):
    """@r's out rate over @b's, and the rounds' own ratios: the median of
    the ratios of the rounds that measured both (the host's load drifts
    between rounds more than within one), else the medians' ratio."""
    pairs = [(x["out_mpps"], y["out_mpps"])
             for x, y in zip(r.get("rounds") or [], b.get("rounds") or [])
             if x and y and y["out_mpps"] > 0]
    if pairs:
        each = [x / y for x, y in pairs]
        return statistics.median(each), each
    return r["out_mpps"] / b["out_mpps"], []


def _ratio_text(q):
    x, each = q
    if len(each) < 2:
        return "%.2fx" % x
    return "%.2fx (rounds %.2f-%.2f)" % (x, min(each), max(each))


def best_peer(results, f, s):
    best = None
    for ops in ("default", "stack"):
        r = results.get("peer-%s-f%d-s%d" % (ops, f, s))
        if r and r.get("status") == "ok":
            if best is None or r["out_mpps"] > best[1]["out_mpps"]:
                best = (ops, r)
    return best


def summary_lines(cases, results):
    lines = []
    for c in cases:
        r = results.get(c["id"])
        if r is None:
            continue
        if r.get("status") != "ok":
            lines.append("%-28s %s: %s" % (c["id"], r.get("status"),
                                           r.get("reason", "")[:200]))
            continue
        if c["app"] == "mcastfwd-learn":
            lines.append("%-28s data-driven: %s new (S,G)/s (median of %d)"
                         % (c["id"], r["created_per_s"], len(r["runs"])))
            continue
        flag = "  [core shared in %d window(s)]" % r["shared_windows"] \
            if r["shared_windows"] else ""
        if r.get("failed_rounds"):
            flag += "  [%d round(s) failed]" % r["failed_rounds"]
        head = "%-28s %6.2f Mpps in %6.2f out" % (c["id"], r["in_mpps"],
                                                  r["out_mpps"])
        if c["app"] != "mcastfwd":
            lines.append(head + flag)
            continue
        parts = [head]
        bp = best_peer(results, c["fanout"], c["size"])
        if bp:
            parts.append("vs ipv4_multicast(%s) %.2f/%.2f: %s" % (
                bp[0], bp[1]["in_mpps"], bp[1]["out_mpps"],
                _ratio_text(ratio(r, bp[1]))))
        else:
            parts.append("vs ipv4_multicast: n/a")
        io = results.get("io-s%d" % c["size"])
        if io and io.get("status") == "ok":
            parts.append("vs testpmd io %.2f: %s" % (
                io["out_mpps"], _ratio_text(ratio(r, io))))
        nw = c.get("workers", 1)
        if nw > 1:
            one = results.get("mcastfwd-f%d-s%d-t%s" % (
                c["fanout"], c["size"], _k(c["table"])))
            if one and one.get("status") == "ok":
                parts.append("vs 1 worker %.2f: %s (worker 2 shares "
                             "--ctl-cpu with the control thread)" % (
                                 one["out_mpps"],
                                 _ratio_text(ratio(r, one))))
        if c.get("churn"):
            ws = r["windows"]
            ups = [w.get("updates_per_s") for w in ws
                   if w.get("updates_per_s") is not None]
            ex = r.get("exit")
            if ex:
                # the whole run, every copy accounted for at exit
                loss = ("stable-flow loss %d of %d pkts (%d counted drops)"
                        % (ex["rx_pkts"] * c["fanout"] - ex["tx_pkts"],
                           ex["rx_pkts"], ex["drops"] + ex["tx_drops"]))
            elif all("app_lost" in w for w in ws):
                loss = ("stable-flow loss %d of %d pkts in the windows, "
                        "+-32 a port in flight at their edges (%d counted "
                        "drops)" % (sum(w["app_lost"] for w in ws),
                                    sum(w["app_rx_pkts"] for w in ws),
                                    sum(w["app_drops"] for w in ws)))
            else:
                loss = "stable-flow loss n/a (no stats snapshot)"
            parts.append("updates %s/s (asked %d), %s"
                         % (statistics.median(ups) if ups else "?",
                            c["churn"], loss))
        lines.append(" | ".join(parts) + flag)
    return lines


def plots(cases, results, outdir):
    if not shutil.which("gnuplot"):
        log("gnuplot not found: no plots (apt-get install gnuplot-nox)")
        return []
    made = []

    def ok(cid):
        r = results.get(cid)
        return r if r and r.get("status") == "ok" else None

    def write(name, rows):
        p = os.path.join(outdir, name)
        with open(p, "w") as f:
            for row in rows:
                f.write(" ".join(str(x) for x in row) + "\n")
        return p

    io = ok("io-s64")
    io_v = io["out_mpps"] if io else "NaN"
    # Mpps vs fanout
    mf = [(c["fanout"], ok(c["id"])) for c in cases
          if c["app"] == "mcastfwd" and "fanout" in c.get("groups", [])]
    mf = [(f, r) for f, r in mf if r]
    peer = []
    for f in PEER_FANOUTS:
        bp = best_peer(results, f, 64)
        if bp:
            peer.append((f, bp[1]))
    script = []
    if mf or peer:
        d1 = write("fanout-mcastfwd.dat",
                   [(f, r["in_mpps"], r["out_mpps"]) for f, r in mf])
        d2 = write("fanout-peer.dat",
                   [(f, r["in_mpps"], r["out_mpps"]) for f, r in peer])
        script.append(_gp_head(os.path.join(outdir, "mpps-vs-fanout.png"),
                               "64 B frames, 1k (S,G), one worker core",
                               "fanout (output ports)", True))
        script.append(
            "plot '%s' u 1:3 w lp t 'mcastfwd out', '%s' u 1:2 w lp t "
            "'mcastfwd in', '%s' u 1:3 w lp t 'ipv4\\_multicast out (best)',"
            " '%s' u 1:2 w lp t 'ipv4\\_multicast in (best)', %s w l dt 2 t "
            "'testpmd io (no lookup)'\n" % (d1, d1, d2, d2, io_v))
        made.append("mpps-vs-fanout.png")
    tb = [(c["table"], ok(c["id"])) for c in cases
          if c["app"] == "mcastfwd" and "table" in c.get("groups", [])]
    tb = [(t, r) for t, r in tb if r]
    if tb:
        d = write("table.dat", [(t, r["in_mpps"]) for t, r in tb])
        script.append(_gp_head(os.path.join(outdir, "mpps-vs-table.png"),
                               "64 B, fanout 1, traffic spread over the "
                               "table", "(S,G) entries", False, logx=True))
        script.append("plot '%s' u 1:2 w lp t 'mcastfwd', %s w l dt 2 t "
                      "'testpmd io'\n" % (d, io_v))
        made.append("mpps-vs-table.png")
    ch = [(c["churn"], ok(c["id"])) for c in cases
          if c["app"] == "mcastfwd" and c.get("churn")]
    ch = [(u, r) for u, r in ch if r]
    if ch:
        d = write("churn.dat", [(u, r["in_mpps"]) for u, r in ch])
        script.append(_gp_head(os.path.join(outdir, "mpps-vs-updates.png"),
                               "64 B, fanout 1, 1k stable (S,G)",
                               "control-plane updates/s asked", False,
                               logx=True))
        script.append("plot '%s' u 1:2 w lp t 'mcastfwd', %s w l dt 2 t "
                      "'testpmd io'\n" % (d, io_v))
        made.append("mpps-vs-updates.png")
    if script:
        gp = os.path.join(outdir, "plots.gp")
        with open(gp, "w") as f:
            f.write("".join(script))
        r = subprocess.run(["gnuplot", gp], capture_output=True, text=True)
        if r.returncode != 0:
            log("gnuplot: %s" % r.stderr[-500:])
    return made


def _gp_head(png, title, xlabel, fan, logx=False):
    s = ("set terminal pngcairo size 900,560\nset output '%s'\n"
         "set title '%s'\nset xlabel '%s'\nset ylabel 'Mpps'\n"
         "set grid\nset key outside right\nset yrange [0:*]\n"
         % (png, title, xlabel))
    # one script draws every plot: settings carry over unless reset
    if fan:
        s += ("set logscale x 2\nset xrange [0.9:18]\n"
              "set xtics (1,2,3,4,8,16)\n")
    elif logx:
        s += ("set logscale x 10\nset xrange [*:*]\n"
              "set xtics autofreq\nset format x '%.0s%c'\n")
    return s


# ---------------------------------------------------------------------------


def main():
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    m = ap.add_mutually_exclusive_group()
    m.add_argument("--quick", action="store_true",
                   help="testpmd io, ipv4_multicast (both mempool ops) and "
                        "mcastfwd at fanout 1, 2, 4, 64 B, 1k entries "
                        "(default)")
    m.add_argument("--full", action="store_true", help="every case")
    ap.add_argument("--cases", default=None,
                    help="regex: run only the case ids it matches")
    ap.add_argument("--list", action="store_true", help="list case ids")
    ap.add_argument("--runs", type=int, default=3,
                    help="measurement windows per case (median; 3)")
    ap.add_argument("--rounds", type=int, default=1,
                    help="run the whole case list this many times over, "
                         "in turn; ratios pair the cases of one round "
                         "(1)")
    ap.add_argument("--duration", type=float, default=5.0,
                    help="seconds per window (5)")
    ap.add_argument("--warmup", type=float, default=2.0,
                    help="seconds between first packet and first window")
    ap.add_argument("--cpu", type=int, default=1,
                    help="the forwarding core (1)")
    ap.add_argument("--ctl-cpu", type=int, default=0,
                    help="main/control lcore of testpmd and mcastfwd (0)")
    ap.add_argument("--hugepages", type=int, default=1024,
                    help="2 MiB pages to make sure of (reserved when root, "
                         "restored at exit); 0 = --no-huge (1024)")
    ap.add_argument("--keep-hugepages", action="store_true")
    ap.add_argument("--idle-wait", type=float, default=60,
                    help="before each launch, wait up to this long for the "
                         "core to be idle (60 s)")
    ap.add_argument("--start-timeout", type=float, default=600,
                    help="seconds for a program to start forwarding "
                         "(1M mroutes take a while)")
    ap.add_argument("--churn-entries", type=int, default=4096,
                    help="size of the churn set (--churn-entries of "
                         "mcastfwd)")
    ap.add_argument("--mcastfwd", default=os.path.join(
        ROOT, "build-perf", "app", "mcastfwd", "mcastfwd"))
    ap.add_argument("--mcastfwd-eal", default="",
                    help="extra EAL arguments for mcastfwd, e.g. "
                         "'--mbuf-pool-ops-name stack'")
    ap.add_argument("--out", default=None,
                    help="results directory (default /tmp/mcastfwd-bench/"
                         "<date>)")
    ap.add_argument("--work", default="/tmp/mcastfwd-bench/work",
                    help="pcaps, configs, the peer build, logs")
    args = ap.parse_args()
    if args.rounds < 1 or args.runs < 1:
        ap.error("--rounds and --runs must be at least 1")
    full = args.full
    cases = case_list(full)
    if args.cases:
        rx = re.compile(args.cases)
        cases = [c for c in cases if rx.search(c["id"])]
    if args.list:
        for c in cases:
            print(c["id"])
        return 0
    out = args.out or os.path.join(
        "/tmp/mcastfwd-bench",
        datetime.datetime.now().strftime("%Y%m%d-%H%M%S"))
    os.makedirs(out, exist_ok=True)
    global ALL_CPUS
    ALL_CPUS = os.sched_getaffinity(0)
    # keep the driver's own /proc sampling off the forwarding core
    os.sched_setaffinity(0, {args.ctl_cpu})
    env = Env(args)
    env.check_mcastfwd()
    if any(c["app"] == "ipv4_multicast" for c in cases):
        env.build_peer()
    env.setup_memory()
    results = {}
    meta = {
        "date": datetime.datetime.now().isoformat(timespec="seconds"),
        "host": platform.node(), "kernel": platform.release(),
        "cpu_model": _cpu_model(), "cpus": os.cpu_count(),
        "dpdk": subprocess.run(["pkg-config", "--modversion", "libdpdk"],
                               capture_output=True,
                               text=True).stdout.strip(),
        "memory": env.mem_mode, "worker_cpu": args.cpu,
        "control_cpu": args.ctl_cpu, "runs": args.runs,
        "rounds": args.rounds,
        "duration_s": args.duration, "warmup_s": args.warmup,
        "mode": "full" if full else "quick", "filter": args.cases,
        "mcastfwd": args.mcastfwd, "churn_supported": env.churn_supported,
        "peer_patch": env.peer_patch, "command": " ".join(sys.argv),
    }
    rpath = os.path.join(out, "results.json")

    def save():
        with open(rpath + ".tmp", "w") as f:
            json.dump({"meta": meta, "cases": [
                dict(c, **results.get(c["id"], {"status": "not run"}))
                for c in cases],
                "summary": summary_lines(cases, results)}, f, indent=1)
        os.replace(rpath + ".tmp", rpath)

    # every case's result in each round, so that a ratio can pair the two
    # cases of one pass over the list (ratio())
    by_round = {c["id"]: [None] * args.rounds for c in cases}
    try:
        for k in range(args.rounds):
            for i, c in enumerate(cases):
                log("[%s%d/%d] %s" % (
                    "round %d/%d, " % (k + 1, args.rounds)
                    if args.rounds > 1 else "", i + 1, len(cases), c["id"]))
                r = run_case(env, c)
                if r.get("status") != "ok":
                    log("    %s: %s" % (r.get("status"), r.get("reason")))
                by_round[c["id"]][k] = r
                results[c["id"]] = merge_rounds(by_round[c["id"]])
                save()
    except KeyboardInterrupt:
        log("interrupted: saving what was measured")
    finally:
        env.restore_memory()
    lines = summary_lines(cases, results)
    meta["plots"] = plots(cases, results, out)
    save()
    with open(os.path.join(out, "summary.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))
    print("results: %s (memory: %s)" % (rpath, env.mem_mode))
    return 0


def _cpu_model():
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor()


if __name__ == "__main__":
    sys.exit(main())
