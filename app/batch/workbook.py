"""What the uploaded bytes are, cheapest refusals first: size aside (the caller knows it), an old
.xls, an encrypted workbook, a picture, a PDF, a text file …; then the zip directory (the
uncompressed total is checked before anything is inflated) and the workbook's list of sheets.
"""
import codecs
import io
import posixpath
import re
import struct
import zipfile
from html import unescape

from app.batch.errors import UPLOAD_HINT, BatchFileError, corrupt

_SIGNATURES = (
    (b"\x89PNG", "图片文件（PNG）"), (b"\xff\xd8\xff", "图片文件（JPEG）"),
    (b"GIF8", "图片文件（GIF）"), (b"%PDF", "PDF文件"),
    (b"Rar!", "RAR压缩包"), (b"7z\xbc\xaf\x27\x1c", "7z压缩包"), (b"\x1f\x8b", "gzip压缩包"),
    (b"II*\x00", "图片文件（TIFF）"), (b"MM\x00*", "图片文件（TIFF）"),
)
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_XLS = "这是旧版Excel(.xls)文件，请在Excel中另存为.xlsx后重新上传"
_ENCRYPTED = "文件已加密，请取消密码后重新上传"


def _refuse_as(what: str) -> BatchFileError:
    return BatchFileError(f"这是{what}，不是Excel工作簿，{UPLOAD_HINT}", "not_xlsx")


def open_xlsx(data: bytes, max_unzipped: int) -> zipfile.ZipFile:
    if not data:
        raise BatchFileError(f"文件是空的，{UPLOAD_HINT}", "empty_file")
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
        raise corrupt() from None
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
        raise corrupt()
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




# --- the workbook's sheets -----------------------------------------------------------------------
_ATTRS = re.compile(r'([\w:]+)="([^"]*)"')
_SHEET = re.compile(r"<(?:\w+:)?sheet\s([^>]*)>")
_RELATION = re.compile(r"<(?:\w+:)?Relationship\s([^>]*)>")


def sheets_of(archive: zipfile.ZipFile):
    """[(sheet name, part path)] in workbook order, and whether the workbook counts from 1904."""
    try:
        book = archive.read("xl/workbook.xml").decode("utf-8", "replace")
        rels = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
    except (KeyError, zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError):
        raise corrupt() from None
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


def unzipped_size(data: bytes) -> int:
    """What the zip directory says the parts of ``data`` inflate to (0 for what is no zip):
    the work an import of it costs, which its compressed size can hide a hundredfold."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        return 0
