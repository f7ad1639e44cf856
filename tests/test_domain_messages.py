"""Every Chinese message of the source is declared for pybabel (views/domain_messages.py) and has
its English; views/message_i18n.py translates them, formatted, joined or nested, when shown."""
import ast
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask_babel import refresh

from views import domain_messages
from views.message_sources import collect, messages_of, template_of

ROOT = Path(__file__).resolve().parents[1]
CJK = re.compile(r"[\u4e00-\u9fff]")
PLACEHOLDER = re.compile(r"%\(\w+\)s")


def test_the_declared_list_matches_the_source(capsys):
    assert domain_messages.main([]) == 0, capsys.readouterr().out


def test_every_declared_message_has_english_and_chinese():
    def catalogue(locale):
        path = ROOT / "translations" / locale / "LC_MESSAGES" / "messages.po"
        with path.open("rb") as handle:
            return {m.id: m for m in read_po(handle) if m.id}

    english, chinese = catalogue("en"), catalogue("zh")
    declared = domain_messages.declared_messages()
    assert len(declared) > 200
    for message in declared:
        entry = english.get(message)
        assert entry is not None and entry.string and not entry.fuzzy, message
        assert not CJK.search(entry.string), f"{message} → {entry.string}"
        assert PLACEHOLDER.findall(entry.string) == PLACEHOLDER.findall(message), message
        assert entry.string.count("%%") == message.count("%%"), message
        if PLACEHOLDER.search(message):
            assert "python-format" in entry.flags, message
        assert chinese[message].string == message


def _messages(source: str) -> list[str]:
    tree = ast.parse(source)
    return [t for _, t in messages_of(tree, {"RuleError", "Invalid"})]


def test_f_strings_become_templates_with_named_placeholders():
    found = _messages(
        'def clean(field, value):\n'
        '    raise RuleError(f"{field.label}“{value}”不在可选范围内，共{len(items)}项，100%")\n')
    assert found == ["%(label)s“%(value)s”不在可选范围内，共%(items)s项，100%%"]
    node = ast.parse('f"{m // 100}年{m % 100:02d}月{m // 100}"').body[0].value
    assert template_of(node) == "%(m)s年%(m_2)s月%(m)s"


def test_what_counts_as_a_message():
    found = _messages(
        'MESSAGE = "常量消息"\n'
        'class Gone(Exception):\n'
        '    """不是消息：文档字符串。"""\n'
        '    message = "类的消息"\n'
        'def check(data):\n'
        '    log.info("日志不算")\n'
        '    text = _("已由gettext提取")\n'
        '    errors["x"] = ("name", "元组里的原因")\n'
        '    problems.append("追加的原因")\n'
        '    why = {"floor": "字典里的原因"}.get(kind, "")\n'
        '    for label, rate in (("单位费率", 1),):\n'
        '        pass\n'
        '    job.write(status="failed", message=f"关键字{n}")\n'
        '    return {"id": "返回的原因"} if data else "否则的原因"\n')
    assert found == ["常量消息", "类的消息", "元组里的原因", "追加的原因", "字典里的原因",
                     "单位费率", "关键字%(n)s", "返回的原因", "否则的原因"]


def test_the_collected_source_holds_the_known_refusals():
    found = {t for _, templates in collect(ROOT) for t in templates}
    for message in ("该人员已在本单位参保，不能重复增员", "%(label)s不能为空",
                    "用户名或密码错误，再错%(max_failures)s次账号将被锁定15分钟",
                    "第%(seq)s行：%(reason)s%(more)s", "身份证号码%(reason)s%(detail)s"):
        assert message in found, message


@pytest.fixture
def english(app):
    from views.message_i18n import translate

    with app.test_request_context("/?_l_=en"):
        refresh()
        yield translate


