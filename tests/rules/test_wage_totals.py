"""The Σ line of a 工资申报 batch (rules/wage_totals.py)."""
from decimal import Decimal

from rules.wage_totals import totals

LIMITS = {2026: (Decimal("4000.00"), Decimal("20000.00"))}


def row(wage, status="pending", year="2026", **extra):
    return {"declared_wage": wage, "year": year, **extra}, status


def test_wages_and_the_bases_the_floor_and_cap_make_of_them():
    found = totals([row("3000"), row("6000.50"), row("25000")], LIMITS)
    assert found.people == 3
    assert found.wage_total == Decimal("34000.50")
    assert found.base_total == Decimal("4000.00") + Decimal("6000.50") + Decimal("20000.00")
    assert found.unbased == 0


def test_an_approved_row_counts_the_base_its_approval_wrote():
    found = totals([row("3000", "approved", base="3900.00")], LIMITS)
    assert (found.wage_total, found.base_total) == (Decimal("3000.00"), Decimal("3900.00"))


def test_rejected_rows_count_for_nothing():
    found = totals([row("3000", "rejected"), row("5000")], LIMITS)
    assert (found.people, found.wage_total, found.base_total) == (
        1, Decimal("5000.00"), Decimal("5000.00"))


def test_a_year_without_limits_adds_the_wage_but_no_base():
    found = totals([row("5000", year="2031"), row("5000")], LIMITS)
    assert (found.people, found.wage_total, found.base_total, found.unbased) == (
        2, Decimal("10000.00"), Decimal("5000.00"), 1)


def test_an_empty_batch():
    found = totals([], LIMITS)
    assert (found.people, found.wage_total, found.base_total) == (0, Decimal(0), Decimal(0))
