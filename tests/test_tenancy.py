"""Tenancy (A9): logged in as 37010000001, try every way at another unit's rows — show, edit,
delete, actions (GET and POST, one and several rows), download, export, list filters, form
dropdowns, /_info and the REST API by id — and never see or change them. Keys no row can have
answer 404, never 500."""
import re

import pytest
from flask import Response
from flask_appbuilder.actions import action

from app.roles import EMPLOYER as EMPLOYER_ROLE
from models.declaration import Declaration
from models.person import Person
from tests.support import close_app, login, make_app, rows_for_a_while
from tests.views.pages import foreign_ids, owned_ids, read_xlsx, record_count, route
from views import EMBEDDED, MENU
from views.api import QUERY_APIS
from views.tenancy import TenantApi, TenantInterface, TenantModelView

EMPLOYER, OTHER = "37010000001", "37010000002"
HUGE = "99999999999999999999"
TENANT_VIEWS = [item[0] for _, _, items in MENU for item in items
                if item and issubclass(item[0], TenantModelView)] + EMBEDDED


@pytest.fixture(scope="module")
def rows_of_other_unit(app):
    """Make sure both units own a row of every tenant model (the demo gives 37010000002 no
    bill, and nobody uploaded materials yet)."""
    from datetime import datetime
    from decimal import Decimal

    from app.extensions import db
    from models.contribution import Bill, Payment
    from models.declaration import Declaration, Material
    from models.unit import Unit

    def make_rows():
        unit = db.session.query(Unit).filter_by(unit_no=OTHER).one()
        bill = Bill(bill_no="TENANCY-TEST-1", unit_id=unit.id, period_start=202601,
                    period_end=202601, insurance_codes="110", amount=Decimal("1.00"),
                    total=Decimal("1.00"), status="unpaid", created_at=datetime.now())
        payment = Payment(bill=bill, trade_no="TENANCY-TEST-1", amount=Decimal("1.00"))
        materials = [  # the demo has no uploads yet: one for each unit
            Material(declaration_id=declaration_id, material_type="ID", filename="身份证.jpg",
                     content_type="image/jpeg", size=1, sha256="0" * 64)
            for unit_no in (EMPLOYER, OTHER)
            for declaration_id in [db.session.query(Declaration.id).join(Unit).filter(
                Unit.unit_no == unit_no).limit(1).scalar()]
        ]
        return [*materials, payment, bill]

    with rows_for_a_while(app, make_rows):
        yield


@pytest.fixture
def foreign(app, rows_of_other_unit):
    """``foreign(Model)``: ids of rows that are not 37010000001's; ``own(Model)``: its ids."""
    from app.extensions import db
    from models.unit import Unit

    with app.app_context():
        unit_id = db.session.query(Unit.id).filter_by(unit_no=EMPLOYER).scalar()

    def _ids(model, mine=False):
        with app.app_context():
            if mine:
                return sorted(owned_ids(db.session, model, unit_id))
            return foreign_ids(db.session, model, unit_id)

    return _ids


def _no_row_data(response, pks):
    body = response.get_data(as_text=True)
    assert "result" not in body
    for pk in pks:
        assert f"/show/{pk}" not in body


# --- every tenant view ----------------------------------------------------------------------
@pytest.mark.parametrize("view", TENANT_VIEWS, ids=lambda v: v.__name__)
def test_view_never_reaches_another_unit(as_user, foreign, view):
    model = view.datamodel.obj
    others, own = foreign(model), foreign(model, mine=True)
    assert others and own, f"{model.__name__}: both units need rows for this test"
    client, base = as_user(EMPLOYER), route(view)
    for pk in [*others, HUGE, "-1", "abc"]:
        for method, path in [("get", f"show/{pk}"), ("get", f"edit/{pk}"),
                             ("post", f"edit/{pk}"), ("get", f"delete/{pk}"),
                             ("post", f"delete/{pk}"), ("get", f"action/echo/{pk}"),
                             ("post", f"action/echo/{pk}")]:
            response = getattr(client, method)(f"{base}/{path}")
            assert response.status_code in (403, 404, 405), (method, path)
            _no_row_data(response, others)
    for name in ("echo", "nope"):
        response = client.post(f"{base}/action_post",
                               data={"action": name, "rowid": [own[0], others[0]]})
        assert response.status_code in (403, 404, 405)
    assert client.get(f"{base}/download/x.txt").status_code == 404
    html = client.get(f"{base}/list/?_flt_0_unit.unit_no={OTHER}").get_data(as_text=True)
    assert not set(map(int, re.findall(rf'{base}/show/(\d+)', html))) & set(others)
    assert foreign(model) == others, "nothing was changed or deleted"


