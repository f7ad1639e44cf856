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

    from models.reference import Insurance

    # The demo's unit 3 is registered for all five 险种: its 生育 registration is taken away
    # for the test and put back afterwards.
    with app.app_context():
        unit = db.session.scalar(select(Unit).where(Unit.unit_no == fresh_unit3))
        maternity = db.session.scalar(select(UnitInsurance).join(Insurance).where(
            UnitInsurance.unit_id == unit.id, Insurance.code == "510"))
        kept = {c.name: getattr(maternity, c.name) for c in UnitInsurance.__table__.columns}
        db.session.delete(maternity)
        db.session.commit()
    try:
        page = client.post("/register/", data={"unit_no": fresh_unit3, "insurance": "510"})
        assert "未参加所选险种" in page.get_data(as_text=True)
        page = client.post("/register/", data={"unit_no": fresh_unit3, "insurance": "110"})
        assert "未参加所选险种" not in page.get_data(as_text=True)
    finally:
        with app.app_context():
            db.session.add(UnitInsurance(**kept))
            db.session.commit()


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
