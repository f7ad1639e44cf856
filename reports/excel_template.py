"""报盘模板 (batch templates) generated from the business registry with openpyxl, never by hand.

``template_workbook(business, choices, rows=None)`` returns a business's template as .xlsx bytes:

- sheet 1, titled with the business name, is the sheet to fill: row 1 holds the ``Field.label``
  of every registry field in order (required ones red bold, each with a comment giving the
  format), data start on row 2. ID, phone, month, 险种 and text columns are formatted as text
  ("@") for the whole column, so Excel keeps leading zeros, a final X and "2026-11" as typed;
  dates are "yyyy-mm-dd", money "0.00". Coded columns get a dropdown (list validation) of the
  names in the 代码对应表 sheet; 是/否 columns a 是,否 dropdown. Users pick the name; the import
  accepts the code or the name (``rules.fields._choice``).
- "代码对应表": one block per coded column (字段 = the column label, 代码, 名称), plus the 险种 codes.
- "示例": the header row and two rows that pass ``rules.business.validate``.
- "_meta" (hidden): A1 "shebao-template", A2 the business code, A3 the template version.

``rows`` prefills the sheet to fill (导出含数据报盘文件, 取上次申报工资): {field name: value}, with
codes written as their names, YYYYMM months as "YYYY-MM" and booleans as 是/否.

A normal (not write-only) workbook: openpyxl's write-only sheets have no data validations, and
5,000 prefilled rows of 在职减员 take about 0.5 s (tests/benchmarks/test_excel_template_speed.py).
"""
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from io import BytesIO

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from stdnum.iso7064 import mod_11_2

from rules.business import validate
from rules.rates import INSURANCE_TYPES

__all__ = ["CODES_SHEET", "EXAMPLE_SHEET", "FORMULA_TRIGGERS", "META_MARK", "META_SHEET",
           "TEMPLATE_VERSION", "column_format", "display_value", "example_rows", "formula_like",
           "safe_cell", "sheet_title", "template_workbook", "write_header"]

CODES_SHEET = "代码对应表"
EXAMPLE_SHEET = "示例"
META_SHEET = "_meta"
META_MARK = "shebao-template"
TEMPLATE_VERSION = "1"
LAST_ROW = 1_048_576  # validations cover the whole column below the header: any batch size fits

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
RED = "FF0000"
TEXT = "@"
FORMATS = {"id_number": TEXT, "phone": TEXT, "month": TEXT, "insurances": TEXT, "text": TEXT,
           "postcode": TEXT, "credit_code": TEXT,
           "date": "yyyy-mm-dd", "money": "0.00", "year": "0"}
WIDTHS = {"id_number": 22, "date": 13, "year": 10, "month": 11, "phone": 14, "money": 13,
          "insurances": 16, "text": 28}
KIND_HELP = {
    "id_number": "18位社会保障号码（身份证号码），按文本填写，末位X大写",
    "name": "汉字、字母和间隔号，最长50个字符",
    "month": "年月格式 2026-11",
    "date": "日期格式 1985-03-12",
    "choice": "从下拉列表选择名称（也可填写代码），可选项见“代码对应表”",
    "phone": "11位手机号码",
    "money": "金额，不小于0，最多两位小数，如 5000.00",
    "flag": "填写“是”或“否”",
    "insurances": "险种代码，逗号分隔，如110,210,310；代码见“代码对应表”",
    "year": "四位年份，如2026",
    "postcode": "6位数字邮政编码，按文本填写",
    "credit_code": "18位统一社会信用代码，按文本填写",
}
FLAG_NAMES = {True: "是", False: "否"}
INVALID_TITLE = str.maketrans({"/": "、", "\\": "、", "[": "(", "]": ")", ":": "：", "*": "_",
                               "?": "？"})


