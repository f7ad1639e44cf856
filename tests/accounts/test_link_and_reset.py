"""A4 险种关联 with an SMS code, A7 password reset by SMS, A8 账号设置."""
import re

from sqlalchemy import func, select

from models.audit import AuditLog
from models.sms import SmsMessage
from models.unit import UnitInsurance
from tests.account_support import business_no, last_code, register
from tests.support import login


def ready_client(app, unit_no):
    """Registered for 养老, activated, password changed."""
    client = app.test_client()
    initial = register(client)
    login(client, unit_no, initial)
    client.post("/account/activate/send/")
    client.post("/account/activate/", data={"code": last_code(app)})
    from app.extensions import db
    from models.sms import SmsCode

    with app.app_context():  # the next send would otherwise wait out the 1-minute limit
        for row in db.session.scalars(select(SmsCode)):
            row.created_at = row.created_at.replace(year=2000)
        db.session.commit()
    client.post("/account/password/", data={
        "current": initial, "new": "Canyin2026ok", "repeat": "Canyin2026ok"})
    return client


def test_link_injury_insurance_with_a_code(app, fresh_unit3):
    client = ready_client(app, fresh_unit3)
    number = business_no(app, fresh_unit3, "410")
    settings = client.get("/account/").get_data(as_text=True)
    assert number in settings and "未关联" in settings
    page = client.post("/account/link/", data={"business_no": number, "action": "lookup"})
    assert "工伤保险" in page.get_data(as_text=True)
    client.post("/account/link/", data={"business_no": number, "action": "send"})
    wrong = client.post("/account/link/", data={"business_no": number, "action": "confirm",
                                               "code": "999999" if last_code(app) != "999999"
                                               else "111111"})
    assert "验证码错误" in wrong.get_data(as_text=True)
    done = client.post("/account/link/", data={"business_no": number, "action": "confirm",
                                              "code": last_code(app)})
    assert done.status_code == 302
    from app.extensions import db

    with app.app_context():
        row = db.session.scalar(select(UnitInsurance).where(UnitInsurance.business_no == number))
        assert row.linked is True


def test_another_units_business_number_cannot_be_linked(app, fresh_unit3):
    client = ready_client(app, fresh_unit3)
    foreign = business_no(app, "37010000001", "410")
    page = client.post("/account/link/", data={"business_no": foreign, "action": "lookup"})
    text = page.get_data(as_text=True)
    assert "未找到本单位" in text and "济南示例科技" not in text


def test_password_reset_by_sms(app, fresh_unit3):
    ready_client(app, fresh_unit3)
    client = app.test_client()
    sent = client.post("/reset/", data={"login": fresh_unit3, "action": "send"})
    assert SENT in sent.get_data(as_text=True)
    weak = client.post("/reset/", data={"login": fresh_unit3, "action": "reset",
                                        "code": last_code(app), "new": "short",
                                        "repeat": "short"})
    assert "密码长度" in weak.get_data(as_text=True)
    done = client.post("/reset/", data={"login": fresh_unit3, "action": "reset",
                                        "code": last_code(app), "new": "Reset2026abc",
                                        "repeat": "Reset2026abc"})
    assert done.status_code == 302
    assert "/login" not in login(app.test_client(), fresh_unit3,
                                 "Reset2026abc").headers["Location"]


SENT = "如该单位编号已注册网上服务账号，验证码已发送至单位登记的专管员手机"


def _flashes(page: str) -> list[tuple[str, str]]:
    return re.findall(r'<div class="alert alert-(\w+)"><button[^>]*>&times;</button>([^<]*)</div>',
                      page)


def _outbox(app) -> int:
    from app.extensions import db

    with app.app_context():
        return db.session.scalar(select(func.count(SmsMessage.id)))


def test_reset_answers_the_same_for_unknown_and_known_numbers(app, fresh_unit3):
    """The page must not tell which unit numbers have an account: same status, same message;
    no SMS for an unknown number, and a known one keeps its limit of one code a minute."""
    ready_client(app, fresh_unit3)
    before = _outbox(app)
    answers = [app.test_client().post("/reset/", data={"login": login_, "action": "send"})
               for login_ in ("37019999999", fresh_unit3, "nobody-here", fresh_unit3)]
    pages = [answer.get_data(as_text=True) for answer in answers]
    assert {answer.status_code for answer in answers} == {200}
    assert all(SENT in page for page in pages)
    assert "账号不存在" not in "".join(pages) and "138****0003" not in "".join(pages)
    assert _flashes(pages[0]) and [_flashes(page) for page in pages[1:]] == [_flashes(pages[0])] * 3
    assert _outbox(app) == before + 1  # the known number's code; the second within the minute
    # was not sent, and the unknown numbers sent nothing


def test_a_new_password_equal_to_the_current_one_is_refused(app, fresh_unit3):
    from app.extensions import db

    def changes():
        with app.app_context():
            return db.session.scalar(select(func.count(AuditLog.id)).where(
                AuditLog.action == "password_change", AuditLog.username == fresh_unit3))

    client = ready_client(app, fresh_unit3)
    before = changes()
    page = client.post("/account/password/", data={
        "current": "Canyin2026ok", "new": "Canyin2026ok", "repeat": "Canyin2026ok"})
    assert "新密码不能与当前密码相同" in page.get_data(as_text=True)
    assert changes() == before


def test_settings_page_shows_unit_and_masked_phone(as_user):
    page = as_user("37010000001").get("/account/").get_data(as_text=True)
    assert "济南示例科技有限公司" in page and "****" in page


def test_queries_offer_only_linked_insurances(app, fresh_unit3):
    client = ready_client(app, fresh_unit3)  # registered for 养老 only
    page = client.get("/unitinfoview/list/").get_data(as_text=True)
    assert business_no(app, fresh_unit3, "110") in page
    assert business_no(app, fresh_unit3, "210") not in page
    staff = client.get("/unitstaffview/list/").get_data(as_text=True)
    assert "养老保险" in staff and "失业保险" not in staff  # a row per person, its 险种 named
