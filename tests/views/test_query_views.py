"""The query screens E1–E8 as an employer, a reviewer and the admin: lists, show pages, every
search filter, the Excel export read back, the menu of each role, and the admin's screens."""
import re

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from models.contribution import Bill, Contribution, UnitContribution
from models.declaration import Declaration
from models.person import Enrollment, Person
from models.reference import Insurance
from models.unit import UnitInsurance
from tests.views.pages import owned_ids, record_count, route, shown_pks
from views.declaration_queries import DeclarationView
from views.payment_queries import BillView, ContributionView, UnitContributionView
from views.unit_queries import StaffChangeView, UnitInfoView, UnitRateView, UnitStaffView

EMPLOYER, OTHER_EMPLOYER = "37010000001", "37010000002"
CENTER = ["reviewer", "admin"]
QUERIES = {
    UnitInfoView: UnitInsurance, UnitStaffView: Enrollment, StaffChangeView: Enrollment,
    UnitContributionView: UnitContribution, UnitRateView: UnitInsurance,
    ContributionView: Contribution, BillView: Bill, DeclarationView: Declaration,
}
ADMIN_PAGES = [
    "/users/list/", "/roles/list/", "/permissions/list/", "/insuranceview/list/",
    "/changereasonview/list/", "/industryview/list/", "/unitregistryview/list/",
    "/rateview/list/", "/yearparameterview/list/", "/auditlogview/list/",
    "/unitregistryview/add", "/insuranceview/edit/1",
]


def roster(session, view, ids) -> set:
    """The keys a list shows for these rows: 单位人员查询 shows one row per unit and person,
    keyed by its first enrollment (views.staff_roster); the other lists a row per row."""
    if view is not UnitStaffView or not ids:
        return ids
    rows = session.query(sa.func.min(Enrollment.id)).filter(Enrollment.id.in_(ids)).group_by(
        Enrollment.unit_id, Enrollment.person_id)
    return {pk for (pk,) in rows}


def expected_count(ids) -> str:
    return str(len(ids)) if len(ids) <= 10_000 else "10000+"


# --- lists and show pages -------------------------------------------------------------------
@pytest.mark.parametrize("view", QUERIES, ids=lambda v: v.__name__)
def test_employer_list_holds_only_its_unit(as_user, lookup, unit_ids, view):
    with lookup() as session:
        own = roster(session, view, owned_ids(session, QUERIES[view], unit_ids[EMPLOYER]))
    html = as_user(EMPLOYER).get(f"{route(view)}/list/").get_data(as_text=True)
    pks = shown_pks(html, view)
    assert pks, "the demo unit has rows on every query screen"
    assert set(pks) <= own
    assert record_count(html) == expected_count(own)
    assert "济南示例科技有限公司（37010000001）" in html  # whose rows these are
    assert "单位名称" not in html, "employers get no unit columns"


@pytest.mark.parametrize("role", CENTER)
@pytest.mark.parametrize("view", QUERIES, ids=lambda v: v.__name__)
def test_center_sees_every_unit_and_filters_by_unit(as_user, lookup, unit_ids, view, role):
    model = QUERIES[view]
    with lookup() as session:
        every = roster(session, view, {pk for (pk,) in session.query(model.id)})
        other = roster(session, view, owned_ids(session, model, unit_ids[OTHER_EMPLOYER]))
    client = as_user(role)
    html = client.get(f"{route(view)}/list/").get_data(as_text=True)
    if view.center_needs_filter:  # the city's ledger: name a unit or a person first
        assert record_count(html) == "0" and "请先输入单位或人员查询条件" in html
    else:
        assert record_count(html) == expected_count(every)
    assert "单位编号" in html and "单位名称" in html
    for column, value in (("unit_no", OTHER_EMPLOYER), ("name", "济南示例物流有限公司")):
        html = client.get(f"{route(view)}/list/?_flt_0_unit.{column}={value}").get_data(
            as_text=True)
        assert record_count(html) == expected_count(other)
        assert set(shown_pks(html, view)) <= other


