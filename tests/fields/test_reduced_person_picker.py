"""减员原因变更 (C9) and 中断转退休 (C10) pick from the unit's reduced people and show the picked
person's 性别, 出生日期, 减员年月 and current 减员原因, read-only, on entry and on 核对; another
unit's reduced people are neither listed nor described (issue 11 §2, §6)."""
import json
import re

import pytest

from app.declarations import reduced_people
from tests.declarations.flows import (
    MONTH, ORDINARY, VIP, Employer, free_person, reduce_with_commands, unit_id_of,
)

SHOWN_MONTH = f"{MONTH // 100}-{MONTH % 100:02d}"
GENDERS = {"male": "男", "female": "女"}


@pytest.fixture(scope="module")
def reduced(app):
    """One person reduced by the ordinary unit (劳动合同期满终止) and one by the VIP unit."""
    mine = free_person(app, ORDINARY)
    reduce_with_commands(app, ORDINARY, mine, reason="203")
    theirs = free_person(app, VIP)
    reduce_with_commands(app, VIP, theirs, reason="202")
    return mine, theirs


def picker_numbers(page: str) -> list[str]:
    select = page.split('id="id_number"')[1].split("</select>")[0]
    return re.findall(r'<option value="(\d{17}[\dX])"', select)


def picker_data(page: str) -> list[dict]:
    found = re.search(r'<script type="application/json" id="reduced-people">(.*?)</script>', page,
                      re.S)
    return json.loads(found.group(1))["people"]


def facts_table(page: str) -> str:
    return page.split('id="reduced-person"')[1].split("</table>")[0]


@pytest.mark.parametrize("code", ["C9", "C10"])
def test_the_picker_lists_only_this_units_reduced_people(reduced, as_user, code):
    mine, theirs = reduced
    page = as_user(ORDINARY).get(f"/declare/{code.lower()}/new/").get_data(as_text=True)
    numbers = picker_numbers(page)
    assert mine.id_number in numbers and theirs.id_number not in numbers
    data = {p["id_number"]: p for p in picker_data(page)}
    assert set(data) == set(numbers)
    assert theirs.id_number not in page and theirs.name not in page
    assert data[mine.id_number]["end_month"] == SHOWN_MONTH
    assert data[mine.id_number]["reduce_reason"] == "劳动合同期满终止"


@pytest.mark.parametrize("code", ["C9", "C10"])
def test_the_picked_persons_facts_are_shown_on_entry(reduced, as_user, code):
    mine, theirs = reduced
    client = as_user(ORDINARY)
    page = client.get(f"/declare/{code.lower()}/new/?id_number={mine.id_number}")
    table = facts_table(page.get_data(as_text=True))
    for shown in (GENDERS[mine.gender], mine.birth_date.isoformat(), SHOWN_MONTH,
                  "劳动合同期满终止"):
        assert shown in table, shown
    stranger = client.get(f"/declare/{code.lower()}/new/?id_number={theirs.id_number}")
    table = facts_table(stranger.get_data(as_text=True))
    assert theirs.birth_date.isoformat() not in table and "解除劳动合同" not in table


def test_c9_check_page_shows_the_facts_before_the_change(reduced, as_user):
    mine, _theirs = reduced
    employer = Employer(as_user(ORDINARY), "C9")
    pk = employer.enter({"id_number": mine.id_number, "name": mine.name,
                         "reduce_reason": "201"})
    page = as_user(ORDINARY).get(f"/declare/c9/{pk}/check/").get_data(as_text=True)
    table = facts_table(page)
    for shown in (GENDERS[mine.gender], mine.birth_date.isoformat(), SHOWN_MONTH,
                  "劳动合同期满终止"):
        assert shown in table, shown
    assert "hidden" not in page.split('id="reduced-person"')[1].split(">")[0]


def test_facts_of_another_units_reduced_person_are_none(app, reduced):
    mine, theirs = reduced
    with app.app_context():
        ordinary = unit_id_of(app, ORDINARY)
        assert reduced_people.facts_of(ordinary, theirs.id_number) is None
        assert reduced_people.facts_of(ordinary, "") is None
        facts = reduced_people.facts_of(ordinary, mine.id_number.lower())
        assert (facts["name"], facts["end_month"], facts["reduce_reason"]) == (
            mine.name, MONTH, "劳动合同期满终止")
        listed = {p["id_number"] for p in reduced_people.picker(ordinary)}
        assert mine.id_number in listed and theirs.id_number not in listed


def test_a_person_back_in_service_is_not_listed(app, reduced):
    """Only people with no open enrollment here: someone still insured here is not 'reduced'."""
    with app.app_context():
        ordinary = unit_id_of(app, ORDINARY)
        active = free_person(app, ORDINARY)
        listed = {p["id_number"] for p in reduced_people.picker(ordinary)}
        assert active.id_number not in listed
        assert reduced_people.facts_of(ordinary, active.id_number) is None
