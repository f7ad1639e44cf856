"""The upload reader of batch declarations (报盘): bytes of a filled template in, raw rows out.

``read_batch(data, business)`` refuses a file it cannot take with ``BatchFileError`` (a Chinese
message; ``reason`` names the case for callers and tests) and otherwise returns a ``Batch`` whose
rows carry the cells by field name, normalized the way Excel users mean them, plus the problems
only the reader can see (an ID stored as a number, a merged cell, a formula without a result).
Judging the values is the validators' job (rules.fields.clean), not the reader's.

Order of work, cheapest refusals first: size; what the bytes are (xlsx, old .xls, an encrypted
workbook, a picture …); the zip directory (uncompressed total, checked before anything is
inflated); one streaming pass over every part (zipfile bounds each by its declared size and checks
its CRC, so a lying directory is caught too) which also counts the data rows and finds formula and
error cells in the data sheet's XML, since calamine reports both as empty; then calamine for the
values (python-calamine is ~11x faster than openpyxl).
Pure Python, no Flask: background jobs call it too.
"""
import codecs
import io
import posixpath
import re
import struct
import unicodedata
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from html import unescape

from python_calamine import CalamineError, CalamineWorkbook

from rules.business import Business
from rules.business import get as get_business

TEMPLATE_MARK = "shebao-template"
TEMPLATE_VERSIONS = frozenset({"1"})
META_SHEET = "_meta"
SIDE_SHEETS = frozenset({META_SHEET, "代码对应表", "示例"})
ID_AS_NUMBER = "身份证号码被存成了数字，可能已丢失末位或X，请将该列设为文本后重新填写"
FORMULA_WITHOUT_VALUE = "单元格为公式且无计算结果，请粘贴为数值"
MERGED = "该行含合并单元格，请取消合并"
CHUNK = 1 << 20


class BatchFileError(ValueError):
    """The whole file is refused; str() is the Chinese reason shown to the user."""

    def __init__(self, message: str, reason: str = "invalid"):
        self.message, self.reason = message, reason
        super().__init__(message)


@dataclass(slots=True)
class Row:
    number: int  # the Excel row number (data starts at 2)
    values: dict  # field name -> normalized str, or None when empty
    problems: dict = field(default_factory=dict)  # field name -> reason


@dataclass
class Batch:
    business_code: str
    headers: list  # row 1 as found (normalized text, "" for empty cells)
    columns: list  # field name per column index, None where the header is empty
    rows: list

    def __len__(self):
        return len(self.rows)

    def __iter__(self):
        return iter(self.rows)


def read_batch(data: bytes, business: Business | str, max_rows: int = 100_000,
               max_bytes: int = 20 * 1024 * 1024,
               max_unzipped: int = 200 * 1024 * 1024) -> Batch:
    business = get_business(business) if isinstance(business, str) else business
    if len(data) > max_bytes:
        raise BatchFileError(f"文件过大（{len(data) / 2**20:.1f} MB），最大允许"
                             f"{max_bytes / 2**20:g} MB，请分成几个文件上传", "too_big")
    archive = _open_xlsx(data, max_unzipped)
    sheets, date1904 = _sheets(archive)
    name, part = _data_sheet(sheets, business)
    scan = _scan_parts(archive, part, max_rows)
    with _calamine_errors(), CalamineWorkbook.from_filelike(io.BytesIO(data)) as workbook:
        _check_meta(workbook, business)
        if scan.data_rows > max_rows:
            raise BatchFileError(f"数据行数超过上限：最多{max_rows}行，文件中有"
                                 f"{scan.data_rows}行，请分成几个文件上传", "too_many_rows")
        return _read_rows(workbook.get_sheet_by_name(name), business, scan, date1904, max_rows)


@contextmanager
def _calamine_errors():
    """calamine's own errors mean a broken workbook; so do its Rust panics (a BaseException)."""
    try:
        yield
    except CalamineError as error:
        raise _corrupt() from error
    except BaseException as error:
        if type(error).__name__ == "PanicException":
            raise _corrupt() from error
        raise