@pytest.mark.parametrize("role", [EMPLOYER, *CENTER])
@pytest.mark.parametrize("view", QUERIES, ids=lambda v: v.__name__)
def test_show_page_of_an_own_row(as_user, lookup, unit_ids, view, role):
    with lookup() as session:
        pk = min(owned_ids(session, QUERIES[view], unit_ids[EMPLOYER]))
    response = as_user(role).get(f"{route(view)}/show/{pk}")
    assert response.status_code == 200
    assert f"{view.list_title}详情" in response.get_data(as_text=True)


def test_unit_info_show_adds_the_unit_record(as_user, lookup, unit_ids):
    with lookup() as session:
        pk = min(owned_ids(session, UnitInsurance, unit_ids[EMPLOYER]))
    html = as_user(EMPLOYER).get(f"/unitinfoview/show/{pk}").get_data(as_text=True)
    for text in ("单位基本信息", "济南示例科技有限公司", "统一社会信用代码", "专管员手机"):
        assert text in html


def test_declaration_page_shows_items_and_timeline(as_user, lookup, unit_ids):
    with lookup() as session:
        declaration = (session.query(Declaration)
                       .filter(Declaration.unit_id == unit_ids[EMPLOYER],
                               Declaration.business_code == "C1",
                               Declaration.status == "approved").first())
        pk, id_number = declaration.id, declaration.items[0].id_number
    html = as_user(EMPLOYER).get(f"/declarationview/show/{pk}").get_data(as_text=True)
    for tab in ("申报人员", "电子材料", "办理进度"):
        assert tab in html
    assert id_number in html
    assert "处理成功" in html  # the timeline's target status, as a label


def test_rates_screen_gives_current_rates(as_user):
    html = as_user(EMPLOYER).get("/unitrateview/list/").get_data(as_text=True)
    row = {name: cells for name, cells in re.findall(
        r"<td>\s*(企业职工基本养老保险|工伤保险)\s*</td>(.*?)</tr>", html, flags=re.S)}
    pension = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row["企业职工基本养老保险"]))
    assert "16%" in pension and "8%" in pension
    injury = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row["工伤保险"]))
    assert "%" in injury  # the industry class rate, floated by the unit's percentage


# --- every search filter ------------------------------------------------------------------
def _enrollments(s, u, *where):
    return {pk for (pk,) in s.query(Enrollment.id).filter(Enrollment.unit_id == u, *where)}


def _a_person(s, u):
    return s.query(Person).join(Enrollment, Enrollment.person_id == Person.id).filter(
        Enrollment.unit_id == u).order_by(Person.id).first()


def _insurance(s, code):
    return s.query(Insurance).filter_by(code=code).one()


