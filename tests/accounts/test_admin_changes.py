"""G6/A2/A6: admins manage users and roles; every change is audited; an admin's password reset
forces the owner to change it."""
import re
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from models.audit import AuditLog
from models.user import ShebaoUser
from tests.support import form_values


def user_id(app, username):
    from app.extensions import db

    with app.app_context():
        return db.session.scalar(select(ShebaoUser.id).where(ShebaoUser.username == username))


def test_admin_password_reset_forces_a_change_and_is_audited(app, as_user):
    admin = as_user("admin")
    target = user_id(app, "37010000002")
    response = admin.post(f"/resetpassword/form?pk={target}",
                          data={"password": "Temp2026abc", "conf_password": "Temp2026abc"})
    assert response.status_code in (200, 302)
    from app.extensions import db

    with app.app_context():
        user = db.session.get(ShebaoUser, target)
        assert user.must_change_password is True
        assert db.session.scalar(select(AuditLog.id).where(
            AuditLog.action == "password_reset_by_admin", AuditLog.target_id == str(target)))
        user.must_change_password = False
        from werkzeug.security import generate_password_hash

        user.password = generate_password_hash("Demo@2026")
        db.session.commit()


def test_role_change_is_audited(app, as_user):
    admin = as_user("admin")
    target = user_id(app, "reviewer")
    from app.extensions import db
    from models.user import ShebaoUser as U

    with app.app_context():
        user = db.session.get(U, target)
        role_ids = [str(r.id) for r in user.roles]
        form = {"first_name": user.first_name, "last_name": user.last_name or "x",
                "username": user.username, "email": user.email, "active": "y",
                "roles": role_ids}
    response = admin.post(f"/users/edit/{target}", data=form)
    assert response.status_code == 302
    with app.app_context():
        row = db.session.scalars(select(AuditLog).where(
            AuditLog.action == "user_update", AuditLog.target_id == str(target))).first()
        assert row is not None and "中心审核员" in row.detail["roles"]


def test_employers_cannot_reach_user_admin(as_user):
    employer = as_user("37010000001")
    for path in ("/users/list/", "/roles/list/", "/smsmessageview/list/", "/auditlogview/list/"):
        response = employer.get(path)
        assert response.status_code in (302, 403), path


def test_admin_sees_the_sms_outbox(as_user):
    assert as_user("admin").get("/smsmessageview/list/").status_code == 200


def test_a_group_hands_its_roles_to_its_users_and_every_change_is_audited(app, as_user):
    """An admin puts an account into a group through FAB's group screen: the account gets the
    group's roles on its next page and loses them when it leaves; both changes leave an audit row,
    and a group that still has users is not deleted."""
    from flask_appbuilder.security.sqla.models import Group, Role

    from app.extensions import db
    from app.roles import REVIEWER, ROLE_NAMES

    admin, member = as_user("admin"), as_user("37010000004")
    member_id = user_id(app, "37010000004")
    with app.app_context():
        reviewer_role = db.session.scalar(select(Role.id).where(Role.name == ROLE_NAMES[REVIEWER]))
    form = {"name": "临时审核组", "label": "临时审核组", "description": "",
            "roles": [str(reviewer_role)]}
    assert member.get("/review/").status_code in (302, 403)
    page = admin.get("/groups/add").get_data(as_text=True)
    for label in ("组名", "显示名称", "用户", "角色"):
        assert label in page, label
    assert admin.post("/groups/add", data={**form, "users": [str(member_id)]}).status_code == 302
    with app.app_context():
        group_id = db.session.scalar(select(Group.id).where(Group.name == "临时审核组"))
    try:
        assert member.get("/review/").status_code == 200
        admin.post(f"/groups/delete/{group_id}")
        with app.app_context():
            assert db.session.get(Group, group_id) is not None  # it still has a user
        assert admin.post(f"/groups/edit/{group_id}", data=form).status_code == 302
        assert member.get("/review/").status_code in (302, 403)
        with app.app_context():
            rows = {row.action: row.detail for row in db.session.scalars(select(AuditLog).where(
                AuditLog.target_type == "group", AuditLog.target_id == str(group_id)))}
        assert rows["group_add"]["users"] == ["37010000004"]
        assert rows["group_add"]["roles"] == [ROLE_NAMES[REVIEWER]]
        assert rows["group_update"]["users"] == []
    finally:
        with app.app_context():
            group = db.session.get(Group, group_id)
            group.users = []
            db.session.delete(group)
            db.session.commit()


def test_a_deleted_group_takes_its_roles_along(app, as_user):
    """FAB's Group.roles leaves its association rows to the database's ON DELETE CASCADE, which
    SQLite applies only where foreign keys are enforced. Left behind, they were inherited by the
    next group, which SQLite gives the freed id."""
    from flask_appbuilder.security.sqla.models import Group, Role, assoc_group_role

    from app.extensions import db
    from app.roles import ADMIN, ROLE_NAMES

    admin = as_user("admin")
    with app.app_context():
        admin_role = db.session.scalar(select(Role.id).where(Role.name == ROLE_NAMES[ADMIN]))
    admin.post("/groups/add", data={"name": "将删除的组", "label": "x", "roles": [str(admin_role)]})
    with app.app_context():
        old_id = db.session.scalar(select(Group.id).where(Group.name == "将删除的组"))
        db.session.delete(db.session.get(Group, old_id))  # its roles not loaded
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(assoc_group_role).where(
            assoc_group_role.c.group_id == old_id)) == 0
    admin.post("/groups/add", data={"name": "新建的组", "label": "y"})
    with app.app_context():
        new = db.session.scalar(select(Group).where(Group.name == "新建的组"))
        assert [role.name for role in new.roles] == []
        db.session.delete(new)
        db.session.commit()


