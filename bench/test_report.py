"""Tests of bench/report.py's figures: python3 -m unittest discover -s bench -p 'test_*.py'"""
import json
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import report  # noqa: E402


def load_report(cpu, deliveries, late=0, count=None, rss=None, **extra):
    r = {"mode": "load", "connections": 1000, "group": 10, "rate": 2, "duration": 10, "warmup": 2,
         "serverCpuSeconds": cpu, "deliveriesInWindow": deliveries, "deliveredPerSec": deliveries / 10,
         "deliveriesLate": late, "deliveryMs": {"count": count if count is not None else deliveries, "p50": 1.0, "p99": 9.0},
         "rssPeakKb": {"total": rss or 512 * 1024}, "sent": 100, "acked": 100, "ackFailed": 0, "deliveriesLost": 0,
         "serverCores": 1.0, "generatorProcesses": 1}
    r.update(extra)
    return r


class Figures(unittest.TestCase):
    def test_cpu_per_1000_deliveries_sums_every_server_process(self):
        r = load_report({"1": 2.0, "2": 1.5, "3": 0.5}, 20000)
        self.assertAlmostEqual(report.cpu_per_1000(r), 4.0 * 1e6 / 20000)

    def test_the_generators_own_figure_wins(self):
        r = load_report({"1": 2.0}, 20000, cpuMsPer1000Deliveries=123.4)
        self.assertEqual(report.cpu_per_1000(r), 123.4)

    def test_a_ramp_step_uses_cores_and_deliveries_per_second(self):
        step = {"serverCores": {"1": 0.5, "2": 0.25, "3": -1}, "deliveredPerSec": 15000}
        self.assertAlmostEqual(report.cpu_per_1000(step), 0.75 * 1e6 / 15000)

    def test_no_cpu_no_figure(self):
        self.assertIsNone(report.cpu_per_1000({"deliveredPerSec": 10}))

    def test_late_is_a_share_of_the_received(self):
        self.assertAlmostEqual(report.late_pct(load_report({}, 1, late=25, count=1000)), 2.5)
        self.assertIsNone(report.late_pct({"deliveryMs": {"count": 0}}))


class CompareSection(unittest.TestCase):
    def test_a_table_per_workload_with_the_ratio_to_the_peer_of_the_same_generator(self):
        with tempfile.TemporaryDirectory() as d:
            results = os.path.join(d, "results")
            files = {
                "g10-r2/ours-socketio-java": load_report({"1": 3.0}, 10000),
                "g10-r2/peer-socketio-java": load_report({"1": 1.0}, 10000),
                "g10-r2/ours-socketio-node": load_report({"1": 4.0}, 10000, generatorProcesses=2),
                "g10-r2/peer-socketio-node": load_report({"1": 2.0}, 10000, generatorProcesses=2),
                "rtt/ours-socketio-java": {"mode": "rtt", "rttCount": 4000, "measured": 2000, "acked": 2000, "ackFailed": 0,
                                           "acksMissing": 0, "ackMs": {"p50": 1.5, "p90": 2.5, "p99": 4.0, "max": 9.0}},
            }
            for name, r in files.items():
                path = os.path.join(results, "compare", name + ".json")
                os.makedirs(os.path.dirname(path), exist_ok=True)
                with open(path, "w") as f:
                    json.dump(r, f)
            reports = report.compare_reports(os.path.join(results, "compare"))
            text = "\n".join(report.section_compare(os.path.join(results, "compare"), {}, reports))
        self.assertIn("### Chats of 10, 2 msg/s per client", text)
        self.assertIn("300.0 / 100.0 = **3.00**", text)  # Java vs the peer under Java
        self.assertIn("400.0 / 200.0 = **2.00**", text)  # Node vs the peer under Node
        self.assertIn("| this system, Socket.IO | Java | 1.50 | 2.50 |", text)

    def test_a_run_that_fell_behind_gets_no_cost_ratio(self):
        with tempfile.TemporaryDirectory() as d:
            folder = os.path.join(d, "compare", "g2-r5")
            os.makedirs(folder)
            for name, r in {"ours-socketio-node": load_report({"1": 9.0}, 10000, late=900, count=10000),
                            "peer-socketio-node": load_report({"1": 1.0}, 10000)}.items():
                with open(os.path.join(folder, name + ".json"), "w") as f:
                    json.dump(r, f)
            reports = report.compare_reports(os.path.join(d, "compare"))
            text = "\n".join(report.section_compare(os.path.join(d, "compare"), {}, reports))
        self.assertIn("(9.00: backlog, not a cost)", text)
        self.assertNotIn("**9.00**", text)


if __name__ == "__main__":
    unittest.main()
