"""Calibration targets of the example data (contract section 6): they describe the example data set only,
not any result."""

from __future__ import annotations

from dataclasses import dataclass

from evalkit.data.contract import YDELSER

KH = "kontanthjaelp"
CODE = {name: i for i, name in enumerate(YDELSER)}
OUTCOMES = (
    "beskaeftigelse",
    "smaajob",
    "uddannelse",
    "ressourceforloeb",
    "fleksjob",
    "foertidspension",
    "andet",
)
# Destinations through the rehabilitation team; these citizens usually have a preparatory plan.
REHAB = ("ressourceforloeb", "fleksjob", "foertidspension")
# Intermediate status between the exit week and the follow-up week: destination ->
# (status in the first weeks, share of the destination's citizens who go this way).
VIA = {
    "ressourceforloeb": ("sygedagpenge", 0.2),
    "beskaeftigelse": ("smaajob", 0.15),
    "foertidspension": ("ressourceforloeb", 0.2),
    "fleksjob": ("sygedagpenge", 0.15),
}
# Share of the rehabilitation cases with a plan that also have an earlier plan the team sent back.
PLAN_SENT_BACK = 0.15


# --------------------------------------------------------------------------------------------
# Calibration targets (contract section 6). They describe the example data set only.
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupTargets:
    """Published final-phase figures for one group, plus the few choices the report leaves open."""

    n: int
    herkomst: dict[str, int]
    koen: dict[str, int]
    # Means we aim at exactly; they sit in the middle of the published rounding interval.
    alder_mean: float  # published 46 / 47 (whole years)
    forsoergelse_mean: float  # published 5,3 / 5,1 (one decimal)
    lang_historik: int  # kontanthjaelp_siden <= start - 3 years
    kort_historik: int
    uden_startdato: int  # empty kontanthjaelp_siden
    # Outcome counts (Tabel 3 and 5). `andet` is not published: a residual we choose (~4.5 %).
    udfald: dict[str, int]
    placeret: int  # Tabel 4: at least one placement overlapping the placement period
    lang_kh_status: int  # Tabel 6: long-history citizens still on kontanthjaelp at the status date
    samtaler_pr_uge: int  # Tabel 7 (rounded per-week figures as published)
    rettidige_pr_uge: int
    rettidig_pct: int
    # Preparatory plans: not published; roughly how many the example holds per group.
    planer: int
    # Share of the citizens with a rehabilitation outcome who have a plan before their exit.
    planer_rehab_andel: float = 0.8


@dataclass(frozen=True)
class ExampleTargets:
    """All calibration targets of the example data set."""

    grupper: dict[str, GroupTargets]
    # Tabel 8/9: per HR period of the final phase, per department (config order):
    # (total, short-term, long-term) sick days per full-time employee, one decimal.
    sygefravaer: tuple[tuple[tuple[float, float, float], ...], ...]
    # Tabel 10/11: per HR period, per department: external turnover in percent, one decimal.
    omsaetning: tuple[tuple[float, ...], ...]
    # Typical headcount per department (config order); only used to make HR data plausible.
    afdelingsstoerrelse: tuple[int, ...]
    # Share of preparatory plans ticked in the case system ("a bit under half").
    planer_markeret_andel: float = 0.45
    # Position of the trial department in `sygefravaer`, `omsaetning` and `afdelingsstoerrelse`
    # (config order); only the scenario model (`model`) uses it.
    forsoegsafdeling: int = 5


EXAMPLE_TARGETS = ExampleTargets(
    grupper={
        "forsoeg": GroupTargets(
            n=917,
            herkomst={"dansk": 606, "vestlig": 46, "ikke-vestlig": 265},
            koen={"K": 372, "M": 545},
            alder_mean=46.0,
            forsoergelse_mean=5.30,
            lang_historik=385,
            kort_historik=532,
            uden_startdato=0,
            udfald={
                "beskaeftigelse": 102,
                "smaajob": 18,
                "uddannelse": 19,
                "ressourceforloeb": 139,
                "fleksjob": 31,
                "foertidspension": 47,
                "andet": 41,
            },
            placeret=451,
            lang_kh_status=285,
            samtaler_pr_uge=666,
            rettidige_pr_uge=600,
            rettidig_pct=90,
            planer=250,
            planer_rehab_andel=0.85,
        ),
        "kontrol": GroupTargets(
            n=856,
            herkomst={"dansk": 520, "vestlig": 55, "ikke-vestlig": 281},
            koen={"K": 344, "M": 512},
            alder_mean=47.0,
            forsoergelse_mean=5.10,
            lang_historik=312,
            kort_historik=543,
            uden_startdato=1,
            udfald={
                "beskaeftigelse": 89,
                "smaajob": 22,
                "uddannelse": 24,
                "ressourceforloeb": 46,
                "fleksjob": 20,
                "foertidspension": 23,
                "andet": 38,
            },
            placeret=400,
            lang_kh_status=256,
            samtaler_pr_uge=675,
            rettidige_pr_uge=557,
            rettidig_pct=82,
            planer=120,
            planer_rehab_andel=0.8,
        ),
    },
    sygefravaer=(
        (  # May-Dec 2018
            (3.0, 1.6, 1.4),
            (3.7, 2.6, 1.1),
            (6.5, 3.6, 3.0),
            (4.2, 3.6, 0.6),
            (4.7, 4.1, 0.6),
            (1.8, 1.8, 0.0),
        ),
        (  # 2019
            (5.7, 4.0, 1.7),
            (5.6, 5.6, 0.0),
            (12.2, 7.2, 5.1),
            (5.9, 5.4, 0.5),
            (21.8, 7.5, 14.3),
            (10.6, 4.3, 6.3),
        ),
    ),
    omsaetning=(
        (15.2, 6.9, 4.0, 4.3, 4.8, 3.8),  # May-Dec 2018
        (2.4, 6.9, 6.7, 6.5, 13.6, 0.0),  # 2019
    ),
    afdelingsstoerrelse=(41, 29, 27, 27, 24, 25),
)
