"""Workbooks a unit downloads after a batch: 导入失败人员列表 (H3) and 审核失败人员列表.

``error_workbook(business, headers, bad_rows)``: the rows an import refused, as the user typed
them, under the file's own headers, with "原行号" (the row number in the uploaded file) first and
"错误原因" (every reason of the row, joined "；") last. Each cell a reason names is filled light
red (FFC7CE) and carries that reason as a comment; reasons not tied to a column (key "" or a
header the file lacks) appear in 错误原因 only. The reasons are written in the current locale's
language (views/message_i18n.py: the uploader's, as the workbook is made at import time); the
headers stay the template's, so the corrected file can be uploaded again.

``review_failures_workbook(rows)``: 序号, 社会保障号码, 姓名, 审核意见 of the persons the center
refused, the opinions in the current locale's language. Every text goes through ``safe_cell``
(formula injection).
"""
from io import BytesIO

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from reports.excel_template import column_format, display_value, safe_cell, write_header

__all__ = ["BAD_FILL", "ERROR_SHEET", "REASON_HEADER", "REVIEW_COLUMNS", "REVIEW_SHEET",
           "ROW_HEADER", "error_workbook", "review_failures_workbook"]

ERROR_SHEET = "导入失败人员列表"
REVIEW_SHEET = "审核失败人员列表"
ROW_HEADER = "原行号"
REASON_HEADER = "错误原因"
SEPARATOR = "；"
NOTE_FONT = Font(bold=True, color="9C0006")
BAD_FILL = PatternFill(fill_type="solid", start_color="FFC7CE", end_color="FFC7CE")
# (header, keys a row may use for it): the field name or the label itself
REVIEW_COLUMNS = (("序号", ("seq", "序号")), ("社会保障号码", ("id_number", "社会保障号码")),
                  ("姓名", ("name", "姓名")), ("审核意见", ("opinion", "reason", "审核意见")))


def error_workbook(business, headers: list[str], bad_rows: list[dict], notes=()) -> bytes:
    """导入失败人员列表 as .xlsx bytes.

    ``bad_rows``: [{"row": original row number, "values": {header: raw value},
    "errors": {header or "": reason}}]. Raw values are written as read (not cleaned), so the
    user sees exactly what was wrong. ``notes``: reasons of the whole file, each said once in a
    row of its own above the header (the rows they refuse are not listed one by one).
    """
    from views.message_i18n import translate

    by_label = {f.label: f for f in business.fields}
    wb = Workbook()
    ws = wb.active
    ws.title = ERROR_SHEET
    columns = [(ROW_HEADER, None), *((h, by_label.get(h)) for h in headers), (REASON_HEADER, None)]
    for r, note in enumerate(notes, start=1):
        cell = ws.cell(row=r, column=1)
        safe_cell(cell, str(note))
        cell.font = NOTE_FONT
        cell.fill = BAD_FILL
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=len(columns))
    top = len(notes)  # rows above the header
    write_header(ws, columns, row=top + 1)
    for col, (label, field) in enumerate(columns, start=1):
        dim = ws.column_dimensions[get_column_letter(col)]
        dim.width = 40 if label == REASON_HEADER else max(10, len(str(label)) * 2 + 4)
        if field is not None and field.kind == "id_number":
            dim.width = 22
        fmt = column_format(field) if field is not None else None
        if fmt:
            dim.number_format = fmt
    reason_col = len(columns)
    for r, bad in enumerate(bad_rows, start=top + 2):
        safe_cell(ws.cell(row=r, column=1), bad.get("row"))
        values = bad.get("values") or {}
        errors = {key: translate(reason) for key, reason in (bad.get("errors") or {}).items()}
        for c, header in enumerate(headers, start=2):
            value = values.get(header)
            cell = ws.cell(row=r, column=c)
            if value not in (None, ""):
                field = by_label.get(header)
                if field is not None and field.kind == "date":
                    value = display_value(field, value, {})
                safe_cell(cell, value)
                fmt = column_format(field) if field is not None else None
                if fmt:
                    cell.number_format = fmt
            reason = errors.get(header)
            if reason:
                cell.fill = BAD_FILL
                cell.comment = Comment(str(reason), "shebao", width=240, height=60)
        safe_cell(ws.cell(row=r, column=reason_col), _reasons(headers, errors))
    ws.freeze_panes = f"B{top + 2}"
    return _save(wb)


def _reasons(headers, errors: dict) -> str:
    ordered = [errors[h] for h in headers if errors.get(h)]
    ordered += [reason for key, reason in errors.items() if key not in headers and reason]
    seen = []
    for reason in map(str, ordered):
        if reason not in seen:
            seen.append(reason)
    return SEPARATOR.join(seen)


def review_failures_workbook(rows: list[dict]) -> bytes:
    """审核失败人员列表 as .xlsx bytes; rows use field names (id_number, name, opinion) or the
    headers themselves; 序号 defaults to the position (1, 2, …)."""
    from views.message_i18n import translate

    wb = Workbook()
    ws = wb.active
    ws.title = REVIEW_SHEET
    write_header(ws, [(label, None) for label, _ in REVIEW_COLUMNS])
    for letter, width, fmt in (("A", 8, None), ("B", 22, "@"), ("C", 12, None), ("D", 50, None)):
        ws.column_dimensions[letter].width = width
        if fmt:
            ws.column_dimensions[letter].number_format = fmt
    for r, row in enumerate(rows, start=2):
        for c, (_label, keys) in enumerate(REVIEW_COLUMNS, start=1):
            value = next((row[k] for k in keys if row.get(k) not in (None, "")), None)
            if c == 1 and value is None:
                value = r - 1
            if c == 2 and value is not None:
                value = str(value)
            if c == 4 and value is not None:
                value = translate(value)
            cell = ws.cell(row=r, column=c)
            safe_cell(cell, value)
            if c == 2:
                cell.number_format = "@"
    ws.freeze_panes = "A2"
    return _save(wb)


def _save(wb) -> bytes:
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
