"""Issue 10, item 5: a session ends server-side at logout, password change or reset, lock and
role change, copies of its cookie and API tokens included; signed-in responses are never stored
(Cache-Control: no-store); FAB's own password form cannot change a password without the
current one."""
from sqlalchemy import select

from models.declaration import Declaration
from models.unit import Unit
from models.user import ShebaoUser
from tests.account_support import last_code
from tests.own_database import own_app
from tests.support import PASSWORDS, login


# A database of its own: these tests change passwords, roles and locks.
app = own_app("module", persons=50)


def signed_in(app, username, password=None):
    client = app.test_client()
    response = login(client, username, password)
    assert response.status_code == 302 and "/login" not in response.headers["Location"]
    return client


def copy_of(app, client):
    """A second browser holding a copy of ``client``'s session cookie."""
    copy = app.test_client()
    copy.set_cookie("session", client.get_cookie("session").value)
    return copy


def is_signed_out(client) -> bool:
    response = client.get("/account/")
    return response.status_code == 302 and "/login" in response.headers["Location"]


def _user(app, username) -> ShebaoUser:
    from app.extensions import db

    with app.app_context():
        user = db.session.scalar(select(ShebaoUser).where(ShebaoUser.username == username))
        db.session.expunge(user)
        return user


def test_a_cookie_copied_before_logout_is_signed_out_after(app):
    browser = signed_in(app, "37010000001")
    stolen = copy_of(app, browser)
    assert not is_signed_out(stolen)  # the copy works while the session lives
    browser.get("/logout/")
    assert is_signed_out(stolen) and is_signed_out(browser)


def test_a_password_change_ends_the_other_sessions_and_keeps_its_own(app):
    here, elsewhere = signed_in(app, "37010000002"), signed_in(app, "37010000002")
    changed = here.post("/account/password/", data={
        "current": PASSWORDS["37010000002"], "new": "Wuliu2027ok", "repeat": "Wuliu2027ok"})
    assert changed.status_code == 302
    assert is_signed_out(elsewhere)
    assert not is_signed_out(here)
    assert not is_signed_out(signed_in(app, "37010000002", "Wuliu2027ok"))


def test_a_reset_by_sms_ends_every_session(app):
    from app.extensions import db

    browser = signed_in(app, "37010000001")
    with app.app_context():
        phone = db.session.scalar(select(Unit.contact_phone).where(Unit.unit_no == "37010000001"))
    anonymous = app.test_client()
    anonymous.post("/reset/", data={"login": "37010000001", "action": "send"})
    done = anonymous.post("/reset/", data={"login": "37010000001", "action": "reset",
                                           "code": last_code(app, phone),
                                           "new": "Keji2027reset", "repeat": "Keji2027reset"})
    assert done.status_code == 302
    assert is_signed_out(browser)


def test_a_lock_ends_every_session(app):
    browser = signed_in(app, "reviewer")
    attacker = app.test_client()
    for _ in range(5):
        attacker.post("/login/", data={"username": "reviewer", "password": "Wrong2026x"})
    assert _user(app, "reviewer").locked_until is not None
    assert is_signed_out(browser)


def _edit_form(user: ShebaoUser, role_ids, first_name=None) -> dict:
    return {"first_name": first_name or user.first_name, "last_name": user.last_name or "x",
            "username": user.username, "email": user.email, "active": "y",
            "roles": [str(pk) for pk in role_ids]}


def test_a_role_change_by_the_admin_ends_the_users_sessions_and_tokens(app):
    from app.extensions import db

    browser = signed_in(app, "37010000004")
    token = app.test_client().post("/api/v1/security/login", json={
        "username": "37010000004", "password": PASSWORDS["37010000004"], "provider": "db"})
    headers = {"Authorization": f"Bearer {token.get_json()['access_token']}"}
    api = app.test_client()
    assert api.get("/api/v1/enrollment/", headers=headers).status_code == 200
    admin = signed_in(app, "admin")
    with app.app_context():
        user = db.session.scalar(select(ShebaoUser).where(ShebaoUser.username == "37010000004"))
        roles = [role.id for role in user.roles]
        reviewer_role = db.session.scalar(select(ShebaoUser.roles.property.mapper.class_.id)
                                          .where(ShebaoUser.roles.property.mapper.class_.name
                                                 == "中心审核员"))
        target = user.id
        renamed = _edit_form(user, roles, first_name="济南示例大型企业")
        promoted = _edit_form(user, [*roles, reviewer_role])
    assert admin.post(f"/users/edit/{target}", data=renamed).status_code == 302
    assert not is_signed_out(browser)  # a change of name alone ends nothing
    assert admin.post(f"/users/edit/{target}", data=promoted).status_code == 302
    assert is_signed_out(browser)
    assert api.get("/api/v1/enrollment/", headers=headers).status_code == 401


def test_signed_in_pages_exports_and_pdfs_are_not_stored(app):
    from app.extensions import db

    employer, reviewer = signed_in(app, "37010000004"), signed_in(app, "admin")
    with app.app_context():
        pk = db.session.scalar(select(Declaration.id).order_by(Declaration.id))
    answers = {
        "page": employer.get("/account/"),
        "export": employer.get("/unitstaffview/export/"),
        "pdf": reviewer.get(f"/review/{pk}/print.pdf"),
    }
    assert answers["export"].mimetype.endswith("spreadsheetml.sheet")
    assert answers["pdf"].mimetype == "application/pdf"
    for what, answer in answers.items():
        assert answer.status_code == 200, what
        assert answer.headers["Cache-Control"] == "no-store", what
        assert answer.headers["Pragma"] == "no-cache", what
    static = employer.get("/static/appbuilder/js/ab.js")
    assert "no-store" not in static.headers.get("Cache-Control", "")


def test_fabs_reset_my_password_form_cannot_change_the_password(app):
    admin = signed_in(app, "admin")
    assert admin.get("/resetmypassword/form").headers["Location"].endswith("/account/password/")
    posted = admin.post("/resetmypassword/form",
                        data={"password": "Taken2027over", "conf_password": "Taken2027over"})
    assert posted.status_code == 302
    assert login(app.test_client(), "admin", "Taken2027over").status_code == 200  # refused
    assert not is_signed_out(signed_in(app, "admin"))



def test_a_group_change_ends_the_sessions_of_its_users(app):
    from flask_appbuilder.security.sqla.models import Group, Role

    from app.extensions import db

    admin = signed_in(app, "admin")
    with app.app_context():
        role = db.session.scalar(select(Role.id).where(Role.name == "中心审核员"))
        member_id = db.session.scalar(select(ShebaoUser.id)
                                      .where(ShebaoUser.username == "37010000004"))
    form = {"name": "会话测试组", "label": "会话测试组", "description": "", "roles": [str(role)]}
    assert admin.post("/groups/add", data={**form, "users": [str(member_id)]}).status_code == 302
    member = signed_in(app, "37010000004")  # signed in as a member of the group
    with app.app_context():
        group_id = db.session.scalar(select(Group.id).where(Group.name == "会话测试组"))
    assert admin.post(f"/groups/edit/{group_id}", data=form).status_code == 302  # member out
    assert is_signed_out(member)
