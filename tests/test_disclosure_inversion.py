"""An attacker inverts the statistics next to a hidden count (issue 16, point 3).

With the published group sizes, a difference, its interval and p-values leave few possible pairs of
counts, often one. Each test publishes what a document shows about one comparison whose counts are
hidden, then tries every pair of counts that the shown symbols allow ("<5" is 1 to 4, ".." anything)
and keeps those that publish exactly the same: the hidden count must not be pinned down.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace

import pandas as pd

from evalkit.bygning.resultater import assemble
from evalkit.bygning.resultater import published as published_json
from evalkit.config import Periode
from evalkit.maaleparametre import afgange, baseline, langtidsgruppen, sammenfatning
from evalkit.maaleparametre import virksomhedsplaceringer as vp
from evalkit.maaleparametre.faelles import Comparison, outcome

N = {"forsoeg": 917, "kontrol": 856}


def consistent(
    published: Callable[[int, int], Iterator[str]], truth: tuple[int, int], candidates: Iterable[tuple[int, int]]
) -> set[tuple[int, int]]:
    """The candidate pairs of hidden counts under which everything published is the same as under `truth`.
    `published` yields the document's parts, cheap ones first; a candidate is dropped at its first
    difference, so the figures are drawn only for candidates that the text and tables leave open."""
    seen = list(published(*truth))
    return {pair for pair in candidates if all(a == b for a, b in zip(published(*pair), seen, strict=True))}


def _candidates() -> list[tuple[int, int]]:
    """The trial group's count is shown as '<5' (1 to 4); the control group's is hidden as '..' (a few
    values of it are enough to show that the trial group's count is left open)."""
    return [(f, k) for f in range(1, 5) for k in (5, 12, 20, 41)]


def _results(config, phase: str, hidden: tuple[int, int], earlier_hidden: tuple[int, int] | None = None):
    fragment = {"udfald": {
        "beskaeftigelse": outcome({"forsoeg": 160, "kontrol": 120}, N),
        "foertidspension": outcome({"forsoeg": hidden[0], "kontrol": hidden[1]}, N),
    }}
    return assemble(config.fase(phase), [fragment], config.analyseplan)


def test_the_summary_and_its_tables_do_not_pin_a_hidden_count(config):
    earlier = Comparison(_results(config, "midtvejs", (2, 12)), {"fil": "m/resultater.json", "sha256": "ab" * 32})

    def published(f: int, k: int) -> Iterator[str]:
        results = _results(config, "slut", (f, k))
        yield sammenfatning.resume(results, config)
        yield sammenfatning.assessment(results, config)
        yield sammenfatning.table_effects(results, config).to_markdown()
        yield sammenfatning.table_adjusted(results, config).to_markdown()
        yield sammenfatning.table_comparison(results, earlier, config).to_markdown()
        yield sammenfatning.comparison_text(results, earlier, config)
        yield sammenfatning.figure_forest(results, config).data
        yield sammenfatning.figure_comparison(results, earlier, config).data

    found = consistent(published, (3, 20), _candidates())
    assert (3, 20) in found
    assert len({f for f, _k in found}) >= 2, found  # the trial group's hidden count is not determined


def test_the_exits_text_does_not_pin_a_hidden_count(config):
    def published(f: int, k: int) -> Iterator[str]:
        antal = {g: dict.fromkeys(afgange.OUTCOMES, 0) for g in N}
        antal["forsoeg"]["fleksjob"], antal["kontrol"]["fleksjob"] = f, k
        for g in N:
            antal[g][afgange.STILL_ON_KH] = N[g] - antal[g]["fleksjob"]
        result = afgange.Afgange(config.fase("slut"), 8, N, antal, {}, 5)
        yield afgange.summary(result, config, afgange.OTHER_BENEFITS)
        yield afgange.table_other_benefits(result, config).to_markdown()
        yield afgange.figure(result, config).data

    found = consistent(published, (3, 20), _candidates())
    assert len({f for f, _k in found}) >= 2, found


def test_the_placements_do_not_pin_a_hidden_count(config):
    def published(f: int, k: int) -> Iterator[str]:
        result = vp.Virksomhedsplaceringer(config.fase("slut"), N, {"forsoeg": f, "kontrol": k}, {}, None, True, "", 5)
        yield vp.summary(result, config)
        yield vp.table(result, config).to_markdown()
        yield vp.figure(result, config).data

    found = consistent(published, (3, 20), _candidates())
    assert len({f for f, _k in found}) >= 2, found


def test_the_citizens_without_a_start_date_are_not_a_difference_of_two_totals(config):
    """Tabel 1 shows the group's size; had Tabel 2's total left out the few citizens without a start date,
    the difference would be their number (856 − 855 = 1 in the issue). With the safe default they are
    counted under the shorter history, in the tables, the flow and the published numbers."""
    config = replace(config, diskretion_undtaget=())
    fase = replace(config.fase("midtvejs"), maaleperiode=Periode(dt.date(2018, 1, 1), dt.date(2018, 1, 31)))

    def published(missing: int, _unused: int) -> Iterator[str]:
        siden = [pd.NaT] * missing + [pd.Timestamp("2017-06-01")] * (12 - missing) + [pd.Timestamp("2014-01-01")] * 18
        borgere = pd.DataFrame({
            "borger_id": [f"B{i:02d}" for i in range(60)], "gruppe": ["forsoeg"] * 30 + ["kontrol"] * 30,
            "koen": ["K", "M"] * 30, "alder": [40] * 60, "herkomst": ["dansk"] * 60,
            "offentlig_forsoergelse_aar": [3.0] * 60,
            "kontanthjaelp_siden": siden + [pd.Timestamp("2017-06-01")] * 12 + [pd.Timestamp("2014-01-01")] * 18,
        })
        weeks = pd.date_range("2018-01-01", periods=5, freq="7D")
        ydelser = pd.DataFrame([(b, w, "kontanthjaelp") for b in borgere["borger_id"] for w in weeks],
                               columns=["borger_id", "uge", "ydelse"])
        result = baseline.compute({"borgere": borgere}, config)
        flow = baseline.flow({"borgere": borgere, "ydelser": ydelser}, config, fase)
        yield baseline.table_characteristics(result, config).to_markdown()
        yield baseline.table_history(result, config).to_markdown()
        yield baseline.table_balance(result, config).to_markdown()
        yield baseline.flow_text(flow, config)
        yield json.dumps(published_json({**baseline.to_json(result), **baseline.flow_to_json(flow)}, 0.05), sort_keys=True)

    found = consistent(published, (2, 0), [(m, 0) for m in range(1, 5)])
    assert len(found) == 4, found  # any of 1 to 4 publishes the same


def test_one_hidden_exit_is_not_the_group_less_the_others(config):
    """Each citizen has exactly one outcome, so a group's outcomes add up to its published size: with one
    outcome hidden and every other one published (in the tables or in resultater.json), subtraction
    would give it. The attacker tries every split of the trial group between the hidden cells that
    leaves the group's size as it is; more than one split must publish the same."""
    def published(fleksjob: int, andet: int) -> Iterator[str]:
        antal = {g: dict.fromkeys(afgange.OUTCOMES, 0) for g in N}
        antal["forsoeg"].update(beskaeftigelse=160, smaajob=40, uddannelse=30, fleksjob=fleksjob, andet=andet)
        antal["kontrol"].update(beskaeftigelse=150, smaajob=38, uddannelse=28, fleksjob=20, andet=48)
        for g in N:
            antal[g][afgange.STILL_ON_KH] = N[g] - sum(v for k, v in antal[g].items() if k != afgange.STILL_ON_KH)
        result = afgange.Afgange(config.fase("slut"), 8, N, antal, {}, 5)
        yield afgange.table_job(result, config).to_markdown()
        yield afgange.table_other_benefits(result, config).to_markdown()
        yield afgange.summary(result, config, afgange.JOB_AND_EDUCATION + afgange.OTHER_BENEFITS)
        fragment = afgange.to_json(result)
        yield json.dumps(published_json(assemble(config.fase("slut"), [fragment], config.analyseplan), 0.05), sort_keys=True)
        yield afgange.figure(result, config).data

    # fleksjob 3 in the trial group; it and 'andet' (not in the report's tables) together are 53
    found = consistent(published, (3, 50), [(f, 53 - f) for f in range(1, 5)])
    assert len(found) >= 2, found


def test_the_long_term_groups_size_is_hidden_where_tabel_2_hides_it(config):
    """Tabel 2 publishes each group's long and shorter history and their total; Tabel 6 publishes the
    long-term group's size again. When Tabel 2 hides the long history (its shorter history is small),
    Tabel 6 must hide it too, or the total less it gives the small count."""
    def published(kort: int, _unused: int) -> Iterator[str]:
        ids = [f"B{i:03d}" for i in range(80)]
        siden = ([pd.Timestamp("2017-06-01")] * kort + [pd.Timestamp("2012-01-01")] * (40 - kort)
                 + [pd.Timestamp("2017-06-01")] * 20 + [pd.Timestamp("2012-01-01")] * 20)
        borgere = pd.DataFrame({
            "borger_id": ids, "gruppe": ["forsoeg"] * 40 + ["kontrol"] * 40, "koen": ["K", "M"] * 40,
            "alder": [40] * 80, "herkomst": ["dansk"] * 80, "offentlig_forsoergelse_aar": [3.0] * 80,
            "kontanthjaelp_siden": siden,
        })
        fase = config.fase("slut")
        monday = pd.Timestamp("2019-12-30")
        ydelser = pd.DataFrame({"borger_id": ids, "uge": monday, "ydelse": "kontanthjaelp"})
        history = baseline.compute({"borgere": borgere}, config)
        result = langtidsgruppen.compute({"borgere": borgere, "ydelser": ydelser}, config, fase)
        yield baseline.table_history(history, config).to_markdown()
        yield langtidsgruppen.table(result, config).to_markdown()
        yield langtidsgruppen.summary(result, config)
        yield json.dumps(published_json(langtidsgruppen.to_json(result), 0.05), sort_keys=True)
        yield langtidsgruppen.figure(result, config).data

    found = consistent(published, (2, 0), [(k, 0) for k in range(1, 5)])
    assert len(found) == 4, found
