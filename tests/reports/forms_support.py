"""Declaration-like objects for the printed forms, built without a database (the forms read
attributes only), and the code tables they print by name."""
from datetime import datetime
from types import SimpleNamespace

from stdnum.iso7064 import mod_11_2

LOOKUPS = {
    "change_reason": {"101": "新参加工作", "102": "调入", "202": "解除劳动合同",
                      "203": "劳动合同期满终止"},
    "employment_form": {"01": "合同制", "02": "劳务派遣"},
    "person_category": {"01": "城镇职工", "02": "农民工"},
    "insurance": {"110": "企业职工基本养老保险", "210": "失业保险", "310": "职工基本医疗保险",
                  "410": "工伤保险", "510": "生育保险"},
}
UNIT = SimpleNamespace(name="济南泉城示范科技有限公司", unit_no="37010000001")


def id_number(birth: str, seq: int) -> str:
    """A valid 18-digit number of 历下区 (370102) with the right MOD 11-2 check digit."""
    body = f"370102{birth}{seq:03d}"
    return body + mod_11_2.calc_check_digit(body)


def enrollment_item(seq: int, name: str, number: str, **payload) -> SimpleNamespace:
    data = {"id_number": number, "name": name, "gender": "female", "birth_date": "1996-05-08",
            "phone": "13905310000", "employment_form": "02", "person_category": "02",
            "add_reason": "102", "start_month": 202604, "insurances": "110,310", "wage": "4850.5"}
    data.update(payload)
    return SimpleNamespace(seq=seq, id_number=number, name=name, payload=data, status="approved",
                           result_message=None, person=None)


def reduction_item(seq: int, name: str, number: str, **payload) -> SimpleNamespace:
    data = {"id_number": number, "name": name, "reduce_reason": "203", "end_month": 202605}
    data.update(payload)
    return SimpleNamespace(seq=seq, id_number=number, name=name, payload=data, status="approved",
                           result_message=None, person=None)


def declaration(business_code: str, items: list, **fields) -> SimpleNamespace:
    values = dict(serial_no="SB2026041500123", business_code=business_code, unit=UNIT,
                  status="approved", submitted_at=datetime(2026, 4, 15, 9, 41),
                  decided_at=datetime(2026, 4, 16, 14, 5), opinion=None,
                  insurance_codes="110,310", items=items)
    values.update(fields)
    return SimpleNamespace(**values)


def squeeze(text: str) -> str:
    """Text without whitespace: pdftotext -layout drops or adds spaces between CJK glyphs."""
    return "".join(text.split())


def paged_form(text: str, *header: str) -> tuple[list[str], str]:
    """A many-page form's pages (squeezed) after checking each repeats the table ``header``
    and says 第N页共M页; and the whole text."""
    pages = [squeeze(page) for page in text.split("\f") if page.strip()]
    for number, page in enumerate(pages, 1):
        assert all(word in page for word in header), f"page {number} lacks the header"
        assert f"第{number}页共{len(pages)}页" in page
    return pages, "".join(pages)
