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

from app.batch.errors import BatchFileError, corrupt
from app.batch.sheet_extent import Extent, ExtentReader

FORMULA_WITHOUT_VALUE = "单元格为公式且无计算结果，请粘贴为数值"
TOO_LONG_ROW = "表格中有一行内容过长，不是本系统模板的数据行，请删除模板以外单元格中的内容后重新上传"
CHUNK = 1 << 20
LONGEST_ROW = 8 * CHUNK
ROOT_WITHIN = 1 << 16  # how far into a part not named as a sheet its root is looked for
_HIDDEN_ATTRIBUTE = b' hidden="'
_ROW_REFERENCE = re.compile(rb'\sr="(\d+)"')
_WORKSHEET = re.compile(rb"<(\w+:)?(?:worksheet|dialogsheet|macrosheet|chartsheet)\b")


@dataclass
class Scan:
    rows: int = 0  # <row> elements of the data sheet (header included; empty styled rows too)
    value_rows: int | None = None  # those holding a value: counted only when rows is too many
    cells: dict = field(default_factory=dict)  # Excel row -> {column index: problem}
    hidden: set = field(default_factory=set)  # Excel rows hidden by hand or by a filter
    extent: Extent = field(default_factory=Extent)  # the data sheet's used area, merged ranges
    largest_other: Extent = field(default_factory=Extent)  # the largest of the other sheets

    @property
    def data_rows(self) -> int:
        return (self.rows if self.value_rows is None else self.value_rows) - 1


def scan_parts(archive: zipfile.ZipFile, data_part: str | None, max_rows: int,
               sheet_parts=frozenset()) -> Scan:
    """Inflate every part once in chunks (zipfile stops at the declared size and checks the CRC);
    on the way, count the data sheet's rows and find its formula and error cells, and learn how
    large a grid calamine would build for each worksheet: the workbook's ``sheet_parts`` and
    every other part that starts as one (calamine must not find a sheet we did not judge)."""
    scan = Scan()
    try:
        for info in archive.infolist():
            if info.flag_bits & 1:  # an encrypted zip entry: not something Excel writes
                raise corrupt()
            with archive.open(info) as stream:
                chunk = stream.read(CHUNK)
                listed = info.filename == data_part or info.filename in sheet_parts
                found = _WORKSHEET.search(chunk, 0, len(chunk) if listed else ROOT_WITHIN)
                if listed and found is None:  # no writer puts a megabyte before the root
                    raise corrupt()
                if info.filename == data_part:
                    scan.extent.part = info.filename
                    _scan_sheet(stream, chunk, _Tags.of(found), scan)
                elif found:
                    other = Extent(part=info.filename)
                    _scan_extent(stream, chunk, _Tags.of(found), other)
                    if other.cells_bound > scan.largest_other.cells_bound:
                        scan.largest_other = other
                while stream.read(CHUNK):
                    pass
        if scan.rows - 1 > max_rows:  # rows with styles only count too: count the ones with values
            with archive.open(data_part) as stream:
                _count_values(stream, scan)
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError,
            ValueError) as error:
        if isinstance(error, BatchFileError):
            raise
        raise corrupt() from error
    return scan


def _pieces(stream, chunk: bytes, tags, after_data=None):
    """The sheet's <sheetData> in pieces cut at row starts, so a row is never split; then
    ``after_data(rest)`` with what follows </sheetData> (the stream is positioned after it)."""
    carry = b""
    while True:
        buffer = carry + chunk
        end = buffer.find(tags.end)
        last = end >= 0 or not chunk
        carry, rest = b"", b""
        if end >= 0:
            buffer, rest = buffer[:end], buffer[end:]
        elif chunk:
            cut = buffer.rfind(tags.row)
            buffer, carry = (buffer[:cut], buffer[cut:]) if cut > 0 else (b"", buffer)
            if len(carry) > LONGEST_ROW:  # no row of a template is this long; nor is it cheap
                raise BatchFileError(TOO_LONG_ROW, "extent")  # to carry it on and on
        yield buffer
        if last:
            if after_data is not None:
                after_data(rest)
            return
        chunk = stream.read(CHUNK)


def _scan_sheet(stream, chunk: bytes, tags, scan: Scan) -> None:
    extent = ExtentReader(tags.prefix, scan.extent)
    for piece in _pieces(stream, chunk, tags,
                         lambda rest: extent.count_merged(stream, rest, CHUNK)):
        for suspect in (tags.f, b't="e"'):
            position = piece.find(suspect)
            while position >= 0:
                position = piece.find(suspect, _check_cell(piece, position, tags, scan))
        if _HIDDEN_ATTRIBUTE in piece:
            _find_hidden(piece, tags, scan)
        scan.rows += piece.count(tags.row)
        extent.feed(piece)


def _find_hidden(piece: bytes, tags, scan: Scan) -> None:
    """The rows of the piece marked hidden="1" (or "true"): filtered out or hidden in Excel,
    which calamine cannot tell. A row without r="…" is placed by position."""
    position = piece.find(_HIDDEN_ATTRIBUTE)
    while position >= 0:
        start = piece.rfind(tags.row, 0, position)
        end = piece.find(b">", start) if start >= 0 else -1
        value = piece[position + len(_HIDDEN_ATTRIBUTE):position + len(_HIDDEN_ATTRIBUTE) + 5]
        if start >= 0 and position < end and value.startswith((b'1"', b'true"')):
            reference = _ROW_REFERENCE.search(piece, start, end)
            scan.hidden.add(int(reference.group(1)) if reference
                            else scan.rows + piece.count(tags.row, 0, start) + 1)
        position = piece.find(_HIDDEN_ATTRIBUTE, position + 1)


def exact_extent(archive: zipfile.ZipFile, part: str) -> Extent:
    """A sheet's extent with every cell reference read (when the first pass's bound is too
    large to tell)."""
    extent = Extent(part=part)
    try:
        with archive.open(part) as stream:
            chunk = stream.read(CHUNK)
            _scan_extent(stream, chunk, _Tags.of(_WORKSHEET.search(chunk)), extent, exact=True)
    except (KeyError, zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError,
            ValueError) as error:
        if isinstance(error, BatchFileError):
            raise
        raise corrupt() from error
    return extent


def _scan_extent(stream, chunk: bytes, tags, extent: Extent, exact: bool = False) -> None:
    reader = ExtentReader(tags.prefix, extent, exact)
    for piece in _pieces(stream, chunk, tags,
                         lambda rest: reader.count_merged(stream, rest, CHUNK)):
        reader.feed(piece)


def _count_values(stream, scan: Scan) -> None:
    """The rows holding a value (a second pass, only when the rows are too many)."""
    chunk = stream.read(CHUNK)
    tags = _Tags.of(_WORKSHEET.search(chunk))
    scan.value_rows = sum(tags.v in row or tags.inline in row
                          for piece in _pieces(stream, chunk, tags)
                          for row in piece.split(tags.row)[1:])


class _Tags:
    """The sheet XML's tags, with the namespace prefix the file uses (usually none)."""

    def __init__(self, p: bytes):
        self.prefix = p
        self.row, self.end = b"<" + p + b"row", b"</" + p + b"sheetData>"
        self.cell, self.cell_end = b"<" + p + b"c ", b"</" + p + b"c>"
        self.v, self.v_end = b"<" + p + b"v>", b"</" + p + b"v>"
        self.inline, self.f = b"<" + p + b"is>", b"<" + p + b"f"

    @classmethod
    def of(cls, root) -> "_Tags":
        """The tags of a sheet whose root element was found (or not) in its first chunk."""
        return cls(root.group(1) or b"" if root else b"")


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

