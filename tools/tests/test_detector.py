"""The detector contract (docs/model-package.md, "Detectors") on the bundled fashion-detector,
the decoder on hand-made maps, and the canvases and targets the detector is trained on."""

import json
from pathlib import Path

import numpy as np
import pytest
import torch
import yaml
from PIL import Image

import make_detection_canvases
from detection_map import mean_average_precision
from fashion_canvas import load_fashion_mnist, make_scenes
from model_package import (CenterDecoder, CenterNetHead, PackageError, SplitNetwork, check_detections,
                           detector_descriptor, freeze, write_detector_package)
from train_detector import STRIDE, targets

PACKAGE = Path(__file__).resolve().parents[2] / "src/main/resources/demo-model/fashion-detector"


@pytest.fixture(scope="module")
def package():
    meta = yaml.safe_load((PACKAGE / "model.yaml").read_text())
    return torch.jit.load(str(PACKAGE / "model.pt")).eval(), meta


@pytest.fixture(scope="module")
def scenes():
    return make_detection_canvases.evaluation_scenes(count=60)


def test_descriptor_says_detection_with_its_input_and_row_count(package):
    _, meta = package
    assert meta["task"] == "detection" and meta["name"] == "fashion-detector"
    assert meta["input"]["width"] == meta["input"]["height"] == 128
    assert meta["max-detections"] == 16 and len(meta["labels"]) == 10


def test_saved_detector_keeps_the_contract(package, scenes):
    model, meta = package
    d = meta["max-detections"]
    x = torch.cat([scenes.images[:14], torch.zeros(1, 3, 128, 128), torch.ones(1, 3, 128, 128)])
    with torch.no_grad():
        rows = model(x)
        a = model.features(x)
        split = model.head(a)
    assert rows.shape == (16, d, 6) and rows.dtype == torch.float32
    assert a.shape == (16, 64, 16, 16)
    torch.testing.assert_close(split, rows, rtol=1e-4, atol=1e-5)
    x0, y0, x1, y1, score, cls = rows.unbind(2)
    assert (x0 >= 0).all() and (y0 >= 0).all() and (x1 <= 128).all() and (y1 <= 128).all()
    assert (x1 >= x0).all() and (y1 >= y0).all()
    assert ((score >= 0) & (score <= 1)).all()
    assert (score[:, 1:] <= score[:, :-1]).all(), "rows best first"
    assert set(cls.unique().tolist()) <= set(range(-1, 10))
    padding = cls == -1
    assert (rows[padding][:, :5] == 0).all()
    assert (score[~padding] > 0).all()


def test_bundled_detector_finds_the_held_out_garments(package, scenes):
    model, _ = package
    with torch.no_grad():
        rows = model(scenes.images)
    score, _ = mean_average_precision(rows.numpy(), scenes.boxes.numpy(), scenes.classes.numpy())
    assert score > 0.5, f"mAP@0.5 {score:.3f} on 60 held-out canvases"


def test_decoder_turns_one_peak_into_one_box_and_pads_the_rest():
    heatmap = torch.full((1, 3, 4, 5), -20.0)
    heatmap[0, 2, 1, 3] = 2.0                       # class 2, row 1, col 3
    size = torch.zeros(1, 2, 4, 5)
    size[0, 0, 1, 3] = np.log(3.0)                  # width 3 cells, height 1 cell
    offset = torch.full((1, 2, 4, 5), 0.5)
    offset[0, 0, 1, 3] = 0.25
    rows = CenterDecoder(stride=8, max_detections=4, min_score=0.01)(heatmap, size, offset)
    # centre (3.25*8, 1.5*8) = (26, 12); half sizes 12 and 4 px.
    expected = torch.tensor([14.0, 8.0, 38.0, 16.0, float(torch.sigmoid(torch.tensor(2.0))), 2.0])
    torch.testing.assert_close(rows[0, 0], expected)
    torch.testing.assert_close(rows[0, 1:], torch.tensor([[0.0] * 5 + [-1.0]] * 3))


def test_decoder_keeps_only_local_maxima_and_clamps_boxes_to_the_input():
    heatmap = torch.full((1, 1, 4, 4), -20.0)
    heatmap[0, 0, 0, 0] = 3.0
    heatmap[0, 0, 0, 1] = 2.0                       # beside a higher peak: not a detection
    heatmap[0, 0, 3, 3] = 1.0
    size = torch.full((1, 2, 4, 4), np.log(4.0))    # 32-px boxes stick out of the 32-px input
    offset = torch.full((1, 2, 4, 4), 0.5)
    rows = CenterDecoder(stride=8, max_detections=20)(heatmap, size, offset)
    assert rows.shape == (1, 20, 6)
    assert rows[0, :, 5].tolist() == [0.0, 0.0] + [-1.0] * 18
    torch.testing.assert_close(rows[0, 0, :4], torch.tensor([0.0, 0.0, 20.0, 20.0]))
    torch.testing.assert_close(rows[0, 1, :4], torch.tensor([12.0, 12.0, 32.0, 32.0]))


