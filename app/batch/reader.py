"""The upload reader of batch declarations (报盘): bytes of a filled template in, raw rows out.

``stream_batch(data, business)`` refuses a file it cannot take with ``BatchFileError`` (a Chinese
message; ``reason`` names the case for callers and tests) and otherwise returns a ``Batch`` whose
rows, read one at a time, carry the cells by field name, normalized the way Excel users mean them
(app.batch.cells), plus the problems only the reader can see (an ID stored as a number, a merged
cell, a formula without a result). The rows are a one-pass iterator, so an import of 100,000 rows
never holds them all: what is wrong with the file as a whole but only shows while reading (more
rows than allowed, no row at all) is raised from the iteration. ``read_batch`` is the same with
the rows in a list.
Judging the values is the validators' job (rules.fields.clean), not the reader's.

Order of work, cheapest refusals first: size; what the bytes are and the zip directory
(app.batch.workbook); one streaming pass over every part, which also counts the data rows and
finds formula and error cells (app.batch.sheet_scan); the template's marks and header row
(app.batch.template_checks); then calamine for the values (python-calamine is ~11x faster than
openpyxl).
Pure Python, no Flask: background jobs call it too.
"""
import io
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from itertools import chain, islice

from python_calamine import CalamineError, CalamineWorkbook

from app.batch.cells import ID_AS_NUMBER, NORMALIZERS, SHARED_MAX, STRIP, UNIQUE_KINDS
from app.batch.cells import id_from_number, other_text
from app.batch.errors import BatchFileError, corrupt
from app.batch.sheet_scan import FORMULA_WITHOUT_VALUE, Scan, exact_extent, scan_parts
from app.batch.template_checks import check_extent, check_meta, data_sheet, header_index
from app.batch.template_checks import map_headers
from app.batch.workbook import open_xlsx, sheets_of
from rules.business import Business
from rules.business import get as get_business

__all__ = ["FORMULA_WITHOUT_VALUE", "ID_AS_NUMBER", "MERGED", "Batch", "BatchFileError", "Row",
           "read_batch", "stream_batch"]

MERGED = "该行含合并单元格，请取消合并"


@dataclass(slots=True)
class Row:
    number: int  # the Excel row number (data starts at 2)
    values: dict  # field name -> normalized str, or None when empty
    problems: dict = field(default_factory=dict)  # field name -> reason


@dataclass
class Batch:
    business_code: str
    headers: list  # the header row as found (normalized text, "" for empty cells)
    columns: list  # field name per column index, None where the header is empty or unknown
    rows: Iterable = ()  # a list from read_batch, a one-pass iterator from stream_batch
    expected: int = 0  # data rows by the sheet XML (styled empty rows too): a progress total
    header_row: int = 1  # the Excel row of the header (below a title row the clerk added)
    ignored: list = field(default_factory=list)  # header labels of columns the template lacks
    hidden: int = 0  # rows with content skipped as hidden or filtered out (known once read)

    def __len__(self):
        return len(self.rows)

    def __iter__(self):
        return iter(self.rows)


def read_batch(data: bytes, business: Business | str, **limits) -> Batch:
    """``stream_batch`` with every row read into a list (repeated values then share one str)."""
    batch = stream_batch(data, business, share_values=True, **limits)
    batch.rows = list(batch.rows)
    return batch


def stream_batch(data: bytes, business: Business | str, max_rows: int = 100_000,
                 max_bytes: int = 20 * 1024 * 1024,
                 max_unzipped: int = 200 * 1024 * 1024, share_values: bool = False) -> Batch:
    business = get_business(business) if isinstance(business, str) else business
    if len(data) > max_bytes:
        raise BatchFileError(f"文件过大（{len(data) / 2**20:.1f} MB），最大允许"
                             f"{max_bytes / 2**20:g} MB，请分成几个文件上传", "too_big")
    archive = open_xlsx(data, max_unzipped)
    sheets, date1904 = sheets_of(archive)
    name, part = data_sheet(sheets, business)
    scan = scan_parts(archive, part, max_rows, {p for _, p in sheets if p})
    # calamine builds the dense grid of a sheet it reads: judge the sheets' size before it does.
    other = scan.largest_other  # _meta, or a sheet calamine might take for one we judged
    check_extent(other, business, max_rows, partial(exact_extent, archive, other.part))
    with _calamine_errors(), CalamineWorkbook.from_filelike(io.BytesIO(data)) as workbook:
        check_meta(workbook, business)
        if scan.data_rows > max_rows:
            raise BatchFileError(f"数据行数超过上限：最多{max_rows}行，文件中有"
                                 f"{scan.data_rows}行，请分成几个文件上传", "too_many_rows")
        check_extent(scan.extent, business, max_rows,
                     partial(exact_extent, archive, scan.extent.part))
        # The sheet holds its cells itself: the workbook (a copy of the file) can go now.
        sheet = workbook.get_sheet_by_name(name)
    return _read_rows(sheet, business, scan, date1904, max_rows, share_values)


@contextmanager
def _calamine_errors():
    """calamine's own errors mean a broken workbook; so do its Rust panics (a BaseException)."""
    try:
        yield
    except CalamineError as error:
        raise corrupt() from error
    except BaseException as error:
        if type(error).__name__ == "PanicException":
            raise corrupt() from error
        raise


HEADER_SEARCH = 5  # rows looked at for the header: a title or a note or two may stand above it


