"""The statistics of section 4 against published and hand-computed values, and their edge cases."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2_contingency, norm

from evalkit.maaleparametre.faelles import adjusted_difference
from evalkit.statistik.andele import compare, exact_p, holm, mde, newcombe_ci
from evalkit.statistik.regression import smd


def test_z_test_matches_a_hand_computation():
    # ressourceforløb in the final evaluation: 139/917 vs 46/856
    p1, p2 = 139 / 917, 46 / 856
    pooled = (139 + 46) / (917 + 856)
    z = (p1 - p2) / math.sqrt(pooled * (1 - pooled) * (1 / 917 + 1 / 856))
    expected = math.erfc(abs(z) / math.sqrt(2))
    result = compare(139, 917, 46, 856)
    assert math.isclose(result["forskel"], p1 - p2)
    assert math.isclose(result["p"], expected, rel_tol=1e-9)
    assert result["p"] < 1e-10


def test_z_test_equals_chi_square_without_correction():
    chi = chi2_contingency([[102, 917 - 102], [89, 856 - 89]], correction=False)
    assert math.isclose(compare(102, 917, 89, 856)["p"], chi.pvalue, rel_tol=1e-9)


def test_no_events_gives_no_p_value():
    assert compare(0, 10, 0, 12) == {"forskel": 0.0, "p": None}


# --- Newcombe's hybrid score interval -------------------------------------------------------------------

# Newcombe RG (1998), "Interval estimation for the difference between independent proportions: comparison
# of eleven methods", Statistics in Medicine 17:873-890, Table II, method 10 (score interval without
# continuity correction), 95 %, to four decimals. Example (a) is the one the paper works through; the same
# figures for (a), (b) and (g) are the SAS reference values in the WUSS 2016 paper 127 used by the R
# package DescTools' tests ("newcombe-score").
NEWCOMBE_TABLE_II = [
    ((56, 70, 48, 80), (0.0524, 0.3339)),  # (a)
    ((9, 10, 3, 10), (0.1705, 0.8090)),  # (b)
    ((6, 7, 2, 7), (0.0582, 0.8062)),  # (c)
    ((5, 56, 0, 29), (-0.0381, 0.1926)),  # (d)
    ((0, 10, 0, 20), (-0.1611, 0.2775)),  # (e)
    ((0, 10, 0, 10), (-0.2775, 0.2775)),  # (f)
    ((10, 10, 0, 20), (0.6791, 1.0000)),  # (g)
    ((10, 10, 0, 10), (0.6075, 1.0000)),  # (h)
]


@pytest.mark.parametrize(("counts", "published"), NEWCOMBE_TABLE_II)
def test_newcombe_matches_the_published_table(counts, published):
    low, high = newcombe_ci(*counts)
    assert low == pytest.approx(published[0], abs=5e-5)
    assert high == pytest.approx(published[1], abs=5e-5)


def _wilson(x: int, n: int, z: float) -> tuple[float, float]:
    """Wilson (1927) score interval, written out independently of statsmodels."""
    p = x / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


@pytest.mark.parametrize("alpha", [0.05, 0.10])
def test_newcombe_equals_a_hand_computation_from_wilson_intervals(alpha):
    x1, n1, x2, n2 = 139, 917, 46, 856
    z = norm.isf(alpha / 2)
    (l1, u1), (l2, u2) = _wilson(x1, n1, z), _wilson(x2, n2, z)
    p1, p2 = x1 / n1, x2 / n2
    expected = (p1 - p2 - math.hypot(p1 - l1, u2 - p2), p1 - p2 + math.hypot(u1 - p1, p2 - l2))
    assert newcombe_ci(x1, n1, x2, n2, alpha=alpha) == pytest.approx(expected, abs=1e-12)


def test_newcombe_is_narrower_at_a_lower_confidence_level():
    low95, high95 = newcombe_ci(56, 70, 48, 80)
    low90, high90 = newcombe_ci(56, 70, 48, 80, alpha=0.10)
    assert low95 < low90 < 0.2 < high90 < high95


def test_newcombe_has_no_interval_for_an_empty_group():
    assert newcombe_ci(0, 0, 3, 10) == (None, None)
    assert newcombe_ci(3, 10, 0, 0) == (None, None)


def test_newcombe_rejects_impossible_counts():
    with pytest.raises(ValueError):
        newcombe_ci(11, 10, 3, 10)


# --- Holm ---------------------------------------------------------------------------------------------------


def test_holm_matches_a_hand_computation():
    # sorted: 0.005·4 = 0.02, 0.01·3 = 0.03, 0.03·2 = 0.06, 0.04·1 = 0.04 → monotone 0.06
    result = holm({"a": 0.01, "b": 0.04, "c": 0.03, "d": 0.005})
    assert list(result) == ["a", "b", "c", "d"]
    assert [result[k] for k in "abcd"] == pytest.approx([0.03, 0.06, 0.06, 0.02])


def test_holm_leaves_missing_p_values_out_of_the_family():
    result = holm({"a": 0.01, "b": None, "c": 0.04, "d": float("nan")})
    assert result["b"] is None and result["d"] is None
    assert result["a"] == pytest.approx(0.02)  # family of two: 0.01·2
    assert result["c"] == pytest.approx(0.04)  # max(0.02, 0.04·1)


def test_holm_caps_at_one_and_handles_empty_families():
    assert holm({"a": 0.6, "b": 0.7}) == pytest.approx({"a": 1.0, "b": 1.0})
    assert holm({"a": None}) == {"a": None}
    assert holm({}) == {}


# --- Minimum detectable difference -----------------------------------------------------------------------


def _mde_normal_approximation(n1: int, n2: int, p0: float, alpha: float, power: float) -> float:
    """(z_{1-α/2} + z_power)·√(p̄(1 − p̄)(1/n1 + 1/n2)) with p̄ the weighted mean of p0 + d and p0,
    solved for d by fixed-point iteration."""
    z = norm.ppf(1 - alpha / 2) + norm.ppf(power)
    d = 0.0
    for _ in range(200):
        p_bar = (n1 * (p0 + d) + n2 * p0) / (n1 + n2)
        d = z * math.sqrt(p_bar * (1 - p_bar) * (1 / n1 + 1 / n2))
    return d


def test_mde_matches_the_normal_approximation():
    value = mde(917, 856, 0.104)
    assert 0.043 <= value <= 0.045
    assert value == pytest.approx(_mde_normal_approximation(917, 856, 0.104, 0.05, 0.8), abs=0.002)


def test_mde_inverts_cohens_h():
    # Cohen's h of the detectable shares times √(n1·n2/(n1+n2)) is z_{1-α/2} + z_power (ignoring the far tail)
    value = mde(917, 856, 0.104, alpha=0.05, power=0.9)
    h = 2 * math.asin(math.sqrt(0.104 + value)) - 2 * math.asin(math.sqrt(0.104))
    assert h * math.sqrt(917 * 856 / (917 + 856)) == pytest.approx(norm.ppf(0.975) + norm.ppf(0.9), rel=1e-6)


def test_mde_shrinks_with_group_size_and_grows_with_power():
    assert mde(2000, 2000, 0.1) < mde(500, 500, 0.1)
    assert mde(500, 500, 0.1, power=0.9) > mde(500, 500, 0.1, power=0.8)


def test_mde_is_none_when_nothing_is_detectable():
    assert mde(0, 10, 0.1) is None
    assert mde(10, 0, 0.1) is None
    assert mde(1, 1, 0.5) is None  # even p_f = 1 would not be detected
    assert mde(100, 100, 1.0) is None
    assert mde(100, 100, 0.0) > 0


# --- Standardized mean difference ------------------------------------------------------------------------


def test_smd_matches_a_hand_computation():
    # means 2.5 and 4, sample variances 5/3 and 4
    expected = (2.5 - 4) / math.sqrt((5 / 3 + 4) / 2)
    assert smd(pd.Series([1.0, 2, 3, 4]), pd.Series([2.0, 4, 6])) == pytest.approx(expected)


def test_smd_of_binary_series_is_the_proportion_smd():
    # shares 0.5 and 0.25; sample variances 0.5·0.5·4/3 = 1/3 and 0.25·0.75·4/3 = 1/4
    value = smd(pd.Series([1, 1, 0, 0]), pd.Series([1, 0, 0, 0]))
    assert value == pytest.approx(0.25 / math.sqrt((1 / 3 + 1 / 4) / 2))
    assert smd(pd.Series([True, False, True]), pd.Series([False, False, True])) == pytest.approx(
        (2 / 3 - 1 / 3) / math.sqrt(1 / 3)
    )


def test_smd_ignores_missing_values_and_is_none_when_undefined():
    assert smd(pd.Series([1.0, None, 3.0]), pd.Series([2.0, 4.0])) == pytest.approx(smd(pd.Series([1.0, 3.0]), pd.Series([2.0, 4.0])))
    assert smd(pd.Series([1.0]), pd.Series([2.0, 4.0])) is None
    assert smd(pd.Series([], dtype=float), pd.Series([2.0, 4.0])) is None
    assert smd(pd.Series([1, 1, 1]), pd.Series([1, 1])) is None
    assert smd(pd.Series([0, 0, 0]), pd.Series([1, 1])) is None


# --- Adjusted difference ----------------------------------------------------------------------------------


def _simulated(n: int = 6000, effect: float = 0.08, seed: int = 20240101) -> tuple[pd.Series, pd.Series, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    treated = rng.integers(0, 2, n)
    alder = rng.uniform(20, 60, n)
    koen = rng.choice(["kvinde", "mand"], n)
    region = rng.choice(["Nord", "Midt", "Syd"], n)
    share = 0.15 + effect * treated + 0.004 * (alder - 40) + 0.10 * (koen == "mand") + 0.05 * (region == "Syd")
    y = (rng.random(n) < share).astype(int)
    covariates = pd.DataFrame({"alder": alder, "koen": koen, "region": region})
    return pd.Series(y), pd.Series(treated), covariates


def test_adjusted_difference_recovers_a_known_effect():
    y, treated, covariates = _simulated()
    result = adjusted_difference(y, treated, covariates)
    assert set(result) == {"forskel", "ci_nedre", "ci_oevre", "p", "metode"}
    assert result["forskel"] == pytest.approx(0.08, abs=0.03)
    assert result["ci_nedre"] < 0.08 < result["ci_oevre"]
    assert result["p"] < 0.001
    assert result["metode"].startswith("Lineær sandsynlighedsmodel (OLS) med robuste standardfejl (HC2), justeret for")
    assert "alder" in result["metode"] and "koen" in result["metode"] and "region" in result["metode"]


def test_adjusted_difference_without_covariates_is_the_raw_difference():
    y, treated, _ = _simulated(n=800)
    y1, y0 = y[treated == 1], y[treated == 0]
    for covariates in (None, pd.DataFrame(index=y.index)):
        result = adjusted_difference(y, treated, covariates)
        assert result["forskel"] == pytest.approx(y1.mean() - y0.mean(), abs=1e-12)
        # HC2 in a two-group regression is the unpooled (Welch) standard error
        se = math.sqrt(y1.var(ddof=1) / len(y1) + y0.var(ddof=1) / len(y0))
        assert (result["ci_oevre"] - result["ci_nedre"]) / 2 == pytest.approx(norm.ppf(0.975) * se, rel=1e-9)
        assert result["metode"].endswith("ujusteret")


def test_adjusted_difference_leaves_out_a_covariate_with_a_single_level():
    y, treated, covariates = _simulated(n=800)
    with_constant = adjusted_difference(y, treated, covariates.assign(land="DK", kommuner=1.0))
    without = adjusted_difference(y, treated, covariates)
    assert with_constant["forskel"] == pytest.approx(without["forskel"])
    assert with_constant["p"] == pytest.approx(without["p"])
    assert "udeladt uden variation: land, kommuner" in with_constant["metode"]


def test_adjusted_difference_with_an_outcome_without_variation():
    _, treated, covariates = _simulated(n=300)
    for value in (0, 1):
        result = adjusted_difference(pd.Series(np.full(300, value)), treated, covariates)
        assert result["forskel"] == 0.0
        assert result["ci_nedre"] is None and result["ci_oevre"] is None and result["p"] is None
        assert "udfaldet varierer ikke" in result["metode"]


def test_adjusted_difference_in_degenerate_designs():
    only_one_group = adjusted_difference(pd.Series([1, 0, 1]), pd.Series([1, 1, 1]))
    assert only_one_group["forskel"] is None and only_one_group["p"] is None
    single_person = adjusted_difference(pd.Series([1, 0, 1]), pd.Series([1, 0, 0]))  # leverage 1
    assert single_person["forskel"] == pytest.approx(0.5) and single_person["p"] is None
    y, treated, _ = _simulated(n=300)
    collinear = adjusted_difference(y, treated, pd.DataFrame({"kopi": treated}))
    assert collinear["forskel"] == pytest.approx(y[treated == 1].mean() - y[treated == 0].mean())
    assert collinear["p"] is None and collinear["ci_nedre"] is None


def test_adjusted_difference_rejects_a_non_binary_outcome():
    with pytest.raises(ValueError):
        adjusted_difference(pd.Series([0, 2, 1]), pd.Series([1, 0, 1]))


# --- Fisher's exact test and edge cases -------------------------------------------------------------------


def test_exact_p_matches_the_lady_tasting_tea():
    # Fisher (1935): 3 of 4 right in each row; two-sided p = 2·17/70 = 34/70
    assert exact_p(3, 4, 1, 4) == pytest.approx(34 / 70)


def test_exact_p_edge_cases():
    assert exact_p(0, 10, 0, 12) == 1.0
    assert exact_p(10, 10, 12, 12) == 1.0
    assert exact_p(1, 1, 0, 1) == 1.0
    assert exact_p(0, 0, 1, 2) is None


def test_compare_edge_cases():
    assert compare(10, 10, 12, 12) == {"forskel": 0.0, "p": None}
    assert compare(0, 0, 3, 10) == {"forskel": None, "p": None}
    assert compare(3, 10, 0, 0) == {"forskel": None, "p": None}
    single = compare(1, 1, 0, 1)
    assert single["forskel"] == 1.0 and 0 < single["p"] < 1


EDGE_COUNTS = [(0, 10, 0, 12), (10, 10, 12, 12), (0, 0, 3, 10), (3, 10, 0, 0), (0, 0, 0, 0), (1, 1, 0, 1),
               (0, 1, 0, 1), (1, 1, 1, 1), (5, 5, 0, 1)]


@pytest.mark.parametrize("counts", EDGE_COUNTS)
def test_no_nan_leaks_from_edge_cases(counts):
    n_f, n_k = counts[1], counts[3]
    values = [*compare(*counts).values(), *newcombe_ci(*counts), exact_p(*counts)]
    if n_f and n_k:
        values.append(mde(n_f, n_k, counts[2] / n_k))
    assert all(v is None or math.isfinite(v) for v in values)
    low, high = newcombe_ci(*counts)
    if low is not None:
        assert -1 <= low <= high <= 1


def test_smallest_expected_count_of_the_two_by_two_table():
    from evalkit.statistik.andele import smallest_expected

    assert smallest_expected(3, 20, 1, 20) == 2.0  # 4 events in 40: 20 x 4/40
    assert smallest_expected(102, 917, 89, 856) == pytest.approx(856 * 191 / 1773)
    assert smallest_expected(0, 10, 0, 10) == 0.0
    assert smallest_expected(0, 0, 1, 2) is None
