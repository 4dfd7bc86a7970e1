"""An attacker reads the figures (issue 16, point 2): a figure draws only what its table prints.

Before, the SVG bars were drawn from the unprotected shares, so bar length × group size gave every hidden
count. Each test builds two results that differ only in counts the table hides (or in precision the table
does not print) and requires the two SVGs to be the same bytes: then no reading of the geometry, however
clever, can tell the two apart.
"""

from __future__ import annotations

import dataclasses
import re

import numpy as np
import pytest

from evalkit.maaleparametre import afgange, baseline, planer, varighed, virksomhedsplaceringer
from evalkit.maaleparametre.planer import REHAB, Gruppetal
from evalkit.praesentation import beskyttet
from evalkit.statistik.overlevelse import kaplan_meier

THRESHOLD = 5


def _svg(figure) -> str:
    return figure.data


def _afgange(config, changes: dict[tuple[str, str], int] | None = None, n_forsoeg: int = 917) -> afgange.Afgange:
    antal = {
        "forsoeg": {"beskaeftigelse": 160, "smaajob": 40, "uddannelse": 30, "ressourceforloeb": 12, "fleksjob": 2,
                    "foertidspension": 3, "andet": 50, "fortsat_kontanthjaelp": 0},
        "kontrol": {"beskaeftigelse": 150, "smaajob": 38, "uddannelse": 28, "ressourceforloeb": 9, "fleksjob": 11,
                    "foertidspension": 8, "andet": 48, "fortsat_kontanthjaelp": 0},
    }
    n = {"forsoeg": n_forsoeg, "kontrol": 856}
    for (group, outcome), value in (changes or {}).items():
        antal[group][outcome] = value
    for g in antal:
        antal[g][afgange.STILL_ON_KH] = n[g] - sum(v for k, v in antal[g].items() if k != afgange.STILL_ON_KH)
    return afgange.Afgange(config.fase("slut"), 8, n, antal, {}, THRESHOLD)


def test_the_exits_figure_does_not_tell_a_hidden_count(config):
    # fleksjob 2 and førtidspension 3 in the trial group are hidden; swapping them changes no printed number
    first = _afgange(config)
    second = _afgange(config, {("forsoeg", "fleksjob"): 3, ("forsoeg", "foertidspension"): 2})
    assert first.skjult("fleksjob")["forsoeg"] and first.skjult("foertidspension")["forsoeg"]
    assert _svg(afgange.figure(first, config)) == _svg(afgange.figure(second, config))


def test_the_exits_figure_has_no_more_precision_than_the_table(config):
    # 160/2400 and 161/2400 both print as 6,7 pct. (shares of outcomes carry one decimal; their counts are
    # printed in the table, but the figure alone must not carry more than the printed share)
    first = _afgange(config, n_forsoeg=2400)
    second = _afgange(config, {("forsoeg", "beskaeftigelse"): 161}, n_forsoeg=2400)  # the rest stay on kontanthjælp
    assert _svg(afgange.figure(first, config)) == _svg(afgange.figure(second, config))


def test_a_shown_share_still_moves_its_bar(config):
    """The test above could pass if the figure drew nothing: a printed change must change the figure."""
    first = _afgange(config)
    second = _afgange(config, {("forsoeg", "beskaeftigelse"): 250, ("forsoeg", "andet"): 49})
    assert _svg(afgange.figure(first, config)) != _svg(afgange.figure(second, config))