@pytest.mark.parametrize("chinese, expected", [
    ("该人员已在本单位参保，不能重复增员",
     "This person is already insured at this unit and cannot be enrolled again"),
    ("用户名或密码错误，再错3次账号将被锁定15分钟",
     "Wrong username or password; 3 more failures will lock the account for 15 minutes"),
    ("登录失败次数过多，账号已锁定至2026-12-07 05:00，请稍后再试",
     "Too many failed logins: the account is locked until 2026-12-07 05:00; please try again "
     "later"),
    # a field label and a status name inside a formatted message are words translated too
    ("姓名不能为空", "Name is required"),
    ("申报当前状态为“处理成功”，不能提交",
     "The declaration's status is “Approved”, so “Submit” is not possible"),
    # joined by "；", each translated
    ("姓名不能为空；增员年月不能晚于下月",
     "Name is required; The enrollment month cannot be later than next month"),
    # nested: a message whose value is a message whose values are words
    ("第12行：身份证号码校验位错误",
     "Row 12: The ID number has a wrong check digit"),
    ("身份证号码长度不正确：应为文本", "The ID number has the wrong length: it must be text"),
    ("2019年5月企业职工基本养老保险已缴费，不能重复补缴",
     "2019-5: Enterprise employee basic pension insurance is already paid and cannot be paid "
     "again"),
    # a value that is no known word (a person's name) stays; a known one (备注) is translated
    ("未找到人员张三（370102199001011234）的参保信息",
     "No insurance record found for 张三 (370102199001011234)"),
    ("第1行表头与“在职增员”模板不一致（缺少必填列：姓名、性别；无法识别的列：备注），"
     "请使用本系统下载的模板，不要修改、删除表头",
     "The header in row 1 does not match the \"Staff addition\" template (Required columns "
     "missing: Name, Gender; Unknown columns: Remarks): use the template downloaded from this "
     "system and do not change or delete its headers"),
])
def test_translated_in_english(english, chinese, expected):
    assert english(chinese) == expected


@pytest.mark.parametrize("text", [
    "随便写的一句话", "某某年某某月", "张三", "already English", "", "2026-01"])
def test_unknown_text_passes_through(english, text):
    assert english(text) == text


def test_none_is_empty_and_markup_stays(app):
    from markupsafe import Markup

    from views.message_i18n import domain_msg

    with app.test_request_context("/?_l_=en"):
        assert domain_msg(None) == ""
        built = Markup("<b>姓名不能为空</b>")
        assert domain_msg(built) is built


def test_chinese_is_returned_unchanged(app):
    from views.message_i18n import translate

    with app.test_request_context("/?_l_=zh"):
        refresh()
        for text in ("姓名不能为空；增员年月不能晚于下月",
                     "用户名或密码错误，再错3次账号将被锁定15分钟"):
            assert translate(text) == text


def test_json_messages_follow_the_client(app):
    from views.message_i18n import json_message

    with app.test_request_context("/api/v1/x", headers={"Accept-Language": "en-US,en;q=0.8"}):
        assert json_message("账号尚未激活") == "The account is not activated yet"
    with app.test_request_context("/api/v1/x", headers={"Accept-Language": "zh-CN"}):
        assert json_message("账号尚未激活") == "账号尚未激活"
    with app.test_request_context("/api/v1/x?_l_=en", headers={"Accept-Language": "zh-CN"}):
        assert json_message("账号尚未激活") == "The account is not activated yet"


def test_new_messages_are_appended_to_the_catalogues(tmp_path, monkeypatch):
    for locale in ("zh", "en"):
        folder = tmp_path / "translations" / locale / "LC_MESSAGES"
        folder.mkdir(parents=True)
        source = ROOT / "translations" / locale / "LC_MESSAGES" / "messages.po"
        (folder / "messages.po").write_bytes(source.read_bytes())
    monkeypatch.setattr(domain_messages, "ROOT", tmp_path)
    fresh = "第%(row)s行的新消息"
    assert domain_messages.append_to_catalogues(["%(label)s不能为空", fresh, fresh]) == \
        {"zh": 1, "en": 1}
    assert domain_messages.append_to_catalogues([fresh]) == {"zh": 0, "en": 0}
    for locale, msgstr in (("zh", fresh), ("en", "")):
        path = tmp_path / "translations" / locale / "LC_MESSAGES" / "messages.po"
        with path.open("rb") as handle:
            entry = {m.id: m for m in read_po(handle)}[fresh]
        assert entry.string == msgstr and "python-format" in entry.flags