FILTERS = {
    "E2 id number equal": (UnitStaffView, lambda s, u: (
        f"?_flt_0_person.id_number={_a_person(s, u).id_number}",
        _enrollments(s, u, Enrollment.person_id == _a_person(s, u).id))),
    "E2 id number starts with": (UnitStaffView, lambda s, u: (
        f"?_flt_1_person.id_number={_a_person(s, u).id_number[:10]}",
        _enrollments(s, u, Enrollment.person_id.in_(
            s.query(Person.id).filter(Person.id_number.like(_a_person(s, u).id_number[:10] + "%"))
        )))),
    "E2 name": (UnitStaffView, lambda s, u: (
        f"?_flt_0_person.name={_a_person(s, u).name}",
        _enrollments(s, u, Enrollment.person_id.in_(
            s.query(Person.id).filter(Person.name == _a_person(s, u).name))))),
    "E2 name and id number": (UnitStaffView, lambda s, u: (  # two related filters at once
        f"?_flt_0_person.name={_a_person(s, u).name}"
        f"&_flt_0_person.id_number={_a_person(s, u).id_number}",
        _enrollments(s, u, Enrollment.person_id == _a_person(s, u).id))),
    "E2 category retired": (UnitStaffView, lambda s, u: (
        "?_flt_0_category=retired", _enrollments(s, u, Enrollment.category == "retired"))),
    "E2 insurance": (UnitStaffView, lambda s, u: (
        f"?_flt_0_insurance={_insurance(s, '410').id}",
        _enrollments(s, u, Enrollment.insurance_id == _insurance(s, "410").id))),
    "E2 status suspended": (UnitStaffView, lambda s, u: (
        "?_flt_0_status=suspended", _enrollments(s, u, Enrollment.status == "suspended"))),
    "E2 status not normal": (UnitStaffView, lambda s, u: (
        "?_flt_1_status=normal", _enrollments(s, u, Enrollment.status != "normal"))),
    "E3 added in a year": (StaffChangeView, lambda s, u: (
        "?_flt_0_start_month=202401&_flt_1_start_month=2024-12",
        _enrollments(s, u, Enrollment.start_month.between(202401, 202412)))),
    "E3 reduced since": (StaffChangeView, lambda s, u: (
        "?_flt_0_end_month=202301", _enrollments(s, u, Enrollment.end_month >= 202301))),
    "E3 reduce reason": (StaffChangeView, lambda s, u: (
        f"?_flt_0_reduce_reason={s.query(Enrollment.reduce_reason_id).filter(Enrollment.unit_id == u, Enrollment.reduce_reason_id.isnot(None)).limit(1).scalar()}",  # noqa: E501
        _enrollments(s, u, Enrollment.reduce_reason_id == s.query(Enrollment.reduce_reason_id)
                     .filter(Enrollment.unit_id == u, Enrollment.reduce_reason_id.isnot(None))
                     .limit(1).scalar()))),
    "E4 month range and insurance": (UnitContributionView, lambda s, u: (
        f"?_flt_0_month=202501&_flt_1_month=202506&_flt_0_insurance={_insurance(s, '110').id}",
        {pk for (pk,) in s.query(UnitContribution.id).filter(
            UnitContribution.unit_id == u, UnitContribution.month.between(202501, 202506),
            UnitContribution.insurance_id == _insurance(s, "110").id)})),
    "E4 status": (UnitContributionView, lambda s, u: (
        "?_flt_0_status=paid", {pk for (pk,) in s.query(UnitContribution.id).filter(
            UnitContribution.unit_id == u, UnitContribution.status == "paid")})),
    "E1 status": (UnitInfoView, lambda s, u: (
        "?_flt_0_status=normal", {pk for (pk,) in s.query(UnitInsurance.id).filter(
            UnitInsurance.unit_id == u, UnitInsurance.status == "normal")})),
    "E5 insurance": (UnitRateView, lambda s, u: (
        f"?_flt_0_insurance={_insurance(s, '410').id}", {pk for (pk,) in s.query(
            UnitInsurance.id).filter(UnitInsurance.unit_id == u,
                                     UnitInsurance.insurance_id == _insurance(s, "410").id)})),
    "E6 person and months": (ContributionView, lambda s, u: (
        f"?_flt_0_person.id_number={_a_person(s, u).id_number}&_flt_0_month=202501"
        f"&_flt_1_month=202512&_flt_0_insurance={_insurance(s, '110').id}",
        {pk for (pk,) in s.query(Contribution.id).filter(
            Contribution.unit_id == u, Contribution.person_id == _a_person(s, u).id,
            Contribution.month.between(202501, 202512),
            Contribution.insurance_id == _insurance(s, "110").id)})),
    "E6 name": (ContributionView, lambda s, u: (
        f"?_flt_0_person.name={_a_person(s, u).name}&_flt_0_month=202601",
        {pk for (pk,) in s.query(Contribution.id).filter(
            Contribution.unit_id == u, Contribution.month >= 202601,
            Contribution.person_id.in_(s.query(Person.id).filter(
                Person.name == _a_person(s, u).name)))})),
    "E6 id number prefix and name": (ContributionView, lambda s, u: (
        f"?_flt_1_person.id_number={_a_person(s, u).id_number[:6]}"
        f"&_flt_0_person.name={_a_person(s, u).name}",
        {pk for (pk,) in s.query(Contribution.id).filter(
            Contribution.unit_id == u, Contribution.person_id.in_(s.query(Person.id).filter(
                Person.name == _a_person(s, u).name,
                Person.id_number.like(_a_person(s, u).id_number[:6] + "%"))))})),
    "E7 status": (BillView, lambda s, u: (
        "?_flt_0_status=paid", {pk for (pk,) in s.query(Bill.id).filter(
            Bill.unit_id == u, Bill.status == "paid")})),
    "E7 insurance": (BillView, lambda s, u: (
        "?_flt_0_insurance_codes=410", {pk for (pk,) in s.query(Bill.id).filter(
            Bill.unit_id == u, Bill.insurance_codes.contains("410"))})),
    "E8 business": (DeclarationView, lambda s, u: (
        "?_flt_0_business_code=C1", {pk for (pk,) in s.query(Declaration.id).filter(
            Declaration.unit_id == u, Declaration.business_code == "C1")})),
    "E8 status": (DeclarationView, lambda s, u: (
        "?_flt_0_status=approved", {pk for (pk,) in s.query(Declaration.id).filter(
            Declaration.unit_id == u, Declaration.status == "approved")})),
    "E8 insurance": (DeclarationView, lambda s, u: (
        "?_flt_0_insurance_codes=510", {pk for (pk,) in s.query(Declaration.id).filter(
            Declaration.unit_id == u, Declaration.insurance_codes.contains("510"))})),
    "E8 date range": (DeclarationView, lambda s, u: _declared_between(s, u)),
}


