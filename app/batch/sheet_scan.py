"""One streaming pass over every part of the workbook before calamine sees it: zipfile bounds each
part by its declared size and checks its CRC, so a lying zip directory is caught; on the way the
data sheet's XML is searched for formula and error cells (calamine reports both as empty, so only
the XML can tell the user why a cell is blank) and its rows are counted, so too many rows are
refused before anything is parsed.
"""
import re
import zipfile
from dataclasses import dataclass, field
from html import unescape

from app.batch.errors import corrupt

FORMULA_WITHOUT_VALUE = "单元格为公式且无计算结果，请粘贴为数值"
CHUNK = 1 << 20


@dataclass
class Scan:
    rows: int = 0  # <row> elements of the data sheet (header included; empty styled rows too)
    value_rows: int | None = None  # those holding a value: counted only when rows is too many
    cells: dict = field(default_factory=dict)  # Excel row -> {column index: problem}

    @property
    def data_rows(self) -> int:
        return (self.rows if self.value_rows is None else self.value_rows) - 1


def scan_parts(archive: zipfile.ZipFile, data_part: str | None, max_rows: int) -> Scan:
    """Inflate every part once in chunks (zipfile stops at the declared size and checks the CRC);
    on the way, count the data sheet's rows and find its formula and error cells."""
    scan = Scan()
    try:
        for info in archive.infolist():
            if info.flag_bits & 1:  # an encrypted zip entry: not something Excel writes
                raise corrupt()
            with archive.open(info) as stream:
                if info.filename == data_part:
                    _scan_sheet(stream, scan)
                while stream.read(CHUNK):
                    pass
        if scan.rows - 1 > max_rows:  # rows with styles only count too: count the ones with values
            with archive.open(data_part) as stream:
                _scan_sheet(stream, scan, count_values=True)
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError,
            ValueError) as error:
        raise corrupt() from error
    return scan


def _scan_sheet(stream, scan: Scan, count_values: bool = False) -> None:
    """Reads the sheet XML in chunks cut at row starts, so a row is never split."""
    chunk = stream.read(CHUNK)
    found = re.search(rb"<(\w+:)?worksheet\b", chunk)
    tags = _Tags(found.group(1) or b"" if found else b"")
    if count_values:
        scan.value_rows = 0
    carry = b""
    while True:
        buffer = carry + chunk
        end = buffer.find(tags.end)
        last = end >= 0 or not chunk
        carry = b""
        if end >= 0:
            buffer = buffer[:end]
        elif chunk:
            cut = buffer.rfind(tags.row)
            buffer, carry = (buffer[:cut], buffer[cut:]) if cut > 0 else (b"", buffer)
        if count_values:
            scan.value_rows += sum(tags.v in row or tags.inline in row
                                   for row in buffer.split(tags.row)[1:])
        else:
            for suspect in (tags.f, b't="e"'):
                position = buffer.find(suspect)
                while position >= 0:
                    position = buffer.find(suspect, _check_cell(buffer, position, tags, scan))
            scan.rows += buffer.count(tags.row)
        if last:
            return
        chunk = stream.read(CHUNK)


class _Tags:
    """The sheet XML's tags, with the namespace prefix the file uses (usually none)."""

    def __init__(self, p: bytes):
        self.row, self.end = b"<" + p + b"row", b"</" + p + b"sheetData>"
        self.cell, self.cell_end = b"<" + p + b"c ", b"</" + p + b"c>"
        self.v, self.v_end = b"<" + p + b"v>", b"</" + p + b"v>"
        self.inline, self.f = b"<" + p + b"is>", b"<" + p + b"f"


def _check_cell(buffer: bytes, position: int, tags: _Tags, scan: Scan) -> int:
    """Records the cell around a formula or error mark if it has no usable value; returns where
    to search on. Cells are found by their r="B7" attribute, which every writer we know puts."""
    start, stop = buffer.rfind(tags.cell, 0, position), buffer.find(tags.cell_end, position)
    head_end = buffer.find(b">", start)
    if start < 0 or stop < 0 or not start < head_end < stop:
        return position + 1
    head, body = buffer[start:head_end], buffer[head_end:stop]
    opened = body.find(tags.v)
    cached = body[opened + len(tags.v):body.find(tags.v_end, opened)] if opened >= 0 else None
    formula = buffer[position + len(tags.f):position + len(tags.f) + 1] in (b" ", b">", b"/")
    if b't="e"' in head and cached:
        problem = f"单元格为错误值{unescape(cached.decode('utf-8', 'replace'))}，请更正后重新上传"
    elif formula and not cached and not (cached == b"" and b't="str"' in head):
        problem = FORMULA_WITHOUT_VALUE  # no <v>, <v/> or an empty one: never calculated
    else:
        return stop
    reference = re.search(rb'\br="([A-Z]+)(\d+)"', head)
    if reference and int(reference.group(2)) > 1:
        column = _column_index(reference.group(1).decode())
        scan.cells.setdefault(int(reference.group(2)), {})[column] = problem
    return stop


def _column_index(reference: str) -> int:
    index = 0
    for letter in reference:
        if not letter.isalpha():
            break
        index = index * 26 + ord(letter.upper()) - 64
    return index - 1

