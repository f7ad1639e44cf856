"""导入失败人员列表 with reasons of the whole file: each said once above the header, the rows
below it as before."""
import io

from openpyxl import load_workbook

from reports.excel_errors import BAD_FILL, REASON_HEADER, ROW_HEADER, error_workbook
from rules.business import get as get_business

HEADERS = ["社会保障号码", "姓名", "申报年度", "缴费工资"]


def test_a_file_reason_is_said_once_above_the_header():
    bad = [{"row": 7, "values": {"姓名": "张三", "申报年度": "2025"},
            "errors": {"申报年度": "申报年度2025与本文件其他行（2026）不一致"}}]
    data = error_workbook(get_business("C3"), HEADERS, bad,
                          ["整个文件（4999行）：本单位2026年度已申报缴费基数"])
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    assert sheet["A1"].value == "整个文件（4999行）：本单位2026年度已申报缴费基数"
    assert sheet["A1"].fill.start_color.rgb.endswith(BAD_FILL.start_color.rgb[-6:])
    assert "A1:F1" in {str(r) for r in sheet.merged_cells.ranges}
    assert [c.value for c in sheet[2]] == [ROW_HEADER, *HEADERS, REASON_HEADER]
    assert sheet["A3"].value == 7 and sheet["D3"].comment is not None
    assert sheet.max_row == 3 and sheet.freeze_panes == "B3"


def test_without_notes_the_header_stays_on_row_one():
    sheet = load_workbook(io.BytesIO(error_workbook(get_business("C3"), HEADERS, []))).worksheets[0]
    assert sheet["A1"].value == ROW_HEADER and sheet.freeze_panes == "B2"


def test_a_note_that_looks_like_a_formula_stays_text():
    data = error_workbook(get_business("C3"), HEADERS, [], ["=HYPERLINK(\"x\")"])
    cell = load_workbook(io.BytesIO(data)).worksheets[0]["A1"]
    assert cell.data_type == "s" and cell.value == "=HYPERLINK(\"x\")"
