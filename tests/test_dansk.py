"""The Danish sentence layer (evalkit.praesentation.dansk): zero, one and many, lists, numbers in words
and no sentence that opens with a digit (issue 17, point 6)."""

import pytest

from evalkit.praesentation import dansk


def test_small_numbers_are_words_with_the_nouns_gender_and_large_ones_digits():
    assert [dansk.number(n) for n in (0, 2, 8, 12)] == ["nul", "to", "otte", "tolv"]
    assert dansk.number(1) == "én" and dansk.number(1, neuter=True) == "ét"
    assert dansk.number(1, stressed=False) == "en" and dansk.number(1, neuter=True, stressed=False) == "et"
    assert dansk.number(13) == "13" and dansk.number(1773) == "1.773"


def test_zero_one_and_many():
    assert dansk.count(0, "udfald", "udfald", neuter=True) == "ingen udfald"
    assert dansk.count(1, "borger", "borgere") == "én borger"
    assert dansk.count(1, "udfald", "udfald", neuter=True) == "ét udfald"
    assert dansk.count(3, "borger", "borgere") == "tre borgere"
    assert dansk.count(917, "borger", "borgere") == "917 borgere"


def test_lists_have_no_comma_before_the_conjunction():
    assert dansk.join(["a"]) == "a"
    assert dansk.join(["a", "b"]) == "a og b"
    assert dansk.join(["a", "b", "c"]) == "a, b og c"
    assert dansk.join(["a", "b"], "eller") == "a eller b"
    with pytest.raises(ValueError):
        dansk.join([])


def test_how_many_of_a_set_reads_right_for_none_one_some_both_and_all():
    noun = "sammenlignede udfald"
    assert dansk.how_many(0, 8, noun, neuter=True) == "ingen af de otte sammenlignede udfald"
    assert dansk.how_many(1, 8, noun, neuter=True) == "kun ét af de otte sammenlignede udfald"
    assert dansk.how_many(3, 8, "sammenligninger") == "tre af de otte sammenligninger"
    assert dansk.how_many(8, 8, noun, neuter=True) == "alle otte sammenlignede udfald"
    assert dansk.how_many(2, 2, "signifikante forskelle") == "begge signifikante forskelle"
    with pytest.raises(ValueError):  # a set of one is worded by the caller: "udfaldet", "forskellen"
        dansk.how_many(1, 1, noun)


def test_a_sentence_starts_with_a_capital_and_never_with_a_digit():
    assert dansk.sentence("tre af de otte udfald viser en forskel") == "Tre af de otte udfald viser en forskel."
    assert dansk.sentence("forsøgsafdelingen ligger højest.") == "Forsøgsafdelingen ligger højest."
    for bad in ("3 af de 8 udfald viser en forskel", "−7,6 uger", ""):
        with pytest.raises(ValueError):
            dansk.sentence(bad)
