"""The detection evaluation's maths on tiny fakes (tools/evaluate_detections.py), no service needed."""

import math

import numpy as np
import pytest
import torch

import evaluate_detections as ev
from evaluate import box_mask

IDENTITY = (1.0, 1.0, 0.0, 0.0)


def test_a_garment_matches_the_best_overlapping_detection_of_its_class():
    box = [0, 0, 10, 10]
    detections = [([0, 0, 10, 10], 2),      # perfect box, wrong class
                  ([0, 0, 10, 16], 1),      # IoU 100/160 = 0.625
                  ([0, 0, 10, 12], 1),      # IoU 100/120 = 0.83: the best
                  ([5, 5, 15, 15], 1)]      # IoU 25/175
    assert ev.match(box, 1, detections) == 2
    assert ev.match(box, 1, detections[3:]) is None
    assert ev.match(box, 3, detections) is None


def test_the_listed_detections_leave_out_padding_and_weak_rows_from_the_end():
    rows = torch.tensor([[0, 0, 10, 10, 0.9, 2], [5, 5, 9, 9, 0.4, 1], [1, 1, 2, 2, 0.01, 3],
                         [0, 0, 0, 0, 0, -1]], dtype=torch.float64)
    assert ev.listed(rows, 0.3) == [([0, 0, 10, 10], 2), ([5, 5, 9, 9], 1)]
    assert len(ev.listed(rows, 0.0)) == 3


def test_pointing_takes_the_maps_maximum_and_misses_on_an_empty_map():
    saliency = np.zeros((6, 6))
    saliency[1, 1], saliency[4, 4] = 0.5, 1.0
    assert ev.pointing_hit(saliency, box_mask([3, 3, 6, 6], IDENTITY, 6, 6))
    assert not ev.pointing_hit(saliency, box_mask([0, 0, 3, 3], IDENTITY, 6, 6))
    assert not ev.pointing_hit(np.zeros((6, 6)), box_mask([0, 0, 6, 6], IDENTITY, 6, 6))


def test_energy_of_the_others_leaves_out_the_part_they_share_with_the_own_box():
    saliency = np.ones((4, 8))                                   # 32 units of energy
    own = box_mask([0, 0, 4, 4], IDENTITY, 4, 8)                 # 16 pixels
    first = box_mask([2, 0, 8, 2], IDENTITY, 4, 8)               # 12 pixels, 4 of them in own
    second = box_mask([4, 2, 8, 4], IDENTITY, 4, 8)              # 8 pixels
    row = ev.measure(saliency, own, [first, second])
    assert row["own"] == pytest.approx(0.5)
    assert row["other"] == pytest.approx((8 / 32 + 8 / 32) / 2) and row["beats"]
    assert not ev.measure(saliency, box_mask([0, 0, 1, 1], IDENTITY, 4, 8), [first])["beats"]
    assert set(ev.measure(saliency, own, [])) == {"hit", "own"}


def test_a_method_row_counts_the_garments_with_others_apart():
    rows = [dict(hit=True, own=0.8, other=0.1, beats=True, millis=100),
            dict(hit=False, own=0.2, other=0.5, beats=False, millis=300),
            dict(hit=True, own=0.6, millis=200)]
    s = ev.summarise("scorecam", rows)
    assert s["Pointing %"] == pytest.approx(200 / 3) and s["Energy own %"] == pytest.approx(160 / 3)
    assert s["Energy other %"] == pytest.approx(30.0) and s["Own > every other %"] == 50.0
    assert s["ms / explanation"] == 200 and (s["garments"], s["with others"]) == (3, 2)
    assert ev.markdown_table([s]).splitlines()[2] == "| `scorecam` | 66.7 | 53.3 | 30.0 | 50.0 | 200.0 | 3 | 2 |"
    curves = [dict(r, deletion=d, insertion=i) for r, d, i in zip(rows, (0.1, 0.2, 0.3), (0.9, 0.5, 0.4))]
    with_curves = ev.summarise("scorecam", curves)
    assert with_curves["Deletion AUC"] == pytest.approx(0.2) and with_curves["Insertion AUC"] == pytest.approx(0.6)
    assert ev.markdown_table([with_curves]).splitlines()[0].endswith("| Deletion AUC | Insertion AUC |")
    assert ev.markdown_table([with_curves]).splitlines()[2].endswith("| 3 | 2 | 0.200 | 0.600 |")
    assert "Deletion AUC" not in ev.markdown_table([s])
    alone = ev.summarise("eigencam", rows[2:])
    assert math.isnan(alone["Energy other %"]) and alone["with others"] == 0


