"""Shared data of the Excel tests: a hand-made choices dict (what load_choices() returns from the
code tables, without an app) and readers of generated workbooks."""
from io import BytesIO

import openpyxl
from python_calamine import CalamineWorkbook

from rules.business import BUSINESSES

CHOICES = {
    "gender": {"male": "男", "female": "女"},
    "retirement_category": {"male": "男", "female_55": "女(原55岁)", "female_50": "女(原50岁)"},
    "insurance_direction": {"add": "险种增加", "remove": "险种减少"},
    "employment_form": {"01": "合同制", "02": "劳务派遣", "03": "非全日制"},
    "person_category": {"01": "城镇职工", "02": "农民合同制职工"},
    "change_reason:add": {"11": "新参加工作", "12": "调入", "13": "续保"},
    "change_reason:reduce": {"21": "辞职", "22": "调出", "23": "死亡"},
    "nation": {"01": "汉族", "02": "蒙古族", "03": "回族"},
    "resident_stop_reason": {"employee": "参加职工医保", "death": "死亡", "other": "其他"},
}
PERSON_CODES = [code for code, b in BUSINESSES.items() if b.subject == "person"]
RED = "00FF0000"
INJECTIONS = ("=1+1", '=HYPERLINK("http://evil.example","点我")', "+1+2", "-3+4", "@SUM(A1)",
              "\t=1+1", "\r=1+1", "=cmd|' /C calc'!A0")


def load(data: bytes, **kwargs):
    return openpyxl.load_workbook(BytesIO(data), **kwargs)


def calamine_rows(data: bytes, sheet_index: int = 0) -> list[list]:
    book = CalamineWorkbook.from_filelike(BytesIO(data))
    return book.get_sheet_by_index(sheet_index).to_python(skip_empty_area=False)


def sheet_xml(data: bytes, index: int = 1) -> str:
    from zipfile import ZipFile

    with ZipFile(BytesIO(data)) as z:
        return z.read(f"xl/worksheets/sheet{index}.xml").decode()


def valid_id(birth: str, sequence: int) -> str:
    """An 18-character ID number with a correct check digit (birth as YYYYMMDD)."""
    from stdnum.iso7064 import mod_11_2

    body = f"370102{birth}{sequence:03d}"
    return body + mod_11_2.calc_check_digit(body)
