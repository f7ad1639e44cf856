"""Nothing rendered or kept for one user reaches another (issue 10, item 2).

Every list screen is opened by the reviewer, then by unit 2, then by unit 1, so that whatever a
screen keeps between requests (its rendered search form, its active filters) was last built for
someone else; an employer's page must then hold no 社会保障号码, name, 流水号, bill or trade
number of another unit. Searches interleave the same way, and two employers searching the same
list at once (threads) each see only their own search.
"""
import re
import threading

import pytest
import sqlalchemy as sa
from flask_appbuilder import ModelView

from models.contribution import Bill, Payment
from models.declaration import Declaration, DeclarationItem
from models.person import Enrollment, Person
from models.unit import Unit
from tests.views.pages import read_xlsx
from views import search_widget
from views.tenancy import unit_scope

UNIT1, UNIT2 = "37010000001", "37010000002"


def list_routes(app) -> list[str]:
    """The list URL of every ModelView the app registers."""
    return sorted(f"{view.route_base}/list/" for view in app.appbuilder.baseviews
                  if isinstance(view, ModelView) and "list" not in view.exclude_route_methods)


def tokens_of(session, unit_id) -> set[str]:
    """The ID numbers, names, 流水号 and bill and trade numbers in the rows of one unit."""
    statements = [
        sa.select(Person.id_number, Person.name).where(unit_scope(Person, unit_id)),
        sa.select(DeclarationItem.id_number, DeclarationItem.name).where(
            unit_scope(DeclarationItem, unit_id)),
        sa.select(Declaration.serial_no).where(Declaration.unit_id == unit_id),
        sa.select(Bill.bill_no).where(Bill.unit_id == unit_id),
        sa.select(Payment.trade_no).where(unit_scope(Payment, unit_id)),
    ]
    return {value for statement in statements for row in session.execute(statement)
            for value in row if value}


@pytest.fixture(scope="module")
def foreign(app):
    """Unit number → the tokens of every other unit that are not also its own."""
    from app.extensions import db

    with app.app_context():
        units = {no: pk for no, pk in db.session.execute(sa.select(Unit.unit_no, Unit.id))}
        tokens = {no: tokens_of(db.session, pk) for no, pk in units.items()}
        db.session.rollback()
    return {no: set().union(*(t for other, t in tokens.items() if other != no)) - own
            for no, own in tokens.items() if no in (UNIT1, UNIT2)}


def leaked(html: str, tokens: set[str]) -> list[str]:
    """The tokens the page shows (whole words: a name inside a longer text does not count)."""
    words = set(re.findall(r"[0-9A-Za-z]+|[\u4e00-\u9fff]+", html))
    return sorted(tokens & words)


def forget_kept_widgets(app):
    with app.app_context():
        search_widget.forget()


def test_every_list_after_the_reviewer_shows_an_employer_only_its_own(app, as_user, foreign):
    forget_kept_widgets(app)
    clients = {"reviewer": as_user("reviewer"), UNIT2: as_user(UNIT2), UNIT1: as_user(UNIT1)}
    shown = 0
    for url in list_routes(app):
        for who, client in clients.items():
            response = client.get(url)
            assert response.status_code < 500, (who, url)
            if who == "reviewer" or response.status_code != 200:
                continue
            shown += 1
            assert leaked(response.get_data(as_text=True), foreign[who]) == [], (who, url)
    assert shown >= 2 * 10, "the employers open every query screen"


def test_the_kept_search_form_of_a_declaration_part_is_not_the_reviewers(app, as_user,
                                                                          foreign):
    """The reported case: the reviewer's item list first, then unit 2's."""
    forget_kept_widgets(app)
    url = "/declarationitemview/list/"
    as_user("reviewer").get(url)
    html = as_user(UNIT2).get(url).get_data(as_text=True)
    assert leaked(html, foreign[UNIT2]) == []


def own_id_numbers(app, unit_no, count=2) -> list[str]:
    from app.extensions import db

    with app.app_context():
        unit_id = db.session.scalar(sa.select(Unit.id).where(Unit.unit_no == unit_no))
        numbers = db.session.scalars(
            sa.select(Person.id_number).join(Enrollment, Enrollment.person_id == Person.id)
            .where(Enrollment.unit_id == unit_id).order_by(Person.id_number).distinct()
            .limit(count)).all()
        db.session.rollback()
    return numbers


SEARCHED = ["/unitstaffview/list/", "/staffchangeview/list/", "/contributionview/list/"]


