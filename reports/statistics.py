"""Paired pre/post statistics on the per-participant columns the database returns.

Every function takes NumPy arrays of equal length (one element per paired participant)
and is vectorised; nothing here touches the ORM.

Methods (stated in the report's methodology annex):

* **gain** — mean(post) − mean(pre), in points of the score's scale;
* **Hake's normalised gain** — (mean post − mean pre) / (100 − mean pre), for knowledge
  scores in % correct only (undefined when the mean pre score is 100);
* **Cohen's d_z** — mean(diff) / sd(diff), with sd the sample standard deviation
  (ddof = 1) of the paired differences diff = post − pre; none (nor a t-test) when every
  difference is the same (:data:`SAME_DIFFERENCE`);
* **95 % confidence interval of d_z** — exact, by inverting the noncentral t
  distribution: t = d_z·√n follows a noncentral t with n − 1 degrees of freedom and
  noncentrality δ·√n, so the bounds are the noncentralities λ for which the observed t
  is the 97.5th and 2.5th percentile, divided by √n (Steiger & Fouladi 1997; Cumming
  & Finch 2001);
* **p-value** — two-sided paired t-test for knowledge scores; two-sided Wilcoxon
  signed-rank test for the Likert means (self-efficacy, intention), with zero
  differences dropped (Wilcoxon's method) and SciPy's automatic choice between the
  exact distribution and the normal approximation.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Literal

import numpy as np
from scipy import optimize, special, stats

Test = Literal["t", "wilcoxon"]
CONFIDENCE = 0.95

#: Paired differences closer than this are equal. A response's scores are stored rounded
#: to four decimals (``assessments.answers.compute_scores``), so two equal gains may differ
#: by up to 2e-4 (33.3333 and 33.3334 points); two really different ones differ by a step
#: of the scale (one item of a questionnaire: far more than 1e-3).
SAME_DIFFERENCE = 1e-3


@dataclass(frozen=True)
class PairedResult:
    n: int
    mean_pre: float | None
    mean_post: float | None
    gain: float | None
    hake: float | None
    d_z: float | None
    ci_low: float | None
    ci_high: float | None
    p_value: float | None
    test: str

    def as_dict(self) -> dict:
        return asdict(self)


def _finite(value: float) -> float | None:
    value = float(value)
    return value if math.isfinite(value) else None


def no_spread(diff: np.ndarray) -> bool:
    """Every paired difference is the same, up to the rounding of the stored scores."""
    return float(np.ptp(diff)) < SAME_DIFFERENCE


def cohens_dz(diff: np.ndarray) -> float | None:
    if diff.size < 2 or no_spread(diff):
        return None
    return float(np.mean(diff)) / float(np.std(diff, ddof=1))


def dz_confidence_interval(
    d_z: float, n: int, confidence: float = CONFIDENCE
) -> tuple[float | None, float | None]:
    """Exact CI of d_z by inverting the noncentral t distribution (see the module doc)."""
    if d_z is None or n < 2:
        return None, None
    df = n - 1
    t_obs = d_z * math.sqrt(n)
    alpha = 1.0 - confidence

    def f(nc: float, target: float) -> float:
        # ``special.nctdtr`` is what ``stats.nct.cdf`` evaluates, bit for bit, without the
        # distribution object's argument checks (~20× faster; the solver calls it a lot).
        return float(special.nctdtr(df, nc, t_obs)) - target

    def solve(target: float, direction: int) -> float | None:
        # The cdf falls as the noncentrality grows and is about 1/2 at nc = t: the root
        # lies on one side of t. Widen the bracket on that side until the sign changes.
        width = 1.0
        for _ in range(16):
            near, far = t_obs, t_obs + direction * width
            f_near, f_far = f(near, target), f(far, target)
            if not (math.isfinite(f_near) and math.isfinite(f_far)):
                return None
            if f_near * f_far < 0:
                low, high = sorted((near, far))
                return optimize.brentq(
                    f, low, high, args=(target,), xtol=1e-14, rtol=4 * np.finfo(float).eps
                )
            width *= 2
        return None

    upper_nc = solve(alpha / 2, +1)
    lower_nc = solve(1 - alpha / 2, -1)
    if lower_nc is None or upper_nc is None:
        return None, None
    return lower_nc / math.sqrt(n), upper_nc / math.sqrt(n)


def p_value(pre: np.ndarray, post: np.ndarray, test: Test) -> float | None:
    diff = post - pre
    if diff.size < 2 or not np.any(diff):
        return None
    if test == "t":
        if no_spread(diff):
            return None
        return _finite(stats.ttest_rel(post, pre).pvalue)
    return _finite(stats.wilcoxon(post, pre, zero_method="wilcox", method="auto").pvalue)


def paired(
    pre: np.ndarray, post: np.ndarray, *, test: Test, scale_max: float | None = None
) -> PairedResult:
    """Statistics of one cell. Rows where either value is missing are not pairs and are dropped.

    ``scale_max`` (100 for % correct) enables Hake's normalised gain.
    """
    pre = np.asarray(pre, dtype=float)
    post = np.asarray(post, dtype=float)
    keep = ~(np.isnan(pre) | np.isnan(post))
    pre, post = pre[keep], post[keep]
    n = int(pre.size)
    if n == 0:
        return PairedResult(0, None, None, None, None, None, None, None, None, test)
    mean_pre, mean_post = float(np.mean(pre)), float(np.mean(post))
    gain = mean_post - mean_pre
    hake = None
    if scale_max is not None and mean_pre < scale_max:
        hake = gain / (scale_max - mean_pre)
    d_z = cohens_dz(post - pre)
    ci_low, ci_high = dz_confidence_interval(d_z, n)
    return PairedResult(
        n=n,
        mean_pre=mean_pre,
        mean_post=mean_post,
        gain=gain,
        hake=hake,
        d_z=d_z,
        ci_low=ci_low,
        ci_high=ci_high,
        p_value=p_value(pre, post, test),
        test=test,
    )


def grouped(
    keys: np.ndarray, pre: np.ndarray, post: np.ndarray, *, test: Test, scale_max=None
) -> dict:
    """:func:`paired` for each distinct key (a loop over groups, not rows)."""
    keys = np.asarray(keys)
    if keys.size == 0:
        return {}
    order = np.argsort(keys, kind="stable")
    sorted_keys = keys[order]
    unique, starts = np.unique(sorted_keys, return_index=True)
    bounds = list(starts[1:]) + [sorted_keys.size]
    results = {}
    for key, start, end in zip(unique, starts, bounds, strict=True):
        rows = order[start:end]
        results[key.item() if hasattr(key, "item") else key] = paired(
            pre[rows], post[rows], test=test, scale_max=scale_max
        )
    return results
