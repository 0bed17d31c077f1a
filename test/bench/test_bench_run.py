#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Self-test of scripts/bench/run.py's bookkeeping: how rounds merge and
how ratios pair cases of one round (no DPDK, nothing launched).  Prints
"N passed, N failed" last."""

import os
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "scripts", "bench"))
sys.dont_write_bytecode = True
import run  # noqa: E402


def window(mpps, shared=False):
    return {"in_mpps": mpps, "out_mpps": mpps, "shared": shared}


def case_round(*mpps, shared=0):
    """One round's result of a case, as run_case() returns it."""
    ws = [window(m, i < shared) for i, m in enumerate(mpps)]
    r = {"status": "ok", "command": "x", "windows": ws, "start_s": 1.0}
    r.update(run.summarise(ws))
    return r


def failed():
    return {"status": "failed", "reason": "input port not receiving"}


class MergeRounds(unittest.TestCase):
    def test_one_round_is_that_round(self):
        r = run.merge_rounds([case_round(10, 12, 11)])
        self.assertEqual(r["status"], "ok")
        self.assertEqual(r["out_mpps"], 11)
        self.assertEqual(r["failed_rounds"], 0)
        self.assertEqual(len(r["rounds"]), 1)

    def test_rates_are_the_median_of_the_rounds_medians(self):
        # the rounds' medians are 11, 20, 30; the nine windows pooled
        # would give 19
        rounds = [case_round(10, 11, 12), case_round(19, 20, 21),
                  case_round(1, 30, 31)]
        rounds[1]["start_s"] = 3.5
        r = run.merge_rounds(rounds)
        self.assertEqual(r["out_mpps"], 20)
        self.assertEqual(r["start_s"], 3.5)
        self.assertEqual(len(r["windows"]), 9)
        self.assertEqual([w["round"] for w in r["windows"]],
                         [0, 0, 0, 1, 1, 1, 2, 2, 2])
        self.assertEqual([x["out_mpps"] for x in r["rounds"]], [11, 20, 30])

    def test_shared_windows_add_up(self):
        r = run.merge_rounds([case_round(10, 11, 12, shared=1),
                              case_round(10, 11, 12, shared=2)])
        self.assertEqual(r["shared_windows"], 3)
        self.assertEqual([x["shared_windows"] for x in r["rounds"]], [1, 2])

    def test_a_failed_round_is_left_out_and_counted(self):
        r = run.merge_rounds([case_round(10, 10, 10), failed(),
                              case_round(30, 30, 30)])
        self.assertEqual(r["status"], "ok")
        self.assertEqual(r["out_mpps"], 20)
        self.assertEqual(r["failed_rounds"], 1)
        self.assertIsNone(r["rounds"][1])

    def test_every_round_failed(self):
        r = run.merge_rounds([failed(), failed()])
        self.assertEqual(r["status"], "failed")
        self.assertIn("not receiving", r["reason"])
        self.assertEqual(run.merge_rounds([None])["status"], "not run")

    def test_learn_runs_pool(self):
        def learn(*rates):
            return {"status": "ok" if any(rates) else "failed",
                    "runs": [{"created_per_s": x} for x in rates]}
        r = run.merge_rounds([learn(100, 300), learn(None, None),
                              learn(200, 400)])
        self.assertEqual(len(r["runs"]), 4)
        self.assertEqual(r["created_per_s"], 250)
        self.assertEqual(r["failed_rounds"], 1)


class Ratio(unittest.TestCase):
    def test_pairs_rounds(self):
        mf = run.merge_rounds([case_round(10), case_round(30),
                               case_round(20)])
        io = run.merge_rounds([case_round(20), case_round(60),
                               case_round(30)])
        x, each = run.ratio(mf, io)
        # medians 20 / 30 = 0.67; round by round 0.5, 0.5, 0.67
        self.assertAlmostEqual(x, 0.5)
        self.assertEqual(len(each), 3)

    def test_skips_a_round_either_missed(self):
        mf = run.merge_rounds([case_round(10), failed(), case_round(20)])
        io = run.merge_rounds([case_round(20), case_round(99),
                               failed()])
        x, each = run.ratio(mf, io)
        self.assertEqual(each, [0.5])

    def test_without_rounds_the_medians(self):
        x, each = run.ratio({"out_mpps": 10}, {"out_mpps": 40})
        self.assertAlmostEqual(x, 0.25)
        self.assertEqual(each, [])


