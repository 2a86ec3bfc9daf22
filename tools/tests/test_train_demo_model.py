"""train_demo_model.py without training: architecture, MAC budget, BN folding, a 1-batch step."""

import torch

import train_demo_model as tdm
from fashion_canvas import load_fashion_mnist


def test_features_are_64_channels_at_12x12_within_the_mac_budget():
    model = tdm.FashionCnn().eval()
    package = tdm.fold_batchnorm(model)
    assert package.features(torch.zeros(1, 3, 96, 96)).shape == (1, 64, 12, 12)
    assert tdm.count_macs(package) <= 17_000_000      # ~15 M budget: one forward per channel


def test_batchnorm_folding_keeps_the_outputs():
    torch.manual_seed(0)
    model = tdm.FashionCnn()
    for m in model.modules():                      # non-trivial running statistics
        if isinstance(m, torch.nn.BatchNorm2d):
            m.running_mean.uniform_(-0.5, 0.5)
            m.running_var.uniform_(0.5, 2.0)
            m.weight.data.uniform_(0.5, 1.5)
    model.eval()
    x = torch.rand(4, 3, 96, 96)
    with torch.no_grad():
        torch.testing.assert_close(tdm.fold_batchnorm(model)(x), model(x), rtol=1e-4, atol=1e-5)


def test_one_training_batch_updates_the_model(tmp_path):
    torch.manual_seed(0)
    garments, labels = load_fashion_mnist("train")
    model = tdm.FashionCnn()
    optimiser = torch.optim.SGD(model.parameters(), lr=0.1)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimiser, lambda step: 1.0)
    before = model.fc.weight.detach().clone()
    loss, acc = tdm.train_epoch(model, optimiser, scheduler, garments[:16], labels[:16],
                                torch.Generator().manual_seed(1), batch_size=16, max_batches=1)
    assert torch.isfinite(torch.tensor(loss)) and 0 <= acc <= 1
    assert not torch.equal(before, model.fc.weight)

    tdm.write_package(tdm.fold_batchnorm(model.eval()), tmp_path)
    scripted = torch.jit.load(str(tmp_path / "model.pt"))
    x = torch.rand(2, 3, 96, 96)
    with torch.no_grad():
        torch.testing.assert_close(scripted.head(scripted.features(x)), scripted(x))
