"""Baseline balance: standardized mean differences, flagged above the configured threshold; the
CONSORT-style flow of citizens on a hand-made panel, its text and its figure."""

import datetime as dt
import math
from dataclasses import replace

import pandas as pd
import pytest
from conftest import EXAMPLE, labelled_outputs, panel, run_notebook
from matplotlib.backends.backend_agg import FigureCanvasAgg

from evalkit.config import Periode
from evalkit.data.loading import load_tables
from evalkit.maaleparametre import baseline
from evalkit.praesentation import figures


def test_balance_on_hand_made_groups(config):
    borgere = pd.DataFrame(
        {
            "borger_id": ["a", "b", "c", "d"],
            "gruppe": ["forsoeg", "forsoeg", "kontrol", "kontrol"],
            "koen": ["K", "M", "M", "M"],
            "alder": [30, 40, 30, 40],
            "herkomst": ["dansk", "dansk", "vestlig", "dansk"],
            "offentlig_forsoergelse_aar": [1.0, 3.0, 2.0, 2.0],
            "kontanthjaelp_siden": [pd.Timestamp("2010-01-01"), pd.NaT, pd.Timestamp("2017-01-01"), pd.Timestamp("2014-12-31")],
        }
    )
    result = baseline.compute({"borgere": borgere}, config)
    assert result.balance["alder"]["smd"] == 0.0
    # women: 0.5 vs 0.0, sample variances 0.5 and 0 -> (0.5 - 0) / sqrt(0.25)
    assert math.isclose(result.balance["kvinde"]["smd"], 1.0)
    assert result.balance["lang_historik"]["forsoeg"] == 0.5 and result.balance["lang_historik"]["kontrol"] == 0.5
    rows = {row[0]: row for row in baseline.table_balance(result, config).rows}
    # the shares of women are hidden (small counts), and with them the SMD; only the flag is shown
    assert rows["Kvinder"][3:] == ["..", "ja"] and rows["Alder"][3:] == ["0,00", "nej"]
    assert result.balance["kvinde"]["smd"] == 1.0


def test_example_data_imbalance_is_flagged(config):
    result = baseline.compute(load_tables(EXAMPLE, ["borgere"]), config)
    flagged = {v for v, row in result.balance.items() if abs(row["smd"]) > config.smd_graense}
    assert flagged == {"alder", "herkomst_dansk", "lang_historik"}
    text = baseline.balance_text(result, config)
    assert "alder, dansk herkomst og 3 år eller længere på kontanthjælp" in text
    assert baseline.to_json(result)["baseline"]["balance"]["lang_historik"]["smd"] > 0.1


# ---------------------------------------------------------------- the flow of citizens (CONSORT-style)

KH = "kontanthjaelp"


def _flow_data() -> dict[str, pd.DataFrame]:
    """Seven citizens, ten weeks of ydelser from the start date (Monday 2018-01-01).

    F1 on kontanthjælp throughout; F2 starts on another benefit; F3 leaves the data after week 8
    (Monday 2018-02-19), one week before the end week; F4 has no start date of kontanthjælp and its
    rows end exactly in the end week (Monday 2018-02-26), so it is followed to the end.
    K1 on kontanthjælp throughout, K2 exits to a job; K3 leaves the data after three weeks.
    """
    ids = ["F1", "F2", "F3", "F4", "K1", "K2", "K3"]
    borgere = pd.DataFrame(
        {
            "borger_id": ids,
            "gruppe": ["forsoeg"] * 4 + ["kontrol"] * 3,
            "kontanthjaelp_siden": [pd.Timestamp("2014-01-01"), pd.Timestamp("2016-01-01"), pd.Timestamp("2012-01-01"), pd.NaT,
                                    pd.Timestamp("2017-01-01"), pd.Timestamp("2010-01-01"), pd.Timestamp("2015-06-01")],
        }
    )
    ydelser = panel(
        {
            "F1": [KH] * 10,
            "F2": ["sygedagpenge"] * 2 + [KH] * 8,
            "F3": [KH] * 8,
            "F4": [KH] * 9,
            "K1": [KH] * 10,
            "K2": [KH] * 4 + ["beskaeftigelse"] * 6,
            "K3": [KH] * 3,
        }
    )
    return {"borgere": borgere, "ydelser": ydelser}


@pytest.fixture
def short_fase(config):
    # the måleperiode ends on a Thursday: its week begins Monday 2018-02-26, the ninth week of the panel
    return replace(config.fase("midtvejs"), maaleperiode=Periode(dt.date(2018, 1, 1), dt.date(2018, 3, 1)))


