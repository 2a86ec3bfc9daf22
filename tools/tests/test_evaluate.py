"""The evaluation table's maths on tiny fakes (tools/evaluate.py), no service needed."""

import numpy as np
import pytest

import evaluate


def test_the_box_holds_the_pixels_whose_centre_lies_inside_it():
    mask = evaluate.box_mask([1, 2, 4, 3], (1.0, 1.0, 0.0, 0.0), height=5, width=6)
    assert mask.sum() == 3
    assert mask[2, 1:4].all()


def test_energy_is_the_share_of_the_map_inside_the_box_and_zero_for_an_empty_map():
    saliency = np.zeros((4, 4), dtype=np.float32)
    saliency[0, 0] = 3
    saliency[3, 3] = 1
    mask = evaluate.box_mask([0, 0, 2, 2], (1.0, 1.0, 0.0, 0.0), 4, 4)
    assert evaluate.energy_in_box(saliency, mask) == pytest.approx(0.75)
    assert evaluate.energy_in_box(np.zeros((4, 4)), mask) == 0.0


def test_boxes_follow_the_models_resize_geometry():
    # stretch halves a 192 x 192 image onto 96 x 96
    assert evaluate.placement("stretch", (192, 192), (96, 96)) == (0.5, 0.5, 0.0, 0.0)
    # letterbox: 200 x 100 fits as 96 x 48, 24 px of border above and below
    assert evaluate.placement("letterbox", (200, 100), (96, 96)) == (0.48, 0.48, 0.0, 24.0)
    # center-crop: 200 x 100 covers 96 x 96 at scale 0.96, 48 px cut left and right
    assert evaluate.placement("center-crop", (200, 100), (96, 96)) == (0.96, 0.96, -48.0, 0.0)
    mask = evaluate.box_mask([0, 0, 100, 50], evaluate.placement("letterbox", (200, 100), (96, 96)), 96, 96)
    assert mask.sum() == 48 * 24 and mask[24, 0] and not mask[23, 0]


def test_a_method_row_averages_its_images_in_percent_where_the_paper_does():
    rows = [dict(drop=0.5, increase=1.0, energy=0.2, deletion=0.1, insertion=0.7, passes=66, millis=40,
                 road_morf=0.25, road_lerf=0.75),
            dict(drop=0.0, increase=0.0, energy=0.6, deletion=0.3, insertion=0.5, passes=64, millis=20)]
    row = evaluate.summarise("scorecam", rows)
    assert row["Average Drop %"] == pytest.approx(25.0)
    assert row["Average Increase %"] == pytest.approx(50.0)
    assert row["Pointing (energy) %"] == pytest.approx(40.0)
    assert row["Deletion AUC"] == pytest.approx(0.2)
    assert row["Insertion AUC"] == pytest.approx(0.6)
    assert row["passes / image"] == 65 and row["ms / image"] == 30 and row["images"] == 2
    table = evaluate.markdown_table([row]).splitlines()
    assert table[0].startswith("| method | Average Drop % |")
    # ROAD averages the images it covered (the first only, here)
    assert row["ROAD MoRF"] == 0.25 and row["ROAD LeRF"] == 0.75
    assert table[2] == "| `scorecam` | 25.0 | 50.0 | 40.0 | 0.200 | 0.600 | 0.250 | 0.750 | 65.0 | 30.0 | 2 |"


def test_a_method_without_road_shows_a_dash_in_its_columns():
    rows = [dict(drop=0.5, increase=1.0, energy=0.2, deletion=0.1, insertion=0.7, passes=66, millis=40)]
    row = evaluate.summarise("gradcam", rows)
    assert row["ROAD MoRF"] is None
    assert evaluate.markdown_table([row]).splitlines()[2] == \
        "| `gradcam` | 50.0 | 100.0 | 20.0 | 0.100 | 0.700 | – | – | 66.0 | 40.0 | 1 |"


def test_the_table_replaces_only_what_lies_between_the_markers():
    text = f"intro\n{evaluate.BEGIN}\nold\n{evaluate.END}\npaper\n"
    assert evaluate.place_between_markers(text, "new") == f"intro\n{evaluate.BEGIN}\nnew\n{evaluate.END}\npaper\n"
    assert evaluate.place_between_markers("no markers", "new") is None


def test_methods_come_from_the_service_or_default_to_scorecam():
    assert evaluate.method_names(404, None) == ["scorecam"]
    assert evaluate.method_names(200, ["scorecam", "gradcam"]) == ["scorecam", "gradcam"]
    assert evaluate.method_names(200, [{"name": "sscam", "cost": "..."}]) == ["sscam"]
    assert evaluate.method_names(200, {"methods": [{"name": "iscam"}]}) == ["iscam"]


def test_the_map_is_decoded_as_little_endian_float32_rows():
    import base64
    data = np.arange(6, dtype="<f4")
    saliency = {"width": 3, "height": 2, "data": base64.b64encode(data.tobytes()).decode()}
    assert evaluate.decode_map(saliency).tolist() == [[0, 1, 2], [3, 4, 5]]


def test_a_named_pair_of_markers_leaves_the_default_pair_alone():
    text = f"{evaluate.BEGIN}\nfirst\n{evaluate.END}\n<!-- other:begin -->\nold\n<!-- other:end -->\n"
    assert evaluate.place_between_markers(text, "new", "other") == \
        f"{evaluate.BEGIN}\nfirst\n{evaluate.END}\n<!-- other:begin -->\nnew\n<!-- other:end -->\n"
    assert evaluate.place_between_markers(text, "new", "missing") is None
