"""What several measures share, in one place, so that no measure imports another's helpers.

- Result shapes for `resultater.json`: a count out of n (`share`), a compared binary outcome (`outcome`),
  no non-finite numbers (`finite`) and another phase's results (`Comparison`).
- Outcome names: the destinations of an exit from kontanthjælp (`EXIT_LABELS`) and every outcome of the
  family (`OUTCOME_LABELS`).
- Exits from kontanthjælp in a period, with the status in the follow-up week (`find_exits`).
- The baseline variables as numbers (`indicators`) and the covariate-adjusted comparisons
  (`adjusted_comparison`; `adjusted_difference` and `cox` with their method described in Danish).
- Citizens without a start date of kontanthjælp, protected (`missing_start_marks`, `missing_start_text`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from evalkit.config import GROUPS, Config, Periode
from evalkit.data import panel
from evalkit.maaleparametre.konklusioner import EXIT_LABELS, OUTCOME_LABELS, STILL_ON_KH  # noqa: F401 (shared names)
from evalkit.praesentation import beskyttet, dansk, metode
from evalkit.statistik import diskretion, overlevelse, regression

K = TypeVar("K")
Mark = diskretion.Mark

KONTANTHJAELP = "kontanthjaelp"

# ---------------------------------------------------------------- outcome names (in `konklusioner`)


# each step of the flow (CONSORT-style, `baseline.Flow`) and the rest of the group
FLOW_STEPS = {
    "kontanthjaelp_startuge": "ikke_kontanthjaelp_startuge",
    "fulgt_til_slut": "forladt_foer_slut",
    "analyseret_historik": "udeladt_historik",
}


# ---------------------------------------------------------------- result shapes

def share(antal: int, n: int) -> dict[str, float | int | None]:
    """{'antal', 'n', 'andel'} for a count out of n."""
    return {"antal": int(antal), "n": int(n), "andel": (antal / n) if n else None}


def outcome(antal: dict[str, int], n: dict[str, int], justeret: dict[str, Any] | None = None) -> dict[str, Any]:
    """A binary outcome for `udfald`: each group's {'antal', 'n', 'andel'}, the difference forsøg − kontrol
    with Newcombe's 95 % interval (`ci_nedre`, `ci_oevre`), the z-test p-value (`p`), Fisher's exact
    p-value (`p_eksakt`) with the smallest expected count (`mindste_forventede`; below
    `statistik.andele.MIN_EXPECTED` the z-test is unreliable) and, when given, the covariate-adjusted
    comparison (`justeret`)."""
    from evalkit.statistik.andele import compare, exact_p, newcombe_ci, smallest_expected  # imports statsmodels

    counts = (antal["forsoeg"], n["forsoeg"], antal["kontrol"], n["kontrol"])
    ci_nedre, ci_oevre = newcombe_ci(*counts)
    result = {
        **{g: share(antal[g], n[g]) for g in GROUPS},
        **compare(*counts),
        "ci_nedre": ci_nedre,
        "ci_oevre": ci_oevre,
        "p_eksakt": exact_p(*counts),
        "mindste_forventede": smallest_expected(*counts),
    }
    if justeret is not None:
        result["justeret"] = justeret
    return result


def finite(value: Any) -> Any:
    """`value` with every NaN or infinite number, also inside dicts and lists, replaced by None
    (resultater.json holds no non-finite numbers)."""
    if isinstance(value, dict):
        return {key: finite(v) for key, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite(v) for v in value]
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


@dataclass(frozen=True)
class Comparison:
    """Another phase's merged results and where they came from ({'fil', 'sha256'})."""

    resultater: dict[str, Any]
    kilde: dict[str, str]


# ---------------------------------------------------------------- exits from kontanthjælp

def find_exits(ydelser: pd.DataFrame, periode: Periode, lag_weeks: int) -> pd.DataFrame:
    """Every exit from kontanthjælp in `periode`: borger_id, uge, ydelse and destination (NaN if unknown),
    sorted by borger_id and uge (the measures ask for each citizen's first: `panel.Borgerpanel.first_exits`)."""
    return panel.Ugepanel(ydelser, pd.Index([])).exits_frame(periode.start, periode.slut, lag_weeks)


# ---------------------------------------------------------------- baseline variables and adjustment