def test_flow_numbers_on_a_hand_made_panel(unsuppressed, short_fase):
    result = baseline.flow(_flow_data(), unsuppressed, short_fase)
    assert result.startuge == dt.date(2018, 1, 1) and result.slutuge == dt.date(2018, 2, 26)
    assert result.randomiseret == {"forsoeg": 4, "kontrol": 3} and result.i_alt == 7
    assert result.kontanthjaelp_startuge == {"forsoeg": 3, "kontrol": 3}
    assert result.fulgt_til_slut == {"forsoeg": 3, "kontrol": 2}
    assert result.analyseret_afgange == {"forsoeg": 4, "kontrol": 3}
    assert result.analyseret_historik == {"forsoeg": 3, "kontrol": 3}
    assert baseline.flow_to_json(result) == {
        "flow": {
            "forsoeg": {"randomiseret": 4, "kontanthjaelp_startuge": 3, "ikke_kontanthjaelp_startuge": 1,
                        "fulgt_til_slut": 3, "forladt_foer_slut": 1, "analyseret_afgange": 4,
                        "analyseret_historik": 3, "udeladt_historik": 1},
            "kontrol": {"randomiseret": 3, "kontanthjaelp_startuge": 3, "ikke_kontanthjaelp_startuge": 0,
                        "fulgt_til_slut": 2, "forladt_foer_slut": 1, "analyseret_afgange": 3,
                        "analyseret_historik": 3, "udeladt_historik": 0},
            "i_alt": {"randomiseret": 7, "forladt_foer_slut": 2},  # the chart's and the text's totals
        }
    }


def test_flow_text_states_every_number(unsuppressed, short_fase):
    text = baseline.flow_text(baseline.flow(_flow_data(), unsuppressed, short_fase), unsuppressed)
    assert "På startdatoen 1. januar 2018 var 7 borgere med i forsøget" in text
    assert "3 i forsøgsafdelingen og 3 i kontrolgruppen på kontanthjælp, mens 1 i forsøgsafdelingen havde en anden ydelse" in text
    assert "følger 3 i forsøgsafdelingen og 2 i kontrolgruppen til måleperiodens slut, 1. marts 2018" in text
    assert "I alt forsvinder 2 borgere fra data før (1 i forsøgsafdelingen og 1 i kontrolgruppen)" in text
    assert "omfatter 3 i forsøgsafdelingen og 3 i kontrolgruppen; 1 i forsøgsafdelingen er udeladt" in text


def test_flow_text_when_everyone_is_followed(config):
    data = _flow_data()
    data["ydelser"] = panel({b: [KH] * 10 for b in data["borgere"]["borger_id"]})
    data["borgere"]["kontanthjaelp_siden"] = pd.Timestamp("2016-01-01")
    text = baseline.flow_text(baseline.flow(data, config, config.fase("midtvejs")), config)
    # the mid-term måleperiode ends in a week the ten-week panel does not reach
    assert "færre end 5 borgere i hver gruppe forsvinder fra data før" in text and "alle på nær" not in text
    short = replace(config.fase("midtvejs"), maaleperiode=Periode(dt.date(2018, 1, 1), dt.date(2018, 1, 31)))
    text = baseline.flow_text(baseline.flow(data, config, short), config)
    assert "Alle borgere i begge grupper var på kontanthjælp i startugen." in text
    assert "Ydelsesdata følger alle borgere til måleperiodens slut, 31. januar 2018." in text
    assert "forsvinder" not in text and "udeladt" not in text


def test_flow_figure_is_deterministic_svg_and_its_texts_fit(unsuppressed, short_fase):
    result = baseline.flow(_flow_data(), unsuppressed, short_fase)
    first, second = baseline.flow_figure(result, unsuppressed), baseline.flow_figure(result, unsuppressed)
    assert first.data.startswith("<svg") and first.data == second.data
    texts = _assert_chart_fits(baseline.flow_chart(result, unsuppressed))
    assert {"Fordelt til forsøgsafdelingen", "Fordelt til kontrolgruppen", "Afgange: 4 (hele gruppen)"} <= texts


