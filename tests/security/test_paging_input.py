"""Paging and ordering arguments a user types (issue 10, item 8): never a 500, never more rows
than the page-size menu offers.

FAB int()s every ``page_<View>`` and ``psize_<View>`` argument and pages by whatever number it
gets: a letter was a 500, ``psize=1000000`` or ``-5`` listed every row (the whole ledger), and a
30-digit page overflowed SQLite. The lists now show a size of the menu (else the screen's own)
and a page inside what they count (else the first); the REST API caps its page size and answers
a page out of range with a 400.
"""
import re

import pytest
from flask_appbuilder import ModelView

from views.list_table import PAGE_SIZES
from views.list_view import ListView
from views.safe_listing import SafeListing

HUGE = str(2**70)
SIZES = ["1000000", "-5", "abc", HUGE, "0", "1e3"]
PAGES = ["abc", "-1", HUGE, "99999"]
LARGEST = max(PAGE_SIZES)


def list_views(app) -> list:
    """Every list screen of the app that reads its paging safely: every ListView, and FAB's
    own screens (users, roles, groups) once they take ``SafeListing``."""
    return sorted((view for view in app.appbuilder.baseviews
                   if isinstance(view, SafeListing) and isinstance(view, ModelView)
                   and "list" not in view.exclude_route_methods),
                  key=lambda view: view.route_base)


def test_every_list_of_ours_reads_its_paging_safely(app):
    ours = [view for view in app.appbuilder.baseviews
            if isinstance(view, ModelView) and "list" not in view.exclude_route_methods
            and type(view).__module__.startswith("views.")]
    assert len(ours) > 20 and all(isinstance(view, ListView) for view in ours
                                  if type(view).__module__ != "views.security_admin")


def rows_on(html: str) -> int:
    """The rows of a list page's table (the search form's own table body is empty)."""
    return sum(body.count("<tr") for body in re.findall(r"<tbody>(.*?)</tbody>", html, re.S))


@pytest.fixture(scope="module")
def clients(app):
    from tests.support import login

    def logged_in(username):
        client = app.test_client()
        assert login(client, username).status_code == 302
        return client

    return {"admin": logged_in("admin"), "employer": logged_in("37010000001")}


def test_every_list_answers_odd_paging_with_a_bounded_page(app, clients):
    checked = 0
    for view in list_views(app):
        name, url = type(view).__name__, f"{view.route_base}/list/"
        for who, client in clients.items():
            if client.get(url).status_code != 200:
                continue  # not this user's screen
            queries = [f"psize_{name}={size}" for size in SIZES]
            queries += [f"page_{name}={page}" for page in PAGES]
            queries += [f"page_{name}={page}&psize_{name}={size}"
                        for page, size in (("abc", "abc"), (HUGE, "100"), ("3", "1000000"))]
            queries += [f"page_Other={HUGE}&psize_Other=x",  # another list's junk too
                        f"_oc_{name}=no_such_column&_od_{name}=asc",
                        f"_oc_{name}=unit.industry.name&_od_{name}=desc",
                        f"_oc_{name}=id&_od_{name}=sideways"]
            for query in queries:
                response = client.get(f"{url}?{query}")
                assert response.status_code == 200, (who, url, query)
                assert rows_on(response.get_data(as_text=True)) <= LARGEST, (who, url, query)
                checked += 1
    assert checked > 200


@pytest.mark.parametrize("size", ["1000000", "-5", "abc", HUGE, "7"])
def test_a_size_the_menu_does_not_offer_shows_the_screens_own(clients, size):
    """The employer's 单位人员 (more rows than a page): its own 50 rows, not every row."""
    client = clients["employer"]
    plain = client.get("/unitstaffview/list/").get_data(as_text=True)
    assert rows_on(plain) == 50
    odd = client.get(f"/unitstaffview/list/?psize_UnitStaffView={size}").get_data(as_text=True)
    assert rows_on(odd) == 50
    offered = client.get("/unitstaffview/list/?psize_UnitStaffView=75").get_data(as_text=True)
    assert rows_on(offered) == 75  # the roster: a row per person (75 in the demo unit)


