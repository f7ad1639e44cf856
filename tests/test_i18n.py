"""Translations (H7): Chinese by default, English on ?_l_=en; every Chinese message id has its
English, and FAB's strings that its own zh catalogue lacks have their Chinese."""
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from flask_babel import gettext, refresh

ROOT = Path(__file__).resolve().parents[1]
CJK = re.compile(r"[\u4e00-\u9fff]")
PLACEHOLDER = re.compile(r"%\(\w+\)s")


def catalogue(locale):
    path = ROOT / "translations" / locale / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        return read_po(handle)


def extracted():
    """msgid → where, for every message of views/ and app/templates (as babel.cfg extracts)."""
    found = {}
    for folder, method in (("views", "python"), ("app/templates", "jinja2")):
        pattern = "**.py" if method == "python" else "**.html"
        for filename, _, message, *_ in extract_from_dir(
                ROOT / folder, [(pattern, method)], keywords={"_": None, "gettext": None,
                                                               "lazy_gettext": None}):
            found.setdefault(message, f"{folder}/{filename}")
    return found


@pytest.fixture(scope="module")
def compiled():
    for locale in ("zh", "en"):
        mo = ROOT / "translations" / locale / "LC_MESSAGES" / "messages.mo"
        po = mo.with_suffix(".po")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            pytest.fail(f"{mo} is missing or older than its .po: run `make translations`")


def test_every_chinese_message_has_english():
    english = {m.id: m for m in catalogue("en") if m.id}
    messages = {m: where for m, where in extracted().items() if CJK.search(m)}
    assert len(messages) > 150
    for message, where in messages.items():
        entry = english.get(message)
        assert entry is not None and entry.string and not entry.fuzzy, f"{where}: {message}"
        assert not CJK.search(entry.string), f"{where}: {message} → {entry.string}"
        assert PLACEHOLDER.findall(entry.string) == PLACEHOLDER.findall(message), message


def test_chinese_catalogue_holds_our_messages_and_fabs_missing_ones():
    from views.fab_messages import FAB_MESSAGES

    chinese = {m.id: m.string for m in catalogue("zh") if m.id}
    for message in extracted():
        if CJK.search(message):
            assert chinese.get(message) == message, message
    for message in FAB_MESSAGES:
        assert CJK.search(chinese.get(message._args[0], "")), message._args[0]


def test_default_language_is_chinese(app, as_user, compiled):
    login_page = app.test_client().get("/login/").get_data(as_text=True)
    for text in ("用户登录", "单位编号或用户名", "密码"):
        assert text in login_page
    assert "Password" not in login_page
    page = as_user("37010000001").get("/unitstaffview/list/").get_data(as_text=True)
    for text in ("信息查询", "单位人员查询", "社会保障号码", "职工类别", "查看", "导出Excel",
                 "退出登录", "记录数目"):
        assert text in page, text


def test_english_on_request(app, as_user, compiled):
    login_page = app.test_client().get("/login/?_l_=en").get_data(as_text=True)
    for text in ("Log in", "Unit number or username", "Password"):
        assert text in login_page
    assert "用户登录" not in login_page
    page = as_user("37010000001").get("/unitstaffview/list/?_l_=en").get_data(as_text=True)
    for text in ("Queries", "Unit staff", "Social security number", "Staff category",
                 "Insurance status", "Export to Excel", "Record Count", "Employed"):
        assert text in page, text
    for text in ("社会保障号码", "职工类别", "导出Excel", "信息查询"):
        assert text not in page, text


def test_ours_win_and_fabs_still_apply(app, compiled):
    from views.labels import CODES

    with app.test_request_context("/?_l_=zh"):
        assert gettext("Logout") == "退出登录"  # ours, where FAB's zh says 注销
        assert gettext("List Users") == "用户列表"  # FAB's own zh catalogue
        assert gettext("Show") == "查看"  # missing from FAB's zh
    with app.test_request_context("/?_l_=en"):
        refresh()
        for labels in CODES.values():
            for label in labels.values():
                assert not CJK.search(str(label)), label


def test_the_system_name_follows_the_language(app, compiled):
    client = app.test_client()
    assert "<title>Social Insurance Employer Online Services</title>" in \
        client.get("/login/?_l_=en").get_data(as_text=True)
    assert "<title>社会保险单位网上服务系统</title>" in \
        client.get("/login/?_l_=zh").get_data(as_text=True)


def test_registry_help_texts_follow_the_language(as_user, compiled):
    employer = as_user("37010000001")
    english = employer.get("/declare/c5/new/?_l_=en").get_data(as_text=True)
    assert "Monthly contribution wage over the back-pay period (yuan)" in english
    assert "补缴期间月缴费工资" not in english
    chinese = employer.get("/declare/c5/new/?_l_=zh").get_data(as_text=True)
    assert "补缴期间月缴费工资（元）" in chinese
