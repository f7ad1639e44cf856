"""Field kinds of the business registry and their validators, shared by the wizards and the
Excel import (one validator per kind, so a row is judged the same way on both paths).

``clean(field, raw, choices, today)`` returns the stored value or raises RuleError with the reason.
``choices`` maps a field's ``source`` (e.g. ``"change_reason:add"``) to the codes allowed; ``today``
(default: the real today) bounds dates such as an ID number's birth date, so a batch of 100,000 rows
asks the clock once.
"""
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from stdnum.cn import uscc
from stdnum.exceptions import ValidationError

from rules import id_number
from rules.errors import RuleError
from rules.months import parse_month

NAME_RE = re.compile(r"^[\u4e00-\u9fa5A-Za-z][\u4e00-\u9fa5A-Za-z·• .]{0,48}$")
PHONE_RE = re.compile(r"^1[3-9]\d{9}$")
POSTCODE_RE = re.compile(r"^\d{6}$")
INSURANCE_CODES = frozenset({"110", "210", "310", "410", "510"})


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: str = "text"  # id_number name text month date choice phone money flag insurances year
    #                     credit_code postcode
    required: bool = True
    source: str | None = None  # for choice: which code list
    max_length: int = 100
    help: str = ""


def clean(field: Field, raw, choices: dict[str, dict[str, str]] | None = None,
          today: date | None = None):
    if type(raw) is str:  # nearly every value; NFKC cannot change ASCII, so that skips it
        value = raw.strip() if raw.isascii() else unicodedata.normalize("NFKC", raw).strip()
    else:
        value = _text(raw)
    if value is None or value == "":
        if field.required:
            raise RuleError(f"{field.label}不能为空")
        return None
    return _CLEANERS[field.kind](field, value, choices or {}, today)


def _text(raw):
    if raw is None:
        return None
    if isinstance(raw, (int, Decimal, date, bool)):
        return raw
    # Full-width characters and stray spaces come with text pasted from Word or Excel.
    return unicodedata.normalize("NFKC", str(raw)).strip()


def _id_number(field, value, choices, today):
    return id_number.normalize(value, today)


def _name(field, value, choices, today):
    if not NAME_RE.match(value):
        raise RuleError(f"{field.label}只能包含汉字、字母和间隔号，最长50个字符")
    return value


def _plain(field, value, choices, today):
    value = str(value)
    if len(value) > field.max_length:
        raise RuleError(f"{field.label}不能超过{field.max_length}个字符")
    return value


def _month(field, value, choices, today):
    return parse_month(value, field.label)


def _date(field, value, choices, today):
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).replace("/", "-"))
    except ValueError:
        raise RuleError(f"{field.label}格式应为YYYY-MM-DD") from None


def _choice(field, value, choices, today):
    allowed = choices.get(field.source or "")
    if allowed is None:
        raise RuleError(f"{field.label}缺少可选项")
    value = str(value)
    if value in allowed:
        return value
    for code, name in allowed.items():  # a template may carry the name instead of the code
        if name == value:
            return code
    raise RuleError(f"{field.label}“{value}”不在可选范围内")


def _phone(field, value, choices, today):
    if not PHONE_RE.match(str(value)):
        raise RuleError(f"{field.label}应为11位手机号码")
    return str(value)


def _postcode(field, value, choices, today):
    if not POSTCODE_RE.match(str(value)):
        raise RuleError(f"{field.label}应为6位数字")
    return str(value)


def _credit_code(field, value, choices, today):
    """统一社会信用代码 (GB 32100-2015): stdnum checks its alphabet and MOD 31 check character."""
    try:
        return uscc.validate(value)
    except ValidationError:
        raise RuleError(f"{field.label}“{value}”无效：应为18位代码且校验位正确") from None


def _money(field, value, choices, today):
    try:
        amount = Decimal(str(value).replace(",", ""))
    except InvalidOperation:
        raise RuleError(f"{field.label}应为金额") from None
    if amount < 0 or amount >= Decimal("1e10") or amount != amount.quantize(Decimal("0.01")):
        raise RuleError(f"{field.label}应为不小于0、最多两位小数的金额")
    return amount


def _year(field, value, choices, today):
    """A four-digit year (申报年度): 2026, "2026" or "2026年"."""
    if isinstance(value, (date, datetime)):
        return value.year
    text = str(value).replace("年", "").strip()
    if text.endswith(".0"):  # a number cell read from Excel
        text = text[:-2]
    if not (text.isdigit() and len(text) == 4):
        raise RuleError(f"{field.label}应为四位年份，如2026")
    return int(text)


# 险种 as clerks write them in WPS/Excel: the full name, the name without 保险, the usual short
# name. Each names one 险种 (医疗 is the employees' medical insurance, the only one declared here).
INSURANCE_NAMES = {
    "110": ("企业职工基本养老保险", "基本养老保险", "养老保险", "养老"),
    "210": ("失业保险", "失业"),
    "310": ("职工基本医疗保险", "基本医疗保险", "医疗保险", "医疗", "医保"),
    "410": ("工伤保险", "工伤"),
    "510": ("生育保险", "生育"),
}
_INSURANCE_BY_NAME = {name: code for code, names in INSURANCE_NAMES.items() for name in names}
# Separators of a list typed by hand (after NFKC, which makes ，；　 into ,; and a space).
_INSURANCE_SPLIT = re.compile(r"[,;、/\s]+")


def _insurances(field, value, choices, today):
    words = [w for w in _INSURANCE_SPLIT.split(str(value)) if w]
    codes = sorted({_INSURANCE_BY_NAME.get(w, w) for w in words})
    unknown = [c for c in codes if c not in INSURANCE_CODES]
    if unknown or not codes:
        raise RuleError(f"{field.label}无效：{'、'.join(unknown) or '未选择险种'}")
    return ",".join(codes)


def _flag(field, value, choices, today):
    text = str(value).lower()
    if text in ("1", "true", "y", "yes", "on", "是"):
        return True
    if text in ("0", "false", "n", "no", "off", "否"):
        return False
    raise RuleError(f"{field.label}应为“是”或“否”")


_CLEANERS = {
    "id_number": _id_number, "name": _name, "text": _plain, "month": _month, "date": _date,
    "choice": _choice, "phone": _phone, "money": _money, "flag": _flag,
    "insurances": _insurances, "year": _year, "credit_code": _credit_code,
    "postcode": _postcode,
}
