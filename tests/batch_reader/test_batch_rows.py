"""Rows as the batch reader gives them: Excel's numbers, values normalized, read-level problems."""
import io
import random
from datetime import date, datetime

import pytest

from app.batch import read_batch
from app.batch.reader import FORMULA_WITHOUT_VALUE, ID_AS_NUMBER, MERGED
from rules.business import BUSINESSES
from rules.fields import clean
from tests.batch_reader.workbooks import (
    DATA_PART,
    c1_row,
    excel_style,
    id_number,
    replace_part,
    set_cached_value,
    template,
)

RNG = random.Random(11)
C2_ID = "370102199001011238"


def c2(*rows, edit=None):
    """Rows of 在职减员 (社会保障号码, 姓名, 减员原因, 减员年月), read back."""
    return read_batch(template("C2", rows, edit=edit), "C2").rows


def c1_cells(**changes):
    row = c1_row(RNG)
    names = [f.name for f in BUSINESSES["C1"].fields]
    for name, value in changes.items():
        row[names.index(name)] = value
    return row


def c1(*rows, edit=None):
    return read_batch(template("C1", rows, edit=edit), "C1").rows


def test_a_good_file_round_trips():
    rows = [c1_row(RNG) for _ in range(5)]
    batch = read_batch(template("C1", rows), "C1")
    names = [f.name for f in BUSINESSES["C1"].fields]
    assert batch.business_code == "C1"
    assert batch.columns == names
    assert batch.headers == [f.label for f in BUSINESSES["C1"].fields]
    assert [r.number for r in batch.rows] == [2, 3, 4, 5, 6]
    for row, written in zip(batch.rows, rows, strict=True):
        expected = {n: str(v) for n, v in zip(names, written, strict=True)}
        expected["wage"] = {4500: "4500", 6000.5: "6000.5", 8123.45: "8123.45"}[written[13]]
        assert row.values == expected
        assert row.problems == {}


def test_a_file_saved_by_excel_reads_the_same():
    """Excel keeps strings in xl/sharedStrings.xml where openpyxl writes them inline."""
    data = template("C1", [c1_row(RNG) for _ in range(4)] + [[None] * 15, c1_row(RNG)])
    assert read_batch(excel_style(data), "C1") == read_batch(data, "C1")


def test_the_data_sheet_is_found_by_its_name():
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(template("C2", [[C2_ID, "张三", "11", "2026-11"]])))
    wb.move_sheet("示例", offset=-1)
    out = io.BytesIO()
    wb.save(out)
    assert read_batch(out.getvalue(), "C2").rows[0].values["name"] == "张三"


def test_a_renamed_data_sheet_is_still_read():
    def rename(ws):
        ws.title = "Sheet1"

    assert c2([C2_ID, "张三", "11", "2026-11"], edit=rename)[0].values["name"] == "张三"


def test_data_may_start_in_column_b():
    labels = [f.label for f in BUSINESSES["C2"].fields]
    data = template("C2", [[None, C2_ID, "张三", "11", "2026-11"]], headers=[None, *labels])
    batch = read_batch(data, "C2")
    assert batch.columns == [None, "id_number", "name", "reduce_reason", "end_month"]
    assert batch.rows[0].values == {"id_number": C2_ID, "name": "张三", "reduce_reason": "11",
                                    "end_month": "2026-11"}


def test_values_are_ready_for_the_field_validators():
    choices = {"gender": {"male": "男", "female": "女"}, "nation": {"01": "汉族"},
               "retirement_category": {"male60": "男职工60周岁"},
               "employment_form": {"01": "合同制"}, "person_category": {"01": "在职"},
               "change_reason:add": {"11": "新参保"}}
    row = c1(c1_cells(wage=6000.0))[0]
    cleaned = {f.name: clean(f, row.values[f.name], choices) for f in BUSINESSES["C1"].fields}
    assert cleaned["start_month"] == 202611
    assert str(cleaned["wage"]) == "6000"


# --- ID numbers -----------------------------------------------------------------------------------
def test_an_id_stored_as_a_number_is_a_problem():
    rows = c2([370102199001011238, "张三", "11", "2026-11"], [C2_ID, "李四", "11", "2026-11"])
    assert rows[0].problems == {"id_number": ID_AS_NUMBER}
    assert rows[0].values["id_number"] == "370102199001011000"  # Excel kept 15 digits
    assert rows[1].problems == {}


def test_a_15_digit_id_as_a_number_is_a_problem_too():
    row = c2([370102900101123, "张三", "11", "2026-11"])[0]
    assert row.values["id_number"] == "370102900101123"
    assert row.problems == {"id_number": ID_AS_NUMBER}