@pytest.mark.parametrize("view", [v for v in TENANT_VIEWS if v not in EMBEDDED],
                         ids=lambda v: v.__name__)
def test_export_holds_only_the_own_unit(as_user, foreign, view):
    client = as_user(EMPLOYER)
    own = foreign(view.datamodel.obj, mine=True)
    if getattr(view, "one_row_per_person", False):  # 单位人员查询: a row per person
        own = foreign(Person, mine=True)
    _, rows, _ = read_xlsx(client.get(f"{route(view)}/export/").data)
    assert len(rows) == min(len(own), 20_000)
    _, rows, _ = read_xlsx(client.get(f"{route(view)}/export/?_flt_0_unit.unit_no={OTHER}").data)
    assert rows == []


@pytest.mark.parametrize("view", TENANT_VIEWS, ids=lambda v: v.__name__)
def test_center_roles_do_reach_every_unit(as_user, foreign, view):
    """The ids the tests above try are real rows: a reviewer opens them."""
    if "can_show" not in view.base_permissions:
        pytest.skip("a list shown inside another page")
    assert as_user("reviewer").get(f"{route(view)}/show/{foreign(view.datamodel.obj)[0]}") \
        .status_code == 200


def test_employer_without_unit_sees_nothing(app, foreign):
    from app.extensions import db

    with app.app_context():
        sm = app.appbuilder.sm
        role = sm.find_role("单位经办人")
        user = sm.add_user("tenancy-no-unit", "无", "单位", "no-unit@example.com", role,
                           password="Tenancy@2026")
        user_id = user.id
    try:
        client = app.test_client()
        assert login(client, "tenancy-no-unit", "Tenancy@2026").status_code == 302
        for view in TENANT_VIEWS:
            html = client.get(f"{route(view)}/list/").get_data(as_text=True)
            assert record_count(html) == "0", view.__name__
            own = foreign(view.datamodel.obj, mine=True)
            assert client.get(f"{route(view)}/show/{own[0]}").status_code in (403, 404)
    finally:
        with app.app_context():
            db.session.delete(db.session.get(sm.user_model, user_id))
            db.session.commit()


def test_every_unit_owned_screen_uses_the_tenancy(app):
    """No employer-facing ModelView or API reads unit rows without the one mechanism."""
    from flask_appbuilder import ModelRestApi, ModelView

    from views.tenancy import SHARED

    for view in app.appbuilder.baseviews:
        if not isinstance(view, (ModelView, ModelRestApi)):
            continue
        if EMPLOYER_ROLE not in (getattr(view, "role_access", None) or {}):
            continue
        assert isinstance(view, (TenantModelView, TenantApi)), type(view).__name__
        assert isinstance(view.datamodel, TenantInterface), type(view).__name__
        assert view.datamodel.obj not in SHARED


# --- a tenant view with forms and actions (the query screens have neither) ------------------
class TenancyProbeView(TenantModelView):
    """Declarations with an add/edit form (relationship dropdowns) and a single/multiple action."""

    datamodel = TenantInterface(Declaration)
    route_base = "/tenancyprobe"
    list_columns = ["serial_no"]
    add_columns = edit_columns = ["serial_no", "business_code", "unit", "created_by"]
    role_access = {EMPLOYER_ROLE: {"can_list", "can_show", "can_add", "can_edit", "can_delete",
                                   "echo"}}

    @action("echo", "Echo", multiple=True, single=True)
    def echo(self, items):
        items = items if isinstance(items, list) else [items]
        return Response(",".join(str(item.id) for item in items))


@pytest.fixture(scope="module")
def probe(app, database_url, tmp_path_factory, rows_of_other_unit):
    """A second app on the same database with the probe view, its permissions granted."""
    from app.roles import sync_roles

    probe_app = make_app(database_url, tmp_path_factory.mktemp("probe"))
    with probe_app.app_context():
        probe_app.appbuilder.add_view_no_menu(TenancyProbeView)
        sync_roles(probe_app.appbuilder)
    client = probe_app.test_client()
    assert login(client, EMPLOYER).status_code == 302
    yield client
    close_app(probe_app)
    with app.app_context():
        sync_roles(app.appbuilder)  # the employer role loses the probe's permissions again


def _options(html, field):
    select = re.search(rf'<select[^>]*name="{field}".*?</select>', html, flags=re.S).group(0)
    return {int(v) for v in re.findall(r'<option[^>]*value="(\d+)"', select)}


