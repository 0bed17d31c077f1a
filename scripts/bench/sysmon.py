#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Who else ran on the forwarding core?  /proc sampling, stdlib only.

snapshot(pids) reads, for every thread on the machine, its cumulative CPU
time and the CPU it last ran on, plus /proc/stat for each CPU.  compare()
of two snapshots says how much of CPU @cpu our worker thread got, which
foreign threads ran there and how much time the hypervisor stole.
"""

import os

HZ = os.sysconf("SC_CLK_TCK")


def _read(path):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return None


def _task_stat(text):
    # comm may contain spaces and parentheses: split after the last ')'
    r = text.rfind(")")
    comm = text[text.find("(") + 1:r]
    f = text[r + 2:].split()
    # f[0] is field 3 (state); utime=14, stime=15, processor=39
    return comm, int(f[11]) + int(f[12]), int(f[36])


def cpu_times():
    """{cpu: (busy_ticks, total_ticks, steal_ticks)} from /proc/stat."""
    out = {}
    for line in (_read("/proc/stat") or "").splitlines():
        if line.startswith("cpu") and line[3:4].isdigit():
            p = line.split()
            v = [int(x) for x in p[1:]]
            idle = v[3] + (v[4] if len(v) > 4 else 0)
            steal = v[7] if len(v) > 7 else 0
            out[int(p[0][3:])] = (sum(v[:8]) - idle - steal, sum(v[:8]), steal)
    return out


def snapshot():
    tasks = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            tids = os.listdir("/proc/%s/task" % pid)
        except OSError:
            continue
        for tid in tids:
            t = _read("/proc/%s/task/%s/stat" % (pid, tid))
            if t:
                try:
                    tasks[(int(pid), int(tid))] = _task_stat(t)
                except (ValueError, IndexError):
                    pass
    return {"tasks": tasks, "cpu": cpu_times(), "t": os.times().elapsed}


def affinity(pid, tid):
    for line in (_read("/proc/%d/task/%d/status" % (pid, tid)) or "").splitlines():
        if line.startswith("Cpus_allowed_list:"):
            return line.split(":", 1)[1].strip()
    return ""


def find_worker(pid, cpu):
    """The thread of @pid pinned to exactly @cpu (an EAL lcore thread)."""
    best = None
    try:
        tids = [int(t) for t in os.listdir("/proc/%d/task" % pid)]
    except OSError:
        return None
    for tid in tids:
        if affinity(pid, tid) == str(cpu):
            t = _read("/proc/%d/task/%d/stat" % (pid, tid))
            if t is None:
                continue
            c = _task_stat(t)[1]
            if best is None or c > best[1]:
                best = (tid, c)
    return (pid, best[0]) if best else None


def compare(a, b, cpu, our_pids, worker):
    """What happened on @cpu between snapshots @a and @b."""
    dt = max(b["t"] - a["t"], 1e-6)
    ticks = dt * HZ
    res = {"seconds": round(dt, 3)}
    if worker is not None and worker in a["tasks"] and worker in b["tasks"]:
        # worker is (pid, tid)
        res["worker_share"] = round(
            (b["tasks"][worker][1] - a["tasks"][worker][1]) / ticks, 3)
    else:
        res["worker_share"] = None
    foreign = []
    for key, (comm, c1, p1) in b["tasks"].items():
        if key[0] in our_pids:
            continue
        old = a["tasks"].get(key)
        c0, p0 = (old[1], old[2]) if old else (0, -1)
        d = c1 - c0
        if d > 0 and cpu in (p0, p1):
            foreign.append({"pid": key[0], "tid": key[1], "comm": comm,
                            "cpu_s": round(d / HZ, 2)})
    foreign.sort(key=lambda x: -x["cpu_s"])
    res["foreign_cpu_s"] = round(sum(f["cpu_s"] for f in foreign), 2)
    res["foreign"] = foreign[:8]
    ca, cb = a["cpu"].get(cpu), b["cpu"].get(cpu)
    if ca and cb and cb[1] > ca[1]:
        res["steal"] = round((cb[2] - ca[2]) / (cb[1] - ca[1]), 3)
        res["cpu_busy"] = round((cb[0] - ca[0]) / (cb[1] - ca[1]), 3)
    return res


def cpu_busy(cpu, seconds=1.0):
    """Fraction of @cpu busy over @seconds (0..1)."""
    import time
    a = cpu_times().get(cpu)
    time.sleep(seconds)
    b = cpu_times().get(cpu)
    if not a or not b or b[1] == a[1]:
        return 0.0
    return (b[0] - a[0]) / (b[1] - a[1])
