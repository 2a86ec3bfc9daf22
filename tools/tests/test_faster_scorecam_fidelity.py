"""The faster-scorecam fidelity table's maths (tools/faster_scorecam_fidelity.py), no service needed."""

import numpy as np
import pytest

import faster_scorecam_fidelity as fidelity


def test_pearson_matches_numpy_and_ignores_scale_and_offset():
    rng = np.random.default_rng(7)
    a = rng.random((12, 12)).astype(np.float32)
    b = a + 0.5 * rng.random((12, 12)).astype(np.float32)
    assert fidelity.pearson(a, b) == pytest.approx(np.corrcoef(a.ravel(), b.ravel())[0, 1], abs=1e-12)
    assert fidelity.pearson(a, 3 * a + 2) == pytest.approx(1.0, abs=1e-12)
    assert fidelity.pearson(a, 1 - a) == pytest.approx(-1.0, abs=1e-12)


def test_pearson_of_two_hand_computed_maps():
    # x = [1, 2, 3], y = [1, 3, 2]: deviations [-1, 0, 1] and [-1, 1, 0], r = 1 / (sqrt 2 * sqrt 2) = 0.5
    assert fidelity.pearson([[1, 2, 3]], [[1, 3, 2]]) == pytest.approx(0.5, abs=1e-12)


def test_a_constant_map_correlates_only_with_the_same_constant_map():
    zeros = np.zeros((4, 4))
    assert fidelity.pearson(zeros, zeros) == 1.0
    assert fidelity.pearson(zeros, np.eye(4)) == 0.0
    assert fidelity.pearson(np.eye(4), zeros) == 0.0
    assert fidelity.pearson(zeros, np.ones((4, 4))) == 0.0


def test_maps_of_different_sizes_are_refused():
    with pytest.raises(ValueError):
        fidelity.pearson(np.zeros((4, 4)), np.zeros((4, 5)))


def test_default_channel_counts_double_up_to_k_and_end_with_the_exact_case():
    assert fidelity.default_channel_counts(64) == [1, 2, 4, 8, 16, 32, 48, 64]
    assert fidelity.default_channel_counts(512) == [1, 2, 4, 8, 16, 32, 64, 128, 256, 384, 512]
    assert fidelity.default_channel_counts(1) == [1]


def test_a_row_has_mean_and_min_r_and_counts_constant_maps():
    rows = [dict(r=0.9, constant=False, passes=18, millis=10),
            dict(r=0.5, constant=False, passes=18, millis=30),
            dict(r=0.0, constant=True, passes=10, millis=20)]
    row = fidelity.summarise(16, rows)
    assert row["mean r"] == pytest.approx(1.4 / 3)
    assert row["min r"] == 0.0
    assert row["constant maps"] == 1
    assert row["passes / image"] == pytest.approx(46 / 3) and row["ms / image"] == 20 and row["images"] == 3
    exact = fidelity.summarise("all", [dict(r=1.0, constant=False, passes=66, millis=80)])
    table = fidelity.markdown_table(exact, [row]).splitlines()
    assert table[2] == "| `scorecam` (exact) | all | 1 | 1 | 0 | 66.0 | 80.0 | 1 |"
    assert table[3] == "| `faster-scorecam` | 16 | 0.4667 | 0.0000 | 1 | 15.3 | 20.0 | 3 |"


def test_the_table_replaces_only_what_lies_between_the_fidelity_markers():
    text = f"a\n{fidelity.BEGIN}\nold\n{fidelity.END}\nb\n"
    assert fidelity.place_between_markers(text, "new") == f"a\n{fidelity.BEGIN}\nnew\n{fidelity.END}\nb\n"
    assert fidelity.place_between_markers("<!-- evaluation:begin -->\n<!-- evaluation:end -->", "new") is None


def test_the_command_shown_leaves_out_the_url_of_one_run():
    assert fidelity.without_url(["ds", "--url", "http://127.0.0.1:4321", "--limit", "5"]) == ["ds", "--limit", "5"]
    assert fidelity.without_url(["--url=http://x", "ds"]) == ["ds"]
