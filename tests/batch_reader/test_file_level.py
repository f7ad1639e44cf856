"""app.batch.file_level with a stand-in for the declaration guards: when a reason is the
file's, when the rows that disagree with the majority are the ones at fault, and when not."""
import pytest

from app.batch import file_level

LABELS = {"year": "申报年度"}
MIXED = "同一申报中各行的申报年度应相同"
DECLARED = "本单位2026年度已申报缴费基数"


def guard(payloads):
    """A C3-like guard: one year for all rows, and 2026 already declared when ``declared``."""
    years = {p["year"] for p in payloads}
    if len(years) > 1:
        return {i: ("year", MIXED) for i in range(len(payloads))}
    if years == {2026} and guard.declared:
        return {i: ("year", DECLARED) for i in range(len(payloads))}
    return {i: ("id_number", "重复") for i, p in enumerate(payloads) if p.get("twice")}


@pytest.fixture
def guards():
    guard.declared = False
    return guard


def judge(*years, by=guard, **marks):
    payloads = [{"year": y, **({"twice": True} if i in marks.get("twice", ()) else {})}
                for i, y in enumerate(years)]
    return file_level.whole_file_refusals(by, payloads, LABELS)


def test_the_odd_year_fails_alone(guards):
    refusals, whole = judge(2026, 2026, 2025, 2026)
    assert refusals == {2: ("year", "申报年度2025与本文件其他行（2026）不一致")} and whole == []


def test_the_rest_is_judged_again(guards):
    refusals, whole = judge(2026, 2025, 2026, 2026, twice={3})
    assert refusals == {1: ("year", "申报年度2025与本文件其他行（2026）不一致"),
                        3: ("id_number", "重复")}


def test_a_tie_has_no_majority_and_is_said_once(guards):
    assert judge(2026, 2025, 2026, 2025) == ({}, [(MIXED, [0, 1, 2, 3])])


def test_the_already_declared_year_is_said_once_for_the_majority(guards):
    guards.declared = True
    refusals, whole = judge(2026, 2026, 2025)
    assert refusals == {2: ("year", "申报年度2025与本文件其他行（2026）不一致")}
    assert whole == [(DECLARED, [0, 1])]
    assert judge(2026, 2026, 2026) == ({}, [(DECLARED, [0, 1, 2])])


def every_row(field, reason):
    return lambda payloads: {i: (field, reason) for i in range(len(payloads))}


def test_a_shared_reason_the_disagreement_did_not_cause_stays_the_files():
    closed = every_row("year", "申报期已结束")
    assert judge(2026, 2026, 2025, by=closed) == ({}, [("申报期已结束", [0, 1, 2])])


def test_a_reason_about_each_person_stays_on_each_row():
    refusals, whole = judge(2026, 2026, by=every_row("id_number", "未找到该人员"))
    assert refusals == {0: ("id_number", "未找到该人员"), 1: ("id_number", "未找到该人员")}
    assert whole == []


def test_a_single_row_keeps_its_reason_on_the_row(guards):
    guards.declared = True
    assert judge(2026) == ({0: ("year", DECLARED)}, [])