HERKOMST = {"dansk": "Dansk herkomst", "vestlig": "Vestlig herkomst", "ikke-vestlig": "Ikke-vestlig herkomst"}
# covariates of the adjusted comparisons: every baseline indicator but the reference origin (dansk)
BASELINE_COLUMNS = ("gruppe", "koen", "alder", "herkomst", "offentlig_forsoergelse_aar", "kontanthjaelp_siden")


def indicators(borgere: pd.DataFrame, config: Config) -> pd.DataFrame:
    """The baseline variables as numbers, one row per citizen (index borger_id): the covariates of the
    balance table and of the adjusted comparisons. The long-history indicator is 0 when the date is unknown."""
    siden = borgere["kontanthjaelp_siden"]
    frame = pd.DataFrame(
        {
            "kvinde": (borgere["koen"] == "K").astype(float),
            "alder": borgere["alder"].astype(float),
            "offentlig_forsoergelse_aar": borgere["offentlig_forsoergelse_aar"].astype(float),
            **{f"herkomst_{code}": (borgere["herkomst"] == code).astype(float) for code in HERKOMST},
            "lang_historik": (siden.notna() & (siden <= pd.Timestamp(config.lang_historik_graense))).astype(float),
        }
    )
    frame.index = borgere["borger_id"].to_numpy()
    return frame


def balance_label(variable: str, config: Config) -> str:
    labels = {
        "kvinde": "Kvinder",
        "alder": "Alder",
        "offentlig_forsoergelse_aar": "År på offentlig forsørgelse",
        "lang_historik": f"{config.lang_historik_aar} år eller længere på kontanthjælp",
        **{f"herkomst_{code}": label for code, label in HERKOMST.items()},
    }
    return labels[variable]


def covariates_text(config: Config) -> str:
    """The baseline variables the adjusted comparisons use, in Danish."""
    names = [balance_label(v, config).lower() for v in config.analyseplan.kovariater]
    return dansk.join(names)


def adjustment_covariates(borgere: pd.DataFrame, config: Config, ids: pd.Index) -> pd.DataFrame | None:
    """The covariates of every adjusted comparison (the analysis plan's `kovariater`) for the citizens `ids`, one
    row each in that order (index borger_id). None when the citizens table lacks the baseline columns
    (a partial table, as in small unit tests)."""
    if not set(BASELINE_COLUMNS) <= set(borgere.columns):
        return None
    citizens = borgere.set_index("borger_id").loc[ids]
    return indicators(citizens.reset_index(), config)[list(config.analyseplan.kovariater)].set_axis(ids)


def adjusted_difference(
    y: pd.Series, treated: pd.Series, covariates: pd.DataFrame | None = None, alpha: float = 0.05
) -> dict[str, Any]:
    """`statistik.regression.adjusted_difference` as resultater.json holds it: {'forskel', 'ci_nedre',
    'ci_oevre', 'p', 'metode'}, the fit described in Danish."""
    fit = regression.adjusted_difference(y, treated, covariates, alpha=alpha)
    return metode.described(fit, metode.LINEAR_PROBABILITY)


def adjusted_comparison(y: pd.Series, borgere: pd.DataFrame, config: Config) -> dict | None:
    """The difference forsøg − kontrol in a 0/1 outcome (`y`, indexed by borger_id) adjusted for the
    baseline variables: a linear probability model with HC2 robust standard errors. None when the
    citizens table lacks the baseline columns (a partial table, as in small unit tests)."""
    return adjusted_comparisons({None: y}, borgere, config)[None]


def adjusted_comparisons(outcomes: Mapping[K, pd.Series], borgere: pd.DataFrame, config: Config) -> dict[K, dict | None]:
    """`adjusted_comparison` of several outcomes of the same citizens (the same index), with the covariates
    and the groups looked up once."""
    if not outcomes:
        return {}
    index = next(iter(outcomes.values())).index
    if not all(y.index.equals(index) for y in outcomes.values()):
        raise ValueError("the outcomes must share their citizens")
    covariates = adjustment_covariates(borgere, config, index)
    if covariates is None:
        return dict.fromkeys(outcomes)
    treated = (borgere.set_index("borger_id").loc[index, "gruppe"] == "forsoeg").astype(int)
    return {key: adjusted_difference(y.astype(int), treated, covariates, alpha=config.alpha)
            for key, y in outcomes.items()}


def cox(
    time: np.ndarray, event: np.ndarray, treated: np.ndarray, covariates: pd.DataFrame | None = None, alpha: float = 0.05
) -> dict[str, Any]:
    """`statistik.overlevelse.cox` as resultater.json holds it: {'hr', 'ci_nedre', 'ci_oevre', 'p', 'metode'}."""
    return metode.described(overlevelse.cox(time, event, treated, covariates, alpha=alpha), metode.COX)


