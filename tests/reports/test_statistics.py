"""The statistics against an independent SciPy computation on paired data with a known effect."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import optimize, stats

from reports import statistics

TOLERANCE = 1e-9


def independent_dz_ci(pre, post):
    """d_z and its exact 95 % CI by the noncentral t, solved here with TOMS 748."""
    diff = post - pre
    n = diff.size
    t = stats.ttest_rel(post, pre).statistic
    d_z = diff.mean() / diff.std(ddof=1)

    def bound(quantile):
        return optimize.root_scalar(
            lambda nc: stats.nct.cdf(t, n - 1, nc) - quantile,
            bracket=[t - 6, t + 6],
            method="toms748",
            xtol=1e-14,
        ).root / math.sqrt(n)

    return d_z, bound(0.975), bound(0.025)


@pytest.fixture
def knowledge_pairs():
    """200 girls, knowledge rising by 8 points on average, sd of the change 10: d_z = 0.8."""
    rng = np.random.default_rng(1306)
    pre = rng.normal(50, 15, 200)
    post = pre + rng.normal(8, 10, 200)
    return pre, post


def test_knowledge_statistics_match_scipy_to_1e_9(knowledge_pairs):
    pre, post = knowledge_pairs
    result = statistics.paired(pre, post, test="t", scale_max=100.0)
    d_z, low, high = independent_dz_ci(pre, post)

    assert result.n == 200
    assert result.mean_pre == pytest.approx(np.mean(pre), abs=TOLERANCE)
    assert result.mean_post == pytest.approx(np.mean(post), abs=TOLERANCE)
    assert result.gain == pytest.approx(np.mean(post) - np.mean(pre), abs=TOLERANCE)
    assert result.hake == pytest.approx(
        (np.mean(post) - np.mean(pre)) / (100 - np.mean(pre)), abs=TOLERANCE
    )
    assert result.d_z == pytest.approx(d_z, abs=TOLERANCE)
    assert result.ci_low == pytest.approx(low, abs=TOLERANCE)
    assert result.ci_high == pytest.approx(high, abs=TOLERANCE)
    assert result.p_value == pytest.approx(stats.ttest_rel(post, pre).pvalue, abs=TOLERANCE)
    # The known effect is found: the interval covers the true d_z of 0.8.
    assert result.ci_low < 0.8 < result.ci_high
    assert 0.6 < result.d_z < 1.0


def test_the_ci_is_the_noncentral_t_interval_not_the_normal_approximation(knowledge_pairs):
    pre, post = knowledge_pairs
    result = statistics.paired(pre[:15], post[:15], test="t")
    n, d = 15, result.d_z
    half = 1.959963984540054 * math.sqrt(1 / n + d * d / (2 * n))
    # With 15 pairs the exact interval is visibly asymmetric around d_z; the normal one is not.
    assert abs((result.ci_high - d) - (d - result.ci_low)) > 0.01
    assert result.ci_low != pytest.approx(d - half, abs=1e-3)


def test_likert_p_values_are_the_wilcoxon_signed_rank_test_of_scipy():
    rng = np.random.default_rng(67)
    pre = rng.integers(1, 6, size=(80, 4)).mean(axis=1)
    post = np.clip(pre + rng.choice([-0.25, 0, 0.25, 0.5, 0.75], size=80), 1, 5)
    result = statistics.paired(pre, post, test="wilcoxon")
    expected = stats.wilcoxon(post, pre, zero_method="wilcox", method="auto").pvalue
    d_z, low, high = independent_dz_ci(pre, post)

    assert result.n == 80
    assert result.p_value == pytest.approx(expected, abs=TOLERANCE)
    assert result.d_z == pytest.approx(d_z, abs=TOLERANCE)
    assert (result.ci_low, result.ci_high) == (
        pytest.approx(low, abs=TOLERANCE),
        pytest.approx(high, abs=TOLERANCE),
    )
    assert result.hake is None  # normalised gain is for % scores only


def test_grouped_statistics_equal_those_of_each_group_alone(knowledge_pairs):
    pre, post = knowledge_pairs
    keys = np.where(np.arange(200) % 3 == 0, "9_12", "13_18").astype(object)
    grouped = statistics.grouped(keys, pre, post, test="t", scale_max=100.0)
    for key in ("9_12", "13_18"):
        mask = keys == key
        alone = statistics.paired(pre[mask], post[mask], test="t", scale_max=100.0)
        assert grouped[key] == alone
    assert grouped["9_12"].n == 67


def test_missing_values_are_not_pairs_and_degenerate_cells_give_no_statistic():
    pre = np.array([40.0, np.nan, 60.0, 50.0])
    post = np.array([50.0, 70.0, np.nan, 60.0])
    result = statistics.paired(pre, post, test="t", scale_max=100.0)
    assert result.n == 2
    assert result.gain == 10.0
    # Every difference is 10: no spread, so no d_z, no interval and no test.
    assert (result.d_z, result.ci_low, result.p_value) == (None, None, None)
    empty = statistics.paired(np.array([]), np.array([]), test="wilcoxon")
    assert empty.n == 0 and empty.mean_pre is None


def test_equal_gains_of_scores_stored_to_four_decimals_give_no_effect_size():
    """Three knowledge items, every girl one more right: every gain is 33⅓ points, stored as
    33.3333 or 33.3334. That is no spread at all, not a d_z of hundreds of thousands."""
    pre = np.array([0.0, 33.3333, 66.6667] * 4)
    post = np.array([33.3333, 66.6667, 100.0] * 4)
    result = statistics.paired(pre, post, test="t", scale_max=100.0)
    assert result.gain == pytest.approx(100 / 3, abs=1e-3)
    assert (result.d_z, result.ci_low, result.ci_high, result.p_value) == (None, None, None, None)

    likert_pre = np.array([1.3333, 2.3333, 1.6667] * 4)
    likert_post = likert_pre + np.array([1.3334, 1.3334, 1.3333] * 4)
    likert = statistics.paired(likert_pre, likert_post, test="wilcoxon")
    assert likert.d_z is None and likert.ci_low is None
