"""A new unit goes from registration to a working account in the browser (issue: accounts)."""
import re

import pytest
from sqlalchemy import select

from models.sms import SmsCode
from tests.account_support import business_no, last_code
from tests.support import browser_login

pytestmark = pytest.mark.e2e
NEW_PASSWORD = "Canyin2026ok"


def let_a_minute_pass(app):
    """The gateway sends one code a minute per phone; the test does not wait for it."""
    from app.extensions import db

    with app.app_context():
        for row in db.session.scalars(select(SmsCode)):
            row.created_at = row.created_at.replace(year=2000)
        db.session.commit()


def test_register_activate_change_password_link_and_login_again(app, live_server, page,
                                                                fresh_unit3):
    page.goto(f"{live_server}/login/")
    page.click("text=单位注册")
    page.fill("#unit_no", fresh_unit3)
    page.select_option("#insurance", "110")
    page.click("text=下一步")
    assert "济南示例餐饮有限公司" in page.inner_text("#unit-facts")
    assert "138****0003" in page.inner_text("#unit-facts")
    page.click("#register-save")
    initial = page.inner_text("#initial-password").strip()

    page.click("text=去登录")
    browser_login(page, live_server, fresh_unit3, initial)
    assert page.url.endswith("/account/activate/")
    page.click("#send-code")
    page.fill("#code", last_code(app))
    page.click("#activate")
    assert page.url.endswith("/account/password/")
    assert "请先修改初始密码" in page.inner_text("body")
    page.fill("#current", initial)
    page.fill("#new", NEW_PASSWORD)
    page.fill("#repeat", NEW_PASSWORD)
    page.click("#password-form [type=submit]")
    assert "密码修改成功" in page.inner_text("body")

    let_a_minute_pass(app)
    number = business_no(app, fresh_unit3, "410")
    page.goto(f"{live_server}/account/link/")
    page.fill("#business_no", number)
    page.click("#link-lookup")
    assert "工伤保险" in page.inner_text("#link-facts")
    page.click("#link-send")
    page.fill("#code", last_code(app))
    page.click("#link-confirm")
    assert re.search(r"已关联业务单位编号", page.inner_text("body"))
    registrations = page.inner_text("#registrations")
    assert number in registrations

    page.goto(f"{live_server}/logout/")
    browser_login(page, live_server, fresh_unit3, NEW_PASSWORD)
    assert "/login" not in page.url and "/account/" not in page.url
    assert "济南示例餐饮有限公司" in page.inner_text("body")