def test_rows_that_break_the_rules_are_refused():
    good = torch.tensor([[[1.0, 1.0, 9.0, 9.0, 0.9, 1.0], [0, 0, 0, 0, 0, -1.0]]])
    check_detections(good, 10, 10, 2)
    unsorted = good.flip(1)
    outside = good.clone()
    outside[0, 0, 2] = 11.0
    bad_padding = good.clone()
    bad_padding[0, 1, 4] = 0.5
    for rows, problem in [(unsorted, "sorted"), (outside, "outside"), (bad_padding, "padding")]:
        with pytest.raises(PackageError, match=problem):
            check_detections(rows, 10, 10, 2)
    with pytest.raises(PackageError, match="shape"):
        check_detections(good, 10, 10, 3)


def test_scenes_are_seeded_and_boxes_hold_their_garments():
    garments, labels = load_fashion_mnist("test")
    first = make_scenes(garments[:400], labels[:400], torch.Generator().manual_seed(5))
    again = make_scenes(garments[:400], labels[:400], torch.Generator().manual_seed(5))
    assert torch.equal(first.images, again.images) and torch.equal(first.boxes, again.boxes)
    kept = first.classes >= 0
    counts = kept.sum(1)
    assert counts.min() >= 1 and counts.max() <= 4 and counts.float().mean() > 2.0
    boxes = first.boxes[kept]
    sides = torch.minimum(boxes[:, 2] - boxes[:, 0], boxes[:, 3] - boxes[:, 1])
    assert (sides >= 4).all() and (boxes[:, 2:] <= 128).all()
    assert (first.boxes[~kept] == 0).all()


def test_training_targets_peak_at_each_garment_centre():
    boxes = torch.tensor([[[8.0, 16.0, 40.0, 48.0], [0, 0, 0, 0]]])   # centre (24, 32)
    classes = torch.tensor([[4, -1]])
    heatmap, cell, sizes, offsets, valid = targets(boxes, classes, 16, 16)
    assert valid.tolist() == [[True, False]]
    assert cell[0, 0].tolist() == [32 // STRIDE, 24 // STRIDE]
    assert heatmap[0, 4, 4, 3] == 1.0 and (heatmap == 1.0).sum() == 1
    assert heatmap[0, :4].max() == 0 and heatmap[0, 5:].max() == 0
    torch.testing.assert_close(sizes[0, 0], torch.log(torch.tensor([4.0, 4.0])))
    torch.testing.assert_close(offsets[0, 0], torch.tensor([0.0, 0.0]))


def test_evaluation_set_is_written_as_pngs_and_boxes(tmp_path):
    scenes = make_detection_canvases.evaluation_scenes(count=3)
    make_detection_canvases.write(tmp_path, scenes)
    notes = json.loads((tmp_path / "annotations.json").read_text())
    assert [item["file"] for item in notes["images"]] == ["000.png", "001.png", "002.png"]
    for i, item in enumerate(notes["images"]):
        pixels = np.asarray(Image.open(tmp_path / item["file"]), dtype=np.float32) / 255
        assert np.abs(pixels - scenes.images[i].permute(1, 2, 0).numpy()).max() < 1e-6
        kept = scenes.classes[i] >= 0
        assert item["classes"] == scenes.classes[i][kept].tolist()
        assert item["boxes"] == scenes.boxes[i][kept].int().tolist()


def test_documented_export_path_writes_a_detector_that_keeps_the_contract(tmp_path):
    torch.manual_seed(0)
    backbone = torch.nn.Sequential(torch.nn.Conv2d(3, 8, 3, 4, 1), torch.nn.ReLU())
    head = CenterNetHead(torch.nn.Conv2d(8, 3 + 4, 1), classes=3, stride=4, max_detections=5)
    net = SplitNetwork(backbone, head).eval()
    meta = detector_descriptor("tiny-detector", 32, 24, [0.0] * 3, [1.0] * 3, "letterbox",
                               ["a", "b", "c"], "feature_net.1", 8, max_detections=5)
    x = torch.rand(3, 3, 24, 32)
    shape = write_detector_package(tmp_path, freeze(torch.jit.script(net)), meta, "tiny", x, 5)

    assert shape == (3, 8, 6, 8)
    written = yaml.safe_load((tmp_path / "model.yaml").read_text())
    assert written["task"] == "detection" and written["max-detections"] == 5
    assert list(written)[:2] == ["name", "task"]
    with torch.no_grad():
        rows = torch.jit.load(str(tmp_path / "model.pt"))(x)
    assert rows.shape == (3, 5, 6)
    assert (rows[..., 2] <= 32).all() and (rows[..., 3] <= 24).all()


def test_a_head_giving_logits_is_refused_as_a_detector(tmp_path):
    net = SplitNetwork(torch.nn.Conv2d(3, 4, 3, padding=1),
                       torch.nn.Sequential(torch.nn.AdaptiveAvgPool2d(1), torch.nn.Flatten())).eval()
    meta = detector_descriptor("not-a-detector", 8, 8, [0.0] * 3, [1.0] * 3, "stretch", ["a"],
                               "feature_net", 8, max_detections=4)
    with pytest.raises(PackageError, match=r"not \(N,4,6\)"):
        write_detector_package(tmp_path, torch.jit.script(net), meta, "wrong", torch.rand(2, 3, 8, 8), 4)
    assert not (tmp_path / "model.pt").exists()
