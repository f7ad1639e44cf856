"""Builders of batch templates (报盘) for the reader's tests and benchmark, following the template
contract: sheet 1 is the data sheet titled with the business name, row 1 holds the Field labels in
registry order, data from row 2; then 代码对应表, 示例 and the hidden _meta (A1 shebao-template,
A2 the business code, A3 the template version "1")."""
import io
import random
import re
import struct
import zipfile
from datetime import date

from openpyxl import Workbook
from stdnum.iso7064 import mod_11_2

from rules.business import get as get_business

DATA_PART = "xl/worksheets/sheet1.xml"
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗欧阳司马"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英"


def template(code: str = "C1", rows=(), *, headers=None, meta=None, write_only=False,
             edit=None) -> bytes:
    """An .xlsx following the contract. ``rows`` are lists (cells in header order) or dicts by
    field name; ``headers`` replaces row 1; ``meta`` the three _meta cells; ``edit(ws)`` may change
    the data sheet before saving (merge cells …; not with write_only)."""
    business = get_business(code)
    labels = list(headers) if headers is not None else [f.label for f in business.fields]
    names = [f.name for f in business.fields]
    wb = Workbook(write_only=write_only)
    if write_only:
        ws = wb.create_sheet(business.name)
    else:
        ws = wb.active
        ws.title = business.name
    ws.append(labels)
    for row in rows:
        ws.append([row.get(n) for n in names] if isinstance(row, dict) else list(row))
    if not write_only:
        for cells in ws.iter_rows(min_row=2, max_col=1):
            cells[0].number_format = "@"  # the ID column is text in the real template
        if edit:
            edit(ws)
    codes = wb.create_sheet("代码对应表")
    codes.append(["性别", "男", "女"])
    example = wb.create_sheet("示例")
    example.append(labels)
    hidden = wb.create_sheet("_meta")
    for value in meta if meta is not None else ("shebao-template", code, "1"):
        hidden.append([value])
    hidden.sheet_state = "hidden"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def replace_part(data: bytes, part: str, change) -> bytes:
    """The same zip with ``part`` replaced by change(text of part)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info)
            if info.filename == part:
                body = change(body.decode()).encode()
            target.writestr(info, body)
    return out.getvalue()


_INLINE = re.compile(r'(<c r="[A-Z]+\d+"[^>]*?) t="inlineStr"><is><t(?: [^>]*)?>(.*?)</t></is></c>',
                     re.S)
_SST = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_SST_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"


def excel_style(data: bytes) -> bytes:
    """The workbook as Excel saves it: strings in xl/sharedStrings.xml (openpyxl writes them
    inline), worksheet targets relative to xl/."""
    strings: dict[str, int] = {}

    def shared(match):
        index = strings.setdefault(match.group(2), len(strings))
        return f'{match.group(1)} t="s"><v>{index}</v></c>'

    source = zipfile.ZipFile(io.BytesIO(data))
    parts = {info.filename: source.read(info).decode() for info in source.infolist()}
    for name in parts:
        if name.startswith("xl/worksheets/"):
            parts[name] = _INLINE.sub(shared, parts[name])
    items = "".join(f'<si><t xml:space="preserve">{text}</t></si>' for text in strings)
    parts["xl/sharedStrings.xml"] = (
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        f'count="{len(strings)}" uniqueCount="{len(strings)}">{items}</sst>')
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        "</Types>", f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_SST}"/></Types>')
    rels = parts["xl/_rels/workbook.xml.rels"].replace('Target="/xl/', 'Target="')
    parts["xl/_rels/workbook.xml.rels"] = rels.replace(
        "</Relationships>",
        f'<Relationship Id="rIdSST" Type="{_SST_REL}" Target="sharedStrings.xml"/></Relationships>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, text in parts.items():
            target.writestr(name, text.encode())
    return out.getvalue()


def set_cached_value(data: bytes, cell: str, value: str) -> bytes:
    """openpyxl cannot write a formula's cached result: patch <v> into the sheet XML like Excel."""
    def change(xml):
        pattern = re.compile(rf'(<c r="{cell}"[^>]*>\s*<f>[^<]*</f>)\s*<v\s*/>')
        assert pattern.search(xml), xml
        return pattern.sub(rf"\g<1><v>{value}</v>", xml)
    return replace_part(data, DATA_PART, change)


def id_number(rng: random.Random, born: date | None = None) -> str:
    born = born or date(rng.randint(1960, 2004), rng.randint(1, 12), rng.randint(1, 28))
    body = f"370102{born:%Y%m%d}{rng.randint(0, 999):03d}"
    return body + mod_11_2.calc_check_digit(body)


def chinese_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))


def c1_row(rng: random.Random) -> list:
    """One 在职增员 row as a user types it (text cells, wage a number), in registry order."""
    number = id_number(rng)
    return [number, chinese_name(rng), "男" if int(number[16]) % 2 else "女",
            f"{number[6:10]}-{number[10:12]}-{number[12:14]}", "01", "male60",
            f"13{rng.randint(0, 999_999_999):09d}", "济南市历下区泉城路1号", "01", "01", "11",
            "2026-11", "110,210,310,410,510", rng.choice([4500, 6000.5, 8123.45]), "否",
            "山东省济南市历下区", "2010-07", "一车间"]


def ole_file(*streams: str) -> bytes:
    """A minimal OLE2 compound file (v3, 512-byte sectors) whose directory names ``streams`` —
    what a password-protected xlsx (EncryptionInfo, EncryptedPackage) or an .xls (Workbook) is."""
    free, end, fat_marker = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
    header = struct.pack("<8s16sHHHHH6sIIIIIIIII", bytes.fromhex("d0cf11e0a1b11ae1"), bytes(16),
                         0x3E, 3, 0xFFFE, 9, 6, bytes(6), 0, 1, 1, 0, 4096, end, 0, end, 0)
    header += struct.pack("<109I", 0, *[free] * 108)
    fat = struct.pack("<128I", fat_marker, end, *[free] * 126)

    def entry(name, kind, child=free, right=free):
        encoded = (name + "\0").encode("utf-16-le")
        return struct.pack("<64sHBBIII16sIQQIQ", encoded, len(encoded), kind, 1, free, right,
                           child, bytes(16), 0, 0, 0, end, 0)

    entries = [entry("Root Entry", 5, child=1 if streams else free)]
    for index, name in enumerate(streams, start=1):
        entries.append(entry(name, 2, right=index + 1 if index < len(streams) else free))
    directory = b"".join(entries).ljust(512, b"\0")
    assert len(header) == 512 and len(directory) == 512
    return header + fat + directory