class Summary(unittest.TestCase):
    def setUp(self):
        self.cases = [c for c in run.case_list(False)
                      if c["id"] in ("io-s64", "peer-default-f1-s64",
                                     "mcastfwd-f1-s64-t1k")]
        self.assertEqual(len(self.cases), 3)

    def lines(self, mf, io, peer):
        res = {"mcastfwd-f1-s64-t1k": run.merge_rounds(mf),
               "io-s64": run.merge_rounds(io),
               "peer-default-f1-s64": run.merge_rounds(peer)}
        return [x for x in run.summary_lines(self.cases, res)
                if x.startswith("mcastfwd")][0]

    def test_one_round_reads_as_before(self):
        line = self.lines([case_round(24)], [case_round(32)],
                          [case_round(16)])
        self.assertIn("vs ipv4_multicast(default) 16.00/16.00: 1.50x |",
                      line)
        self.assertTrue(line.endswith("vs testpmd io 32.00: 0.75x"), line)

    def test_rounds_show_their_spread(self):
        line = self.lines([case_round(24), case_round(30), failed()],
                          [case_round(32), case_round(36), case_round(30)],
                          [case_round(16), case_round(20), case_round(18)])
        self.assertIn("vs testpmd io 32.00: 0.79x (rounds 0.75-0.83)", line)
        self.assertIn("1.50x (rounds 1.50-1.50)", line)
        self.assertTrue(line.endswith("[1 round(s) failed]"), line)


class ChurnLoss(unittest.TestCase):
    """The update cases' loss: exact from the counters mcastfwd prints as
    it stops, not the windows' edges, where a burst can be in flight
    (a window once read 32 lost of 428 M that the exit counters had)."""

    LOG = ("mcastfwd: stats: rx 519977248 fwd 519977280 tx 519977280 "
           "tx_drops 0 drops 0 punts 0 mfes 0 (negative 0) created 0 "
           "expired 0\nmcastfwd: stopping\n"
           "mcastfwd: stats: rx 544473568 fwd 544473568 tx %d "
           "tx_drops 1 drops 2 punts 0 mfes 0 (negative 0) created 0 "
           "expired 0\n")

    def setUp(self):
        self.cases = [c for c in run.case_list(True)
                      if c["id"] == "mcastfwd-f1-s64-t1k-u1M"]
        self.assertEqual(len(self.cases), 1)

    def write_log(self, text):
        fd, path = tempfile.mkstemp(suffix=".log", prefix="bench-selftest-")
        with os.fdopen(fd, "w") as f:
            f.write(text)
        self.addCleanup(os.unlink, path)
        return path

    def log(self, tx):
        return self.write_log(self.LOG % tx)

    def churn_round(self, lost, tx):
        r = case_round(24)
        r["windows"][0].update(updates_per_s=998000, app_lost=lost,
                               app_rx_pkts=1000, app_drops=0)
        r["exit"] = run.exit_stats(self.log(tx))
        return r

    def line(self, *rounds):
        res = {"mcastfwd-f1-s64-t1k-u1M": run.merge_rounds(list(rounds))}
        return [x for x in run.summary_lines(self.cases, res)
                if x.startswith("mcastfwd")][0]

    def test_exit_stats_are_the_last_line(self):
        e = run.exit_stats(self.log(544473568))
        self.assertEqual(e, {"rx_pkts": 544473568, "fwd_pkts": 544473568,
                             "tx_pkts": 544473568, "tx_drops": 1,
                             "drops": 2})
        self.assertIsNone(run.exit_stats("/nonexistent/log"))
        # killed before it stopped: the periodic lines are not the exit's
        periodic = self.LOG.split("mcastfwd: stopping")[0]
        self.assertIsNone(run.exit_stats(self.write_log(periodic)))

    def test_loss_from_the_exit_not_the_edges(self):
        line = self.line(self.churn_round(32, 544473568))
        self.assertIn("stable-flow loss 0 of 544473568 pkts "
                      "(3 counted drops)", line)

    def test_a_real_loss_shows(self):
        line = self.line(self.churn_round(0, 544473568 - 5))
        self.assertIn("stable-flow loss 5 of 544473568 pkts", line)

    def test_rounds_add_up(self):
        line = self.line(self.churn_round(0, 544473568),
                         self.churn_round(0, 544473568 - 7))
        self.assertIn("stable-flow loss 7 of 1088947136 pkts "
                      "(6 counted drops)", line)

    def test_without_exit_the_windows_say_so(self):
        r = self.churn_round(32, 544473568)
        r["exit"] = None
        line = self.line(r)
        self.assertIn("stable-flow loss 32 of 1000 pkts in the windows, "
                      "+-32 a port in flight at their edges", line)


if __name__ == "__main__":
    res = unittest.main(exit=False, verbosity=2).result
    bad = len(res.failures) + len(res.errors)
    print("%d passed, %d failed" % (res.testsRun - bad, bad))
    sys.exit(1 if bad or not res.testsRun else 0)
