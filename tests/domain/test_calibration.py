"""Calibration arithmetic against tables worked out by hand."""

from __future__ import annotations

import pytest

from coachbot.domain.calibration import (
    DoubleScore,
    agreement_by_reviewer,
    cohen_kappa,
    double_scored,
    drift,
    exact_agreement,
)


def table(cells: dict[tuple[str, str], int]) -> list[tuple[str, str]]:
    """Expand a contingency table (rater A's level, rater B's level) -> count into pairs."""
    return [pair for pair, count in cells.items() for _ in range(count)]


def test_kappa_of_a_two_by_two_table() -> None:
    # The textbook table: 50 items, A and B agree on 20 "yes" and 15 "no".
    #            B yes  B no
    #   A yes     20     5     A yes 25/50
    #   A no      10    15     B yes 30/50
    # p_o = 35/50 = 0.7; p_e = 0.5*0.6 + 0.5*0.4 = 0.5; kappa = 0.2/0.5 = 0.4
    pairs = table({("yes", "yes"): 20, ("yes", "no"): 5, ("no", "yes"): 10, ("no", "no"): 15})
    assert exact_agreement(pairs) == pytest.approx(0.7)
    assert cohen_kappa(pairs) == pytest.approx(0.4)


def test_kappa_of_a_three_level_rubric_table() -> None:
    #               B Dev  B Prof  B Exem   (row sums)
    #   A Dev         4      2       0        6
    #   A Prof        1      6       1        8
    #   A Exem        0      1       5        6
    #   col sums      5      9       6       20
    # p_o = 15/20 = 0.75
    # p_e = (6*5 + 8*9 + 6*6) / 400 = (30 + 72 + 36) / 400 = 0.345
    # kappa = (0.75 - 0.345) / (1 - 0.345) = 0.405 / 0.655 = 0.618320...
    pairs = table(
        {
            ("Dev", "Dev"): 4,
            ("Dev", "Prof"): 2,
            ("Prof", "Dev"): 1,
            ("Prof", "Prof"): 6,
            ("Prof", "Exem"): 1,
            ("Exem", "Prof"): 1,
            ("Exem", "Exem"): 5,
        }
    )
    assert exact_agreement(pairs) == pytest.approx(0.75)
    assert cohen_kappa(pairs) == pytest.approx(0.405 / 0.655)


def test_kappa_is_zero_at_chance_and_negative_below_it() -> None:
    # p_o = 0.5 and p_e = 0.5: agreement no better than chance
    assert cohen_kappa(table({("a", "a"): 1, ("a", "b"): 1, ("b", "a"): 1, ("b", "b"): 1})) == 0
    # always disagreeing: p_o = 0, p_e = 0.5, kappa = -1
    assert cohen_kappa(table({("a", "b"): 3, ("b", "a"): 3})) == pytest.approx(-1.0)


def test_kappa_is_undefined_without_variation_or_pairs() -> None:
    assert cohen_kappa([("a", "a"), ("a", "a")]) is None
    assert cohen_kappa([]) is None
    assert exact_agreement([]) is None


def test_per_reviewer_agreement_pools_every_double_scored_submission() -> None:
    # Reviewer 1 scored two submissions with 2 and with 3; two criteria each.
    # With 2: (P,P) (D,P); with 3: (P,P) (E,E) -> reviewer 1: 3 of 4 agree.
    # Reviewer 1's pairs: (P,P) (D,P) (P,P) (E,E); own: P2 D1 E1; others: P3 E1
    # p_e = (2*3 + 1*0 + 1*1) / 16 = 7/16; kappa = (12/16 - 7/16) / (9/16) = 5/9
    scored = [
        DoubleScore(1, 2, {"Design": "P", "Talk": "D"}, {"Design": "P", "Talk": "P"}),
        DoubleScore(3, 1, {"Design": "P", "Talk": "E"}, {"Design": "P", "Talk": "E"}),
    ]
    by = {a.reviewer_id: a for a in agreement_by_reviewer(scored)}
    assert (by[1].submissions, by[1].pairs, by[1].exact) == (2, 4, 0.75)
    assert by[1].kappa == pytest.approx(5 / 9)
    assert (by[2].exact, by[3].exact) == (0.5, 1.0)
    assert by[2].kappa == 0.0  # (P,P) (P,D): p_o = 1/2, p_e = (2*1)/4 = 1/2
    assert by[3].kappa == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("fraction", "first_twenty"),
    [
        (0.1, [10, 20]),
        (0.25, [4, 8, 12, 16, 20]),
        (1.0, list(range(1, 21))),
        (0.0, []),
    ],
)
def test_the_districts_share_is_double_scored_evenly(
    fraction: float, first_twenty: list[int]
) -> None:
    assert [n for n in range(1, 21) if double_scored(n, fraction)] == first_twenty


def test_an_anchor_shows_who_drifts_and_which_way() -> None:
    levels = {c: {"D": 1, "P": 2, "E": 3} for c in ("A", "B", "C", "D")}
    agreed = {"A": "P", "B": "P", "C": "D", "D": "E"}
    on_key = drift(7, agreed, dict(agreed), levels)
    lenient = drift(8, agreed, {"A": "E", "B": "E", "C": "D", "D": "E"}, levels)
    harsh = drift(9, agreed, {"A": "D", "B": "P", "C": "D", "D": "E"}, levels)
    assert (on_key.exact, on_key.lean, on_key.drifts()) == (1.0, 0.0, False)
    assert (lenient.exact, lenient.lean, lenient.off, lenient.drifts()) == (
        0.5,
        0.5,
        ("A", "B"),
        True,
    )
    assert (harsh.exact, harsh.lean, harsh.drifts()) == (0.75, -0.25, False)
