"""Every citizen count one document publishes, registered once with the relations between them
(`evalkit.statistik.register`), read from the phase's resultater.json.

The tables, texts, figures and the flow chart print their counts from the same numbers the measures
write to resultater.json, so the file names every published count; a count printed in two places (a
group's size, the long-term group, those without a start date) is one count here, tied by an identity.
Read from the full file, the register holds the true values and the build solves it
(`register.solve`); read from the published file, the hidden values are unknown and the register is
what a reader can work with (`register.revealed`).

Counted here: the groups and the flow, the distributions of Tabel 1 and 2, the outcomes (the exits add
up to the group with those still on kontanthjælp; each binary outcome with those without it), the
placement types, the long-term group, the analysed citizens, first exits within a year and first exits
to each destination group by the period's end (the cumulative incidence) of the duration analysis, and
the plans. Not counts of citizens, and not registered: interviews, staff figures,
weeks, kroner and the Kaplan–Meier curves (drawn in steps of at least the threshold's number of exits).
"""

from __future__ import annotations

from typing import Any

from evalkit.config import GROUPS, Config
from evalkit.maaleparametre.faelles import EXIT_LABELS, FLOW_STEPS, STILL_ON_KH
from evalkit.maaleparametre.faelles import count_id as path
from evalkit.statistik.diskretion import PRIMARY, SECONDARY, Mark, is_small
from evalkit.statistik.register import Register

BINARY_OUTCOMES = ("virksomhedsplacering", "lang_kh_reduktion")
TOTAL = "i_alt"


def register(resultater: dict[str, Any], config: Config) -> Register:
    """The register of the document whose resultater.json is `resultater` (full or published)."""
    reg = Register(config.diskretionsgraense)
    exempt = "uden_startdato" in config.diskretion_undtaget
    if "grupper" in resultater:
        _groups(reg, resultater["grupper"])
    if "flow" in resultater:
        _flow(reg, resultater["flow"], exempt)
    if "baseline" in resultater:
        _baseline(reg, resultater["baseline"], exempt)
    _outcomes(reg, resultater.get("udfald", {}))
    if "virksomhedsplaceringer" in resultater:
        _placement_types(reg, resultater["virksomhedsplaceringer"])
    if "langtidsgruppen" in resultater:
        _long_term(reg, resultater["langtidsgruppen"], exempt)
    if "varighed" in resultater:
        _duration(reg, resultater["varighed"])
    if "planer" in resultater:
        _plans(reg, resultater["planer"])
    return reg


def _mark(container: dict[str, Any], key: str) -> Mark:
    """The suppression mark of `container[key]` ("primaer", "sekundaer" or None)."""
    mark = container.get("diskretion", {}).get(key)
    return mark if mark in (PRIMARY, SECONDARY) else None


def _antal(entry: dict[str, Any], group: str) -> int | None:
    """A group's count in a {'antal', 'n', 'andel'} entry (None where a published file hides it)."""
    return None if entry[group] is None else entry[group]["antal"]


def _count(reg: Register, key: str, value: int | None, mark: Mark, exempt: bool = False) -> str:
    """Register a count; an exempt count (`Config.diskretion_undtaget`) is shown whatever its size."""
    return reg.count(key, None if value is None else int(value), mark, exempt=exempt)


def _groups(reg: Register, grupper: dict[str, Any]) -> None:
    for g in GROUPS:
        size = None if grupper[g] is None else grupper[g]["n"]
        reg.keep(_count(reg, path("grupper", g, "n"), size, _mark(grupper, g)))


def _flow(reg: Register, flow: dict[str, Any], exempt: bool) -> None:
    for g in GROUPS:
        tal = flow[g]
        ids = {key: _count(reg, path("flow", g, key), value, _mark(tal, key),
                           exempt=exempt and key == "udeladt_historik")
               for key, value in tal.items() if key != "diskretion"}
        reg.sums(path("grupper", g, "n"), [ids["randomiseret"]])
        reg.keep(ids["randomiseret"])
        reg.sums(ids["randomiseret"], [ids["analyseret_afgange"]])
        for step, rest in FLOW_STEPS.items():
            reg.sums(ids["randomiseret"], [ids[step], ids[rest]])
    totals = flow[TOTAL]
    for key in ("randomiseret", "forladt_foer_slut"):
        total = _count(reg, path("flow", TOTAL, key), totals[key], _mark(totals, key))
        reg.keep(total)
        reg.sums(total, [path("flow", g, key) for g in GROUPS])