def test_every_connection_enforces_foreign_keys(app):
    from sqlalchemy import text

    from app.extensions import db

    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("PostgreSQL always enforces them")
        connections = [db.engine.connect() for _ in range(3)]
        try:
            assert [c.execute(text("PRAGMA foreign_keys")).scalar() for c in connections] == [1] * 3
        finally:
            for connection in connections:
                connection.close()


def _flashes(response) -> list[tuple[str, str]]:
    return re.findall(r'<div class="alert alert-(\w+)"><button[^>]*>&times;</button>([^<]*)</div>',
                      response.get_data(as_text=True))


def test_a_delete_the_database_refuses_says_why_and_changes_nothing(app, as_user):
    """A 险种 with enrollments, an account with audit rows: the database refuses (on SQLite as on
    PostgreSQL) and the admin reads why, not an empty alert."""
    from app.extensions import db
    from models.reference import Insurance

    admin = as_user("admin")
    with app.app_context():
        pension = db.session.scalar(select(Insurance.id).where(Insurance.code == "110"))
    account = user_id(app, "37010000002")
    for path, reason in ((f"/insuranceview/delete/{pension}", "该险种已被费率、"),
                         (f"/users/delete/{account}", "该记录已被其他数据引用，不能删除；不再使用的，请改为停用。")):
        response = admin.post(path, follow_redirects=True)
        assert response.status_code == 200, path
        [(kind, text)] = _flashes(response)
        assert kind == "danger" and text.startswith(reason), text
    with app.app_context():
        assert db.session.get(Insurance, pension) is not None
        assert db.session.get(ShebaoUser, account) is not None
        # The audit row is written with the delete and rolled back with it.
        assert db.session.scalar(select(AuditLog.id).where(
            AuditLog.action.in_(("insurance_delete", "user_delete")),
            AuditLog.target_id.in_((str(pension), str(account))))) is None
    admin.post("/groups/add", data={"name": "可删除的组", "label": "x"}, follow_redirects=True)
    with app.app_context():
        from flask_appbuilder.security.sqla.models import Group

        group = db.session.scalar(select(Group.id).where(Group.name == "可删除的组"))
    response = admin.post(f"/groups/delete/{group}", follow_redirects=True)
    assert _flashes(response) == [("success", "记录已删除")]
    with app.app_context():
        row = db.session.scalar(select(AuditLog).where(
            AuditLog.action == "group_delete", AuditLog.target_id == str(group)))
        assert row is not None and row.detail["name"] == "可删除的组"


def _refusals(response) -> list[tuple[str, str]]:
    """A refusal flashed, or shown under a field of the form it keeps on screen."""
    errors = re.findall(r'<div class="alert alert-danger">\s*([^<]*?)\s*</div>',
                        response.get_data(as_text=True))
    return [*_flashes(response), *(("danger", text) for text in errors)]




def test_code_tables_and_yearly_parameters_leave_an_audit_trail(app, as_user):
    """G6: what an admin adds, edits or deletes in 系统管理 is audited; an edit records each
    changed column as [before, after] (the yearly parameters decide every amount due)."""
    from app.extensions import db
    from models.contribution import YearParameter
    from models.reference import Nation
    from rules.contribution_base import year_limits

    admin = as_user("admin")

    def trail(action, target_id):
        with app.app_context():
            return db.session.scalars(select(AuditLog.detail).where(
                AuditLog.action == action, AuditLog.target_id == str(target_id))).all()

    assert admin.post("/nationview/add", data={"code": "T9", "name": "测试族",
                                               "active": "y"}).status_code == 302
    with app.app_context():
        nation = db.session.scalar(select(Nation.id).where(Nation.code == "T9"))
    assert trail("nation_add", nation)[0]["values"]["name"] == "测试族"
    page = admin.get(f"/nationview/edit/{nation}").get_data(as_text=True)
    admin.post(f"/nationview/edit/{nation}", data={**form_values(page), "name": "测试族二"})
    assert trail("nation_update", nation)[0]["changes"] == {"name": ["测试族", "测试族二"]}
    admin.post(f"/nationview/delete/{nation}")
    assert trail("nation_delete", nation)[0]["values"]["code"] == "T9"

    with app.app_context():
        parameter = db.session.scalar(select(YearParameter).order_by(YearParameter.year.desc()))
        pk, wage = parameter.id, parameter.average_wage
    page = admin.get(f"/yearparameterview/edit/{pk}").get_data(as_text=True)
    form = form_values(page)
    assert "base_floor" not in form and "base_cap" not in form  # they follow from the wage
    try:
        assert admin.post(f"/yearparameterview/edit/{pk}",
                          data={**form, "average_wage": str(wage + 1200)}).status_code == 302
        changes = trail("year_parameter_update", pk)[-1]["changes"]
        assert changes["average_wage"] == [str(wage), str(wage + 1200)]
        with app.app_context():
            edited = db.session.get(YearParameter, pk)
            assert (edited.base_floor, edited.base_cap) == year_limits(
                wage + 1200, edited.floor_pct, edited.cap_pct)
            assert [Decimal(v) for v in changes["base_floor"]] == [year_limits(wage)[0],
                                                                   edited.base_floor]
        refused = admin.post(f"/yearparameterview/edit/{pk}", follow_redirects=True,
                             data={**form, "window_start": "2026-07-01", "window_end": ""})
        assert ("danger", "申报开始日期和截止日期应同时填写，或同时不填（全年可申报）") in \
            _refusals(refused)
    finally:
        admin.post(f"/yearparameterview/edit/{pk}", data={**form, "average_wage": str(wage)})
    with app.app_context():
        restored = db.session.get(YearParameter, pk)
        assert restored.average_wage == wage
        assert (restored.base_floor, restored.base_cap) == year_limits(wage)