def test_id_text_is_cleaned_not_judged():
    rows = c2(["３７０１０２１９９００１０１１２３８", "张三", "11", "2026-11"],
              [" 37010219900101123x\t", "李四", "11", "2026-11"],
              ["'370102199001011238", "王五", "11", "2026-11"],
              ["12345", "赵六", "11", "2026-11"])
    assert [r.values["id_number"] for r in rows] == [
        C2_ID, "37010219900101123x", C2_ID, "12345"]
    assert all(r.problems == {} for r in rows)


# --- dates and months -----------------------------------------------------------------------------
@pytest.mark.parametrize("cell, expected", [
    ("1990-01-05", "1990-01-05"),
    ("1990/1/5", "1990-01-05"),
    ("1990.1.5", "1990-01-05"),
    ("1990年1月5日", "1990-01-05"),
    ("19900105", "1990-01-05"),
    ("1990-01-05 00:00:00", "1990-01-05"),
    ("１９９０－０１－０５", "1990-01-05"),
    (date(1990, 1, 5), "1990-01-05"),
    (datetime(1990, 1, 5, 0, 0), "1990-01-05"),
    (32878, "1990-01-05"),  # a date cell whose format was lost: Excel's serial number
    (32878.75, "1990-01-05"),
    (19900105, "1990-01-05"),
    ("1990-02-30", "1990-02-30"),  # not a date: left for the validator to say so
    ("1990/2/30", "1990/2/30"),
    ("五月", "五月"),
])
def test_birth_dates(cell, expected):
    assert c1(c1_cells(birth_date=cell))[0].values["birth_date"] == expected


@pytest.mark.parametrize("cell, expected", [
    ("2026-11", "2026-11"),
    ("2026/11", "2026-11"),
    ("2026.1", "2026-01"),
    ("2026年11月", "2026-11"),
    ("202611", "2026-11"),
    ("2026-11-01", "2026-11"),
    (date(2026, 11, 1), "2026-11"),  # Excel turns a typed 2026-11 into a date
    (datetime(2026, 11, 1), "2026-11"),
    (202611, "2026-11"),
    (46327, "2026-11"),  # serial of 2026-11-01
    ("2026-13", "2026-13"),
])
def test_months(cell, expected):
    assert c1(c1_cells(start_month=cell))[0].values["start_month"] == expected


def test_dates_in_a_1904_workbook():
    data = template("C1", [c1_cells(birth_date=31416)])  # 1990-01-05 counted from 1904
    data = replace_part(data, "xl/workbook.xml",
                        lambda xml: xml.replace("<workbookPr", '<workbookPr date1904="1"', 1))
    assert read_batch(data, "C1").rows[0].values["birth_date"] == "1990-01-05"


# --- text, numbers, flags -------------------------------------------------------------------------
def test_full_width_and_spaces():
    row = c1(c1_cells(name="\u3000张　三 ", address="  济南市 ", insurances="１１０，２１０",
                      phone="１３８１２３４５６７８", back_pay="\u200b否\ufeff"))[0]
    assert row.values["name"] == "张 三"
    assert row.values["address"] == "济南市"
    assert row.values["insurances"] == "110,210"
    assert row.values["phone"] == "13812345678"
    assert row.values["back_pay"] == "否"


@pytest.mark.parametrize("cell, expected", [
    (6000, "6000"), (6000.0, "6000"), (6000.5, "6000.5"), (8123.45, "8123.45"),
    (0.1 + 0.2, "0.3"), (" 6,000.00 ", "6,000.00"), (1e20, "100000000000000000000"),
])
def test_wages(cell, expected):
    assert c1(c1_cells(wage=cell))[0].values["wage"] == expected


def test_numbers_in_text_columns_lose_the_float():
    row = c1(c1_cells(phone=13812345678, insurances=110, nation=1, add_reason=11))[0]
    assert (row.values["phone"], row.values["insurances"]) == ("13812345678", "110")
    assert (row.values["nation"], row.values["add_reason"]) == ("1", "11")


def test_boolean_cells_in_a_flag_column():
    assert c1(c1_cells(back_pay=True))[0].values["back_pay"] == "是"
    assert c1(c1_cells(back_pay=False))[0].values["back_pay"] == "否"


def test_empty_optional_cells_are_none():
    row = c1(c1_cells(nation=None, address="   ", back_pay=""))[0]
    assert row.values["nation"] is None and row.values["address"] is None
    assert row.values["back_pay"] is None


# --- blank rows, merged cells ---------------------------------------------------------------------
def test_blank_rows_are_skipped_and_numbers_stay_excels():
    rows = c2([C2_ID, "张三", "11", "2026-11"], [None] * 4, ["", " ", "\u3000", None],
              [C2_ID, "李四", "11", "2026-11"], [], [None, None, None, None, "note"])
    assert [r.number for r in rows] == [2, 5]