def _declared_between(s, u):
    days = sorted({d.created_at.date() for d in s.query(Declaration).filter_by(unit_id=u)})
    first, last = days[1], days[-2]
    ids = {d.id for d in s.query(Declaration).filter_by(unit_id=u)
           if first <= d.created_at.date() <= last}
    return f"?_flt_0_created_at={first}&_flt_1_created_at={last}", ids


@pytest.mark.parametrize("case", FILTERS)
def test_search_filter(as_user, lookup, unit_ids, case):
    view, build = FILTERS[case]
    with lookup() as session:
        query, expected = build(session, unit_ids[EMPLOYER])
        expected = roster(session, view, expected)
    assert expected, f"{case}: the demo data should have matching rows"
    html = as_user(EMPLOYER).get(f"{route(view)}/list/{query}").get_data(as_text=True)
    assert record_count(html) == str(len(expected))
    shown = set(shown_pks(html, view))
    assert shown <= expected
    assert len(shown) == min(len(expected), view.page_size)


def test_related_filter_with_many_matches_falls_back_to_a_subquery(as_user, monkeypatch):
    import views.filters

    client = as_user(EMPLOYER)
    expected = record_count(client.get("/unitstaffview/list/?_flt_1_person.id_number=3701")
                            .get_data(as_text=True))
    monkeypatch.setattr(views.filters, "RESOLVE_LIMIT", 2)
    html = client.get("/unitstaffview/list/?_flt_1_person.id_number=3701").get_data(as_text=True)
    assert int(expected) > 2 and record_count(html) == expected


def test_odd_filter_values_find_nothing_instead_of_failing(as_user):
    client = as_user("reviewer")
    for query in ("_flt_0_start_month=abc", "_flt_0_start_month=99999999999999999999",
                  "_flt_0_insurance=99999999999999999999", "_flt_0_id=-99999999999999999999"):
        response = client.get(f"/staffchangeview/list/?{query}")
        assert response.status_code in (200, 302), query


# --- Excel export --------------------------------------------------------------------------
def test_export_is_the_filtered_list(as_user, export, lookup, unit_ids):
    with lookup() as session:
        retired = roster(session, UnitStaffView, _enrollments(
            session, unit_ids[EMPLOYER], Enrollment.category == "retired"))
    headers, rows, _ = export(as_user(EMPLOYER), UnitStaffView, "?_flt_0_category=retired")
    assert headers == ["社会保障号码", "姓名", "职工类别", "参保险种", "参保状态", "参保年月"]
    assert retired and len(rows) == len(retired)
    assert {row["职工类别"] for row in rows} == {"退休"}
    assert all(isinstance(r["社会保障号码"], str) and len(r["社会保障号码"]) == 18 for r in rows)


def test_reviewer_export_names_the_units(as_user, export):
    headers, rows, _ = export(as_user("reviewer"), UnitInfoView,
                              f"?_flt_0_unit.unit_no={OTHER_EMPLOYER}")
    assert headers[:2] == ["单位编号", "单位名称"]
    assert rows and {row["单位编号"] for row in rows} == {OTHER_EMPLOYER}