def _distribution(reg: Register, prefix: tuple[str, ...], categories: dict[str, Any]) -> dict[str, list[str]]:
    """The counts of a distribution, {'antal', 'n', 'andel'} per category and group, compared between the
    groups; the categories' counts per group."""
    per_group: dict[str, list[str]] = {g: [] for g in GROUPS}
    for category, entry in categories.items():
        ids = [_count(reg, path(*prefix, category, g, "antal"), _antal(entry, g), _mark(entry, g)) for g in GROUPS]
        reg.compare(ids)
        for g, key in zip(GROUPS, ids):
            per_group[g].append(key)
    return per_group


def _baseline(reg: Register, baseline: dict[str, Any], exempt: bool) -> None:
    for name in ("herkomst", "koen"):
        for g, parts in _distribution(reg, ("baseline", name), baseline[name]).items():
            reg.sums(path("grupper", g, "n"), parts)
    history = baseline["kontanthjaelpshistorik"]
    per_group = _distribution(reg, ("baseline", "kontanthjaelpshistorik"),
                              {k: history[k] for k in ("lang", "kort")})
    uden = history["uden_startdato"]
    # Tabel 2 counts those without a start date under the shorter history when a group has few of them
    # (`faelles.missing_start_folded`); its total per group is then the group, else the group less them
    folded = not exempt and any(_mark(uden, g) == PRIMARY for g in GROUPS)
    for g in GROUPS:
        missing = _count(reg, path("baseline", "kontanthjaelpshistorik", "uden_startdato", g), uden[g],
                         _mark(uden, g), exempt=exempt)
        reg.keep(missing)
        n = path("grupper", g, "n")
        size = reg.values[n]
        value = None if size is None or uden[g] is None else size - (0 if folded else uden[g])
        total = _count(reg, path("baseline", "kontanthjaelpshistorik", TOTAL, g), value,
                       PRIMARY if value is None or is_small(value, reg.threshold) else None)
        reg.keep(total)
        reg.sums(total, per_group[g])
        if folded:
            reg.sums(n, [total])
            reg.at_most(per_group[g][1], [missing])
        else:
            reg.sums(n, [total, missing])


def _outcomes(reg: Register, udfald: dict[str, Any]) -> None:
    exits = [o for o in EXIT_LABELS if o != STILL_ON_KH] + ["fortsat_kontanthjaelp"]
    per_group: dict[str, list[str]] = {g: [] for g in GROUPS}
    for outcome in exits + list(BINARY_OUTCOMES):
        if outcome not in udfald:
            continue
        entry = udfald[outcome]
        ids = [_count(reg, path("udfald", outcome, g, "antal"), _antal(entry, g), _mark(entry, g)) for g in GROUPS]
        reg.compare(ids)
        for g, key in zip(GROUPS, ids):
            if outcome in exits:
                per_group[g].append(key)
            # those without the outcome: n less the count. A group's count is hidden as "primaer" when it
            # or this is small; the reader does not know which
            size, count = reg.values.get(_size_of(outcome, g)), reg.values[key]
            value = None if count is None or size is None else size - count
            without = _count(reg, path("udfald", outcome, g, "uden"), value, _mark(entry, g))
            reg.sums(_size_of(outcome, g), [key, without])
            if _mark(entry, g) == PRIMARY:
                reg.one_small(key, without)
    for g, parts in per_group.items():
        if parts:
            reg.sums(path("grupper", g, "n"), parts)


def _size_of(outcome: str, group: str) -> str:
    """The count a binary outcome's n is: the group, or the long-term group at the start."""
    if outcome == "lang_kh_reduktion":
        return path("baseline", "kontanthjaelpshistorik", "lang", group, "antal")
    return path("grupper", group, "n")


def _placement_types(reg: Register, placeringer: dict[str, Any]) -> None:
    for kind, counts in placeringer.get("typer", {}).items():
        for g in GROUPS:
            key = _count(reg, path("virksomhedsplaceringer", "typer", kind, g), counts[g], _mark(counts, g))
            reg.at_most(path("udfald", "virksomhedsplacering", g, "antal"), [key])  # citizens with that type


