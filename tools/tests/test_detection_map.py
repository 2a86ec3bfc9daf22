"""detection_map.py against hand-counted cases (precision/recall worked out on paper)."""

import numpy as np
import pytest

from detection_map import average_precision, iou, mean_average_precision

A = [10, 10, 50, 50]
B = [60, 60, 100, 90]
PAD = [0, 0, 0, 0, 0, -1]


def test_iou_of_hand_made_boxes():
    # 40x40 boxes shifted by 20 px: intersection 20x40 = 800, union 1600 + 1600 - 800 = 2400.
    assert iou(np.array(A), [[30, 10, 70, 50]])[0] == pytest.approx(1 / 3)
    assert iou(np.array(A), [A, B]).tolist() == [1.0, 0.0]


def test_perfect_detections_score_one():
    rows = [[A + [0.9, 3], B + [0.8, 7], PAD]]
    score, per_class = mean_average_precision(rows, [[A, B]], [[3, 7]])
    assert score == 1.0 and per_class == {3: 1.0, 7: 1.0}


def test_one_of_two_garments_missed_gives_half():
    # Class 3 has two garments, one found: recall reaches 0.5 at precision 1 -> AP 0.5.
    rows = [[A + [0.9, 3], PAD], [PAD, PAD]]
    score, per_class = mean_average_precision(rows, [[A], [B]], [[3], [3]])
    assert per_class == {3: 0.5} and score == 0.5


def test_a_better_scored_false_positive_halves_precision():
    # Ranked: false positive (0.9), then the true one (0.8): precision 1/2 at recall 1 -> AP 0.5.
    detections = [(0, 0.9, B), (0, 0.8, A)]
    assert average_precision(detections, {0: [A]}) == 0.5


def test_a_duplicate_is_a_false_positive_after_the_match():
    # Ranked: true (1/1), duplicate (1/2): recall is 1 at the first, so AP stays 1.
    assert average_precision([(0, 0.9, A), (0, 0.8, A)], {0: [A]}) == 1.0
    # The duplicate scored higher than the second garment's detection: 1/1, 1/2, 2/3 -> 0.5*1 + 0.5*2/3.
    detections = [(0, 0.9, A), (0, 0.8, A), (0, 0.7, B)]
    assert average_precision(detections, {0: [A, B]}) == pytest.approx(0.5 + 1 / 3)


def test_wrong_class_and_poor_overlap_do_not_match():
    shifted = [30, 10, 70, 50]                     # IoU 1/3 with A
    rows = [[shifted + [0.9, 3], A + [0.8, 5]]]
    score, per_class = mean_average_precision(rows, [[A]], [[3]])
    assert per_class == {3: 0.0} and score == 0.0


def test_classes_without_ground_truth_are_not_averaged():
    rows = [[A + [0.9, 3], B + [0.8, 7]]]             # class 7 has no garment: not in the mean
    score, per_class = mean_average_precision(rows, [[A]], [[3]])
    assert per_class == {3: 1.0} and score == 1.0
