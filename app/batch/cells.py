"""Cell values as Excel users mean them, before any validator sees them: text in NFKC without
stray spaces and invisibles, dates and months in ISO form whether typed as text, as a date cell, as
yyyymmdd or as Excel's serial number, numbers without a useless ".0", flags as 是/否.

``NORMALIZERS`` maps a field kind to (normalizer of text cells or None, normalizer of every other
cell); every other kind keeps its text as it is and other cells go through ``other_text``.
"""
import re
import unicodedata
from datetime import date, datetime, timedelta
from decimal import Decimal

ID_AS_NUMBER = "身份证号码被存成了数字，可能已丢失末位或X，请将该列设为文本后重新填写"

# After NFKC (which turns full-width and no-break spaces into " "): whitespace and invisibles.
STRIP = " \t\n\r\v\f\x1c\x1d\x1e\x1f\x85\u1680\u2028\u2029\u200b\u200c\u200d\u2060\ufeff"
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
                   r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?|(\d{4})(\d{2})(\d{2})")
_MONTH = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?|(\d{4})(\d{2})")
_EXCEL_EPOCH, _EXCEL_EPOCH_1904 = date(1899, 12, 30), date(1904, 1, 1)


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip(STRIP)


def cell_text(cell) -> str | None:
    """A cell as text (for headers and _meta): numbers without a useless .0."""
    if cell is None or cell == "":
        return None
    return _nfkc(_number_text(cell) if type(cell) in (float, int) else str(cell)) or None


def _number_text(number) -> str:
    if type(number) is float and not (number.is_integer() and abs(number) < 1e15):
        return format(Decimal(f"{number:.15g}"), "f")  # Excel keeps 15 significant digits
    return str(int(number))


def _date_text(text: str) -> str:
    if len(text) == 10 and text[4] == text[7] == "-":
        return text  # already ISO (or hopeless): the validator judges it
    found = _DATE.fullmatch(text)
    if found:
        year, month, day = (int(g) for g in found.groups() if g is not None)
        try:
            return date(year, month, day).isoformat()
        except ValueError:
            pass
    return text


def _month_text(text: str) -> str:
    if len(text) == 7 and text[4] == "-":
        return text
    found = _MONTH.fullmatch(text) or _DATE.fullmatch(text)
    if found:
        year, month = [int(g) for g in found.groups() if g is not None][:2]
        if 1900 <= year and 1 <= month <= 12:
            return f"{year:04d}-{month:02d}"
    return text


def _day(cell, date1904: bool) -> date | None:
    """A date cell, a yyyymmdd number or an Excel serial number as a date; None if none of them."""
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    if type(cell) not in (float, int):
        return None
    if cell == int(cell) and 19000101 <= cell <= 99991231:
        text = _date_text(str(int(cell)))
        return date.fromisoformat(text) if text[4:5] == "-" else None
    if 1 <= cell <= 2958465:
        days = int(cell)
        if date1904:
            return _EXCEL_EPOCH_1904 + timedelta(days=days)
        return _EXCEL_EPOCH + timedelta(days=days + (days < 61))  # Excel's 1900-02-29
    return None


def other_text(cell, date1904: bool = False) -> str:
    if type(cell) in (float, int):
        return _number_text(cell)
    if type(cell) is bool:
        return "TRUE" if cell else "FALSE"
    if isinstance(cell, datetime):
        midnight = cell.time() == datetime.min.time()
        return cell.date().isoformat() if midnight else cell.isoformat(" ")
    return cell.isoformat() if isinstance(cell, date) else str(cell)


def _date_from_other(cell, date1904: bool) -> str:
    day = _day(cell, date1904)
    return day.isoformat() if day else other_text(cell)


def _month_from_other(cell, date1904: bool) -> str:
    if type(cell) in (float, int) and cell == int(cell) and 190001 <= cell <= 999912 \
            and 1 <= int(cell) % 100 <= 12:
        return f"{int(cell) // 100:04d}-{int(cell) % 100:02d}"  # 202611 typed as a number
    day = _day(cell, date1904)
    return f"{day.year:04d}-{day.month:02d}" if day else other_text(cell)


def _year_from_other(cell, date1904: bool) -> str:
    return str(cell.year) if isinstance(cell, date) else other_text(cell)


def _flag_from_other(cell, date1904: bool) -> str:
    return ("是" if cell else "否") if type(cell) is bool else other_text(cell)


def id_from_number(cell, date1904: bool) -> str:
    return other_text(cell)  # a number: the caller adds ID_AS_NUMBER


UNIQUE_KINDS = frozenset({"id_number", "phone"})  # other columns repeat their values a lot
SHARED_MAX = 4096


# kind -> (normalizer of text cells or None, normalizer of every other cell)
NORMALIZERS = {
    "date": (_date_text, _date_from_other),
    "month": (_month_text, _month_from_other),
    "flag": (None, _flag_from_other),
    "year": (None, _year_from_other),
    "id_number": (lambda text: text.lstrip("'"), id_from_number),
}  # every other kind: text as it is, other cells by other_text