# --- what the bytes are -----------------------------------------------------------------------
_SIGNATURES = (
    (b"\x89PNG", "图片文件（PNG）"), (b"\xff\xd8\xff", "图片文件（JPEG）"),
    (b"GIF8", "图片文件（GIF）"), (b"%PDF", "PDF文件"),
    (b"Rar!", "RAR压缩包"), (b"7z\xbc\xaf\x27\x1c", "7z压缩包"), (b"\x1f\x8b", "gzip压缩包"),
    (b"II*\x00", "图片文件（TIFF）"), (b"MM\x00*", "图片文件（TIFF）"),
)
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_XLS = "这是旧版Excel(.xls)文件，请在Excel中另存为.xlsx后重新上传"
_ENCRYPTED = "文件已加密，请取消密码后重新上传"
_UPLOAD_HINT = "请上传本系统下载并填写好的Excel模板(.xlsx)"


def _refuse_as(what: str) -> BatchFileError:
    return BatchFileError(f"这是{what}，不是Excel工作簿，{_UPLOAD_HINT}", "not_xlsx")


def _corrupt() -> BatchFileError:
    return BatchFileError(f"文件已损坏或不是有效的Excel工作簿，{_UPLOAD_HINT}", "corrupt")


def _open_xlsx(data: bytes, max_unzipped: int) -> zipfile.ZipFile:
    if not data:
        raise BatchFileError(f"文件是空的，{_UPLOAD_HINT}", "empty_file")
    if data.startswith(_OLE):
        raise _ole_refusal(data)
    if not data.startswith(b"PK"):
        for signature, what in _SIGNATURES:
            if data.startswith(signature):
                raise _refuse_as(what)
        if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
            raise _refuse_as("图片文件（WebP）")
        if data[:2] == b"BM" and data[6:10] == bytes(4):  # reserved fields of a BMP header
            raise _refuse_as("图片文件（BMP）")
        raise _refuse_as(_text_kind(data[:4096]) or "无法识别格式的文件")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise _corrupt() from None
    if sum(info.file_size for info in infos) > max_unzipped:
        raise BatchFileError(f"文件解压后超过{max_unzipped / 2**20:g} MB，可能不是正常的Excel文件，"
                             "已拒绝处理", "zip_bomb")
    names = {info.filename for info in infos}
    if "xl/workbook.xml" in names:
        return archive
    if "word/document.xml" in names:
        raise _refuse_as("Word文档(.docx)")
    if "ppt/presentation.xml" in names:
        raise _refuse_as("PowerPoint演示文稿(.pptx)")
    if "xl/workbook.bin" in names:
        raise BatchFileError("这是Excel二进制工作簿(.xlsb)，请在Excel中另存为.xlsx后重新上传",
                             "not_xlsx")
    if "content.xml" in names:
        raise BatchFileError("这是OpenDocument文件(.ods等)，请另存为Excel工作簿(.xlsx)后重新上传",
                             "not_xlsx")
    if "[Content_Types].xml" in names:
        raise _corrupt()
    raise _refuse_as("ZIP压缩包")


def _text_kind(head: bytes) -> str | None:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<!doctype html", b"<html")) or b"<table" in text:
        return "网页文件(HTML，常见于另存为网页的.xls)"
    if text.startswith(b"<?xml"):
        return "XML文件（如Excel 2003 XML表格）"
    utf16 = head.startswith((b"\xff\xfe", b"\xfe\xff"))
    for encoding in ("utf-16",) if utf16 else ("utf-8", "gb18030"):
        try:  # incremental: a character cut at the end of head is not an error
            decoded = codecs.getincrementaldecoder(encoding)().decode(head)
        except UnicodeDecodeError:
            continue
        if decoded and sum(c.isprintable() or c in "\r\n\t" for c in decoded) > 0.95 * len(decoded):
            return "文本文件（如CSV）"
    return None


def _ole_refusal(data: bytes) -> BatchFileError:
    """An OLE2 compound file: an old .xls, a password-protected xlsx (its EncryptedPackage stream),
    or another old Office document; told apart by the stream names in its directory."""
    names = _ole_names(data)
    if "EncryptedPackage" in names:
        return BatchFileError(_ENCRYPTED, "encrypted")
    if "WordDocument" in names:
        return _refuse_as("旧版Word文档(.doc)")
    if "PowerPoint Document" in names:
        return _refuse_as("旧版PowerPoint演示文稿(.ppt)")
    return BatchFileError(_XLS, "xls")


