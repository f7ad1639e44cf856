"""导入失败人员列表 (H3) and 审核失败人员列表 (reports.excel_errors), read back with openpyxl."""
from datetime import date

import pytest

from reports.excel_errors import (
    ERROR_SHEET, REASON_HEADER, REVIEW_SHEET, ROW_HEADER, error_workbook,
    review_failures_workbook,
)
from rules.business import BUSINESSES, validate
from tests.excel.excel_support import (
    CHOICES, INJECTIONS, PERSON_CODES, RED, calamine_rows, load, sheet_xml, valid_id,
)

BAD = "FFC7CE"


def _bad_rows(business):
    """Three refused rows judged by the registry itself, plus one with a row-level reason."""
    labels = [f.label for f in business.fields]
    raw = [
        {labels[0]: "370102198503120118", labels[1]: "张三"},  # bad check digit, rest empty
        {labels[0]: 3.70102198503121e17, labels[1]: "=HYPERLINK(\"http://x\")"},  # a number
        {labels[0]: valid_id("19850312", 11), labels[1]: "李四"},
    ]
    bad = []
    for number, values in enumerate(raw, start=2):
        payload = {f.name: values.get(f.label) for f in business.fields}
        errors = validate(business, payload, CHOICES, date(2026, 11, 1))[1]
        assert errors
        bad.append({"row": number * 3, "values": values,
                    "errors": {business.field(name).label: reason
                               for name, reason in errors.items()}})
    bad.append({"row": 40, "values": {labels[0]: valid_id("19900721", 22), labels[1]: "王五"},
                "errors": {"": "同一人员在文件中重复出现（第12行）", "单位编号": "缺少列"}})
    return labels, bad


@pytest.mark.parametrize("code", PERSON_CODES)
def test_error_workbook_marks_exactly_the_bad_cells(code):
    business = BUSINESSES[code]
    headers, bad_rows = _bad_rows(business)
    data = error_workbook(business, headers, bad_rows)
    wb = load(data)
    assert wb.sheetnames == [ERROR_SHEET]
    ws = wb.active
    header = [c.value for c in ws[1]]
    assert header == [ROW_HEADER, *headers, REASON_HEADER]
    for cell, label in zip(ws[1][1:-1], headers):
        assert (cell.font.color.rgb == RED) is business.fields[headers.index(label)].required
    assert ws.column_dimensions["B"].number_format == "@"  # the ID column stays text
    assert ws.max_row == len(bad_rows) + 1
    for r, bad in enumerate(bad_rows, start=2):
        row = ws[r]
        assert row[0].value == bad["row"]
        for cell, label in zip(row[1:-1], headers):
            reason = bad["errors"].get(label)
            marked = cell.fill.fill_type == "solid" and cell.fill.fgColor.rgb.endswith(BAD)
            assert marked is bool(reason), (r, label)
            assert (cell.comment.text if cell.comment else None) == reason
            raw = bad["values"].get(label)
            assert cell.value == raw
        reasons = row[-1].value.split("；")
        assert set(reasons) == set(bad["errors"].values())
        assert row[-1].comment is None and row[-1].fill.fill_type is None
    last = ws[len(bad_rows) + 1]
    assert last[-1].value == "同一人员在文件中重复出现（第12行）；缺少列"
    assert not any(c.fill.fill_type for c in last[:-1])  # row-level reasons mark no cell
    assert "<f>" not in sheet_xml(data)


def test_error_workbook_keeps_raw_values_as_typed():
    business = BUSINESSES["C2"]
    headers = ["社会保障号码", "姓名", "减员原因", "减员年月", "备注"]
    bad_rows = [{"row": 2 + i, "values": {"社会保障号码": "37010219850312011X", "姓名": text,
                                          "减员年月": "2026-13", "备注": text},
                 "errors": {"姓名": "姓名只能包含汉字、字母和间隔号，最长50个字符",
                            "减员年月": "减员年月不是有效的年月"}}
                for i, text in enumerate(INJECTIONS)]
    data = error_workbook(business, headers, bad_rows)
    ws = load(data).active
    assert [c.value for c in ws[1]] == ["原行号", *headers, "错误原因"]
    assert ws["F1"].font.color.rgb != RED  # a column the registry does not know: plain header
    expected = [text.replace("\r", "\n") for text in INJECTIONS]  # XML reads a bare CR as LF
    for r, text in enumerate(expected, start=2):
        assert ws[f"C{r}"].value == text and ws[f"C{r}"].data_type == "s"
        assert ws[f"C{r}"].quotePrefix and ws[f"F{r}"].quotePrefix
        assert ws[f"B{r}"].value == "37010219850312011X" and ws[f"B{r}"].number_format == "@"
        assert ws[f"E{r}"].value == "2026-13" and ws[f"E{r}"].fill.fgColor.rgb.endswith(BAD)
        assert not ws[f"D{r}"].fill.fill_type and not ws[f"F{r}"].fill.fill_type
        assert ws[f"G{r}"].value == "姓名只能包含汉字、字母和间隔号，最长50个字符；减员年月不是有效的年月"
    assert [row[2] for row in calamine_rows(data)[1:]] == expected


def test_error_workbook_without_rows_has_the_headers():
    business = BUSINESSES["C1"]
    headers = [f.label for f in business.fields]
    ws = load(error_workbook(business, headers, [])).active
    assert ws.max_row == 1 and [c.value for c in ws[1]][-1] == "错误原因"


def test_review_failures_workbook():
    rows = [
        {"id_number": valid_id("19850312", 11), "name": "张三", "opinion": "材料不全，请补充劳动合同"},
        {"社会保障号码": valid_id("19900721", 22), "姓名": "李娜", "审核意见": "=cmd|' /C calc'!A0"},
        {"seq": 7, "id_number": "370102199007210221", "name": "王五", "reason": "-重复申报"},
    ]
    data = review_failures_workbook(rows)
    wb = load(data)
    assert wb.sheetnames == [REVIEW_SHEET]
    ws = wb.active
    assert [c.value for c in ws[1]] == ["序号", "社会保障号码", "姓名", "审核意见"]
    values = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    assert values == [
        [1, rows[0]["id_number"], "张三", "材料不全，请补充劳动合同"],
        [2, rows[1]["社会保障号码"], "李娜", "=cmd|' /C calc'!A0"],
        [7, "370102199007210221", "王五", "-重复申报"],
    ]
    assert all(ws[f"B{r}"].data_type == "s" and ws[f"B{r}"].number_format == "@"
               for r in (2, 3, 4))
    assert ws["D3"].data_type == "s" and ws["D3"].quotePrefix and ws["D4"].quotePrefix
    assert "<f>" not in sheet_xml(data)
    assert calamine_rows(data)[2][3] == "=cmd|' /C calc'!A0"
