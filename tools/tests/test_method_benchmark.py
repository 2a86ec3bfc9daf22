"""tools/method_benchmark.py: the order the methods run in and the table."""

import method_benchmark as bench


def test_rounds_rotate_the_methods_and_keep_scorecam_to_its_rounds():
    order = bench.rounds(["a", "b", "scorecam"], reps=3, scorecam_reps=1)
    assert order == [(0, "a"), (0, "b"), (0, "scorecam"),
                     (1, "b"), (1, "a"),
                     (2, "a"), (2, "b")]


def test_the_table_says_whether_each_median_meets_its_target():
    run = {"forward": 1, "head": 49, "backward": 0, "batch": 8, "compute": 0.4}
    results = {"recipro-cam": [dict(run, wall=w) for w in (0.5, 1.5, 0.7)],
               "ablation-cam": [dict(run, wall=3.5)]}
    lines = bench.table(results, bench.DEFAULT_TARGETS).splitlines()
    assert lines[2].startswith("| recipro-cam | 3 | 0.700 (0.500-1.500) |")
    assert lines[2].endswith("| < 1 s | yes |")
    assert lines[3].endswith("| < 3 s | no |")
