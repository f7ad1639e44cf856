"""A3 activation by SMS code and the A2 forced password change that follows it."""
from datetime import datetime, timedelta

from sqlalchemy import select, update

from models.audit import AuditLog
from models.sms import SmsCode, SmsMessage
from tests.account_support import PHONE3, last_code, register
from tests.support import login

NEW_PASSWORD = "Canyin2026ok"


def registered_client(app, unit_no):
    client = app.test_client()
    initial = register(client)
    response = login(client, unit_no, initial)
    assert response.status_code == 302
    return client, initial


def test_new_account_can_only_activate(app, fresh_unit3):
    client, _ = registered_client(app, fresh_unit3)
    for path in ("/", "/unitstaffview/list/", "/account/password/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"].endswith("/account/activate/")


def test_activation_code_goes_to_the_phone_on_record(app, fresh_unit3):
    client, _ = registered_client(app, fresh_unit3)
    client.post("/account/activate/send/")
    from app.extensions import db

    with app.app_context():
        message = db.session.scalars(select(SmsMessage).order_by(SmsMessage.id.desc())).first()
        assert message.phone == PHONE3 and message.purpose == "activate"
        stored = db.session.scalars(select(SmsCode).where(SmsCode.phone == PHONE3)).first()
        assert last_code(app) not in stored.code_hash  # stored hashed


def test_whole_activation_then_forced_password_change(app, fresh_unit3):
    client, initial = registered_client(app, fresh_unit3)
    client.post("/account/activate/send/")
    response = client.post("/account/activate/", data={"code": last_code(app)})
    assert response.headers["Location"].endswith("/account/password/")
    # Activated, but nothing else until the password is changed.
    assert client.get("/").headers["Location"].endswith("/account/password/")
    weak = client.post("/account/password/", data={
        "current": initial, "new": "abc", "repeat": "abc"}).get_data(as_text=True)
    assert "密码长度不能少于8位" in weak
    wrong_current = client.post("/account/password/", data={
        "current": "nope", "new": NEW_PASSWORD, "repeat": NEW_PASSWORD}).get_data(as_text=True)
    assert "当前密码不正确" in wrong_current
    done = client.post("/account/password/", data={
        "current": initial, "new": NEW_PASSWORD, "repeat": NEW_PASSWORD})
    assert done.status_code == 302
    assert client.get("/").status_code == 200
    fresh = app.test_client()
    assert "/login" not in login(fresh, fresh_unit3, NEW_PASSWORD).headers["Location"]
    from app.extensions import db

    with app.app_context():
        actions = set(db.session.scalars(
            select(AuditLog.action).where(AuditLog.username == fresh_unit3)))
    assert {"register", "login", "sms_send", "activate", "password_change"} <= actions


def test_wrong_code_five_tries_then_refused(app, fresh_unit3):
    client, _ = registered_client(app, fresh_unit3)
    client.post("/account/activate/send/")
    right = last_code(app)
    wrong = "000000" if right != "000000" else "111111"
    for _ in range(5):
        page = client.post("/account/activate/", data={"code": wrong}).get_data(as_text=True)
        assert "验证码错误" in page
    page = client.post("/account/activate/", data={"code": right}).get_data(as_text=True)
    assert "错误次数过多" in page


def test_expired_code_is_refused(app, fresh_unit3):
    client, _ = registered_client(app, fresh_unit3)
    client.post("/account/activate/send/")
    from app.extensions import db

    with app.app_context():
        db.session.execute(update(SmsCode).where(SmsCode.phone == PHONE3)
                           .values(expires_at=datetime.now() - timedelta(seconds=1)))
        db.session.commit()
    page = client.post("/account/activate/", data={"code": last_code(app)})
    assert "已过期" in page.get_data(as_text=True)


def test_used_code_cannot_be_reused(app, fresh_unit3):
    client, _ = registered_client(app, fresh_unit3)
    client.post("/account/activate/send/")
    code = last_code(app)
    client.post("/account/activate/", data={"code": code})
    from app.accounts import activate
    from app.errors import Invalid
    from app.extensions import db
    from models.user import ShebaoUser

    with app.test_request_context():
        user = db.session.scalar(select(ShebaoUser).where(ShebaoUser.username == fresh_unit3))
        try:
            activate(user, code)
        except Invalid as refused:
            assert "请先获取" in refused.message
        else:
            raise AssertionError("a used code activated again")


def test_second_send_within_a_minute_is_refused(app, fresh_unit3):
    client, _ = registered_client(app, fresh_unit3)
    client.post("/account/activate/send/")
    page = client.post("/account/activate/send/", follow_redirects=True)
    assert "发送过于频繁" in page.get_data(as_text=True)


def test_daily_send_limit(app, fresh_unit3):
    from app import verification
    from app.errors import TooMany
    from app.extensions import db

    start = datetime.now() - timedelta(hours=20)
    with app.test_request_context():
        for i in range(10):
            verification.issue(PHONE3, "activate", now=start + timedelta(minutes=2 * i))
        db.session.commit()
        try:
            verification.issue(PHONE3, "activate")
        except TooMany as refused:
            assert "上限" in refused.message
        else:
            raise AssertionError("the eleventh send of the day went out")


def test_a_newly_activated_employer_sees_only_its_own_unit(app, fresh_unit3):
    """A3 → A9: the account registered a minute ago is held to its unit like the demo's own,
    on every query list, export and detail page."""
    from app.extensions import db
    from models.unit import Unit
    from tests.test_tenancy import TENANT_VIEWS
    from tests.views.pages import foreign_ids, owned_ids, read_xlsx, route, shown_pks

    client, initial = registered_client(app, fresh_unit3)
    client.post("/account/activate/send/")
    client.post("/account/activate/", data={"code": last_code(app)})
    assert client.post("/account/password/", data={
        "current": initial, "new": NEW_PASSWORD, "repeat": NEW_PASSWORD}).status_code == 302
    with app.app_context():
        unit_id = db.session.scalar(select(Unit.id).where(Unit.unit_no == fresh_unit3))
        scopes = {view: (owned_ids(db.session, view.datamodel.obj, unit_id),
                         foreign_ids(db.session, view.datamodel.obj, unit_id))
                  for view in TENANT_VIEWS}
    reached = 0
    for view, (own, foreign) in scopes.items():
        page = client.get(f"{route(view)}/list/")
        if page.status_code != 200:  # shown inside another page, or not an employer's screen
            continue
        reached += 1
        assert set(shown_pks(page.get_data(as_text=True), view)) <= own, view.__name__
        for pk in foreign:
            assert client.get(f"{route(view)}/show/{pk}").status_code in (403, 404), view.__name__
        export = client.get(f"{route(view)}/export/")
        if export.status_code == 200:
            _, rows, _ = read_xlsx(export.data)
            assert len(rows) <= len(own), view.__name__
    assert reached >= 5
