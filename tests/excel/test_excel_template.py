"""报盘模板 generated from the registry (reports.excel_template), read back with openpyxl and
calamine."""
import re
from datetime import date, datetime
from decimal import Decimal

import pytest

from reports.excel_template import (
    CODES_SHEET, EXAMPLE_SHEET, LAST_ROW, META_MARK, META_SHEET, TEMPLATE_VERSION, example_rows,
    safe_cell, sheet_title, template_workbook,
)
from rules.business import BUSINESSES, validate
from rules.fields import clean
from tests.excel.excel_support import (
    CHOICES, INJECTIONS, PERSON_CODES, RED, calamine_rows, load, sheet_xml, valid_id,
)

TEXT_KINDS = {"id_number", "phone", "month", "insurances", "text"}


def test_the_choices_cover_every_code_list_of_the_registry():
    sources = {f.source for code in PERSON_CODES for f in BUSINESSES[code].fields if f.source}
    assert sources <= set(CHOICES), f"add {sources - set(CHOICES)} to tests/excel CHOICES"


@pytest.fixture(scope="module")
def templates():
    """One empty template per person business, built once."""
    return {code: template_workbook(BUSINESSES[code], CHOICES) for code in PERSON_CODES}


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


@pytest.mark.parametrize("code", PERSON_CODES)
def test_sheets_in_order_and_meta_hidden(templates, code):
    business = BUSINESSES[code]
    wb = load(templates[code])
    assert wb.sheetnames == [sheet_title(business), CODES_SHEET, EXAMPLE_SHEET, META_SHEET]
    assert wb.active.title == sheet_title(business)
    states = {ws.title: ws.sheet_state for ws in wb.worksheets}
    assert states[META_SHEET] == "hidden"
    assert all(state == "visible" for title, state in states.items() if title != META_SHEET)
    meta = wb[META_SHEET]
    assert (meta["A1"].value, meta["A2"].value, meta["A3"].value) == (
        META_MARK, code, TEMPLATE_VERSION)
    assert calamine_rows(templates[code], 3)[:3] == [["shebao-template"], [code], ["1"]]


def test_sheet_title_is_the_business_name():
    assert sheet_title(BUSINESSES["C1"]) == "在职增员"
    assert sheet_title(BUSINESSES["C2"]) == "在职减员"
    # "/" is not allowed in a sheet title
    assert sheet_title(BUSINESSES["C8"]) == "人员险种增加、减少"


@pytest.mark.parametrize("code", PERSON_CODES)
def test_headers_are_the_labels_required_in_red_with_help(templates, code):
    business = BUSINESSES[code]
    wb = load(templates[code])
    for ws in (wb.worksheets[0], wb[EXAMPLE_SHEET]):
        header = [c for c in ws[1]]
        assert [c.value for c in header] == [f.label for f in business.fields]
        for cell, field in zip(header, business.fields):
            assert cell.font.b
            assert (cell.font.color.rgb == RED) is field.required, field.label
            assert cell.comment is not None and cell.comment.text.startswith(
                "必填" if field.required else "选填")
            if field.kind == "month":
                assert "2026-11" in cell.comment.text
            if field.kind == "insurances":
                assert "110,210,310" in cell.comment.text
    assert calamine_rows(templates[code])[0] == [f.label for f in business.fields]
    assert wb.worksheets[0].max_row == 1  # an empty template: the header only
    assert wb.worksheets[0].freeze_panes == "A2"


@pytest.mark.parametrize("code", PERSON_CODES)
def test_column_formats(templates, code):
    business = BUSINESSES[code]
    ws = load(templates[code]).worksheets[0]
    for i, field in enumerate(business.fields):
        fmt = ws.column_dimensions[_letter(i)].number_format
        expected = ("@" if field.kind in TEXT_KINDS else
                    {"date": "yyyy-mm-dd", "money": "0.00", "year": "0"}.get(field.kind, "General"))
        assert fmt == expected, field.label
    assert ws.column_dimensions["A"].number_format == "@"  # the ID column, every business


@pytest.mark.parametrize("code", PERSON_CODES)
def test_dropdowns_point_at_the_code_table(templates, code):
    business = BUSINESSES[code]
    wb = load(templates[code])
    ws, codes = wb.worksheets[0], wb[CODES_SHEET]
    assert [c.value for c in codes[1]] == ["字段", "代码", "名称"]
    table = [[c.value for c in row] for row in codes.iter_rows(min_row=2)]
    validations = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    expected_columns = set()
    for i, field in enumerate(business.fields):
        letter = _letter(i)
        sqref = f"{letter}2:{letter}{LAST_ROW}"
        if field.kind == "choice":
            expected_columns.add(sqref)
            dv = validations[sqref]
            assert dv.type == "list" and dv.allow_blank and dv.showErrorMessage
            match = re.fullmatch(r"'代码对应表'!\$C\$(\d+):\$C\$(\d+)", dv.formula1)
            assert match, dv.formula1
            first, last = map(int, match.groups())
            block = [[c.value for c in row] for row in codes.iter_rows(min_row=first, max_row=last)]
            source = CHOICES[field.source]
            assert block == [[field.label, c, n] for c, n in source.items()]
        elif field.kind == "flag":
            expected_columns.add(sqref)
            assert validations[sqref].formula1 == '"是,否"'
        elif field.kind == "insurances":
            rows = [r for r in table if r[0] == field.label]
            assert [r[1] for r in rows] == list(business.insurance_scope)
            assert rows[0][2] == "企业职工基本养老保险"
    assert set(validations) == expected_columns  # nothing on the other columns


