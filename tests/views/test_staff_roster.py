"""单位人员查询 (E2) as a roster: one row per person with its 险种 named in the row, every filter,
tenancy, export and the detail page; a page costs a fixed number of statements."""
import json
import re

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from models.person import Enrollment, Person
from models.reference import Insurance
from tests.views.pages import read_xlsx, record_count, shown_pks
from views.unit_queries import UnitStaffView

EMPLOYER, OTHER = "37010000001", "37010000002"
LIST = "/unitstaffview/list/"
CJK = re.compile(r"[\u4e00-\u9fff]")


def _people(session, unit_id, *where) -> dict:
    """person id → its enrollments' (insurance code, status) in the unit, for matching rows."""
    rows = session.query(Enrollment.person_id, Insurance.code, Enrollment.status).join(
        Insurance, Insurance.id == Enrollment.insurance_id).filter(
        Enrollment.unit_id == unit_id, *where)
    people = {}
    for person_id, code, status in rows:
        people.setdefault(person_id, []).append((code, status))
    return people


def _rows(html: str) -> list[list[str]]:
    body = html.split('<table class="table table-bordered table-hover">', 1)[1]
    body = body.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [[re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td>(.*?)</td>", row,
                                                                        flags=re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)]


def test_one_row_per_person_of_the_demo_unit(as_user, lookup, unit_ids):
    with lookup() as session:
        people = _people(session, unit_ids[EMPLOYER])
        enrollments = sum(len(v) for v in people.values())
    assert enrollments > len(people) >= 50  # the demo unit: several 险种 a person
    client = as_user(EMPLOYER)
    html = client.get(f"{LIST}?psize_UnitStaffView=100").get_data(as_text=True)
    assert record_count(html) == str(len(people))
    rows = _rows(html)
    assert len(rows) == len(people)
    id_numbers = [row[0] for row in rows]
    assert len(set(id_numbers)) == len(id_numbers), "a person appears once"
    order = ["养老保险", "失业保险", "医疗保险", "工伤保险", "生育保险"]
    for row in rows:
        names = row[3].split("、")  # 险种 by name, in the 险种 table's order
        assert names and all(name in order for name in names), row
        assert names == sorted(names, key=order.index), row
        assert re.fullmatch(r"\d{4}-\d{2}", row[5]), row  # 参保年月 as 2015-01


def test_a_row_lists_the_persons_insurances_with_differing_status(as_user, lookup, unit_ids):
    """A person whose 险种 differ in status shows the best as 参保状态 and marks the others."""
    with lookup() as session:
        people = _people(session, unit_ids[EMPLOYER])
        mixed = next((pid for pid, pairs in people.items()
                      if len({status for _code, status in pairs}) > 1), None)
        if mixed is None:  # make one: end one 险种 of a person in service
            pid = next(pid for pid, pairs in people.items()
                       if {status for _c, status in pairs} == {"normal"} and len(pairs) > 1)
            enrollment = session.query(Enrollment).filter_by(
                unit_id=unit_ids[EMPLOYER], person_id=pid).order_by(Enrollment.id.desc()).first()
            enrollment.status, changed = "ended", enrollment.id
            session.commit()
            mixed = pid
        else:
            changed = None
        id_number = session.get(Person, mixed).id_number
    try:
        html = as_user(EMPLOYER).get(f"{LIST}?_flt_0_person.id_number={id_number}") \
            .get_data(as_text=True)
        (row,) = _rows(html)
        assert "（终止参保）" in row[3] or "（暂停缴费）" in row[3], row
        assert row[4] in ("正常参保", "暂停缴费")
    finally:
        if changed:
            with lookup() as session:
                session.get(Enrollment, changed).status = "normal"
                session.commit()


@pytest.mark.parametrize("query, where", [
    ("?_flt_0_category=retired", lambda s, u: [Enrollment.category == "retired"]),
    ("?_flt_0_status=ended", lambda s, u: [Enrollment.status == "ended"]),
    ("?_flt_1_status=normal", lambda s, u: [Enrollment.status != "normal"]),
    ("?_flt_0_insurance={410}", lambda s, u: [Enrollment.insurance_id == _insurance_id(s, "410")]),
])
def test_filters_count_people(as_user, lookup, unit_ids, query, where):
    with lookup() as session:
        people = _people(session, unit_ids[EMPLOYER], *where(session, unit_ids[EMPLOYER]))
        query = query.replace("{410}", str(_insurance_id(session, "410")))
    assert people, query
    html = as_user(EMPLOYER).get(f"{LIST}{query}").get_data(as_text=True)
    assert record_count(html) == str(len(people)), query


def _insurance_id(session, code):
    return session.query(Insurance.id).filter_by(code=code).scalar()