def test_the_reference_scores_a_box_as_the_service_does():
    class Fixed(torch.nn.Module):
        def forward(self, x):                      # two images: a match, and a wrong-class hit
            return torch.tensor([[[0, 0, 10, 12, 0.8, 1], [0, 0, 10, 10, 0.9, 2]],
                                 [[0, 0, 10, 10, 0.9, 2], [0, 0, 0, 0, 0, -1]]], dtype=torch.float64)
    box = torch.tensor([0.0, 0.0, 10.0, 10.0], dtype=torch.float64)
    # IoU of the class-1 box: 100 / 120
    p = ev.BoxScore(Fixed(), box, 1, "probability", "match")(None)
    assert p.flatten().tolist() == [0.8, 0.0]
    s = ev.BoxScore(Fixed(), box, 1, "logit", "match")(None).flatten()
    assert s[0].item() == pytest.approx(math.log(0.8 / 0.2))
    assert s[1].item() == pytest.approx(math.log(1e-4 / (1 - 1e-4)))
    p = ev.BoxScore(Fixed(), box, 1, "probability")(None).flatten()
    assert p.tolist() == pytest.approx([0.8 * 100 / 120, 0.0])
    s = ev.BoxScore(Fixed(), box, 1, "logit", "overlap")(None).flatten()
    assert s[0].item() == pytest.approx(math.log(0.8 * 100 / 120 / (1 - 0.8 * 100 / 120)))


def test_by_overlap_a_part_of_the_box_keeps_a_share_where_the_match_rule_keeps_none():
    class Quarter(torch.nn.Module):
        def forward(self, x):                      # a quarter of the box (IoU 0.25) at 0.8
            return torch.tensor([[[0, 0, 5, 5, 0.8, 1]]], dtype=torch.float64)
    box = torch.tensor([0.0, 0.0, 10.0, 10.0], dtype=torch.float64)
    assert ev.BoxScore(Quarter(), box, 1, "probability", "overlap")(None).item() == pytest.approx(0.2)
    assert ev.BoxScore(Quarter(), box, 1, "probability", "match")(None).item() == 0.0
    with pytest.raises(ValueError):
        ev.BoxScore(Quarter(), box, 1, "probability", "iou")


def test_the_box_scored_through_the_head_is_the_box_scored_by_the_whole_detector():
    class Split(torch.nn.Module):                  # features: the input; head: one box, scored by its mean
        def features(self, x):
            return x

        def head(self, a):
            score = a.mean(dim=(1, 2, 3)).clamp(0, 1)
            rows = torch.tensor([0.0, 0.0, 10.0, 10.0, 0.0, 1.0], dtype=a.dtype).repeat(a.shape[0], 1, 1)
            rows[:, 0, 4] = score
            return rows

        def forward(self, x):
            return self.head(self.features(x))
    box = torch.tensor([0.0, 0.0, 10.0, 10.0], dtype=torch.float64)
    scored = ev.BoxScore(Split(), box, 1)
    x = torch.rand(3, 1, 4, 4, dtype=torch.float64)
    assert torch.equal(scored.head(scored.features(x)), scored(x))
    assert scored.head(torch.full((1, 1, 2, 2), 0.8, dtype=torch.float64)).item() == pytest.approx(math.log(4))