def _baseline(herkomst_forsoeg: dict[str, int]) -> baseline.Baseline:
    herkomst = {"forsoeg": herkomst_forsoeg, "kontrol": {"dansk": 500, "vestlig": 56, "ikke-vestlig": 300}}
    n = {g: sum(counts.values()) for g, counts in herkomst.items()}
    koen = {g: {"K": n[g] // 2, "M": n[g] - n[g] // 2} for g in n}
    lang = {"forsoeg": 400, "kontrol": 380}
    kort = {g: n[g] - lang[g] for g in n}
    means = {"forsoeg": 40.0, "kontrol": 40.0}
    return baseline.Baseline(n, herkomst, koen, means, means, lang, kort, {"forsoeg": 0, "kontrol": 0}, {}, THRESHOLD)


def test_the_baseline_figure_does_not_tell_a_hidden_count(config):
    # 3 citizens of western origin in the trial group: hidden, and with them the margin's smallest other cell
    first = _baseline({"dansk": 600, "vestlig": 3, "ikke-vestlig": 314})
    second = _baseline({"dansk": 600, "vestlig": 2, "ikke-vestlig": 315})
    marks = first.skjult()["herkomst"]
    assert marks["vestlig"]["forsoeg"] == "primaer" and marks["ikke-vestlig"]["forsoeg"] == "sekundaer"
    # the table prints the same for both (the cells are hidden, the group sizes equal)
    assert baseline.table_characteristics(first, config).to_markdown() == baseline.table_characteristics(second, config).to_markdown()
    assert _svg(baseline.figure(first, config)) == _svg(baseline.figure(second, config))


def _planer(config, afvist: int) -> planer.Planer:
    keys = list(REHAB)
    forsoeg = dict.fromkeys(keys, 0) | {keys[0]: 40, keys[1]: 20, keys[2]: afvist, keys[3]: 30 - afvist}
    kontrol = dict.fromkeys(keys, 0) | {keys[0]: 35, keys[1]: 25, keys[2]: 9, keys[3]: 21}
    grupper = {
        "forsoeg": Gruppetal(sum(forsoeg.values()), 80, 85, forsoeg),
        "kontrol": Gruppetal(sum(kontrol.values()), 82, 84, kontrol),
    }
    fase = config.fase("slut")
    return planer.Planer(fase, fase.placeringsperiode, 0.9, grupper, True, "", THRESHOLD)


def test_the_plans_figure_does_not_tell_a_hidden_count(config):
    first, second = _planer(config, 2), _planer(config, 3)
    assert first.skjult()[list(REHAB)[2]]["forsoeg"] == "primaer"
    assert _svg(planer.figure(first, config)) == _svg(planer.figure(second, config))


def _placeringer(config, placeret_forsoeg: int) -> virksomhedsplaceringer.Virksomhedsplaceringer:
    return virksomhedsplaceringer.Virksomhedsplaceringer(
        config.fase("slut"), {"forsoeg": 917, "kontrol": 856}, {"forsoeg": placeret_forsoeg, "kontrol": 60},
        {}, None, True, "", THRESHOLD,
    )


@pytest.mark.parametrize("hidden", [(1, 4), (2, 3)])
def test_the_placements_figure_draws_neither_bar_nor_interval_for_a_hidden_group(config, hidden):
    first, second = (_placeringer(config, k) for k in hidden)
    assert _svg(virksomhedsplaceringer.figure(first, config)) == _svg(virksomhedsplaceringer.figure(second, config))


def test_a_figure_that_hides_says_so(config):
    svg = _svg(afgange.figure(_afgange(config), config))
    shown = _svg(afgange.figure(_afgange(config, {("forsoeg", "fleksjob"): 20, ("forsoeg", "foertidspension"): 20}), config))
    # the note is drawn as text paths; its presence shows as extra glyph definitions
    assert len(re.findall(r"<path id=", svg)) > len(re.findall(r"<path id=", shown))


def test_shown_share_is_the_printed_share():
    assert beskyttet.shown_share(160, 917, THRESHOLD) == 0.17
    assert beskyttet.shown_share(3, 917, THRESHOLD) is None
    assert beskyttet.shown_share(300, 917, THRESHOLD, "sekundaer") is None
    assert beskyttet.shown_share(0, 917, THRESHOLD) == 0.0
    assert beskyttet.shown_share(0, 0, THRESHOLD) is None
    assert beskyttet.pct_cell(160, 917, THRESHOLD) == "17 pct."


def test_the_fixtures_are_what_they_claim(config):
    """Guard for the tests above: the varied cells are really hidden, and the placements' group really is."""
    assert _placeringer(config, 3).skjult()["forsoeg"] == "primaer"
    assert dataclasses.is_dataclass(_afgange(config))


def _km_points(splits: tuple[int, int]):
    """A group of 100 with 6 exits in week 1, then `splits` exits in weeks 3 and 4, 20 in week 6, one
    left the data in week 2 and the rest were followed to week 10."""
    times = [1] * 6 + [2] + [3] * splits[0] + [4] * splits[1] + [6] * 20
    events = [1] * 6 + [0] + [1] * (splits[0] + splits[1]) + [1] * 20
    rest = 100 - len(times)
    km = kaplan_meier(np.array(times + [10] * rest, float), np.array(events + [0] * rest))
    return varighed.km_points(km, 10.0, 0.05, THRESHOLD)


def test_the_kaplan_meier_curve_does_not_tell_a_week_with_few_exits():
    """1 and 4 exits in two weeks, or 2 and 3: the curve may show that 5 left in the two weeks, not how."""
    first, second = _km_points((1, 4)), _km_points((2, 3))
    for a, b in zip(first, second, strict=True):
        assert np.array_equal(a, b)
    times, surv, _lower, _upper = first
    assert list(times) == [0.0, 1.0, 4.0, 6.0, 10.0]  # drawn where 6, then 5, then 20 exits have gathered
    assert surv[1] == 0.94 and all(np.round(surv, 2) == surv)


def test_coarse_steps_draw_only_drops_of_at_least_the_threshold():
    from evalkit.statistik.diskretion import coarse_steps

    assert coarse_steps([6, 1, 4, 20, 2], 5) == [0, 2, 3]  # the last 2 exits are not drawn
    assert coarse_steps([1, 1, 1], 5) == [] and coarse_steps([5, 5], 5) == [0, 1]
