"""Excel export of a list (E12): a real .xlsx, written row by row (openpyxl write-only mode).

Text that a spreadsheet would take for a formula (= + - @, and tab or carriage return first) is
prefixed with an apostrophe; control characters .xlsx cannot hold are dropped. ID numbers stay
text. At most ``limit`` rows are written; a last row then says the list was cut.
"""
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO

from flask import send_file
from flask_babel import gettext
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell_value(value):
    """A Python value as an .xlsx cell value that can never run as a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return gettext("是") if value else gettext("否")
    if isinstance(value, (int, float, Decimal, date, datetime)):
        return value
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    return "'" + text if text.startswith(FORMULA_START) else text


def write_xlsx(title, headers, rows, limit):
    """The workbook as bytes: one sheet, a header row, at most ``limit`` data rows."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_sheet_title(str(title)))
    for index, header in enumerate(headers, 1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, 2 * len(str(header)))
    sheet.freeze_panes = "A2"
    sheet.append([cell_value(h) for h in headers])
    for count, row in enumerate(rows):
        if count >= limit:
            sheet.append([gettext("仅导出前 %(limit)s 行，请缩小查询范围后再导出", limit=limit)])
            break
        sheet.append([cell_value(v) for v in row])
    buffer = BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def xlsx_response(title, headers, rows, limit):
    buffer = write_xlsx(title, headers, rows, limit)
    stamp = datetime.now().strftime("%Y%m%d%H%M")
    return send_file(buffer, mimetype=XLSX, as_attachment=True,
                     download_name=f"{title}-{stamp}.xlsx")


def _sheet_title(title):
    """Sheet names: at most 31 characters, none of []:*?/\\."""
    return "".join(ch for ch in title if ch not in "[]:*?/\\")[:31] or "Sheet1"
