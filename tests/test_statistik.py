"""The two-proportion z-test against hand-computed values."""

import math

from scipy.stats import chi2_contingency

from evalkit.statistik import compare


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
