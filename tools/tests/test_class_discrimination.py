"""Class discrimination's canvases and maths (tools/class_discrimination.py) on hand cases; no service needed."""

import numpy as np
import pytest

import class_discrimination as cd

IDENTITY = (1.0, 1.0, 0.0, 0.0)


def test_a_scene_needs_two_garments_of_different_classes():
    assert cd.keep_scene([1, 7])
    assert cd.keep_scene([1, 7, 3])
    assert not cd.keep_scene([4])
    assert not cd.keep_scene([2, 5, 2])


def test_each_garment_s_map_is_measured_in_its_own_box_and_the_others():
    boxes = [[0, 0, 2, 2], [2, 2, 4, 4]]          # two 2x2 boxes on a 4x4 canvas
    first = np.zeros((4, 4))
    first[0, 0], first[3, 3] = 3.0, 1.0           # 3/4 of the energy in the own box, 1/4 in the other
    second = np.ones((4, 4))                      # a uniform map: chance everywhere
    rows = cd.garment_rows([first, second], boxes, IDENTITY)
    assert rows[0]["own"] == pytest.approx(0.75) and rows[0]["others"] == pytest.approx(0.25)
    assert rows[0]["first"] == 1.0
    assert rows[1]["own"] == pytest.approx(0.25) and rows[1]["others"] == pytest.approx(0.25)
    assert rows[1]["first"] == 0.0                # a tie is not first
    assert rows[0]["chance"] == pytest.approx(4 / 16) and rows[1]["garments"] == 2


def test_overlapping_boxes_count_the_overlap_as_the_own_box_only():
    boxes = [[0, 0, 3, 3], [2, 2, 4, 4]]
    saliency = np.zeros((4, 4))
    saliency[2, 2] = 1.0                          # in both boxes
    own, other = cd.garment_rows([saliency, saliency], boxes, IDENTITY)
    assert own["own"] == 1.0 and own["others"] == 0.0
    assert other["own"] == 1.0 and other["others"] == 0.0


def test_every_weighting_of_a_method_is_a_configuration_of_its_own():
    methods = [{"name": "scorecam", "parameters": [{"name": "weighting", "enum": ["softmax", "probability"]}]},
               {"name": "gradcam", "parameters": []}]
    assert cd.configurations(methods, ["logit", "probability"]) == [
        ("scorecam", "softmax", "logit"), ("scorecam", "softmax", "probability"),
        ("scorecam", "probability", "logit"), ("scorecam", "probability", "probability"),
        ("gradcam", None, "logit"), ("gradcam", None, "probability")]
    assert cd.configurations(methods, ["logit"], weightings=["probability"]) == [
        ("scorecam", "probability", "logit"), ("gradcam", None, "logit")]


def test_the_table_starts_with_chance():
    summary = {"method": "gradcam", "weighting": None, "score": "logit", "own": 0.5, "others": 0.1,
               "first": 0.9, "passes": 1.0, "millis": 12.0}
    table = cd.markdown_table([summary], 0.126).splitlines()
    assert table[2].startswith("| chance (uniform map) | | | 0.126 |")
    assert table[3] == "| `gradcam` |  | logit | 0.500 | 0.100 | 90.0 | 1 | 12 |"


def test_canvases_are_reproducible_and_hold_different_garments():
    images, boxes, classes = cd.distinct_scenes(count=3, seed=5)
    again = cd.distinct_scenes(count=3, seed=5)
    assert images.shape == (3, 3, 96, 96)
    assert np.array_equal(images.numpy(), again[0].numpy()) and boxes == again[1]
    for box_list, class_list in zip(boxes, classes):
        assert 2 <= len(class_list) <= 3 and len(set(class_list)) == len(class_list)
        assert all(0 <= x0 < x1 <= 96 and 0 <= y0 < y1 <= 96 for x0, y0, x1, y1 in box_list)


def test_an_earlier_run_fills_the_rows_this_run_did_not_compute():
    methods = [{"name": "scorecam", "parameters": [{"name": "weighting", "default": "softmax",
                                                    "enum": ["softmax", "probability"]}]},
               {"name": "gradcam", "parameters": []}]
    row = {"own": 0.3, "others": 0.2, "first": 0.5, "chance": 0.1, "passes": 1.0, "millis": 1.0, "garments": 9}
    now = [{**row, "method": "scorecam", "weighting": "probability", "score": "logit"}]
    earlier = [{**row, "method": "gradcam", "weighting": None, "score": "logit"},
               {**row, "method": "scorecam", "weighting": None, "score": "logit", "own": 0.9},
               {**row, "method": "scorecam", "weighting": "probability", "score": "logit", "own": 0.0}]
    merged = cd.merge(now, earlier, methods)
    assert [(s["method"], s["weighting"], s["own"]) for s in merged] == [
        ("scorecam", "softmax", 0.9), ("scorecam", "probability", 0.3), ("gradcam", None, 0.3)]
