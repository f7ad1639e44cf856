"""Who may reach which declaration page: every wizard step, act, material file, printed form,
task list and back-office page, for the owner, another unit's employer and the center.

Another unit's employer gets 404 (or 403) and never a byte of the owner's data; an employer
never reaches the back office; a reviewer never uses the employer's wizard; an id too big for
the database is 404, not 500.
"""
import io
from dataclasses import dataclass

import pytest
from flask_appbuilder.security.sqla.models import Role
from sqlalchemy import func, select

from models.declaration import Declaration, Material
from tests.declarations.flows import (
    LARGE,
    ORDINARY,
    VIP,
    Employer,
    Reviewer,
    declaration,
    new_person_form,
    png,
    session_of,
    task_rows,
)
from tests.support import login

HUGE = "99999999999999999999"
TASK_LISTS = ("todo", "done", "draft", "submitted", "reviewing", "approved_unread",
              "rejected_unread", "partial_unread")


def client(app, username):
    c = app.test_client()
    response = login(c, username)
    assert response.status_code == 302 and "/login" not in response.headers["Location"]
    return c


@dataclass
class Owned:
    """The owner's declarations in three states, each with a material, and what identifies
    them on a page."""
    draft: int
    approved: int
    rejected: int
    material: int  # a material of the approved declaration
    secrets: tuple  # serial numbers, names and ID numbers of the owner's persons


@pytest.fixture(scope="module")
def owned(app) -> Owned:
    owner = Employer(client(app, ORDINARY), "C1")
    reviewer = Reviewer(client(app, "reviewer"))
    forms = {seq: new_person_form(seq, name=name)
             for seq, name in ((55, "租户草稿"), (56, "租户通过"), (57, "租户退回"))}
    draft = owner.enter(forms[55])
    owner.upload(draft, "id_card")
    approved, rejected = owner.through_submit(forms[56]), owner.through_submit(forms[57])
    for pk, verdict in ((approved, "approve"), (rejected, "reject")):
        reviewer.claim(pk)
        reviewer.decide(pk, verdict=verdict, opinion="" if verdict == "approve" else "材料不全")
    with session_of(app) as s:
        material = s.scalar(select(Material.id).where(Material.declaration_id == approved))
    serials = tuple(declaration(app, pk).serial_no for pk in (draft, approved, rejected))
    people = tuple(v for f in forms.values() for v in (f["name"], f["id_number"]))
    return Owned(draft, approved, rejected, material, serials + people)


def snapshot(app, owned: Owned) -> dict:
    """What an intruder must not change: status, read flag, version and materials."""
    with session_of(app) as s:
        rows = s.execute(select(Declaration.id, Declaration.status, Declaration.read,
                                Declaration.version).where(Declaration.id.in_(
                                    [owned.draft, owned.approved, owned.rejected]))).all()
        materials = s.scalar(select(func.count(Material.id)).where(Material.declaration_id.in_(
            [owned.draft, owned.approved, owned.rejected])))
        return {"rows": sorted(tuple(r) for r in rows), "materials": materials}


def wizard_requests(owned: Owned, code="c1"):
    """(method, path, data) of every employer route on the owner's declarations."""
    base = f"/declare/{code}"
    upload = {"material_type": "id_card", "file": (io.BytesIO(png()), "a.png")}
    gets = [f"{base}/{pk}/{step}" for pk in (owned.draft, owned.approved, owned.rejected)
            for step in ("", "check/", "materials/", "edit/")]
    gets += [f"{base}/{owned.approved}/print.pdf",
             f"{base}/{owned.approved}/materials/{owned.material}"]
    posts = [(f"{base}/{owned.draft}/edit/", new_person_form(58, name="入侵者")),
             (f"{base}/{owned.draft}/materials/", upload)]
    posts += [(f"{base}/{pk}/act/{action}/", None)
              for pk, action in ((owned.draft, "submit"), (owned.draft, "void"),
                                 (owned.rejected, "reopen"), (owned.approved, "read"),
                                 (owned.draft, "nonsense"))]
    return [("GET", path, None) for path in gets] + [("POST", p, d) for p, d in posts]