@pytest.mark.parametrize("code", PERSON_CODES)
def test_example_rows_pass_the_registry_validation(templates, code):
    business = BUSINESSES[code]
    wb = load(templates[code])
    rows = [[c.value for c in row] for row in wb[EXAMPLE_SHEET].iter_rows(min_row=2)]
    read_fast = calamine_rows(templates[code], 2)[1:]
    assert len(rows) == len(read_fast) == 2
    for values in (*rows, *read_fast):
        payload = dict(zip((f.name for f in business.fields), values))
        cleaned, errors = validate(business, payload, CHOICES, date.today())
        assert errors == {}, errors
        assert all(v is not None for v in payload.values())  # every column shown, optional too
    for i, field in enumerate(business.fields):  # examples carry the data sheet's formats
        cell = wb[EXAMPLE_SHEET].cell(row=2, column=i + 1)
        if field.kind in ("id_number", "month", "phone"):
            assert cell.data_type == "s" and cell.number_format == "@"
        if field.kind == "choice":  # names, as users pick them from the dropdown
            assert cell.value in CHOICES[field.source].values()


def test_example_rows_are_valid_on_any_day():
    for code in PERSON_CODES:
        for today in (date(2026, 1, 1), date(2030, 12, 31)):
            for row in example_rows(BUSINESSES[code], CHOICES, today):
                assert validate(BUSINESSES[code], row, CHOICES, today)[1] == {}


def _staff(n: int) -> list[dict]:
    reasons = list(CHOICES["change_reason:reduce"])
    return [{"id_number": valid_id(f"19{70 + i % 30:02d}0{1 + i % 9}1{i % 9}", i % 1000),
             "name": f"职工{chr(0x4e00 + i % 2000)}", "reduce_reason": reasons[i % 3],
             "end_month": 202611} for i in range(n)]


def test_prefilled_rows_are_written_from_row_2():
    business, staff = BUSINESSES["C2"], _staff(50)
    data = template_workbook(business, CHOICES, staff)
    fast = calamine_rows(data)
    assert fast[0] == ["社会保障号码", "姓名", "减员原因", "减员年月"]
    assert len(fast) == 51
    for person, row in zip(staff, fast[1:]):
        assert row == [person["id_number"], person["name"],
                       CHOICES["change_reason:reduce"][person["reduce_reason"]], "2026-11"]
        cleaned, errors = validate(business, dict(zip(
            ("id_number", "name", "reduce_reason", "end_month"), row)), CHOICES, date(2026, 11, 1))
        assert errors == {} and cleaned == person
    ws = load(data).worksheets[0]
    for cell in ws["A"][1:]:
        assert cell.data_type == "s" and cell.number_format == "@"
    assert len(ws.data_validations.dataValidation) == 1


def test_prefilled_enrollment_round_trips():
    """C1 prefilled with stored values (codes, YYYYMM, date, Decimal, bool) reads back the same."""
    business = BUSINESSES["C1"]
    person = {
        "id_number": valid_id("19850312", 11), "name": "张三", "gender": "male",
        "birth_date": date(1985, 3, 12), "nation": "03", "retirement_category": "male",
        "phone": "13800000001", "address": "济南市历下区", "employment_form": "02",
        "person_category": "01", "add_reason": "13", "start_month": 202610,
        "insurances": "110,210,310", "wage": Decimal("6543.21"), "back_pay": True,
        "hukou_place": "山东省济南市历下区", "first_work_month": 200807, "sub_unit": "一车间",
    }
    data = template_workbook(business, CHOICES, [person, {"id_number": "1", "name": None}])
    ws = load(data).worksheets[0]
    assert ws["B2"].value == "张三" and ws["C2"].value == "男" and ws["E2"].value == "回族"
    assert ws["D2"].value == datetime(1985, 3, 12) and ws["D2"].number_format == "yyyy-mm-dd"
    assert ws["L2"].value == "2026-10" and ws["O2"].value == "是"
    assert ws["N2"].number_format == "0.00" and ws["N2"].data_type == "n"
    assert ws["M2"].value == "110,210,310" and ws["M2"].data_type == "s"
    assert ws["A3"].value == "1" and ws["B3"].value is None  # a sparse row: blanks stay blank
    for values in ([c.value for c in ws[2]], calamine_rows(data)[1]):
        payload = dict(zip((f.name for f in business.fields), values))
        cleaned, errors = validate(business, payload, CHOICES, date(2026, 11, 1))
        assert errors == {} and cleaned == person