def _read_rows(sheet, business: Business, scan: Scan, date1904: bool, max_rows: int,
               share_values: bool = False) -> Batch:
    """The header row now (so a wrong template is refused before any row is judged), the data
    rows as they are iterated."""
    if sheet.start is None:
        raise BatchFileError(f"表格中没有数据，请在“{business.name}”模板第2行起填写", "no_rows")
    offset = sheet.start[1]
    with _calamine_errors():
        rows = iter(sheet.iter_rows())  # rows from Excel row 1, columns from the first used one
        first = list(islice(rows, HEADER_SEARCH))
    at = header_index(first, business)
    headers, columns, ignored = map_headers(first[at], offset, business, at + 1)
    batch = Batch(business.code, headers, columns, expected=scan.data_rows - at,
                  header_row=at + 1, ignored=ignored)
    batch.rows = _rows(batch, chain(first[at + 1:], rows), offset, business, scan, date1904,
                       max_rows, share_values, sheet)
    return batch


def _rows(batch, cell_rows, offset, business, scan, date1904, max_rows, share_values,
          sheet) -> Iterator[Row]:
    columns, hidden = batch.columns, scan.hidden
    kinds = {f.name: f.kind for f in business.fields}
    # Rows that are all kept (read_batch) share one str per distinct value of a repetitive
    # column; rows that are judged and dropped one by one need not pay for the lookups.
    wanted = [(index - offset, name, *NORMALIZERS.get(kinds[name], (None, other_text)),
               {} if share_values and kinds[name] not in UNIQUE_KINDS else None)
              for index, name in enumerate(columns) if name and index >= offset]
    need = max((w[0] for w in wanted), default=-1) + 1
    names = [f.name for f in business.fields]
    merged = _MergedRows(sheet.merged_cell_ranges, columns, sheet.height)
    normalize, strip, count, last = unicodedata.normalize, STRIP, 0, batch.header_row
    too_many = BatchFileError(f"数据行数超过上限：最多{max_rows}行，请分成几个文件上传",
                              "too_many_rows")
    with _calamine_errors():
        for number, cells in enumerate(cell_rows, start=batch.header_row + 1):
            if hidden and number in hidden:
                # Filtered out or hidden in Excel: the clerk does not see it, so it is not
                # declared; the summary says how many (rows with something in them).
                batch.hidden += any(cell != "" for cell in cells)
                continue
            values, problems, filled = dict.fromkeys(names), {}, False
            if len(cells) < need:
                cells = cells + [""] * (need - len(cells))
            for index, name, from_text, from_other, seen in wanted:
                cell = cells[index]
                if type(cell) is str:
                    if not cell:
                        continue
                    cell = cell.strip() if cell.isascii() else normalize("NFKC", cell).strip(strip)
                    if not cell:
                        continue
                    if from_text:
                        cell = from_text(cell)
                else:
                    if from_other is id_from_number and type(cell) in (float, int):
                        problems[name] = ID_AS_NUMBER
                    cell = from_other(cell, date1904)
                filled = True
                if seen is None:
                    values[name] = cell
                else:
                    values[name] = seen.get(cell) or (seen.setdefault(cell, cell)
                                                      if len(seen) < SHARED_MAX else cell)
            if number in scan.cells:
                problems.update(_scanned(scan.cells[number], columns, problems))
            if not (filled or problems):
                continue  # blank rows are skipped; numbers stay Excel's
            for name in merged.names(number) if merged.spans else ():
                problems.setdefault(name, MERGED)
            count, last = count + 1, number
            if count > max_rows:
                raise too_many
            yield Row(number, values, problems)
    for number in sorted(n for n in scan.cells if n > last and n not in hidden):
        # calamine saw nothing there
        problems = _scanned(scan.cells[number], columns, {})
        if problems:
            count += 1
            if count > max_rows:
                raise too_many
            yield Row(number, dict.fromkeys(names), problems)
    if not count:
        raise BatchFileError(f"表格中没有数据，请在“{business.name}”模板第2行起填写", "no_rows")


def _scanned(cells: dict, columns: list, problems: dict) -> dict:
    """The scan's problems of one row by field name, for mapped columns without one yet."""
    named = {columns[i]: p for i, p in cells.items() if i < len(columns) and columns[i]}
    return {name: p for name, p in named.items() if name not in problems}


class _MergedRows:
    """The fields of a data row whose cells lie in a merged range, asked for rows in increasing
    order. Each field's merged rows are kept as joined spans clamped to the sheet's rows and
    walked with a cursor: never a loop over a range's rows (a hostile A2:A1048576 has a million;
    40 of them cost 460 MB and 5 s in the old loop)."""

    def __init__(self, ranges, columns: list, last_row: int):
        spans = {}
        for (top, left), (bottom, right) in ranges or ():
            first, last = max(top, 1) + 1, min(bottom + 1, last_row)  # Excel rows, data only
            for name in columns[left:right + 1] if first <= last else ():
                if name:
                    spans.setdefault(name, []).append((first, last))
        self.spans = {name: _joined(found) for name, found in spans.items()}
        self.cursors = dict.fromkeys(self.spans, 0)

    def names(self, row: int) -> list:
        found = []
        for name, spans in self.spans.items():
            at = self.cursors[name]
            while at < len(spans) and spans[at][1] < row:
                at += 1
            self.cursors[name] = at
            if at < len(spans) and spans[at][0] <= row:
                found.append(name)
        return found


def _joined(spans: list) -> list:
    """Row spans (first, last) sorted, overlapping and adjacent ones joined."""
    joined = []
    for first, last in sorted(spans):
        if joined and first <= joined[-1][1] + 1:
            joined[-1] = (joined[-1][0], max(joined[-1][1], last))
        else:
            joined.append((first, last))
    return joined