def _ole_names(data: bytes) -> set:
    end = 0xFFFFFFFA  # sector numbers from here up are markers (end of chain, free, FAT …)
    try:
        size = 1 << struct.unpack_from("<H", data, 30)[0]
        fat_count, first_dir = struct.unpack_from("<II", data, 44)
        next_difat, difat_count = struct.unpack_from("<II", data, 68)
        per_sector = size // 4
        difat = list(struct.unpack_from("<109I", data, 76))
        for _ in range(min(difat_count, 10_000)):
            if next_difat >= end:
                break
            entries = struct.unpack_from(f"<{per_sector}I", data, (next_difat + 1) * size)
            difat += entries[:-1]
            next_difat = entries[-1]
        fat = []
        for sector in difat[:fat_count]:
            fat += struct.unpack_from(f"<{per_sector}I", data, (sector + 1) * size)
        names, sector, seen = set(), first_dir, set()
        while sector < end and sector not in seen and len(seen) < 100_000:
            seen.add(sector)
            offset = (sector + 1) * size
            for entry in range(offset, offset + size, 128):
                length = struct.unpack_from("<H", data, entry + 64)[0]
                if 2 <= length <= 64:
                    names.add(data[entry:entry + length - 2].decode("utf-16-le", "replace"))
            sector = fat[sector]
        return names
    except (struct.error, IndexError, MemoryError):
        # Truncated or odd: look for the stream names where a directory would hold them.
        return {name for name in ("EncryptedPackage", "WordDocument", "Workbook")
                if name.encode("utf-16-le") in data}


# --- the workbook's parts ---------------------------------------------------------------------
_ATTRS = re.compile(r'([\w:]+)="([^"]*)"')
_SHEET = re.compile(r"<(?:\w+:)?sheet\s([^>]*)>")
_RELATION = re.compile(r"<(?:\w+:)?Relationship\s([^>]*)>")


def _sheets(archive: zipfile.ZipFile):
    """[(sheet name, part path)] in workbook order, and whether the workbook counts from 1904."""
    try:
        book = archive.read("xl/workbook.xml").decode("utf-8", "replace")
        rels = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
    except (KeyError, zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError):
        raise _corrupt() from None
    targets = {}
    for match in _RELATION.finditer(rels):
        attrs = dict(_ATTRS.findall(match.group(1)))
        target = attrs.get("Target", "")
        path = target[1:] if target.startswith("/") else posixpath.join("xl", target)
        targets[attrs.get("Id")] = posixpath.normpath(path)
    sheets = []
    for match in _SHEET.finditer(book):
        attrs = dict(_ATTRS.findall(match.group(1)))
        rel = next((v for k, v in attrs.items() if k.endswith(":id")), None)
        sheets.append((unescape(attrs.get("name", "")), targets.get(rel)))
    date1904 = re.search(r'<(?:\w+:)?workbookPr\b[^>]*date1904="(?:1|true)"', book) is not None
    return sheets, date1904


def _data_sheet(sheets, business: Business):
    named = [s for s in sheets if s[0] == business.name]
    others = [s for s in sheets if s[0] not in SIDE_SHEETS]
    name, part = (named or others or [(None, None)])[0]
    if name is None:
        raise BatchFileError(f"文件中没有数据表，请下载“{business.name}”模板后填写上传",
                             "not_template")
    return name, part


@dataclass
class _Scan:
    rows: int = 0  # <row> elements of the data sheet (header included; empty styled rows too)
    value_rows: int | None = None  # those holding a value: counted only when rows is too many
    cells: dict = field(default_factory=dict)  # Excel row -> {column index: problem}

    @property
    def data_rows(self) -> int:
        return (self.rows if self.value_rows is None else self.value_rows) - 1


def _scan_parts(archive: zipfile.ZipFile, data_part: str | None, max_rows: int) -> _Scan:
    """Inflate every part once in chunks (zipfile stops at the declared size and checks the CRC);
    on the way, count the data sheet's rows and find its formula and error cells."""
    scan = _Scan()
    try:
        for info in archive.infolist():
            if info.flag_bits & 1:  # an encrypted zip entry: not something Excel writes
                raise _corrupt()
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
        raise _corrupt() from error
    return scan


def _scan_sheet(stream, scan: _Scan, count_values: bool = False) -> None:
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


def _check_cell(buffer: bytes, position: int, tags: _Tags, scan: _Scan) -> int:
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


