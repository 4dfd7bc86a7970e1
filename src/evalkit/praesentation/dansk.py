"""The Danish sentence layer: the few grammar rules every generated sentence goes through.

- small numbers in words in running text ("tre af de otte udfald"), with the gender of the noun
  ("én borger", "ét udfald");
- zero, one and many: "ingen udfald", "ét udfald", "to udfald"; "ingen af", "kun", "alle";
- lists: "a", "a og b", "a, b og c" (or "eller");
- a sentence never opens with a digit: `sentence` refuses it, so a caller must reword.

Tables and figures keep digits; this is for prose.
"""

from __future__ import annotations

from evalkit.praesentation import formatting

# common and neuter gender of "one"; the rest do not inflect
_WORDS = ("nul", "en", "to", "tre", "fire", "fem", "seks", "syv", "otte", "ni", "ti", "elleve", "tolv")
LARGEST_IN_WORDS = len(_WORDS) - 1


def number(n: int, neuter: bool = False, stressed: bool = True) -> str:
    """A count for running text: words up to twelve ('otte', 'én', 'ét'), digits above ('1.773').
    `stressed` gives 'én'/'ét', the form that tells the number from the article ('en'/'et')."""
    if 0 <= n <= LARGEST_IN_WORDS:
        if n == 1:
            word = "et" if neuter else "en"
            return {"en": "én", "et": "ét"}[word] if stressed else word
        return _WORDS[n]
    return formatting.count(n)


def count(n: int, singular: str, plural: str, neuter: bool = False, zero: str = "ingen") -> str:
    """'ingen udfald', 'ét udfald', 'tre udfald', '1.773 borgere'."""
    if n == 0:
        return f"{zero} {plural}"
    return f"{number(n, neuter)} {singular if n == 1 else plural}"


def join(items: list[str], conjunction: str = "og") -> str:
    """'a', 'a og b', 'a, b og c' (the Danish list has no comma before the conjunction)."""
    items = list(items)
    if not items:
        raise ValueError("an empty list has no Danish wording")
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" {conjunction} " + items[-1]


def capitalize(text: str) -> str:
    """The first letter upper case, the rest as it is ('forsøgsafdelingen' -> 'Forsøgsafdelingen')."""
    return text[:1].upper() + text[1:]


def sentence(text: str) -> str:
    """`text` as a sentence: first letter upper case and a full stop. A sentence may not begin with a
    digit (Danish style: write the number in words or reword), so that is refused."""
    text = text.strip()
    if not text:
        raise ValueError("an empty sentence")
    if text[0].isdigit() or text[0] in "+\u2212-":
        raise ValueError(f"a Danish sentence may not begin with a number: {text!r}")
    text = capitalize(text)
    return text if text[-1] in ".!?:" else text + "."


def how_many(hits: int, of: int, noun_plural: str, neuter: bool = False) -> str:
    """The part of a set of at least two that meets a condition, as a Danish subject: 'ingen af de otte
    udfald', 'kun ét af de otte udfald', 'tre af de otte udfald', 'begge udfald', 'alle otte udfald'.
    A set of one is worded by the caller ('udfaldet'), since Danish inflects the noun."""
    if of < 2 or not 0 <= hits <= of:
        raise ValueError(f"{hits} of {of}")
    total = number(of, neuter, stressed=False)
    if hits == 0:
        return f"ingen af de {total} {noun_plural}"
    if hits == of:
        return f"begge {noun_plural}" if of == 2 else f"alle {total} {noun_plural}"
    if hits == 1:
        return f"kun {number(1, neuter)} af de {total} {noun_plural}"
    return f"{number(hits, neuter)} af de {total} {noun_plural}"
