"""Resident ID number (GB 11643-1999), which is also the social security number (社会保险法 §58).

Validated by hand with stdnum's MOD 11-2 only: stdnum.cn.ric rejects county codes missing from its
table (old codes stay on real cards) and raises KeyError on some, so it cannot be the validator.

``parse`` does the work once and remembers recent numbers: a row of an import asks for the
normalized number, the birth date and the gender of the same ID several times (field validator,
then each cross-field check), and a 100,000-row file would otherwise pay for each of them.
"""
import re
import unicodedata
from datetime import date
from functools import lru_cache
from typing import NamedTuple

from stdnum.iso7064 import mod_11_2

from rules.errors import InvalidIdNumber

LENGTH = "长度不正确"
BIRTH = "出生日期无效"
CHECK = "校验位错误"
REGION = "地区码无效"

PROVINCE_CODES = frozenset(
    [*range(11, 16), *range(21, 24), *range(31, 38), *range(41, 47),
     *range(50, 55), *range(61, 66), 71, 81, 82]
)
EARLIEST_BIRTH = date(1900, 1, 1)
_SHAPE_HINT = "：应为18位数字（末位可为X）或旧15位数字"


class IdNumber(NamedTuple):
    number: str  # the 18-character form
    birth: date
    gender: str  # 'male' | 'female'


def normalize(number: object, today: date | None = None) -> str:
    """The 18-character form with an uppercase X; legacy 15-digit numbers are upgraded."""
    return parse(number, today).number


def parse(number: object, today: date | None = None) -> IdNumber:
    """Everything the number says, checked as ``normalize`` checks it (``today`` bounds the
    birth date; by default the real today)."""
    if not isinstance(number, str):  # before the cache: an unhashable value must not raise there
        raise InvalidIdNumber(LENGTH, "：应为文本")
    today = today or date.today()
    try:
        parsed = _parse(number)
    except InvalidIdNumber as refused:
        if refused.reason == CHECK:  # a birth date after today is named first, as it always was
            _birth_from_body(_split(_clean(number))[0], today)
        raise
    if parsed.birth > today:
        raise InvalidIdNumber(BIRTH)
    return parsed


@lru_cache(maxsize=1024)
def _parse(number: str) -> IdNumber:
    """All checks but the one against today, which would make the cache depend on the date."""
    body, check = _split(_clean(number))
    if int(body[:2]) not in PROVINCE_CODES:
        raise InvalidIdNumber(REGION)
    born = _birth_from_body(body, None)
    expected = mod_11_2.calc_check_digit(body)
    if check is not None and check != expected:
        raise InvalidIdNumber(CHECK)
    return IdNumber(body + expected, born, "male" if int(body[16]) % 2 else "female")


def is_valid(number: object, today: date | None = None) -> bool:
    try:
        normalize(number, today)
    except InvalidIdNumber:
        return False
    return True


_LIST_SEPARATORS = re.compile(r"[\s,;，；、]+")


def numbers_in(text: str, today: date | None = None) -> tuple[list[str], list[str]]:
    """The ID numbers of a pasted list (one per line, or separated by commas, semicolons or
    、), normalized and each once in the order given; and the pieces that are not ID numbers."""
    numbers, refused = [], []
    for piece in _LIST_SEPARATORS.split(unicodedata.normalize("NFKC", text or "")):
        if not piece:
            continue
        try:
            number = normalize(piece, today)
        except InvalidIdNumber:
            refused.append(piece)
            continue
        if number not in numbers:
            numbers.append(number)
    return numbers, refused


def birth_date(number: str) -> date:
    return parse(number).birth


def gender(number: str) -> str:
    """'male' or 'female' from the 17th digit (odd = male)."""
    return parse(number).gender


def upgrade_15(number: str) -> str:
    """A legacy 15-digit number in its 18-character form (same checks as normalize)."""
    if len(_clean(number)) != 15:
        raise InvalidIdNumber(LENGTH, "：不是15位旧号码")
    return normalize(number)


def _clean(number: object) -> str:
    # An int (Excel turns ID cells into numbers) has lost any X and leading zero: refuse, don't guess.
    if not isinstance(number, str):
        raise InvalidIdNumber(LENGTH, "：应为文本")
    # NFKC folds full-width digits and Ｘ that users paste from Word or Excel (ASCII it leaves).
    if number.isascii():
        return number.strip().upper()
    return unicodedata.normalize("NFKC", number).strip().upper()


def _split(text: str) -> tuple[str, str | None]:
    """The 17 digits the check character covers, and the check character (None for 15 digits)."""
    if len(text) == 15 and _digits(text):
        # Legacy numbers all belong to people born in the 1900s: the century is implied.
        return text[:6] + "19" + text[6:], None
    if len(text) == 18 and _digits(text[:17]):
        return text[:17], text[17]
    raise InvalidIdNumber(LENGTH, _SHAPE_HINT)


def _digits(text: str) -> bool:
    # str.isdigit() also accepts superscripts and other scripts' digits; only ASCII belongs here.
    return text.isascii() and text.isdigit()


def _birth_from_body(body: str, today: date | None) -> date:
    try:
        born = date(int(body[6:10]), int(body[10:12]), int(body[12:14]))
    except ValueError:
        raise InvalidIdNumber(BIRTH) from None
    if born < EARLIEST_BIRTH or (today is not None and born > today):
        raise InvalidIdNumber(BIRTH)
    return born