def test_a_page_past_the_counted_rows_shows_the_first(clients):
    client = clients["employer"]
    first = client.get("/unitstaffview/list/").get_data(as_text=True)
    for page in (HUGE, "-1", "abc", "1000"):
        html = client.get(f"/unitstaffview/list/?page_UnitStaffView={page}").get_data(
            as_text=True)
        assert re.findall(r"/show/(\d+)", html) == re.findall(r"/show/(\d+)", first), page


def test_the_related_lists_of_a_show_page_page_safely(app, clients):
    from app.extensions import db
    from models.declaration import Declaration

    with app.app_context():
        pk = db.session.query(Declaration.id).order_by(Declaration.id).first()[0]
    for query in (f"page_DeclarationItemView=abc&psize_DeclarationItemView={HUGE}",
                  "psize_MaterialView=1000000&page_DeclarationEventView=-3", f"page_x={HUGE}"):
        response = clients["admin"].get(f"/declarationview/show/{pk}?{query}")
        assert response.status_code == 200, query


def test_an_edit_form_refuses_a_paging_argument_that_is_no_number(clients):
    admin = clients["admin"]
    assert admin.get("/insuranceview/edit/1").status_code == 200
    assert admin.get("/insuranceview/edit/1?page_InsuranceView=abc").status_code == 400
    assert admin.get("/insuranceview/edit/1?psize_x=1.5").status_code == 400


@pytest.fixture(scope="module")
def api_headers(app):
    from tests.support import PASSWORDS

    response = app.test_client().post("/api/v1/security/login", json={
        "username": "37010000001", "password": PASSWORDS["37010000001"], "provider": "db"})
    assert response.status_code == 200
    return {"Authorization": f"Bearer {response.json['access_token']}"}


@pytest.mark.parametrize("page", ["99999999999999999999", "-1", "10000001"])
def test_the_api_answers_a_page_out_of_range_with_a_400(app, api_headers, page):
    response = app.test_client().get(f"/api/v1/contribution/?q=(page:{page})",
                                     headers=api_headers)
    assert response.status_code == 400
    assert "页码" in response.json["message"]


@pytest.mark.parametrize(("size", "rows"), [("1000000", 100), ("-5", 100), ("0", 20)])
def test_the_api_caps_its_page_size(app, api_headers, size, rows):
    """FAB's reading: a size past the cap or below 1 is the cap, 0 the API's own (20)."""
    response = app.test_client().get(f"/api/v1/contribution/?q=(page_size:{size})",
                                     headers=api_headers)
    assert response.status_code == 200
    body = response.json
    assert body["count"] > 100, "the unit has more ledger rows than a page"
    assert len(body["result"]) == rows


def test_the_api_info_refuses_paging_that_is_no_number(app, api_headers):
    client = app.test_client()
    for query in ("(add_columns:(id:(page:abc)))", "(add_columns:(id:(page_size:abc)))"):
        response = client.get(f"/api/v1/contribution/_info?q={query}", headers=api_headers)
        assert response.status_code < 500, query


def test_fabs_own_screens_read_their_paging_safely(app, clients):
    """FAB's user, role, group and permission screens take ``SafeListing`` too: FAB int()ed their
    paging (a letter was a 500) and listed a million rows a page."""
    screens = {"users", "roles", "groups", "permissions", "viewmenus", "permissionviews"}
    ours = {view.route_base.strip("/"): view for view in list_views(app)}
    assert screens <= set(ours)
    for screen in screens:
        name = type(ours[screen]).__name__
        for query in (f"psize_{name}=1000000&page_{name}=-1", f"page_{name}=abc",
                      f"psize_{name}=abc", f"page_{name}={HUGE}&_oc_{name}=no_such_column"):
            response = clients["admin"].get(f"/{screen}/list/?{query}")
            assert response.status_code == 200, (screen, query, response.status_code)
            assert rows_on(response.get_data(as_text=True)) <= LARGEST, (screen, query)