def test_merged_cells_are_a_problem_on_each_row_they_touch():
    def merge(ws):
        ws.merge_cells("D3:D4")

    rows = c2([C2_ID, "张三", "11", "2026-11"], [C2_ID, "李四", "11", "2026-11"],
              [C2_ID, "王五", "11", None], [C2_ID, "赵六", "11", "2026-11"], edit=merge)
    assert [r.problems for r in rows] == [{}, {"end_month": MERGED}, {"end_month": MERGED}, {}]
    assert rows[1].values["end_month"] == "2026-11" and rows[2].values["end_month"] is None


def test_a_merge_across_columns_names_each_field():
    rows = c2([C2_ID, "张三", "11", "2026-11"], edit=lambda ws: ws.merge_cells("B2:C2"))
    assert rows[0].problems == {"name": MERGED, "reduce_reason": MERGED}


# --- formulas -------------------------------------------------------------------------------------
@pytest.mark.parametrize("saved_by", [lambda data: data, excel_style])
def test_a_formula_with_a_cached_result_gives_the_result(saved_by):
    data = template("C2", [[C2_ID, '="张"&"三"', "11", "=202600+11"]])
    data = set_cached_value(data, "B2", "张三")
    data = set_cached_value(data, "D2", "202611")
    data = replace_part(data, DATA_PART,  # a string result is typed t="str", as Excel does
                        lambda xml: xml.replace('<c r="B2">', '<c r="B2" t="str">'))
    row = read_batch(saved_by(data), "C2").rows[0]
    assert row.values == {"id_number": C2_ID, "name": "张三", "reduce_reason": "11",
                          "end_month": "2026-11"}
    assert row.problems == {}


@pytest.mark.parametrize("saved_by", [lambda data: data, excel_style])
def test_a_formula_without_a_cached_result_is_a_problem(saved_by):
    # openpyxl writes formulas without results, as programs that never run Excel do.
    data = template("C2", [[C2_ID, "张三", "11", "=TEXT(TODAY(),\"yyyy-mm\")"],
                           [None, None, None, "=1+1"]])
    rows = read_batch(saved_by(data), "C2").rows
    assert rows[0].values["end_month"] is None
    assert rows[0].problems == {"end_month": FORMULA_WITHOUT_VALUE}
    assert rows[1].number == 3 and rows[1].problems == {"end_month": FORMULA_WITHOUT_VALUE}


def test_an_error_value_is_a_problem():
    data = template("C2", [[C2_ID, "张三", "=VLOOKUP(1,A1:A2,2)", "2026-11"]])
    data = replace_part(data, DATA_PART, lambda xml: xml.replace(
        '<c r="C2"><f>VLOOKUP(1,A1:A2,2)</f><v /></c>',
        '<c r="C2" t="e"><f>VLOOKUP(1,A1:A2,2)</f><v>#N/A</v></c>'))
    row = read_batch(data, "C2").rows[0]
    assert row.values["reduce_reason"] is None
    assert row.problems == {"reduce_reason": "单元格为错误值#N/A，请更正后重新上传"}


def test_a_formula_in_an_unmapped_column_is_ignored():
    rows = c2([C2_ID, "张三", "11", "2026-11", "=1+1"])
    assert rows[0].problems == {}


# --- every batch business -------------------------------------------------------------------------
SAMPLE = {"id_number": C2_ID, "name": "张三", "gender": "男", "date": "1990-01-05",
          "month": "2026-11", "choice": "01", "phone": "13812345678", "money": "6000.50",
          "flag": "否", "insurances": "110,210", "text": "济南市", "year": "2026"}


@pytest.mark.parametrize("code", [c for c, b in BUSINESSES.items() if b.batch])
def test_every_batch_business_reads_its_own_template(code):
    fields = BUSINESSES[code].fields
    cells = [SAMPLE.get(f.name) or SAMPLE[f.kind] for f in fields]
    row = read_batch(template(code, [cells, [id_number(RNG), *cells[1:]]]), code).rows[0]
    assert row.values == {f.name: cell for f, cell in zip(fields, cells, strict=True)}


def test_a_sheet_written_with_a_namespace_prefix():
    """Some generators (the OpenXML SDK) write <x:row>, <x:c> …: the XML scan follows the prefix."""
    import re

    tags = ("sheetPr|outlinePr|pageSetUpPr|dimension|sheetViews|sheetView|selection|"
            "sheetFormatPr|sheetData|row|c|is|t|v|f|pageMargins|worksheet")

    def prefixed(xml):
        xml = xml.replace("<worksheet xmlns=", "<worksheet xmlns:x=")
        return re.sub(rf"<(/?)({tags})\b", r"<\1x:\2", xml)

    data = template("C2", [[C2_ID, "张三", "11", "=1+1"], [C2_ID, "李四", "11", "2026-11"]])
    rows = read_batch(replace_part(data, DATA_PART, prefixed), "C2").rows
    assert rows[0].problems == {"end_month": FORMULA_WITHOUT_VALUE}
    assert rows[1].values["end_month"] == "2026-11" and rows[1].problems == {}
