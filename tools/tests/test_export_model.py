"""export_model.py: torchvision classifiers split at the target layer, checked after reload."""

import pytest
import torch
import yaml

import export_model

SIZE = 64


def run_export(tmp_path, *extra):
    out = tmp_path / "package"
    rc = export_model.main(["--input-size", str(SIZE), "--out", str(out), *extra])
    return rc, out


@pytest.mark.parametrize("arch, layer", [("resnet18", "layer4"), ("vgg11", "features.19"),
                                         ("mobilenet_v3_small", "features")])
def test_exported_package_splits_exactly(tmp_path, arch, layer):
    rc, out = run_export(tmp_path, "--arch", arch, "--batch-size", "16")
    assert rc == 0
    assert (out / "model.pt").is_file() and (out / "model.yaml").is_file()

    meta = yaml.safe_load((out / "model.yaml").read_text())
    assert meta["name"] == arch
    assert meta["input"] == {"width": SIZE, "height": SIZE, "mean": export_model.IMAGENET_MEAN,
                             "std": export_model.IMAGENET_STD, "resize": "stretch"}
    assert meta["labels"] == [f"class_{i}" for i in range(1000)]
    assert meta["target-layer"] == layer
    assert meta["batch-size"] == 16

    model = torch.jit.load(str(out / "model.pt"))
    x = torch.randn(3, 3, SIZE, SIZE, generator=torch.Generator().manual_seed(123))
    with torch.no_grad():
        a = model.features(x)
        logits = model(x)
        assert a.dim() == 4 and a.shape[0] == 3
        assert logits.shape == (3, 1000)
        torch.testing.assert_close(model.head(a), logits, rtol=1e-4, atol=1e-5)


def test_by_default_model_pt_is_frozen_channels_last_beside_a_portable_file_with_the_same_logits(tmp_path):
    rc, served = run_export(tmp_path / "a", "--arch", "resnet18")
    assert rc == 0
    rc, scripted = run_export(tmp_path / "b", "--arch", "resnet18", "--no-freeze")
    assert rc == 0
    assert not (scripted / "model.portable.pt").exists()

    frozen, plain = torch.jit.load(str(served / "model.pt")), torch.jit.load(str(scripted / "model.pt"))
    portable = torch.jit.load(str(served / "model.portable.pt"))
    assert not list(frozen.parameters()) and list(plain.parameters())
    # The portable file is the scripted network as --no-freeze writes it: parameters in the standard layout.
    assert [p.shape for p in portable.parameters()] == [p.shape for p in plain.parameters()]
    assert all(p.is_contiguous() for p in portable.parameters())
    graph = str(frozen.features.graph)
    assert "aten::conv2d" in graph and "batch_norm" not in graph    # folded into the convolutions
    convs = [n.t("value") for n in frozen.features.graph.nodes()
             if n.kind() == "prim::Constant" and n.hasAttribute("value") and n.kindOf("value") == "t"
             and n.t("value").dim() == 4 and n.t("value").shape[2] == 3]
    assert convs and all(w.is_contiguous(memory_format=torch.channels_last) for w in convs)
    x = torch.randn(3, 3, SIZE, SIZE, generator=torch.Generator().manual_seed(5))
    with torch.no_grad():
        a = frozen.features(x)
        assert a.is_contiguous()                      # the contract's layout, whatever runs inside
        torch.testing.assert_close(a, plain.features(x), rtol=1e-4, atol=1e-5)
        torch.testing.assert_close(frozen(x), plain(x), rtol=1e-4, atol=1e-5)
        torch.testing.assert_close(frozen.head(a), frozen(x), rtol=1e-4, atol=1e-5)
        torch.testing.assert_close(portable(x), plain(x), rtol=0, atol=0)


def test_from_package_writes_the_serving_form_of_a_scripted_package_and_keeps_it_as_portable(tmp_path):
    rc, scripted = run_export(tmp_path / "a", "--arch", "resnet18", "--no-freeze", "--name", "mine")
    assert rc == 0
    (scripted / "labels.txt").write_text("kept\n")
    out = tmp_path / "served"
    assert export_model.main(["--from-package", str(scripted), "--name", "mine-served", "--out", str(out)]) == 0

    served = torch.jit.load(str(out / "model.pt"))
    portable = torch.jit.load(str(out / "model.portable.pt"))
    source = torch.jit.load(str(scripted / "model.pt"))
    assert not list(served.parameters())
    assert len(list(portable.parameters())) == len(list(source.parameters()))
    assert (out / "labels.txt").read_text() == "kept\n"
    assert yaml.safe_load((out / "model.yaml").read_text())["name"] == "mine-served"
    x = torch.randn(2, 3, SIZE, SIZE, generator=torch.Generator().manual_seed(9))
    with torch.no_grad():
        torch.testing.assert_close(served(x), source(x), rtol=1e-4, atol=1e-5)
        torch.testing.assert_close(portable(x), source(x), rtol=0, atol=0)

    # Its output has no unfrozen model.pt left to start from, only the portable file: that works again.
    again = tmp_path / "again"
    assert export_model.main(["--from-package", str(out), "--out", str(again)]) == 0
    (out / "model.portable.pt").unlink()
    assert export_model.main(["--from-package", str(out), "--out", str(tmp_path / "never")]) == 2
    assert not (tmp_path / "never" / "model.pt").exists()


def test_labels_file_sets_the_number_of_classes(tmp_path):
    labels = tmp_path / "labels.txt"
    labels.write_text("cat\ndog\nbird\n")
    rc, out = run_export(tmp_path, "--arch", "resnet18", "--labels-file", str(labels),
                         "--name", "pets", "--resize", "letterbox")
    assert rc == 0
    meta = yaml.safe_load((out / "model.yaml").read_text())
    assert meta["labels"] == ["cat", "dog", "bird"]
    assert meta["name"] == "pets" and meta["input"]["resize"] == "letterbox"
    with torch.no_grad():
        assert torch.jit.load(str(out / "model.pt"))(torch.zeros(1, 3, SIZE, SIZE)).shape == (1, 3)


def test_weights_are_loaded(tmp_path):
    torch.manual_seed(7)
    source = export_model.build_model("resnet18", 4, None, seed=99)
    torch.save(source.state_dict(), tmp_path / "w.pth")
    rc, out = run_export(tmp_path, "--arch", "resnet18", "--weights", str(tmp_path / "w.pth"),
                         "--labels-file", str(write_labels(tmp_path, 4)))
    assert rc == 0
    x = torch.randn(2, 3, SIZE, SIZE)
    with torch.no_grad():
        torch.testing.assert_close(torch.jit.load(str(out / "model.pt"))(x), source(x),
                                   rtol=1e-4, atol=1e-5)


def write_labels(tmp_path, n):
    path = tmp_path / "labels.txt"
    path.write_text("".join(f"l{i}\n" for i in range(n)))
    return path


@pytest.mark.parametrize("args, message", [
    (["--arch", "resnet19"], "unknown --arch"),
    (["--arch", "resnet18", "--target-layer", "layer9"], "unknown --target-layer"),
    (["--arch", "resnet18", "--target-layer", "layer4.0.conv1"], "skip connection"),
])
def test_clear_errors_and_nothing_written(tmp_path, capsys, args, message):
    rc, out = run_export(tmp_path, *args)
    assert rc == 2
    assert message in capsys.readouterr().err
    assert not (out / "model.pt").exists()
