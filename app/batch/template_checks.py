"""What makes an upload this system's template of the right business: its data sheet, the marks
on the hidden _meta sheet, and a header row whose labels map onto the business's fields.
"""
from app.batch.cells import cell_text
from app.batch.errors import BatchFileError
from app.batch.sheet_extent import Extent, column_letters
from rules.business import Business
from rules.business import get as get_business

TEMPLATE_MARK = "shebao-template"
TEMPLATE_VERSIONS = frozenset({"1"})
META_SHEET = "_meta"
SIDE_SHEETS = frozenset({META_SHEET, "代码对应表", "示例"})
# Columns past the template's own that a sheet may use: a stray note in column Z of a small
# sheet is harmless; the bound is on the area (rows × columns) calamine would allocate.
COLUMN_SLACK = 16
MAX_MERGED = 10_000  # merged ranges in the data sheet (each one marks its rows' cells)


def data_sheet(sheets, business: Business):
    named = [s for s in sheets if s[0] == business.name]
    others = [s for s in sheets if s[0] not in SIDE_SHEETS]
    name, part = (named or others or [(None, None)])[0]
    if name is None:
        raise BatchFileError(f"文件中没有数据表，请下载“{business.name}”模板后填写上传",
                             "not_template")
    return name, part


def check_meta(workbook, business: Business) -> None:
    wanted = f"请下载“{business.name}”模板"
    if META_SHEET not in workbook.sheet_names:
        raise BatchFileError(f"不是本系统下载的模板，{wanted}后填写上传", "not_template")
    cells = workbook.get_sheet_by_name(META_SHEET).to_python(skip_empty_area=False)
    mark, code, version = ([cell_text(row[0]) if row else None for row in cells] + [None] * 3)[:3]
    if mark != TEMPLATE_MARK:
        raise BatchFileError(f"不是本系统下载的模板，{wanted}后填写上传", "not_template")
    if code != business.code:
        try:
            other = get_business(code or "")
        except ValueError:
            raise BatchFileError(f"不是本系统下载的模板，{wanted}后填写上传",
                                 "not_template") from None
        raise BatchFileError(f"这是“{other.name}”的模板，{wanted}", "wrong_business")
    if version not in TEMPLATE_VERSIONS:
        raise BatchFileError(f"模板版本已过期，请重新下载“{business.name}”模板", "template_version")


def header_index(first_rows: list, business: Business) -> int:
    """Which of the sheet's first rows holds the header: the first one naming most of the
    template's labels (a clerk's title row above it, as WPS users add, is not the header).
    0 when none names any: the first row is then judged as the header and refused."""
    labels = {f.label for f in business.fields}
    counts = [sum((cell_text(cell) or "").strip("*＊ ") in labels for cell in row)
              for row in first_rows]
    best = max(counts, default=0)
    return counts.index(best) if best else 0


def map_headers(header_row, offset: int, business: Business, number: int = 1):
    """(headers, field name per column, labels of columns ignored as unknown). A column the
    template lacks (备注, 序号 …) is ignored and named; a missing required column or a repeated
    one refuses the file, naming the unknown columns too (a renamed column shows both ways)."""
    headers = [""] * offset + [cell_text(cell) or "" for cell in header_row]
    by_label = {f.label: f for f in business.fields}
    columns, seen, unknown, repeated = [], set(), [], []
    for label in headers:
        f = by_label.get(label.strip("*＊ "))
        if label and f is None:
            unknown.append(label)
        if f is not None and f.name in seen:
            repeated.append(label)
        seen.add(f.name if f else None)
        columns.append(f.name if f else None)
    missing = [f.label for f in business.fields if f.required and f.name not in seen]
    if missing or repeated:
        said = ([f"缺少必填列：{'、'.join(missing)}"] if missing else []) + \
               ([f"无法识别的列：{'、'.join(unknown)}"] if unknown else []) + \
               ([f"重复的列：{'、'.join(repeated)}"] if repeated else [])
        raise BatchFileError(f"第{number}行表头与“{business.name}”模板不一致（{'；'.join(said)}），"
                             "请使用本系统下载的模板，不要修改、删除表头", "headers")
    return headers, columns, unknown


def check_extent(extent: Extent, business: Business, max_rows: int, exactly=None) -> None:
    """Refuses a sheet that would make calamine build a grid far larger than a full template
    does (calamine allocates rows × columns of the used area, ~32 bytes a cell: one cell at
    XFD2000 costs 1 GB). A full template has ``max_rows`` + 1 rows of its own columns.
    ``exactly()`` measures the sheet again cell by cell when the first pass's bound is too large
    to tell."""
    columns = len(business.fields)
    allowed = (max_rows + 1) * (columns + COLUMN_SLACK)
    if extent.cells_bound > allowed and exactly is not None:
        extent = exactly()
    if extent.cells_bound > allowed:
        raise BatchFileError(
            f"表格的已用区域过大（第{extent.rows}行、{column_letters(extent.columns)}列处仍有"
            f"内容），远超“{business.name}”模板的范围（最多{max_rows + 1}行、{columns}列），"
            "请删除模板以外单元格中的内容，或把数据复制到新下载的模板后重新上传", "extent")
    if extent.merged > MAX_MERGED:
        raise BatchFileError(f"表格中合并单元格过多（{extent.merged}处），请取消合并后重新上传",
                             "merged")