def send(c, method, path, data):
    if method == "GET":
        return c.get(path)
    if data and "file" in data:
        data = {**data, "file": (io.BytesIO(png()), "a.png")}
        return c.post(path, data=data, content_type="multipart/form-data")
    return c.post(path, data=data)


def assert_hidden(response, owned: Owned, where):
    body = response.get_data(as_text=True)
    leaked = [s for s in owned.secrets if s in body]
    assert not leaked, f"{where} shows {leaked}"


@pytest.mark.parametrize("intruder", [VIP, LARGE])
def test_another_units_employer_gets_404_on_every_wizard_route(app, owned, intruder):
    c = client(app, intruder)
    before = snapshot(app, owned)
    for method, path, data in wizard_requests(owned):
        response = send(c, method, path, data)
        assert response.status_code == 404, (method, path, response.status_code)
        assert_hidden(response, owned, f"{method} {path}")
    assert snapshot(app, owned) == before


def test_the_owner_reaches_them_and_a_wrong_business_is_404(app, owned):
    c = client(app, ORDINARY)
    for path in (f"/declare/c1/{owned.draft}/check/", f"/declare/c1/{owned.approved}/",
                 f"/declare/c1/{owned.approved}/print.pdf",
                 f"/declare/c1/{owned.approved}/materials/{owned.material}"):
        assert c.get(path).status_code == 200, path
    # The same declaration under another business's wizard does not exist.
    for method, path, data in wizard_requests(owned, code="c2"):
        assert send(c, method, path, data).status_code == 404, (method, path)
    # A material of another declaration through this one's URL does not exist either.
    assert c.get(f"/declare/c1/{owned.draft}/materials/{owned.material}").status_code == 404


def test_a_material_id_of_another_unit_through_ones_own_declaration(app, owned):
    c = client(app, VIP)
    mine = Employer(c, "C1").enter(new_person_form(58, name="自己的"))
    response = c.get(f"/declare/c1/{mine}/materials/{owned.material}")
    assert response.status_code == 404
    assert not response.data.startswith(b"\x89PNG")
    Employer(c, "C1").act(mine, "void")


@pytest.mark.parametrize("intruder", [VIP, LARGE])
def test_task_lists_show_only_ones_own_unit(app, owned, intruder):
    c = client(app, intruder)
    for which in TASK_LISTS:
        response = c.get(f"/tasks/?which={which}")
        assert response.status_code == 200
        assert_hidden(response, owned, f"/tasks/?which={which}")
    mine = client(app, ORDINARY)
    listed = {serial for which in ("todo", "done") for serial in task_rows(mine, which)}
    assert set(owned.secrets[:3]) <= listed


def back_office_requests(owned: Owned):
    pk = owned.approved
    return [("GET", "/review/", None), ("GET", f"/review/{pk}/", None),
            ("GET", f"/review/{pk}/materials/{owned.material}", None),
            ("GET", f"/review/?status=approved&unit={ORDINARY}", None)] + [
        ("POST", f"/review/{p}/{action}/", {"verdict": "approve"})
        for p, action in ((owned.draft, "claim"), (pk, "release"), (pk, "decide"))]


@pytest.mark.parametrize("employer", [ORDINARY, VIP])
def test_employers_never_reach_the_back_office(app, owned, employer):
    c = client(app, employer)
    before = snapshot(app, owned)
    for method, path, data in back_office_requests(owned):
        response = send(c, method, path, data)
        assert response.status_code in (302, 403), (path, response.status_code)
        assert "/review" not in response.headers.get("Location", ""), path
        if employer != ORDINARY:
            assert_hidden(response, owned, path)
    assert snapshot(app, owned) == before


