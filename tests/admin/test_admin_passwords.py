"""Issue 11 §5: an account the admin creates follows the password policy (rules/password.py),
and its owner must change the password at first login: the admin knows it (A2). The same for a
password the admin resets."""
import pytest
from sqlalchemy import func, select

from models.user import ShebaoUser
from tests.admin.conftest import field_errors
from tests.support import login


def _new_user(app, password: str, username: str) -> dict:
    from flask_appbuilder.security.sqla.models import Role

    from app.extensions import db
    from app.roles import REVIEWER, ROLE_NAMES

    with app.app_context():
        role = db.session.scalar(select(Role.id).where(Role.name == ROLE_NAMES[REVIEWER]))
    return {"first_name": "测试", "last_name": "审核员", "username": username,
            "email": f"{username}@example.cn", "active": "y", "roles": [str(role)],
            "password": password, "conf_password": password}


@pytest.mark.parametrize("password, reasons", [
    ("123", ["密码长度不能少于8位", "密码必须同时包含字母和数字"]),
    ("abcdefgh", ["密码必须同时包含字母和数字"]),
    ("xyz_checker1", ["密码不能包含单位编号或用户名"]),
])
def test_a_weak_password_keeps_the_admin_on_the_form(app, admin, db_read, password, reasons):
    response = admin.post("/users/add", data=_new_user(app, password, "checker1"))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert field_errors(page) == ["；".join(reasons)]
    assert 'value="checker1"' in page  # what was typed is still there
    assert db_read(select(func.count()).select_from(ShebaoUser)
                   .where(ShebaoUser.username == "checker1")) == 0


def test_a_new_account_must_change_its_password_at_first_login(app, admin, db_read):
    assert admin.post("/users/add", data=_new_user(app, "Start2026x", "checker2")
                      ).status_code == 302
    assert db_read(select(ShebaoUser.must_change_password)
                   .where(ShebaoUser.username == "checker2")) is True
    owner = app.test_client()
    assert login(owner, "checker2", "Start2026x").status_code == 302
    held = owner.get("/review/")
    assert held.status_code == 302 and "/account/password" in held.headers["Location"]


def test_a_reset_password_follows_the_policy(app, admin, db_read):
    pk = db_read(select(ShebaoUser.id).where(ShebaoUser.username == "reviewer"))
    before = db_read(select(ShebaoUser.password).where(ShebaoUser.id == pk))
    response = admin.post(f"/resetpassword/form?pk={pk}",
                          data={"password": "123", "conf_password": "123"})
    assert response.status_code == 200
    assert field_errors(response.get_data(as_text=True)) == [
        "密码长度不能少于8位；密码必须同时包含字母和数字"]
    response = admin.post(f"/resetpassword/form?pk={pk}",
                          data={"password": "reviewer2026", "conf_password": "reviewer2026"})
    assert field_errors(response.get_data(as_text=True)) == ["密码不能包含单位编号或用户名"]
    assert db_read(select(ShebaoUser.password).where(ShebaoUser.id == pk)) == before


def test_the_policy_reads_in_english(app, admin):
    admin.get("/lang/en")
    try:
        response = admin.post("/users/add", data=_new_user(app, "123", "checker3"))
    finally:
        admin.get("/lang/zh")
    assert field_errors(response.get_data(as_text=True)) == [
        "The password must be at least 8 characters long; "
        "The password must contain both letters and digits"]
