"""What a person reads on the query and admin screens: names, not codes; months as 2015-01;
times to the minute in lists and to the second on detail pages; the menus a role can open; the
申报业务 search offering the registry's businesses."""
import json
import re
from datetime import datetime

import pytest

from models.declaration import Declaration, DeclarationEvent, Material
from models.sms import SmsMessage
from rules.business import BUSINESSES
from rules.workflow import EVENT_NAMES
from tests.views.pages import shown_pks
from views.declaration_queries import DeclarationView
from views.display_filters import insurances, moment, month

EMPLOYER = "37010000001"
CJK = re.compile(r"[\u4e00-\u9fff]")
MICROSECONDS = re.compile(r"\d{2}:\d{2}:\d{2}\.\d+")


def _text(html: str) -> str:
    html = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _table(html: str) -> str:
    """The list's table only (the search form's kept script holds the dropdown codes)."""
    return _text(html.split('<table class="table table-bordered table-hover">', 1)[-1])


# --- the filters themselves ----------------------------------------------------------------
def test_month_and_moment_read_as_people_write_them():
    assert month(201501) == "2015-01" and month("202612") == "2026-12"
    assert month(None) == "" and month(201513) == "201513"  # not a month: shown as it is
    at = datetime(2026, 12, 7, 14, 3, 9, 123456)
    assert moment(at) == "2026-12-07 14:03"
    assert moment(at, seconds=True) == "2026-12-07 14:03:09"
    assert moment(None) == ""


def test_filters_are_registered_for_templates(app):
    for name in ("month", "moment", "insurances", "event_name", "material_type_name",
                 "item_status_name", "sms_purpose", "sms_status"):
        assert name in app.jinja_env.filters, name
    with app.test_request_context():
        render = app.jinja_env.from_string(
            "{{ 201501 | month }} {{ 'approved' | item_status_name }} {{ 'claim' | event_name }}"
            " {{ 'id_card' | material_type_name }} {{ 'activate' | sms_purpose }}"
            " {{ 'sent' | sms_status }}").render
        assert render() == "2015-01 审核通过 受理 身份证复印件 账号激活 已发送"


@pytest.mark.parametrize("language, expected", [
    ("zh", "养老保险、失业保险、医疗保险"), ("en", "Pension, Unemployment, Medical")])
def test_insurance_codes_read_as_names(app, language, expected):
    from flask_babel import force_locale

    with app.test_request_context(), force_locale(language):
        assert insurances("110,210,310") == expected
        assert insurances(["110", "210", "310"]) == expected


# --- lists and detail pages ------------------------------------------------------------------
def test_declaration_timeline_items_and_materials_in_words(app, as_user, lookup, unit_ids):
    with lookup() as session:
        declaration = session.query(Declaration).filter_by(
            unit_id=unit_ids[EMPLOYER], status="rejected").first()
        pk = declaration.id
        actions = {a for (a,) in session.query(DeclarationEvent.action).filter_by(
            declaration_id=pk)}
        material = Material(declaration_id=pk, material_type="id_card", filename="a.pdf",
                            content_type="application/pdf", size=10, sha256="0" * 64,
                            uploaded_at=datetime.now())
        session.add(material)
        session.commit()
        material_id = material.id
    try:
        page = as_user(EMPLOYER).get(f"/declarationview/show/{pk}").get_data(as_text=True)
    finally:
        with lookup() as session:
            session.delete(session.get(Material, material_id))
            session.commit()
    text = _text(page)
    assert actions >= {"create", "submit", "claim"}
    for action in actions:
        assert f" {EVENT_NAMES[action]} " in text, action
        assert f" {action} " not in text, action
    assert "身份证复印件" in text and " id_card " not in text
    assert "审核不通过" in text and " rejected " not in text
    assert not MICROSECONDS.search(text)
    assert re.search(r"申报日期 \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} ", text)  # detail: seconds


def test_lists_show_months_and_minutes(as_user):
    client = as_user(EMPLOYER)
    declarations = _table(client.get("/declarationview/list/").get_data(as_text=True))
    assert re.search(r" \d{4}-\d{2}-\d{2} \d{2}:\d{2} ", declarations)
    assert not re.search(r"\d{2}:\d{2}:\d{2}", declarations)  # minutes in lists
    assert "养老、" not in declarations and "养老保险、失业保险" in declarations
    for url in ("/unitcontributionview/list/", "/staffchangeview/list/",
                "/billview/list/", "/unitinfoview/list/"):
        table = _table(client.get(url).get_data(as_text=True))
        assert not re.search(r"(?<![\d-])20\d{2}(0[1-9]|1[0-2])(?!\d)", table), url
        assert re.search(r"20\d{2}-\d{2}", table), url