def test_formula_looking_text_stays_text():
    business = BUSINESSES["C7"]  # 通讯地址 is free text
    rows = [{"id_number": valid_id("19850312", 11), "name": "张三", "address": text,
             "new_name": text} for text in INJECTIONS]
    choices = {**CHOICES, "nation": {"01": "=1+1", "02": "-汉族"}}
    data = template_workbook(business, choices, rows)
    wb = load(data)
    ws = wb.worksheets[0]
    # XML turns a bare CR into LF on reading (openpyxl writes it unescaped): still text
    expected = [text.replace("\r", "\n") for text in INJECTIONS]
    for r, text in enumerate(expected, start=2):
        for col in ("C", "E"):  # 变更后姓名, 通讯地址
            cell = ws[f"{col}{r}"]
            assert cell.value == text and cell.data_type == "s" and cell.quotePrefix
    assert [row[4] for row in calamine_rows(data)[1:]] == expected
    names = [c.value for c in wb[CODES_SHEET]["C"]]
    assert "=1+1" in names and "-汉族" in names
    assert all(c.data_type == "s" for c in wb[CODES_SHEET]["C"])
    for index in (1, 2, 3):
        assert "<f>" not in sheet_xml(data, index)  # no formula anywhere


def test_safe_cell_leaves_ordinary_values_alone():
    from openpyxl import Workbook

    ws = Workbook().active
    for row, value in enumerate(("张三", 12.5, "a=b", "1-2", date(2026, 1, 2)), start=1):
        cell = ws.cell(row=row, column=1)
        safe_cell(cell, value)
        assert cell.value == value and not cell.quotePrefix
    cell = ws["B1"]
    safe_cell(cell, "=A1")
    assert (cell.value, cell.data_type, cell.quotePrefix) == ("=A1", "s", True)


def test_a_missing_code_list_leaves_the_column_without_a_dropdown():
    business = BUSINESSES["C2"]
    choices = {k: v for k, v in CHOICES.items() if k != "change_reason:reduce"}
    wb = load(template_workbook(business, choices))
    assert wb.worksheets[0].data_validations.dataValidation == []
    assert [c.value for c in wb[CODES_SHEET]["A"]] == ["字段"]


def test_last_years_wages_prefill_the_wage_declaration():
    """取上次申报工资 / 导出含数据报盘文件 for 缴费基数申报 (C3): staff with last year's wages."""
    business = BUSINESSES["C3"]
    wages = [Decimal("4800.00"), 5200, 6100.5, "7,000.25", None]
    staff = [{"id_number": valid_id("19850312", i), "name": "张三", "year": year,
              "declared_wage": wage}
             for i, (wage, year) in enumerate(zip(wages, (2026, "2026", 2026, date(2026, 5, 1),
                                                           2026)))]
    data = template_workbook(business, CHOICES, staff)
    ws = load(data).worksheets[0]
    assert [c.value for c in ws[1]] == ["社会保障号码", "姓名", "申报年度", "缴费工资"]
    assert [ws.cell(row=r, column=3).value for r in range(2, 7)] == [2026] * 5
    column = [ws.cell(row=r, column=4) for r in range(2, 7)]
    assert [c.value for c in column] == [4800, 5200, 6100.5, 7000.25, None]
    assert all(c.number_format == "0.00" and c.data_type == "n" for c in column[:4])
    for person, row in zip(staff[:4], calamine_rows(data)[1:5]):
        payload = dict(zip(("id_number", "name", "year", "declared_wage"), row))
        cleaned, errors = validate(business, payload, CHOICES, date(2026, 11, 1))
        assert errors == {}
        assert cleaned["declared_wage"] == Decimal(str(person["declared_wage"]).replace(",", ""))
    field = business.field("declared_wage")
    assert clean(field, column[2].value) == Decimal("6100.5")


@pytest.mark.parametrize("code", PERSON_CODES)
def test_the_upload_reader_takes_a_filled_template(code):
    """The template prefilled with its own examples, and with formula-looking text, goes through
    the batch reader (app.batch.reader) and the registry's validation unchanged."""
    reader = pytest.importorskip("app.batch.reader")
    business, today = BUSINESSES[code], date.today()
    examples = example_rows(business, CHOICES, today)
    batch = reader.read_batch(template_workbook(business, CHOICES, examples), business)
    assert [row.number for row in batch] == [2, 3]
    for row, example in zip(batch, examples):
        assert row.problems == {}
        cleaned, errors = validate(business, row.values, CHOICES, today)
        assert errors == {} and cleaned == validate(business, example, CHOICES, today)[0]
    if code == "C7":
        rows = [{**examples[0], "address": text} for text in INJECTIONS if "\r" not in text]
        batch = reader.read_batch(template_workbook(business, CHOICES, rows), business)
        assert [row.values["address"] for row in batch] == [r["address"].strip() for r in rows]
        assert all(row.problems == {} for row in batch)