def _check_meta(workbook, business: Business) -> None:
    wanted = f"请下载“{business.name}”模板"
    if META_SHEET not in workbook.sheet_names:
        raise BatchFileError(f"不是本系统下载的模板，{wanted}后填写上传", "not_template")
    cells = workbook.get_sheet_by_name(META_SHEET).to_python(skip_empty_area=False)
    mark, code, version = ([_text(row[0]) if row else None for row in cells] + [None] * 3)[:3]
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


# --- headers and rows -------------------------------------------------------------------------
def _headers(first_row, offset: int, business: Business):
    headers = [""] * offset + [_text(cell) or "" for cell in first_row]
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
    if missing or unknown or repeated:
        said = ([f"缺少必填列：{'、'.join(missing)}"] if missing else []) + \
               ([f"无法识别的列：{'、'.join(unknown)}"] if unknown else []) + \
               ([f"重复的列：{'、'.join(repeated)}"] if repeated else [])
        raise BatchFileError(f"第1行表头与“{business.name}”模板不一致（{'；'.join(said)}），"
                             "请使用本系统下载的模板，不要修改、增删表头", "headers")
    return headers, columns


def _read_rows(sheet, business: Business, scan: _Scan, date1904: bool, max_rows: int) -> Batch:
    if sheet.start is None:
        raise BatchFileError(f"表格中没有数据，请在“{business.name}”模板第2行起填写", "no_rows")
    if sheet.start[0] != 0:
        raise BatchFileError(f"第1行表头缺失，请使用本系统下载的“{business.name}”模板", "headers")
    offset = sheet.start[1]
    rows_iter = iter(sheet.iter_rows())  # rows from Excel row 1, columns from the first used one
    headers, columns = _headers(next(rows_iter), offset, business)
    kinds = {f.name: f.kind for f in business.fields}
    wanted = [(index - offset, name, *_NORMALIZERS.get(kinds[name], (None, _other_text)),
               None if kinds[name] in _UNIQUE_KINDS else {})
              for index, name in enumerate(columns) if name and index >= offset]
    need = max((w[0] for w in wanted), default=-1) + 1
    names, merged, rows = [f.name for f in business.fields], _merged_rows(sheet, columns), []
    normalize, strip = unicodedata.normalize, _STRIP
    for number, cells in enumerate(rows_iter, start=2):
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
                if from_other is _id_from_number and type(cell) in (float, int):
                    problems[name] = ID_AS_NUMBER
                cell = from_other(cell, date1904)
            filled = True
            if seen is None:
                values[name] = cell
            else:  # one str object per distinct value of a repetitive column: less memory
                values[name] = seen.get(cell) or (seen.setdefault(cell, cell)
                                                  if len(seen) < _SHARED_MAX else cell)
        if number in scan.cells:
            problems.update(_scanned(scan.cells[number], columns, problems))
        if not (filled or problems):
            continue  # blank rows are skipped; numbers stay Excel's
        for name in merged.get(number, ()):
            problems.setdefault(name, MERGED)
        rows.append(Row(number, values, problems))
        if len(rows) > max_rows:
            break
    last = rows[-1].number if rows else 1
    for number in sorted(n for n in scan.cells if n > last):  # calamine saw nothing there
        problems = _scanned(scan.cells[number], columns, {})
        if problems:
            rows.append(Row(number, dict.fromkeys(names), problems))
    if len(rows) > max_rows:
        raise BatchFileError(f"数据行数超过上限：最多{max_rows}行，请分成几个文件上传",
                             "too_many_rows")
    if not rows:
        raise BatchFileError(f"表格中没有数据，请在“{business.name}”模板第2行起填写", "no_rows")
    return Batch(business.code, headers, columns, rows)


def _scanned(cells: dict, columns: list, problems: dict) -> dict:
    """The scan's problems of one row by field name, for mapped columns without one yet."""
    named = {columns[i]: p for i, p in cells.items() if i < len(columns) and columns[i]}
    return {name: p for name, p in named.items() if name not in problems}


def _merged_rows(sheet, columns) -> dict:
    """Excel row -> the fields whose cells there lie in a merged range (data rows only)."""
    rows = {}
    for (top, left), (bottom, right) in sheet.merged_cell_ranges or ():
        names = [n for n in columns[left:right + 1] if n]
        for row in range(max(top, 1), bottom + 1):
            rows.setdefault(row + 1, []).extend(names)
    return rows