def _long_term(reg: Register, langtid: dict[str, Any], exempt: bool) -> None:
    for g in GROUPS:
        tal = langtid[g]
        start = _count(reg, path("langtidsgruppen", g, "ved_start"), tal["ved_start"], _mark(tal, "ved_start"))
        # hidden with the reduction, which is "primaer" when it or this is small (`_outcomes` says which may be)
        still = _count(reg, path("langtidsgruppen", g, "paa_kontanthjaelp"), tal["paa_kontanthjaelp"],
                       _mark(tal, "paa_kontanthjaelp") and SECONDARY)
        reg.sums(path("baseline", "kontanthjaelpshistorik", "lang", g, "antal"), [start])
        reg.sums(start, [still, path("udfald", "lang_kh_reduktion", g, "antal")])
        uden = langtid["uden_startdato"]
        missing = _count(reg, path("langtidsgruppen", "uden_startdato", g), uden[g], _mark(uden, g), exempt=exempt)
        reg.keep(missing)
        reg.sums(path("baseline", "kontanthjaelpshistorik", "uden_startdato", g), [missing])


def _duration(reg: Register, varighed: dict[str, Any]) -> None:
    first = varighed.get("foerste_afgang", {})
    for g in GROUPS:
        if g not in first:
            continue
        tal = first[g]
        analysed = _count(reg, path("varighed", "foerste_afgang", g, "n"), tal["n"], _mark(tal, "n"))
        left_out = _count(reg, path("varighed", "foerste_afgang", g, "ikke_kontanthjaelp_startuge"),
                          tal["ikke_kontanthjaelp_startuge"], _mark(tal, "ikke_kontanthjaelp_startuge"))
        reg.sums(path("grupper", g, "n"), [analysed, left_out])
        reg.sums(path("flow", g, "kontanthjaelp_startuge"), [analysed])
        _share(reg, analysed, ("foerste_afgang", g), "afgang_52_uger", tal.get("andel_afgang_52_uger"), tal["n"],
               _mark(tal, "andel_afgang_52_uger"))
        for destination, entry in varighed.get("konkurrerende", {}).items():
            if isinstance(entry, dict) and g in entry:
                # the destination groups with those without an exit add up to the analysed citizens too, but
                # from shares with censoring the counts are not whole: the measure protects that margin itself
                _share(reg, analysed, ("konkurrerende", destination, g), "afgange", entry[g]["kumulativ_incidens"],
                       tal["n"], _mark(entry[g], "kumulativ_incidens"))
    for g in GROUPS:
        if g in varighed.get("uger_paa_kontanthjaelp", {}):
            entry = varighed["uger_paa_kontanthjaelp"][g]
            size = _count(reg, path("varighed", "uger_paa_kontanthjaelp", g, "n"), entry["n"], _mark(entry, "n"))
            reg.keep(size)
            reg.sums(path("grupper", g, "n"), [size])


def _share(reg: Register, analysed: str, keys: tuple[str, ...], name: str, share: float | None, n: int | None,
           mark: Mark) -> None:
    """A published share of the analysed citizens (varighed/`keys`) as the counts a reader reads from it: those
    with the outcome (`name`), round(share · n), and those without it ('uden_' + `name`), which add up to
    the analysed citizens. The share is Kaplan–Meier's or Aalen–Johansen's: exact with no one censored."""
    value = None if share is None or n is None else round(share * n)
    with_it = _count(reg, path("varighed", *keys, name), value, mark)
    without = _count(reg, path("varighed", *keys, f"uden_{name}"), None if value is None else n - value, mark)
    reg.sums(analysed, [with_it, without])
    if mark == PRIMARY:
        reg.one_small(with_it, without)


def _plans(reg: Register, planer: dict[str, Any]) -> None:
    for g in (*GROUPS, TOTAL):  # the groups and the table's column of both together
        tal = planer.get(g)
        if not tal:
            continue
        rehab = tal["rehab"]
        plans = _count(reg, path("planer", g, "planer"), tal["planer"], _mark(tal, "planer"))
        _count(reg, path("planer", g, "borgere_med_plan"), tal["borgere_med_plan"], _mark(tal, "borgere_med_plan"))
        parts = [_count(reg, path("planer", g, "rehab", k), v, _mark(rehab, k)) for k, v in rehab.items()
                 if k != "diskretion"]
        reg.sums(plans, parts)
        marked = _count(reg, path("planer", g, "markeret"), tal["markeret"], _mark(tal, "markeret"))
        reg.at_most(plans, [marked])
        reg.at_most(plans, [path("planer", g, "borgere_med_plan")])  # a citizen with a plan has one or more
        if g in GROUPS:
            reg.at_most(path("grupper", g, "n"), [path("planer", g, "borgere_med_plan")])
    if TOTAL in planer:
        rehab = [k for k in planer[TOTAL]["rehab"] if k != "diskretion"]
        for sub in (("planer",), ("borgere_med_plan",), ("markeret",), *(("rehab", k) for k in rehab)):
            reg.sums(path("planer", TOTAL, *sub), [path("planer", g, *sub) for g in GROUPS])