def test_export_escapes_formulas(as_user, export, lookup, unit_ids):
    formula = "=HYPERLINK(\"http://x\",\"y\")"
    with lookup() as session:
        declaration = session.query(Declaration).filter_by(unit_id=unit_ids[EMPLOYER]).first()
        pk, serial = declaration.id, declaration.serial_no
        declaration.serial_no = formula
        session.commit()
    try:
        _, rows, sheet = export(as_user(EMPLOYER), DeclarationView)
    finally:
        with lookup() as session:
            session.get(Declaration, pk).serial_no = serial
            session.commit()
    cells = [c for row in sheet.iter_rows(min_row=2, max_col=1) for c in row]
    escaped = [c for c in cells if str(c.value).startswith("'=")]
    assert len(escaped) == 1 and escaped[0].data_type == "s"
    assert not any(c.data_type == "f" for c in cells)


def test_export_is_capped(app, as_user, export):
    app.config["EXPORT_MAX_ROWS"] = 10
    try:
        _, rows, sheet = export(as_user(EMPLOYER), UnitStaffView)
    finally:
        del app.config["EXPORT_MAX_ROWS"]
    assert sheet.max_row == 1 + 10 + 1  # header, ten rows, the note that the list was cut
    assert "仅导出前 10 行" in str(sheet.cell(row=12, column=1).value)


# --- menus and access -----------------------------------------------------------------------
def menu_links(html: str) -> list[str]:
    navbar = html.split('navbar-collapse collapse">', 1)[1].split('navbar-right', 1)[0]
    return sorted(set(re.findall(r'href="(/[^"#]+)"', navbar)))


@pytest.mark.parametrize("role", [EMPLOYER, OTHER_EMPLOYER, *CENTER])
def test_every_menu_link_answers(as_user, role):
    client = as_user(role)
    links = menu_links(client.get("/").get_data(as_text=True))
    assert len(links) >= 8
    for link in links:
        response = client.get(link)
        assert response.status_code < 500, link
        if link.endswith("/list/"):
            assert response.status_code == 200, link
            html = response.get_data(as_text=True)
            for pk in shown_pks(html, type("V", (), {"__name__": link.split("/")[1]}))[:1]:
                assert client.get(f"/{link.split('/')[1]}/show/{pk}").status_code == 200


def test_menus_per_role(as_user):
    employer = as_user(EMPLOYER).get("/").get_data(as_text=True)
    assert "信息查询" in employer and "单位人员查询" in employer
    assert "系统管理" not in employer and "/users/list/" not in employer
    admin = as_user("admin").get("/").get_data(as_text=True)
    assert "系统管理" in admin and "Security" not in admin
    assert admin.index("信息查询") < admin.index("系统管理")
    for page in ("/users/list/", "/insuranceview/list/", "/unitregistryview/list/",
                 "/rateview/list/", "/yearparameterview/list/", "/auditlogview/list/"):
        assert page in admin


@pytest.mark.parametrize("role", [EMPLOYER, "reviewer"])
@pytest.mark.parametrize("page", ADMIN_PAGES)
def test_admin_pages_are_refused(as_user, role, page):
    response = as_user(role).get(page)
    assert response.status_code in (403, 302)
    if response.status_code == 302:
        assert "/login" in response.headers["Location"]


def test_admin_screens_open(as_user):
    client = as_user("admin")
    for page in ADMIN_PAGES:
        assert client.get(page).status_code == 200, page


def test_query_screens_are_read_only(as_user, lookup, unit_ids):
    with lookup() as session:
        pk = min(owned_ids(session, Enrollment, unit_ids[EMPLOYER]))
    client = as_user("admin")
    for path in ("add", f"edit/{pk}", f"delete/{pk}"):
        assert client.get(f"/unitstaffview/{path}").status_code == 404
    assert client.post(f"/unitstaffview/delete/{pk}").status_code in (404, 405)
    with lookup() as session:
        assert session.get(Enrollment, pk) is not None


def test_home_shows_the_unit_and_staff_link(as_user):
    html = as_user(EMPLOYER).get("/").get_data(as_text=True)
    assert "济南示例科技有限公司" in html and "37010000001" in html
    assert 'href="/unitstaffview/list/"' in html


# --- no N+1: a page costs the same number of statements for 10 rows as for 50 ---------------
def test_list_statements_do_not_grow_with_rows(app, as_user):
    from app.extensions import db

    with app.app_context():
        engine = db.engine
    client = as_user("reviewer")
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    counts = {}
    # The first page of a process renders the search form it keeps (views.search_widget), which
    # reads the code tables: warm it, so only what a page costs per row is compared.
    assert client.get("/unitstaffview/list/").status_code == 200
    event.listen(engine, "before_cursor_execute", count)
    try:
        for size in (25, 100):  # sizes of the page-size menu: others show the screen's own
            statements.clear()
            assert client.get(f"/unitstaffview/list/?psize_UnitStaffView={size}").status_code == 200
            counts[size] = len(statements)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert counts[25] == counts[100], counts