def _assert_chart_fits(fig) -> set[str]:
    """Every line of the flow chart inside one box, no box outside the figure or over another; the texts."""
    assert fig.get_size_inches()[0] == figures.WIDTH_INCHES
    renderer = FigureCanvasAgg(fig).get_renderer()
    ax = fig.axes[0]
    texts = [t for t in ax.texts if t.get_text()]
    boxes = [p.get_window_extent(renderer) for p in ax.patches]
    assert len(boxes) == 9 and len(texts) == 3 + 2 * (2 + 3 + 3 + 4)
    for text in texts:
        extent = text.get_window_extent(renderer)
        # every line lies inside exactly one box, with room to spare at the sides
        inside = [b for b in boxes if b.x0 + 4 <= extent.x0 and extent.x1 <= b.x1 - 4 and b.y0 <= extent.y0 and extent.y1 <= b.y1]
        assert len(inside) == 1, text.get_text()
    for i, a in enumerate(boxes):
        assert fig.bbox.contains(a.x0, a.y0) and fig.bbox.contains(a.x1, a.y1)
        assert not any(a.overlaps(b) for b in boxes[i + 1:])
    return {t.get_text() for t in texts}


def test_example_data_flow(config):
    data = load_tables(EXAMPLE, baseline.TABLES)
    slut = baseline.flow(data, config, config.fase("slut"))
    assert slut.randomiseret == {"forsoeg": 917, "kontrol": 856}
    assert slut.kontanthjaelp_startuge == {"forsoeg": 917, "kontrol": 856}
    assert slut.fulgt_til_slut == {"forsoeg": 916, "kontrol": 855}
    assert slut.analyseret_historik == {"forsoeg": 917, "kontrol": 855}
    midtvejs = baseline.flow(data, config, config.fase("midtvejs"))
    assert midtvejs.fulgt_til_slut == {"forsoeg": 917, "kontrol": 856}
    assert "Fulgt i ydelsesdata til 30. april 2020" in _assert_chart_fits(baseline.flow_chart(slut, config))


@pytest.mark.parametrize("fase", ["midtvejs", "slut"])
def test_notebook_saves_and_shows_the_flow(tmp_path, fase):
    fragment, nb = run_notebook("baseline", tmp_path, fase)
    assert fragment["grupper"] == {"forsoeg": {"n": 917}, "kontrol": {"n": 856}}
    assert fragment["flow"]["kontrol"]["randomiseret"] == 856 and fragment["flow"]["kontrol"]["udeladt_historik"] == 1
    outputs = labelled_outputs(nb)
    assert "<svg" in outputs["fig-flow"] and "1.773 borgere" in outputs["txt-flow"]
    # the one citizen without a start date of kontanthjælp: exempt in the example's configuration (missing
    # data, whose existence Tabel 2's total implies), so published as a number, the same everywhere
    assert "1 i kontrolgruppen er udeladt" in outputs["txt-flow"]
    assert not {"udeladt_historik", "analyseret_historik"} & set(fragment["flow"]["kontrol"].get("diskretion", {}))
    assert "Én borger uden startdato for kontanthjælp (1 i kontrolgruppen) indgår ikke i tabellen" in outputs["tbl-historik"]


def test_the_trials_frame_says_what_is_configured_and_leaves_out_what_is_not(config):
    text = baseline.rammer_text(config, config.fase("slut"))
    assert text.startswith("Forsøget løb fra 1. januar 2018 til 31. december 2019 i JKI Job og Indsats 6, en af 6 afdelinger")
    assert "havde omkring 50 sager mod omkring 130 i de ordinære afdelinger" in text
    assert "Forsøgsafdelingen havde 10 personligt koordinerende sagsbehandlere og 8 virksomhedskonsulenter." in text
    assert text.endswith("9,5 mio. kr. om året i 2018 og 2019 til løn til de ekstra sagsbehandlere og 0,3 mio. kr. til "
                         "evalueringen.")
    bare = baseline.rammer_text(replace(config, forsoegsperiode=None, medarbejdere={}), config.fase("slut"))
    assert "Forsøget løb" not in bare and "virksomhedskonsulenter" not in bare
    # the mid-term document is published while the trial runs: it speaks in the present tense
    midtvejs = baseline.rammer_text(config, config.fase("midtvejs"))
    assert midtvejs.startswith("Forsøget løber fra 1. januar 2018 til 31. december 2019")
    assert "har omkring 50 sager" in midtvejs and "Forsøgsafdelingen har 10 personligt" in midtvejs
    slut = config.fase("slut")
    assert baseline.phase_text(config, slut).endswith(slut.maaleperiode_begrundelse)
    assert baseline.phase_text(config, replace(slut, maaleperiode_begrundelse="")).endswith("januar–december 2019.")