def cox_checked(
    time: np.ndarray, event: np.ndarray, treated: np.ndarray, covariates: pd.DataFrame | None = None, alpha: float = 0.05
) -> tuple[dict[str, Any], float | None]:
    """`cox` and the proportional hazards check of the same fitted model (`statistik.overlevelse.cox_checked`)."""
    fit, p = overlevelse.cox_checked(time, event, treated, covariates, alpha=alpha)
    return metode.described(fit, metode.COX), p


# ---------------------------------------------------------------- the document's disclosure control

def count_id(*keys: str) -> str:
    """A published count's id in the document's register (`evalkit.maaleparametre.dokument`): its keys in
    resultater.json joined by '/', e.g. 'udfald/fleksjob/forsoeg/antal'."""
    return "/".join(keys)


def with_document(marks: Mapping[K, Mark], plan: Collection[str], ids: Callable[[K], Iterable[str]]) -> dict[K, Mark]:
    """A measure's own `marks` with the counts the document's solution hides besides them
    (`Config.diskretion_plan`): a key whose count ids (`ids(key)`, see `count_id`) are in `plan` is
    "sekundaer". The solution already satisfies every relation of the document, this table's included."""
    return {key: mark or (diskretion.SECONDARY if any(i in plan for i in ids(key)) else None) for key, mark in marks.items()}


# ---------------------------------------------------------------- citizens without a start date

def history_marks(kort: dict[str, int], lang: dict[str, int], threshold: int) -> dict[str, dict[str, str | None]]:
    """Tabel 2's marks, marks['kort'|'lang'][group]: each group's two counts add up to its published
    total, and each is compared between the groups. The long-term group's size is published again in
    Tabel 6, so that table hides it wherever this hides 'lang' (one solution for the whole document)."""
    return diskretion.suppress_grid({"kort": kort, "lang": lang}, threshold, column_sums=True, compared_rows=True)


def missing_start_marks(counts: dict[str, int], threshold: int, exempt: bool = False) -> dict[str, str | None]:
    """Suppression of the citizens without a start date of kontanthjælp, per group (their total is shown);
    none when the configuration exempts them (`Config.diskretion_undtaget`)."""
    if exempt:
        return dict.fromkeys(counts)
    return diskretion.suppress(counts, threshold, total_shown=True)


def missing_start_exempt(config: Config) -> bool:
    return "uden_startdato" in config.diskretion_undtaget


def missing_start_folded(counts: dict[str, int], threshold: int, exempt: bool) -> bool:
    """Whether the citizens without a start date are counted under the shorter history (Tabel 2 and the
    flow): when a group has 1 to threshold − 1 of them and they are not exempt, so that no published
    total lacks exactly them (Tabel 1's group size against Tabel 2's total would give their number)."""
    return not exempt and any(diskretion.is_small(k, threshold) for k in counts.values())


def shorter_history(kort: dict[str, int], uden: dict[str, int], threshold: int, exempt: bool) -> dict[str, int]:
    """Tabel 2's shorter history per group: those with a known start date less than the long history ago
    (`kort`), and the citizens without a start date (`uden`) when Tabel 2 counts them there
    (`missing_start_folded`)."""
    folded = missing_start_folded(uden, threshold, exempt)
    return {g: kort[g] + (uden[g] if folded else 0) for g in kort}


def missing_start_text(counts: dict[str, int], threshold: int, config: Config) -> str:
    """'12 borgere uden startdato for kontanthjælp (12 i kontrolgruppen)', small counts in words unless
    the configuration exempts them."""
    exempt = missing_start_exempt(config)
    shown = 1 if exempt else threshold  # an exempt count is never small
    marks = missing_start_marks(counts, threshold, exempt)
    parts = [f"{beskyttet.count_text(k, shown, marks[g])} i {config.grupper_bestemt[g]}" for g, k in counts.items() if k]
    total = beskyttet.citizens_text(sum(counts.values()), shown)
    if total[0].isdigit():  # the text opens a sentence: a small number in words, a large one after "I alt"
        n = sum(counts.values())
        total = dansk.count(n, "borger", "borgere") if n <= dansk.LARGEST_IN_WORDS else f"i alt {total}"
    return dansk.sentence(f"{total} uden startdato for kontanthjælp ({', '.join(parts)})").removesuffix(".")