def test_actions_run_on_own_rows_only(probe, foreign):
    own, others = foreign(Declaration, mine=True), foreign(Declaration)
    single = probe.post(f"/tenancyprobe/action/echo/{own[0]}")
    assert single.get_data(as_text=True) == str(own[0])
    assert probe.get(f"/tenancyprobe/action/echo/{own[0]}").status_code == 302  # FAB: no GET
    both = f"{own[0]},{own[1]}"
    assert probe.post("/tenancyprobe/action_post",
                      data={"action": "echo", "rowid": own[:2]}).get_data(as_text=True) == both
    for pk in [*others, HUGE]:
        for method in ("get", "post"):
            response = getattr(probe, method)(f"/tenancyprobe/action/echo/{pk}")
            assert response.status_code == 404
            assert str(pk) not in response.get_data(as_text=True)
    for rowids in ([own[0], others[0]], [others[0]], [HUGE]):
        response = probe.post("/tenancyprobe/action_post", data={"action": "echo", "rowid": rowids})
        assert response.status_code == 404
    assert probe.post("/tenancyprobe/action_post",
                      data={"action": "nope", "rowid": own[:1]}).status_code == 404


def test_forms_never_reach_another_unit(probe, foreign, app):
    from app.extensions import db
    from models.unit import Unit

    own, others = foreign(Declaration, mine=True), foreign(Declaration)
    with app.app_context():
        own_unit = db.session.query(Unit.id).filter_by(unit_no=EMPLOYER).scalar()
        other_unit = db.session.query(Unit.id).filter_by(unit_no=OTHER).scalar()
        own_users = {u.id for u in db.session.query(app.appbuilder.sm.user_model)
                     .filter_by(unit_id=own_unit)}
        serials = {d.id: d.serial_no for d in db.session.query(Declaration)}
    for page in ("/tenancyprobe/add", f"/tenancyprobe/edit/{own[0]}"):
        html = probe.get(page).get_data(as_text=True)
        assert _options(html, "unit") == {own_unit}
        assert _options(html, "created_by") <= own_users
    for pk in [*others, HUGE]:
        assert probe.get(f"/tenancyprobe/show/{pk}").status_code == 404
        assert probe.get(f"/tenancyprobe/edit/{pk}").status_code == 404
        assert probe.post(f"/tenancyprobe/edit/{pk}", data={"serial_no": "X"}).status_code == 404
        assert probe.get(f"/tenancyprobe/delete/{pk}").status_code == 302  # FAB: no GET
        assert probe.post(f"/tenancyprobe/delete/{pk}").status_code == 404
    probe.post("/tenancyprobe/add", data={"serial_no": "TENANCY-PROBE", "business_code": "C1",
                                          "unit": other_unit})
    assert probe.get("/tenancyprobe/download/x").status_code == 404
    with app.app_context():
        assert {d.id: d.serial_no for d in db.session.query(Declaration)} == serials


# --- the REST API ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def jwt(app):
    def _token(username):
        from tests.support import PASSWORDS

        response = app.test_client().post("/api/v1/security/login", json={
            "username": username, "password": PASSWORDS[username], "provider": "db"})
        assert response.status_code == 200
        return {"Authorization": f"Bearer {response.json['access_token']}"}

    return _token


@pytest.mark.parametrize("api", QUERY_APIS, ids=lambda a: a.__name__)
def test_api_never_reaches_another_unit(app, jwt, foreign, api):
    client, headers = app.test_client(), jwt(EMPLOYER)
    model = api.datamodel.obj
    base = f"/api/v1/{api.resource_name}"
    own, others = foreign(model, mine=True), foreign(model)
    for pk in [*others, HUGE, "-1"]:
        response = client.get(f"{base}/{pk}", headers=headers)
        assert response.status_code in (404, 405), pk  # -1 matches no GET route: 405
        assert "result" not in response.get_data(as_text=True)
        for method in ("put", "delete"):
            response = getattr(client, method)(f"{base}/{pk}", headers=headers, json={})
            assert response.status_code in (403, 404, 405)
    listed = client.get(f"{base}/?q=(page_size:100)", headers=headers).json
    assert listed["count"] == len(own) and set(listed["ids"]) <= set(own)
    filtered = client.get(f"{base}/?q=(filters:!((col:unit_id,opr:int_eq,value:{_unit_id(app)})))",
                          headers=headers).json
    assert filtered["count"] == 0 and filtered["ids"] == []
    info = client.get(f"{base}/_info", headers=headers)
    assert info.status_code == 200
    assert foreign(model) == others, "nothing was changed or deleted"
    reviewer = client.get(f"{base}/{others[0]}", headers=jwt("reviewer"))
    assert reviewer.status_code == 200, "the ids tried are real rows"


def _unit_id(app, unit_no=OTHER):
    from app.extensions import db
    from models.unit import Unit

    with app.app_context():
        return db.session.query(Unit.id).filter_by(unit_no=unit_no).scalar()


def test_api_needs_a_token(app):
    client = app.test_client()
    assert client.get("/api/v1/enrollment/").status_code == 401
    assert client.get("/api/v1/enrollment/1").status_code == 401