def test_name_is_found_exactly_by_its_start_or_by_a_part(as_user, lookup, unit_ids):
    with lookup() as session:
        names = [n for (n,) in session.query(Person.name).join(
            Enrollment, Enrollment.person_id == Person.id).filter(
            Enrollment.unit_id == unit_ids[EMPLOYER]).distinct()]
        name = next(n for n in names if len(n) >= 2)

        def people(condition):
            return len({pid for (pid,) in session.query(Enrollment.person_id).join(
                Person, Person.id == Enrollment.person_id).filter(
                Enrollment.unit_id == unit_ids[EMPLOYER], condition)})

        expected = {"0": people(Person.name == name), "1": people(Person.name.like(name[0] + "%")),
                    "2": people(Person.name.like("%" + name[-1] + "%"))}
    client = as_user(EMPLOYER)
    for flt, value in (("0", name), ("1", name[0]), ("2", name[-1])):
        html = client.get(f"{LIST}?_flt_{flt}_person.name={value}").get_data(as_text=True)
        assert record_count(html) == str(expected[flt]), (flt, value)
    assert int(expected["2"]) >= int(expected["0"]) >= 1
    # the search form offers the three
    html = client.get(LIST).get_data(as_text=True)
    offered = json.dumps(["等于", "开头是", "包含"])
    assert f'"person.name": {offered}' in html
    # % and _ typed are taken literally, not as wildcards
    assert record_count(client.get(f"{LIST}?_flt_2_person.name=%25").get_data(as_text=True)) == "0"


def test_a_unit_sees_only_its_people_and_the_reviewer_all(as_user, lookup, unit_ids):
    with lookup() as session:
        own = _people(session, unit_ids[OTHER])
        every = session.query(Enrollment.unit_id, Enrollment.person_id).distinct().count()
        first_of_unit1 = {pk for (pk,) in session.query(sa.func.min(Enrollment.id)).filter(
            Enrollment.unit_id == unit_ids[EMPLOYER]).group_by(Enrollment.person_id)}
    html = as_user(OTHER).get(f"{LIST}?psize_UnitStaffView=100").get_data(as_text=True)
    assert record_count(html) == str(len(own))
    assert not set(shown_pks(html, UnitStaffView)) & first_of_unit1
    for pk in list(first_of_unit1)[:3]:  # another unit's person: no detail page
        assert as_user(OTHER).get(f"/unitstaffview/show/{pk}").status_code == 404
    reviewer = as_user("reviewer").get(LIST).get_data(as_text=True)
    assert record_count(reviewer) == (str(every) if every <= 10_000 else "10000+")
    assert "单位编号" in reviewer


def test_export_is_one_row_per_person(as_user, lookup, unit_ids):
    with lookup() as session:
        people = _people(session, unit_ids[EMPLOYER])
    response = as_user(EMPLOYER).get("/unitstaffview/export/")
    headers, rows, _ = read_xlsx(response.data)
    assert headers == ["社会保障号码", "姓名", "职工类别", "参保险种", "参保状态", "参保年月"]
    assert len(rows) == len(people)
    assert all(row["参保险种"].endswith("保险") and re.fullmatch(r"\d{4}-\d{2}", row["参保年月"])
               for row in rows)
    assert sum(row["参保险种"].count("保险") for row in rows) == sum(map(len, people.values()))


def test_detail_page_shows_every_insurance_of_the_person(as_user, lookup, unit_ids):
    with lookup() as session:
        people = _people(session, unit_ids[EMPLOYER])
        person_id = next(pid for pid, pairs in people.items() if len(pairs) == 5)
        pk = session.query(sa.func.min(Enrollment.id)).filter_by(
            unit_id=unit_ids[EMPLOYER], person_id=person_id).scalar()
    page = as_user(EMPLOYER).get(f"/unitstaffview/show/{pk}").get_data(as_text=True)
    assert "参保险种" in page and "养老保险、失业保险、医疗保险、工伤保险、生育保险" in page


def test_in_english_the_insurances_are_english(as_user):
    client = as_user(EMPLOYER)
    client.get("/lang/en")
    rows = _rows(client.get(LIST).get_data(as_text=True))
    assert any(row[3].startswith("Pension, Unemployment, Medical") for row in rows), rows[:2]
    assert not any(CJK.search(" ".join(row[2:])) for row in rows)


def test_a_page_is_a_fixed_number_of_statements(app, as_user):
    """Grouped in SQL: a page of 50 people costs the same statements as a page of 5."""
    from app.extensions import db

    client = as_user(EMPLOYER)
    client.get(LIST)  # warm the kept search form and menus
    counts = {}
    for size in (25, 100):
        statements = []
        with app.app_context():
            engine = db.engine
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            assert client.get(f"{LIST}?psize_UnitStaffView={size}").status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        counts[size] = len(statements)
    assert counts[25] == counts[100], counts
    assert counts[100] <= 12, counts


@pytest.mark.parametrize("direction", ["asc", "desc"])
def test_ordered_by_id_number_across_pages(as_user, direction):
    client = as_user(EMPLOYER)
    order = f"_oc_UnitStaffView=person.id_number&_od_UnitStaffView={direction}"
    first = _rows(client.get(f"{LIST}?{order}&psize_UnitStaffView=25").get_data(as_text=True))
    second = _rows(client.get(f"{LIST}?{order}&psize_UnitStaffView=25&page_UnitStaffView=1")
                   .get_data(as_text=True))
    numbers = [row[0] for row in first + second]
    assert len(numbers) == 50 and len(set(numbers)) == 50
    assert numbers == sorted(numbers, reverse=direction == "desc")
