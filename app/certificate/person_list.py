"""The uploaded list of people to certify (报盘 of 打印单位参保人员证明): an .xlsx with a
社会保障号码 (or 身份证号码) column and a 姓名 column, a header row within the first rows.

The file goes through the same first refusals as every upload (app.batch.workbook: size, what
the bytes really are, the zip directory against a zip bomb) with tighter bounds, then calamine
reads the first sheet. Each row is judged against the unit's people in one query per 500 IDs:
a row whose ID and name do not name a person of this unit is an error row with one reason for
every case — unknown ID, another unit's person, wrong name — so the list reveals nothing
about people outside the unit.
"""
import io
from dataclasses import dataclass, field

import sqlalchemy as sa
from python_calamine import CalamineWorkbook

from app.batch.cells import ID_AS_NUMBER, cell_text
from app.batch.errors import BatchFileError, corrupt
from app.batch.reader import _calamine_errors as calamine_errors
from app.batch.sheet_scan import exact_extent
from app.batch.workbook import open_xlsx, sheets_of
from app.extensions import db
from models.person import Person
from rules import id_number

MAX_ROWS = 1000
MAX_COLUMNS = 50
MAX_BYTES = 2 * 1024 * 1024
MAX_UNZIPPED = 40 * 1024 * 1024
HEADER_SEARCH = 5
# Header words (data, not messages): the ID column under any of its usual names.
ID_HEADERS = frozenset("社会保障号码 身份证号码 公民身份号码 证件号码 身份证号".split())
NAME_HEADERS = frozenset("姓名".split())
NOT_OURS = "未找到该人员：社会保障号码与姓名不是本单位参保人员"


@dataclass
class Checked:
    persons: list = field(default_factory=list)  # Person rows of this unit, in file order
    errors: list = field(default_factory=list)  # (Excel row number, ID as typed, reason)
    rows: int = 0


def read_rows(data: bytes) -> list[tuple[int, str, str, str | None]]:
    """(Excel row, ID text, name, problem) of each non-empty row; BatchFileError for the file."""
    if len(data) > MAX_BYTES:
        raise BatchFileError(f"文件过大（{len(data) / 2**20:.1f} MB），最大允许"
                             f"{MAX_BYTES / 2**20:g} MB", "too_big")
    archive = open_xlsx(data, MAX_UNZIPPED)
    sheets, _date1904 = sheets_of(archive)
    if not sheets or not sheets[0][1]:
        raise corrupt()
    # calamine builds the sheet's whole grid: bound it by the cells the XML names first.
    extent = exact_extent(archive, sheets[0][1])
    if extent.rows > MAX_ROWS + HEADER_SEARCH + 1:
        raise BatchFileError(f"人员名单最多{MAX_ROWS}行，请分成几个文件上传", "too_many_rows")
    if extent.columns > MAX_COLUMNS:
        raise BatchFileError(f"名单的列数过多（超过{MAX_COLUMNS}列），请只保留社会保障号码和姓名两列",
                             "too_many_columns")
    with calamine_errors(), CalamineWorkbook.from_filelike(io.BytesIO(data)) as book:
        grid = book.get_sheet_by_index(0).to_python()
    at, id_col, name_col = _header(grid)
    rows = []
    for offset, cells in enumerate(grid[at + 1:], start=at + 2):
        raw_id = cells[id_col] if id_col < len(cells) else None
        name = cell_text(cells[name_col]) if name_col < len(cells) else None
        if raw_id in (None, "") and not name:
            continue
        problem = ID_AS_NUMBER if type(raw_id) in (int, float) else None
        rows.append((offset, (cell_text(raw_id) or "").lstrip("'").upper(), name or "", problem))
    if not rows:
        raise BatchFileError("名单中没有人员，请从第2行起填写社会保障号码和姓名", "no_rows")
    if len(rows) > MAX_ROWS:
        raise BatchFileError(f"人员名单最多{MAX_ROWS}行，请分成几个文件上传", "too_many_rows")
    return rows


def _header(grid) -> tuple[int, int, int]:
    for at, cells in enumerate(grid[:HEADER_SEARCH]):
        texts = [cell_text(c) or "" for c in cells]
        id_col = next((i for i, t in enumerate(texts) if t in ID_HEADERS), None)
        name_col = next((i for i, t in enumerate(texts) if t in NAME_HEADERS), None)
        if id_col is not None and name_col is not None:
            return at, id_col, name_col
    raise BatchFileError("未找到表头：名单第一行应有“社会保障号码”和“姓名”两列，"
                         "请下载模板填写", "no_header")


def check(unit_id: int, data: bytes) -> Checked:
    """The file's rows matched to the unit's people (see the module's docstring)."""
    from views.tenancy import unit_scope

    rows = read_rows(data)
    checked = Checked(rows=len(rows))
    judged, wanted = [], {}
    for number, typed, name, problem in rows:
        if problem is None and not id_number.is_valid(typed):
            problem = "社会保障号码格式不正确"
        normal = id_number.normalize(typed) if problem is None else None
        if normal is not None:
            wanted[normal] = None
        judged.append((number, typed, name, normal, problem))
    ids = list(wanted)
    for i in range(0, len(ids), 500):
        found = db.session.execute(sa.select(Person.id_number, Person.id, Person.name).where(
            Person.id_number.in_(ids[i:i + 500]), unit_scope(Person, unit_id)))
        wanted.update({number: (pid, pname) for number, pid, pname in found})
    seen = set()
    for number, typed, name, normal, problem in judged:
        match = wanted.get(normal) if problem is None else None
        if problem is None:
            if match is None or match[1] != name:
                problem = NOT_OURS
            elif match[0] in seen:
                problem = "名单中重复的人员"
        if problem:
            checked.errors.append((number, typed, problem))
            continue
        seen.add(match[0])
        checked.persons.append(db.session.get(Person, match[0]))
    return checked