@pytest.mark.parametrize("url", SEARCHED)
def test_a_search_of_one_employer_is_not_on_the_next_employers_page(app, as_user, url):
    (searched,) = own_id_numbers(app, UNIT2, 1)
    (own,) = own_id_numbers(app, UNIT1, 1)
    other, first = as_user(UNIT2), as_user(UNIT1)
    page = other.get(f"{url}?_flt_0_person.id_number={searched}").get_data(as_text=True)
    assert searched in page
    export = url.replace("list", "export") + f"?_flt_0_person.id_number={own}"
    for next_url in (url, f"{url}?_flt_0_person.name=无此人"):
        response = first.get(next_url)
        assert response.status_code == 200
        assert searched not in response.get_data(as_text=True), next_url
    response = first.get(export)
    assert response.status_code == 200
    _headers, rows, _sheet = read_xlsx(response.data)
    assert {row["社会保障号码"] for row in rows} <= {own}  # its own search, not unit 2's


THREADS, ROUNDS = 12, 10  # six threads per employer, released together by a Barrier


def run_together(work, units) -> list:
    """Run ``work(unit, client_index)`` in THREADS threads, the units taking turns; returns
    what the threads reported wrong (a thread that raised reports its exception)."""
    start, wrong = threading.Barrier(THREADS), []

    def run(index):
        try:
            start.wait(timeout=30)
            work(units[index % len(units)], index)
        except Exception as error:  # noqa: BLE001 - reported, so the test fails with it
            wrong.append(repr(error))

    threads = [threading.Thread(target=run, args=(index,)) for index in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return wrong


def test_two_employers_searching_one_list_at_once_see_only_their_own_search(app, as_user):
    """Each thread, its own client, searches the same list for its unit's ID number ten times:
    each page's active filter and rows are its own search's, never the other unit's."""
    url = "/unitstaffview/list/"
    numbers = {UNIT1: own_id_numbers(app, UNIT1, 1)[0], UNIT2: own_id_numbers(app, UNIT2, 1)[0]}
    clients = [as_user((UNIT1, UNIT2)[index % 2]) for index in range(THREADS)]
    wrong: list = []

    def search(unit, index):
        mine = numbers[unit]
        others = [number for other, number in numbers.items() if other != unit]
        for _round in range(ROUNDS):
            html = clients[index].get(f"{url}?_flt_0_person.id_number={mine}").get_data(
                as_text=True)
            if mine not in html or any(number in html for number in others):
                wrong.append(unit)
            if not re.search(r"(?:记录数目|Record Count):</strong>\s*[1-9]", html):
                wrong.append((unit, "no rows"))

    assert run_together(search, [UNIT1, UNIT2]) + wrong == []


def test_two_employers_filtering_the_api_at_once_get_only_their_own_rows(app):
    """The REST API kept its filters on the API object too: the same race through JWT."""
    from tests.support import PASSWORDS

    numbers = {UNIT1: own_id_numbers(app, UNIT1, 1)[0], UNIT2: own_id_numbers(app, UNIT2, 1)[0]}
    headers = {}
    for unit in numbers:
        response = app.test_client().post("/api/v1/security/login", json={
            "username": unit, "password": PASSWORDS[unit], "provider": "db"})
        headers[unit] = {"Authorization": f"Bearer {response.json['access_token']}"}
    wrong: list = []

    def search(unit, _index):
        client, mine = app.test_client(), numbers[unit]
        query = f"(filters:!((col:person.id_number,opr:rel_eq,value:'{mine}')))"
        for _round in range(ROUNDS):
            response = client.get(f"/api/v1/enrollment/?q={query}", headers=headers[unit])
            found = {row["person"]["id_number"] for row in response.json.get("result", [])}
            if response.status_code != 200 or found != {mine}:
                wrong.append((unit, response.status_code, sorted(found)))

    assert run_together(search, [UNIT1, UNIT2]) + wrong == []


def test_kept_search_forms_are_kept_per_unit_and_once_for_the_center(app, as_user):
    """The reviewer and the admin share one kept form; each employer's unit has its own."""
    from app.extensions import db

    forget_kept_widgets(app)
    url = "/unitstaffview/list/"
    for who in ("reviewer", "admin", UNIT1, UNIT2, UNIT1):
        assert as_user(who).get(url).status_code == 200
    with app.app_context():
        ids = {no: pk for no, pk in db.session.execute(
            sa.select(Unit.unit_no, Unit.id).where(Unit.unit_no.in_([UNIT1, UNIT2])))}
        db.session.rollback()
    scopes = [key[-1] for key in app.extensions[search_widget.EXTENSION]
              if key[0] == "/unitstaffview"]
    assert sorted(scopes, key=str) == sorted([None, ids[UNIT1], ids[UNIT2]], key=str)


def test_a_list_searching_a_unit_owned_relation_by_dropdown_refuses_to_start(app):
    from views.list_view import QueryView
    from views.tenancy import TenantInterface

    class PersonDropdownView(QueryView):
        datamodel = TenantInterface(Enrollment)
        list_columns = ["person.id_number"]
        search_columns = ["person", "insurance"]  # 险种 is a code table: allowed

    with app.app_context(), pytest.raises(TypeError, match="search column person"):
        PersonDropdownView()
