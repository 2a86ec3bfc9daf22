"""ROAD's noisy linear imputation and its MoRF/LeRF scores (tools/road.py) on hand-worked cases."""

import numpy as np
import pytest
import torch

import road


def test_a_removed_centre_is_the_weighted_mean_of_its_eight_neighbours():
    # edges weigh 1/6, corners 1/12: 4 * 6/6 + 4 * 12/12 = 8
    image = np.array([[[12.0, 6, 12], [6, -100, 6], [12, 6, 12]]])
    removed = np.zeros((3, 3), dtype=bool)
    removed[1, 1] = True
    out = road.impute(image, removed, noise=0)
    assert out[0, 1, 1] == pytest.approx(8.0)
    assert np.array_equal(np.delete(out.ravel(), 4), np.delete(image.ravel(), 4))


def test_a_corner_renormalises_over_the_neighbours_inside_the_image():
    # (0,0) has (0,1) and (1,0) at 1/6 and (1,1) at 1/12: (3/6 + 9/6 + 12/12) / (5/12) = 7.2
    image = np.array([[[-50.0, 3, 0], [9, 12, 0], [0, 0, 0]]])
    removed = np.zeros((3, 3), dtype=bool)
    removed[0, 0] = True
    assert road.impute(image, removed, noise=0)[0, 0, 0] == pytest.approx(7.2)


def test_removed_neighbours_are_solved_together_a_line_interpolates_linearly():
    # one row: x1 = (3 + x2) / 2, x2 = (x1 + 9) / 2, so 5 and 7; every colour alike
    image = np.array([[[3.0, 0, 0, 9]], [[0.0, 1, 1, 3]]])
    removed = np.array([[False, True, True, False]])
    out = road.impute(image, removed, noise=0)
    assert out[0, 0] == pytest.approx([3, 5, 7, 9])
    assert out[1, 0] == pytest.approx([0, 1, 2, 3])


def test_the_noise_lands_on_the_imputed_pixels_only_with_its_standard_deviation():
    image = np.ones((3, 40, 40))
    removed = np.zeros((40, 40), dtype=bool)
    removed[10:30, 10:30] = True
    out = road.impute(image, removed, noise=0.01, rng=np.random.default_rng(3))
    assert np.array_equal(out[:, ~removed], image[:, ~removed])
    residual = out[:, removed] - 1.0  # a constant image imputes to that constant
    assert residual.std() == pytest.approx(0.01, rel=0.05)
    assert abs(residual.mean()) < 0.001


def test_every_pixel_removed_leaves_nothing_to_impute_from():
    with pytest.raises(ValueError):
        road.impute(np.zeros((1, 2, 2)), np.ones((2, 2), dtype=bool))


def test_most_relevant_first_takes_the_highest_pixels_least_relevant_the_lowest_ties_by_index():
    saliency = np.array([[0.5, 0.9], [0.5, 0.1]])
    morf, lerf = road.orders(saliency)
    assert morf.tolist() == [1, 0, 2, 3]
    assert lerf.tolist() == [3, 0, 2, 1]
    masks = road.removal_masks(morf, (2, 2), (0.5,))
    assert masks[0].tolist() == [[True, True], [False, False]]


class Brightness(torch.nn.Module):
    """Class 1's logit is the mean of the top-left quadrant; class 0's is 0."""

    def forward(self, x):
        quadrant = x[:, :, :8, :8].mean(dim=(1, 2, 3))
        return torch.stack([torch.zeros_like(quadrant), 10 * quadrant], dim=1)


def test_a_map_on_the_evidence_falls_under_morf_and_stays_under_lerf():
    x = torch.zeros(1, 3, 16, 16)
    x[:, :, :8, :8] = 1.0
    right = np.zeros((16, 16), dtype=np.float32)
    right[:8, :8] = 1.0
    wrong = 1.0 - right
    good = road.road(Brightness(), x, right, target=1)
    bad = road.road(Brightness(), x, wrong, target=1)
    assert good["passes"] == 2 * len(road.FRACTIONS)
    # The evidence removed first: p falls to about sigmoid(0) = 0.5 once the quadrant is gone
    assert good["morf"] < bad["morf"]
    assert good["lerf"] > bad["lerf"]
    # At 10%, LeRF of the right map removes only background: p is untouched
    assert good["lerfCurve"][0] == pytest.approx(torch.sigmoid(torch.tensor(10.0)).item(), abs=1e-5)