@pytest.mark.parametrize("username", ["reviewer", "admin"])
def test_the_center_cannot_use_the_employer_wizard(app, owned, username):
    c = client(app, username)
    with session_of(app) as s:
        count = s.scalar(select(func.count(Declaration.id)))
    before = snapshot(app, owned)
    requests = [("GET", "/declare/c1/new/", None), ("GET", "/declare/c6/new/", None),
                ("POST", "/declare/c1/new/", new_person_form(59, name="中心代办")),
                ("GET", "/tasks/", None), ("GET", "/tasks/?which=approved_unread", None)]
    for method, path, data in requests + wizard_requests(owned):
        response = send(c, method, path, data)
        assert response.status_code in (302, 403), (username, method, path, response.status_code)
        assert "/declare" not in response.headers.get("Location", "")
    with session_of(app) as s:
        assert s.scalar(select(func.count(Declaration.id))) == count
    assert snapshot(app, owned) == before


def test_the_roles_grant_exactly_that(app):
    """The permission model behind the pages: wizards and task lists for 单位经办人 only, the
    back office for 中心审核员 (the administrator holds everything by design)."""
    with session_of(app) as s:
        def views_of(role_name):
            role = s.scalar(select(Role).where(Role.name == role_name))
            return {pv.view_menu.name for pv in role.permissions}

        employer, reviewer = views_of("单位经办人"), views_of("中心审核员")
    assert {"DeclareC1", "DeclareC2", "DeclareC2R", "DeclareC6", "DeclareC7", "DeclareC8",
            "DeclareC9", "DeclareC10", "Tasks"} <= employer
    assert "Review" not in employer
    assert "Review" in reviewer
    assert not {v for v in reviewer if v.startswith("Declare")} and "Tasks" not in reviewer


def test_the_reviewer_reaches_any_units_declaration(app, owned):
    c = client(app, "reviewer")
    page = c.get(f"/review/{owned.approved}/").get_data(as_text=True)
    assert owned.secrets[1] in page  # its serial number
    assert c.get(f"/review/{owned.approved}/materials/{owned.material}").status_code == 200
    assert c.get(f"/review/{owned.draft}/materials/{owned.material}").status_code == 404


def test_huge_and_unknown_ids_are_404_not_500(app, owned):
    employer, reviewer = client(app, ORDINARY), client(app, "reviewer")
    for code in ("c1", "c6", "c10"):
        for step in ("", "check/", "materials/", "edit/", "print.pdf", "materials/1"):
            assert employer.get(f"/declare/{code}/{HUGE}/{step}").status_code == 404, step
        for action in ("submit", "void", "reopen", "read"):
            assert employer.post(f"/declare/{code}/{HUGE}/act/{action}/").status_code == 404
        assert employer.post(f"/declare/{code}/{HUGE}/edit/", data={}).status_code == 404
        assert employer.post(f"/declare/{code}/{HUGE}/materials/", data={
            "material_type": "id_card", "file": (io.BytesIO(png()), "a.png")},
            content_type="multipart/form-data").status_code == 404
    assert employer.get(f"/declare/c1/{owned.approved}/materials/{HUGE}").status_code == 404
    assert employer.get("/declare/c99/1/").status_code == 404
    assert reviewer.get(f"/review/{HUGE}/").status_code == 404
    assert reviewer.get(f"/review/{owned.approved}/materials/{HUGE}").status_code == 404
    for action in ("claim", "release", "decide"):
        assert reviewer.post(f"/review/{HUGE}/{action}/").status_code == 404
    for query in (f"page={HUGE}", f"waiting={HUGE}", f"waiting=-{HUGE}", "page=-5",
                  "status=nonsense&business=C99"):
        assert reviewer.get(f"/review/?{query}").status_code == 200, query
    assert employer.get("/tasks/?which=" + HUGE).status_code == 200