def formula_like(value) -> bool:
    """True for text that Excel (or a CSV reader) would take as the start of a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)


def safe_cell(cell, value) -> None:
    """Write value into an openpyxl cell so formula-looking text (= + - @ tab CR) stays plain text.

    Guards formula injection without changing the data: the cell is a string cell (data_type
    "s", never "f") with Excel's quotePrefix style, so Excel neither evaluates it on opening nor
    when the user edits the cell, and a reader gets the text back without an added apostrophe
    (only a bare CR comes back as LF: XML reads it so).
    """
    cell.value = value
    if formula_like(value):
        cell.data_type = "s"
        cell.quotePrefix = True


def sheet_title(business) -> str:
    """The business name as a sheet title (Excel forbids / \\ [ ] : * ? and allows 31 chars)."""
    return business.name.translate(INVALID_TITLE)[:31]


def column_format(field) -> str | None:
    return FORMATS.get(field.kind)


def field_help(field) -> str:
    text = field.help or KIND_HELP.get(field.kind) or f"最多{field.max_length}个字符"
    if field.kind == "insurances" and "110" not in text:
        text += "，如110,210,310"
    return f"{'必填' if field.required else '选填'}。{text}"


def write_header(ws, labels_fields, row: int = 1) -> None:
    """Header cells: red bold for required fields, black bold otherwise, a help comment each.

    ``labels_fields`` is a list of (label, Field or None); None gives a plain bold header.
    """
    for col, (label, field) in enumerate(labels_fields, start=1):
        cell = ws.cell(row=row, column=col)
        safe_cell(cell, label)
        required = field is not None and field.required
        cell.font = Font(bold=True, color=RED if required else "000000")
        if field is not None:
            comment = Comment(field_help(field), "shebao")
            comment.width, comment.height = 240, 80
            cell.comment = comment


def display_value(field, value, choices: dict):
    """A stored or typed value as the template shows it (names for codes, 2026-11 for 202611)."""
    if value is None or value == "":
        return None
    kind = field.kind
    if kind == "choice":
        names = choices.get(field.source or "", {})
        return names.get(str(value), value)
    if kind == "flag":
        if isinstance(value, bool):
            return FLAG_NAMES[value]
        return value
    if kind == "month":
        if isinstance(value, (date, datetime)):
            return f"{value.year:04d}-{value.month:02d}"
        if isinstance(value, int) and not isinstance(value, bool) and 100000 <= value <= 999999:
            return f"{value // 100:04d}-{value % 100:02d}"
        return str(value)
    if kind == "date":
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            return str(value)
    if kind == "money":
        if isinstance(value, (Decimal, int)) and not isinstance(value, bool):
            return value
        if isinstance(value, float):
            return Decimal(str(value))
        try:
            return Decimal(str(value).replace(",", ""))
        except InvalidOperation:
            return str(value)
    if kind == "year":
        if isinstance(value, (date, datetime)):
            return value.year
        text = str(value).strip()
        return int(text) if text.isdigit() else text
    if kind in ("id_number", "phone", "insurances", "text", "postcode", "credit_code"):
        return str(value)  # text columns hold text, never a number Excel would reformat
    return value


def _write_rows(ws, fields, rows, choices, start_row: int = 2) -> None:
    formats = [column_format(f) for f in fields]
    for r, row in enumerate(rows, start=start_row):
        for c, field in enumerate(fields, start=1):
            value = display_value(field, row.get(field.name), choices)
            if value is None:
                continue
            cell = ws.cell(row=r, column=c)
            safe_cell(cell, value)
            if formats[c - 1]:
                cell.number_format = formats[c - 1]


def _set_columns(ws, fields) -> None:
    for col, field in enumerate(fields, start=1):
        dim = ws.column_dimensions[get_column_letter(col)]
        dim.width = max(WIDTHS.get(field.kind, 12), len(field.label) * 2 + 4)
        fmt = column_format(field)
        if fmt:
            dim.number_format = fmt  # cells typed later in Excel take the column's format


def _codes_sheet(wb, business, choices) -> dict[str, str]:
    """Write 代码对应表; return {field name: absolute range of that column's names}."""
    ws = wb.create_sheet(CODES_SHEET)
    write_header(ws, [("字段", None), ("代码", None), ("名称", None)])
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 12
    ws.column_dimensions["C"].width = 28
    ws.column_dimensions["B"].number_format = TEXT
    ranges, row = {}, 2
    sheet = quote_sheetname(CODES_SHEET)
    for field in business.fields:
        if field.kind == "choice":
            items = list(choices.get(field.source or "", {}).items())
        elif field.kind == "insurances":
            items = [(code, INSURANCE_TYPES.get(code, code)) for code in business.insurance_scope]
        else:
            continue
        if not items:
            continue
        first = row
        for code, name in items:
            safe_cell(ws.cell(row=row, column=1), field.label)
            code_cell = ws.cell(row=row, column=2)
            safe_cell(code_cell, str(code))
            code_cell.number_format = TEXT
            safe_cell(ws.cell(row=row, column=3), name)
            row += 1
        if field.kind == "choice":
            ranges[field.name] = f"{sheet}!$C${first}:$C${row - 1}"
    ws.freeze_panes = "A2"
    return ranges


def _validations(ws, business, ranges) -> None:
    for col, field in enumerate(business.fields, start=1):
        letter = get_column_letter(col)
        if field.kind == "choice" and field.name in ranges:
            formula = ranges[field.name]
            message = f"请从下拉列表中选择{field.label}"
        elif field.kind == "flag":
            formula = '"是,否"'
            message = f"{field.label}请选择“是”或“否”"
        else:
            continue
        dv = DataValidation(type="list", formula1=formula, allow_blank=True,
                            showErrorMessage=True, errorTitle=field.label, error=message,
                            showInputMessage=True, promptTitle=field.label,
                            prompt=field_help(field)[:255])
        dv.add(f"{letter}2:{letter}{LAST_ROW}")
        ws.add_data_validation(dv)


def _example_id(birth: date, sequence: int) -> str:
    body = f"370102{birth:%Y%m%d}{sequence:03d}"
    return body + mod_11_2.calc_check_digit(body)


EXAMPLE_PEOPLE = (
    {"id_number": _example_id(date(1985, 3, 12), 11), "name": "张三", "gender": "male",
     "birth_date": date(1985, 3, 12), "retirement_category": "male", "new_name": "张山",
     "phone": "13800000001", "address": "济南市历下区泉城路1号", "wage": Decimal("5000.00"),
     "hukou_place": "山东省济南市历下区", "first_work_month": 200709, "sub_unit": "综合部"},
    {"id_number": _example_id(date(1990, 7, 21), 22), "name": "李娜", "gender": "female",
     "birth_date": date(1990, 7, 21), "retirement_category": "female_55", "new_name": "李楠",
     "phone": "13900000002", "address": "渭南市临渭区朝阳大街2号", "wage": Decimal("6500.50"),
     "hukou_place": "陕西省渭南市临渭区", "first_work_month": 201209, "sub_unit": "销售部"},
)


def example_rows(business, choices: dict, today: date | None = None) -> list[dict]:
    """Two rows {field name: stored value} that pass ``rules.business.validate`` on ``today``.

    Months and 是/否 flags depend on the business's checks (增员 this month, or an earlier month
    with 追溯补缴; 补缴 only before this month …): each row takes the first of a few candidates
    that the registry accepts, row 1 preferring this month and 否, row 2 last month and 是.
    """
    today = today or date.today()
    this_month = today.year * 100 + today.month
    last_month = this_month - 1 if today.month > 1 else (today.year - 1) * 100 + 12
    orders = (((this_month, False), (last_month, False), (last_month, True), (this_month, True)),
              ((last_month, True), (last_month, False), (this_month, False), (this_month, True)))
    rows = []
    for i, (person, order) in enumerate(zip(EXAMPLE_PEOPLE, orders)):
        for month, flag in order:
            row = {f.name: _example_value(business, f, person, i, month, flag, today, choices)
                   for f in business.fields}
            if not validate(business, row, choices, today)[1]:
                break
        rows.append(row)  # the last candidate if none passes: the tests say which business
    return rows


def _example_value(business, field, person, i, month, flag, today, choices):
    kind = field.kind
    if kind == "choice":
        codes = list(choices.get(field.source or "", {}))
        preferred = person.get(field.source) if field.source in ("gender", "retirement_category") \
            else None
        if preferred in codes:
            return preferred
        return codes[min(i, len(codes) - 1)] if codes else None
    if field.name in person and kind in ("id_number", "name", "date", "phone", "text", "money",
                                         "month"):
        value = person[field.name]
        return value[:field.max_length] if isinstance(value, str) and kind == "text" else value
    if kind == "id_number":
        return person["id_number"]
    if kind == "name":
        return person["name"]
    if kind == "month":
        return month
    if kind == "year":
        return today.year
    if kind == "date":
        return today
    if kind == "phone":
        return person["phone"]
    if kind == "money":
        return person["wage"]
    if kind == "flag":
        return flag
    if kind == "insurances":
        return ",".join(business.insurance_scope[:3])
    return ("示例文本" if field.max_length >= 4 else "1" * field.max_length)


def template_workbook(business, choices: dict, rows: list[dict] | None = None) -> bytes:
    """The business's 报盘模板 as .xlsx bytes, optionally prefilled with ``rows`` from row 2."""
    fields = list(business.fields)
    wb = Workbook()
    ws = wb.active
    ws.title = sheet_title(business)
    write_header(ws, [(f.label, f) for f in fields])
    _set_columns(ws, fields)
    ws.freeze_panes = "A2"
    if rows:
        _write_rows(ws, fields, rows, choices)

    ranges = _codes_sheet(wb, business, choices)
    _validations(ws, business, ranges)

    example = wb.create_sheet(EXAMPLE_SHEET)
    write_header(example, [(f.label, f) for f in fields])
    _set_columns(example, fields)
    _write_rows(example, fields, example_rows(business, choices), choices)

    meta = wb.create_sheet(META_SHEET)
    meta["A1"], meta["A2"], meta["A3"] = META_MARK, business.code, TEMPLATE_VERSION
    meta.sheet_state = "hidden"

    wb.active = 0
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
