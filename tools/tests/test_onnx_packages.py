"""export_model.py --format onnx and package_onnx.py: the onnxruntime package layout.

ONNX Runtime is not installed for Python here, so these check the graphs' structure (outputs,
shapes by onnx shape inference, the descriptor); the numbers are checked by the Java tests,
which serve the fixture twins (tools/make_onnx_test_models.py) on both engines.
"""

from pathlib import Path

import onnx
import pytest
import yaml

import export_model
import package_onnx
from onnx_package import output_ranks

SIZE = 64
REPO = Path(__file__).resolve().parents[2]
LOGITS_ONLY = REPO / "src/test/resources/models/onnx-broken/logits-only.onnx"
TARGET = "/feature_net/feature_net.6/MaxPool_output_0"


def shapes(path):
    model = onnx.shape_inference.infer_shapes(onnx.load(str(path)))
    return {o.name: [d.dim_value or d.dim_param for d in o.type.tensor_type.shape.dim] for o in model.graph.output}


def test_export_writes_model_and_head_onnx_with_the_activations_output(tmp_path):
    out = tmp_path / "resnet"
    assert export_model.main(["--arch", "resnet18", "--input-size", str(SIZE), "--format", "onnx",
                              "--out", str(out)]) == 0
    assert not (out / "model.pt").exists()
    meta = yaml.safe_load((out / "model.yaml").read_text())
    assert meta["engine"] == "onnxruntime" and meta["name"] == "resnet18"
    assert shapes(out / "model.onnx") == {"logits": ["batch", 1000], "activations": ["batch", 512, 2, 2]}
    assert shapes(out / "head.onnx") == {"logits": ["batch", 1000]}
    head_input = onnx.load(str(out / "head.onnx")).graph.input[0]
    assert head_input.name == "activations"


def test_export_converts_the_demo_package(tmp_path):
    out = tmp_path / "demo"
    assert export_model.main(["--from-package", str(REPO / "src/main/resources/demo-model/fashion-cnn"),
                              "--format", "onnx", "--name", "fashion-onnx", "--out", str(out)]) == 0
    meta = yaml.safe_load((out / "model.yaml").read_text())
    demo = yaml.safe_load((REPO / "src/main/resources/demo-model/fashion-cnn/model.yaml").read_text())
    assert meta["name"] == "fashion-onnx" and meta["engine"] == "onnxruntime"
    assert meta["labels"] == demo["labels"] and meta["input"] == demo["input"]
    assert output_ranks(onnx.load(str(out / "model.onnx"))) == {"logits": 2, "activations": 4}


@pytest.mark.parametrize("format", ["onnx", "torchscript"])
def test_from_package_refuses_a_directory_without_a_package(tmp_path, capsys, format):
    assert export_model.main(["--from-package", str(tmp_path), "--format", format, "--out", str(tmp_path / "x")]) == 2
    assert f"--from-package {tmp_path} holds no" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


def test_list_tensors_names_the_rank4_tensors_in_graph_order(capsys):
    assert package_onnx.main([str(LOGITS_ONLY), "--list-tensors"]) == 0
    lines = capsys.readouterr().out.splitlines()
    names = [line.split("\t")[0] for line in lines]
    assert TARGET in names
    assert names.index("/feature_net/feature_net.0/Conv_output_0") < names.index(TARGET)
    assert lines[names.index(TARGET)].split("\t")[1] == "['batch', 12, 8, 8]"


def test_packaging_adds_the_target_as_second_output_and_cuts_the_head(tmp_path):
    out = tmp_path / "mine"
    assert package_onnx.main([str(LOGITS_ONLY), "--target-tensor", TARGET, "--name", "mine",
                              "--mean", "0.5", "0.5", "0.5", "--out", str(out)]) == 0
    model = onnx.load(str(out / "model.onnx"))
    assert [o.name for o in model.graph.output] == ["logits", TARGET]
    head = onnx.load(str(out / "head.onnx"))
    assert [i.name for i in head.graph.input] == [TARGET]
    assert [o.name for o in head.graph.output] == ["logits"]
    meta = yaml.safe_load((out / "model.yaml").read_text())
    assert meta["engine"] == "onnxruntime" and meta["target-layer"] == TARGET
    assert meta["input"]["width"] == 32 and meta["input"]["mean"] == [0.5, 0.5, 0.5]
    assert meta["labels"] == [f"class_{i}" for i in range(5)]


@pytest.mark.parametrize("target, message", [("nope", "not a rank-4 tensor"),
                                             ("logits", "not a rank-4 tensor")])
def test_packaging_refuses_a_target_that_is_not_an_activation(tmp_path, capsys, target, message):
    assert package_onnx.main([str(LOGITS_ONLY), "--target-tensor", target, "--out", str(tmp_path / "p")]) == 2
    assert message in capsys.readouterr().err


def test_labels_must_match_the_logits(tmp_path, capsys):
    labels = tmp_path / "labels.txt"
    labels.write_text("a\nb\n")
    assert package_onnx.main([str(LOGITS_ONLY), "--target-tensor", TARGET, "--labels-file", str(labels),
                              "--out", str(tmp_path / "p")]) == 2
    assert "2 labels for a graph with 5 logits" in capsys.readouterr().err