def test_sms_outbox_in_words(as_user, lookup):
    with lookup() as session:
        message = SmsMessage(phone="13800000003", content="【社会保险网上服务】验证码123456",
                             purpose="activate", backend="outbox", status="sent",
                             created_at=datetime(2026, 12, 7, 14, 3, 9, 123456))
        session.add(message)
        session.commit()
        pk = message.id
    try:
        client = as_user("admin")
        listed = _table(client.get("/smsmessageview/list/").get_data(as_text=True))
        shown = _text(client.get(f"/smsmessageview/show/{pk}").get_data(as_text=True))
        client.get("/lang/en")
        english = _table(client.get("/smsmessageview/list/").get_data(as_text=True))
    finally:
        with lookup() as session:
            session.delete(session.get(SmsMessage, pk))
            session.commit()
    assert "账号激活" in listed and "已发送" in listed and "站内记录" in listed
    assert not re.search(r" (activate|sent|outbox) ", listed)
    assert "2026-12-07 14:03 " in listed and "2026-12-07 14:03:09 " in shown
    assert "Account activation" in english or "activation" in english.lower()
    assert "Sent" in english and not re.search(r" (activate|outbox) ", english)


# --- the 申报业务 search ---------------------------------------------------------------------
def test_business_search_offers_the_registry(as_user):
    html = as_user(EMPLOYER).get("/declarationview/list/").get_data(as_text=True)
    options = re.findall(r'option value=\\"(C\w+)\\"', html)
    assert options and set(options) == set(BUSINESSES), options
    assert "C2R" in options and "C22" not in options
    assert json.dumps("离退休人员减员")[1:-1] in html


def test_business_names_follow_the_language(as_user):
    client = as_user(EMPLOYER)
    client.get("/lang/en")
    table = _table(client.get("/declarationview/list/").get_data(as_text=True))
    assert shown_pks(client.get("/declarationview/list/").get_data(as_text=True),
                     DeclarationView)
    assert not CJK.search(table), CJK.findall(table)[:10]


# --- menus -------------------------------------------------------------------------------
def _menu_links(html: str) -> list[str]:
    navbar = html.split('navbar-collapse collapse">', 1)[1].split("navbar-right", 1)[0]
    return sorted(set(re.findall(r'href="(/[^"#]+)"', navbar)))


@pytest.mark.parametrize("role", ["admin", "reviewer", EMPLOYER, "37010000002"])
def test_every_menu_entry_opens_for_its_role(as_user, role):
    client = as_user(role)
    links = _menu_links(client.get("/").get_data(as_text=True))
    assert links
    refused = [(link, code) for link in links
               if (code := client.get(link).status_code) >= 400]
    assert refused == [], refused


def test_admin_menu_has_no_declaration_wizards(as_user):
    html = as_user("admin").get("/").get_data(as_text=True)
    navbar = html.split('navbar-collapse collapse">', 1)[1].split("navbar-right", 1)[0]
    for business in BUSINESSES.values():
        assert f">{business.name}<" not in navbar.replace("&nbsp;", ""), business.code
    assert "社会保险申报" not in navbar and "信息查询" in navbar and "系统管理" in navbar
    employer = as_user(EMPLOYER).get("/").get_data(as_text=True)
    assert "在职增员" in employer  # the units keep them


def test_audit_log_reads_its_actions_as_words(app, as_user):
    from flask_babel import force_locale

    from views.audit_words import audit_action, target_label

    with app.test_request_context():
        assert [audit_action(a) for a in ("login", "declaration_submit", "rate_update",
                                          "insurance_delete", "odd_code")] == \
            ["登录", "申报提交", "费率修改", "险种删除", "odd_code"]
        assert target_label("year_parameter") == "年度参数"
        with force_locale("en"):
            assert audit_action("declaration_submit") == "Declaration: Submit"
            assert not CJK.search(audit_action("rate_update"))
    client = as_user("admin")  # its login wrote a row
    table = _table(client.get("/auditlogview/list/").get_data(as_text=True))
    assert " 登录 " in table and " login " not in table