def test_count_stops_at_the_cap(app, as_user):
    view = next(v for v in app.appbuilder.baseviews if isinstance(v, UnitStaffView))
    assert view.datamodel.count_cap == 10_000
    view.datamodel.count_cap = 100
    try:
        html = as_user("reviewer").get("/unitstaffview/list/").get_data(as_text=True)
    finally:
        view.datamodel.count_cap = 10_000
    assert record_count(html) == "100+"
    assert 'href="/unitstaffview/list/?page_UnitStaffView=1"' in html  # and pages on


def _list_views(app):
    from views.list_view import ListView

    return [v for v in app.appbuilder.baseviews if isinstance(v, ListView)]


def test_lists_read_as_rows_show_what_the_objects_show(app, as_user, monkeypatch):
    """A list read as rows of its columns (views.datamodel.page_values) renders exactly the
    page the objects would: every value, label, order and key, for each role and view."""
    # The nonce changes per page and a CSRF token carries the second it was signed in.
    per_request = re.compile(r'nonce="[^"]*"|name="csrf_token" value="[^"]*"')
    views = [v for v in _list_views(app) if v._reads_as_rows]
    assert {type(v).__name__ for v in views} >= {"UnitStaffView", "ContributionView",
                                                 "DeclarationView", "InsuranceView"}
    compared_with_rows = 0
    for role in (EMPLOYER, "reviewer", "admin"):
        client = as_user(role)
        for view in views:
            url = f"{route(type(view))}/list/?_flt_0_person.name=%E5%BC%A0" \
                if type(view).__name__ == "ContributionView" else f"{route(type(view))}/list/"
            as_rows = client.get(url)
            if as_rows.status_code != 200:  # not this role's screen
                continue
            monkeypatch.setattr(view, "_reads_as_rows", False)
            as_objects = client.get(url)
            monkeypatch.setattr(view, "_reads_as_rows", True)
            page = as_rows.get_data(as_text=True)
            assert per_request.sub("", page) == \
                per_request.sub("", as_objects.get_data(as_text=True)), (role, url)
            compared_with_rows += bool(shown_pks(page, type(view)))
    assert compared_with_rows >= 20


def test_a_list_with_computed_values_reads_objects(app):
    rates = next(v for v in _list_views(app) if type(v).__name__ == "UnitRateView")
    assert rates.computed_columns and not rates._reads_as_rows


@pytest.mark.parametrize("role", [EMPLOYER, "reviewer", "admin"])
def test_profile_link_opens_the_account_page(as_user, role):
    client = as_user(role)
    html = client.get("/").get_data(as_text=True)
    right = html.split("navbar-right", 1)[1]
    link = re.search(r'href="([^"]+)"><span class="fa fa-fw fa-user">', right).group(1)
    assert link == "/account/"
    assert client.get(link).status_code == 200


def test_every_order_a_list_offers_or_is_sent_answers(app, as_user):
    """Each column a list header offers to order by, and names it does not (a relation, a dotted
    column, nonsense), answers a page or an export, never a server error: FAB's own ordering
    fails on them."""
    for role in (EMPLOYER, "reviewer"):
        client = as_user(role)
        for view in _list_views(app):
            name = type(view).__name__
            base = f"{route(type(view))}/list/"
            page = client.get(base)
            if page.status_code != 200:  # not this role's screen
                continue
            exported = 200 if 'id="export-xlsx"' in page.get_data(as_text=True) else 403
            for column in [*view.order_columns, "insurance", "person.name", "bogus"]:
                for direction in ("asc", "desc"):
                    response = client.get(f"{base}?_oc_{name}={column}&_od_{name}={direction}")
                    assert response.status_code == 200, (role, name, column, direction)
            for column in ("insurance", "person.name", "bogus"):  # the export keeps the order
                export = client.get(f"{route(type(view))}/export/?_oc_{name}={column}")
                assert export.status_code == exported, (role, name, "export", column)