# --- cell values --------------------------------------------------------------------------------
# After NFKC (which turns full-width and no-break spaces into " "): whitespace and invisibles.
_STRIP = " \t\n\r\v\f\x1c\x1d\x1e\x1f\x85\u1680\u2028\u2029\u200b\u200c\u200d\u2060\ufeff"
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
                   r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?|(\d{4})(\d{2})(\d{2})")
_MONTH = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?|(\d{4})(\d{2})")
_EXCEL_EPOCH, _EXCEL_EPOCH_1904 = date(1899, 12, 30), date(1904, 1, 1)


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip(_STRIP)


def _text(cell) -> str | None:
    """A cell as text (for headers and _meta): numbers without a useless .0."""
    if cell is None or cell == "":
        return None
    text = _number_text(cell) if type(cell) in (float, int) else str(cell)
    return _nfkc(text) or None


def _number_text(number) -> str:
    if type(number) is float and not (number.is_integer() and abs(number) < 1e15):
        return format(Decimal(f"{number:.15g}"), "f")  # Excel keeps 15 significant digits
    return str(int(number))


def _date_text(text: str) -> str:
    if len(text) == 10 and text[4] == text[7] == "-":
        return text  # already ISO (or hopeless): the validator judges it
    found = _DATE.fullmatch(text)
    if found:
        year, month, day = (int(g) for g in found.groups() if g is not None)
        try:
            return date(year, month, day).isoformat()
        except ValueError:
            pass
    return text


def _month_text(text: str) -> str:
    if len(text) == 7 and text[4] == "-":
        return text
    found = _MONTH.fullmatch(text) or _DATE.fullmatch(text)
    if found:
        year, month = [int(g) for g in found.groups() if g is not None][:2]
        if 1900 <= year and 1 <= month <= 12:
            return f"{year:04d}-{month:02d}"
    return text


def _day(cell, date1904: bool) -> date | None:
    """A date cell, a yyyymmdd number or an Excel serial number as a date; None if none of them."""
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    if type(cell) not in (float, int):
        return None
    if cell == int(cell) and 19000101 <= cell <= 99991231:
        text = _date_text(str(int(cell)))
        return date.fromisoformat(text) if text[4:5] == "-" else None
    if 1 <= cell <= 2958465:
        days = int(cell)
        if date1904:
            return _EXCEL_EPOCH_1904 + timedelta(days=days)
        return _EXCEL_EPOCH + timedelta(days=days + (days < 61))  # Excel's 1900-02-29
    return None


def _other_text(cell, date1904: bool = False) -> str:
    if type(cell) in (float, int):
        return _number_text(cell)
    if type(cell) is bool:
        return "TRUE" if cell else "FALSE"
    if isinstance(cell, datetime):
        midnight = cell.time() == datetime.min.time()
        return cell.date().isoformat() if midnight else cell.isoformat(" ")
    return cell.isoformat() if isinstance(cell, date) else str(cell)


def _date_from_other(cell, date1904: bool) -> str:
    day = _day(cell, date1904)
    return day.isoformat() if day else _other_text(cell)


def _month_from_other(cell, date1904: bool) -> str:
    if type(cell) in (float, int) and cell == int(cell) and 190001 <= cell <= 999912 \
            and 1 <= int(cell) % 100 <= 12:
        return f"{int(cell) // 100:04d}-{int(cell) % 100:02d}"  # 202611 typed as a number
    day = _day(cell, date1904)
    return f"{day.year:04d}-{day.month:02d}" if day else _other_text(cell)


def _year_from_other(cell, date1904: bool) -> str:
    return str(cell.year) if isinstance(cell, date) else _other_text(cell)


def _flag_from_other(cell, date1904: bool) -> str:
    return ("是" if cell else "否") if type(cell) is bool else _other_text(cell)


def _id_from_number(cell, date1904: bool) -> str:
    return _other_text(cell)  # a number: the caller adds ID_AS_NUMBER


_UNIQUE_KINDS = frozenset({"id_number", "phone"})  # other columns repeat their values a lot
_SHARED_MAX = 4096


# kind -> (normalizer of text cells or None, normalizer of every other cell)
_NORMALIZERS = {
    "date": (_date_text, _date_from_other),
    "month": (_month_text, _month_from_other),
    "flag": (None, _flag_from_other),
    "year": (None, _year_from_other),
    "id_number": (lambda text: text.lstrip("'"), _id_from_number),
}  # every other kind: text as it is, other cells by _other_text