def test_rates_overlapping_another_period_are_refused(app, as_user):
    from app.extensions import db
    from models.contribution import Rate
    from models.reference import Insurance

    admin = as_user("admin")
    with app.app_context():
        pension = db.session.scalar(select(Insurance.id).where(Insurance.code == "110"))
        count = db.session.scalar(select(func.count()).select_from(Rate))
    row = {"insurance": str(pension), "risk_class": "", "unit_rate": "0.2",
           "personal_rate": "0.08", "start_month": "201801", "end_month": "201812"}
    added = admin.post("/rateview/add", data=row, follow_redirects=True)
    assert ("success", "记录已添加") in _flashes(added), _flashes(added)
    with app.app_context():
        pk = db.session.scalar(select(Rate.id).where(Rate.start_month == 201801))
    try:
        for change, reason in (
                ({"start_month": "201806", "end_month": "201906"},
                 "执行期与已有费率（2018年1月至2018年12月）重叠：请先为已有费率设置执行终止年月"),
                ({"start_month": "201901", "end_month": "202001"},
                 "执行期与已有费率（2019年5月起，未设终止年月）重叠：请先为已有费率设置执行终止年月"),
                ({"start_month": "201901", "end_month": "201812"},
                 "执行终止年月2018年12月早于起始年月2019年1月"),
                ({"start_month": "201901", "end_month": "201904", "unit_rate": "16"},
                 "单位费率应为0至1之间的小数（0.16表示16%）：16")):
            response = admin.post("/rateview/add", data={**row, **change}, follow_redirects=True)
            assert ("danger", reason) in _refusals(response), _refusals(response)
        page = admin.get(f"/rateview/edit/{pk}").get_data(as_text=True)
        edited = admin.post(f"/rateview/edit/{pk}", follow_redirects=True,
                            data={**form_values(page), "insurance": str(pension),
                                  "end_month": "201906"})
        assert any("重叠" in text for kind, text in _refusals(edited) if kind == "danger")
        with app.app_context():
            assert db.session.get(Rate, pk).end_month == 201812  # the edit was not saved
            assert db.session.scalar(select(func.count()).select_from(Rate)) == count + 1
    finally:
        admin.post(f"/rateview/delete/{pk}")


def test_the_unit_registry_checks_the_phone_and_credit_code(app, as_user):
    """SMS codes go to the 专管员 phone on record, and registration shows the credit code: the
    admin screen checks both as the wizards do."""
    from app.extensions import db
    from models.unit import Unit

    admin = as_user("admin")
    with app.app_context():
        unit = db.session.scalar(select(Unit).where(Unit.unit_no == "37010000003"))
        pk, phone, code = unit.id, unit.contact_phone, unit.credit_code
        industry, bank = unit.industry_id, unit.bank_branch_id
    form = form_values(admin.get(f"/unitregistryview/edit/{pk}").get_data(as_text=True))
    assert form["industry"] == str(industry)
    for change, reason in (({"contact_phone": "12345"}, "专管员手机应为11位手机号码"),
                           ({"credit_code": code[:-1] + ("A" if code[-1] != "A" else "B")},
                            "统一社会信用代码")):
        response = admin.post(f"/unitregistryview/edit/{pk}", data={**form, **change},
                              follow_redirects=True)
        assert any(kind == "danger" and reason in text for kind, text in _refusals(response)), \
            _refusals(response)
    response = admin.post(f"/unitregistryview/edit/{pk}", follow_redirects=True,
                          data={**form, "credit_code": code.lower()})
    assert [kind for kind, _ in _flashes(response)] == ["success"], _flashes(response)
    with app.app_context():
        unit = db.session.get(Unit, pk)
        assert (unit.contact_phone, unit.credit_code) == (phone, code)  # stored upper-case
        assert (unit.industry_id, unit.bank_branch_id) == (industry, bank)
