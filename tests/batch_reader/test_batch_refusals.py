"""Whole files the batch reader refuses (BatchFileError), each built here byte by byte."""
import io
import random
import struct
import zipfile

import pytest

from app.batch import BatchFileError, read_batch
from app.batch import reader as reader_module
from tests.batch_reader.workbooks import c1_row, excel_style, ole_file, template

RNG = random.Random(3)
GOOD_ROWS = [c1_row(RNG) for _ in range(3)]


def refusal(data: bytes, business="C1", **limits) -> BatchFileError:
    with pytest.raises(BatchFileError) as caught:
        read_batch(data, business, **limits)
    assert str(caught.value) == caught.value.message
    return caught.value


@pytest.fixture
def no_parsing(monkeypatch):
    """Refusals that must come before calamine ever sees the file."""
    class Forbidden:
        @staticmethod
        def from_filelike(*args, **kwargs):
            raise AssertionError("calamine must not parse this file")

    monkeypatch.setattr(reader_module, "CalamineWorkbook", Forbidden)


def test_a_good_file_is_read():
    assert len(read_batch(template("C1", GOOD_ROWS), "C1").rows) == 3


# --- not an xlsx at all ---------------------------------------------------------------------------
PNG = b"\x89PNG\r\n\x1a\n" + struct.pack(">I4sIIBBBBB", 13, b"IHDR", 1, 1, 8, 2, 0, 0, 0)


@pytest.mark.parametrize("data, said", [
    (PNG, "图片文件（PNG）"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "图片文件（JPEG）"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "PDF文件"),
    ("社会保障号码,姓名\n370102199001011234,张三\n".encode(), "文本文件（如CSV）"),
    ("社会保障号码,姓名\n".encode("gb18030"), "文本文件（如CSV）"),
    (b"<html><body><table><tr><td>1</td></tr></table></body></html>", "网页文件"),
    (b"Rar!\x1a\x07\x00", "RAR压缩包"),
    (bytes(range(256)) * 4, "无法识别格式的文件"),
])
def test_other_kinds_of_file_are_named(no_parsing, data, said):
    error = refusal(data)
    assert error.reason == "not_xlsx"
    assert said in str(error) and "不是Excel工作簿" in str(error)


def test_an_empty_upload(no_parsing):
    assert refusal(b"").reason == "empty_file"


def test_an_old_xls_is_told_to_save_as_xlsx(no_parsing):
    error = refusal(ole_file("Workbook", "\x05SummaryInformation"))
    assert error.reason == "xls"
    assert str(error) == "这是旧版Excel(.xls)文件，请在Excel中另存为.xlsx后重新上传"


def test_a_password_protected_xlsx_is_told_apart_from_an_xls(no_parsing):
    # What Excel writes for a password: an OLE2 compound file with EncryptionInfo and
    # EncryptedPackage streams (and a \x06DataSpaces storage) instead of a zip.
    error = refusal(ole_file("\x06DataSpaces", "EncryptionInfo", "EncryptedPackage"))
    assert error.reason == "encrypted"
    assert str(error) == "文件已加密，请取消密码后重新上传"


def test_a_truncated_ole_file_still_tells_encryption_by_the_stream_name(no_parsing):
    data = ole_file("EncryptionInfo", "EncryptedPackage")
    # FAT sector number pointing far outside the file: the directory cannot be walked.
    broken = data[:76] + struct.pack("<I", 9999) + data[80:]
    assert refusal(broken).reason == "encrypted"
    assert refusal(ole_file("Workbook")[:100]).reason == "xls"


def test_an_old_word_document(no_parsing):
    assert "旧版Word文档" in str(refusal(ole_file("WordDocument")))


# --- zip but not a workbook -----------------------------------------------------------------------
def a_zip(files: dict) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in files.items():
            z.writestr(name, body)
    return out.getvalue()


@pytest.mark.parametrize("files, said", [
    ({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"}, "Word文档(.docx)"),
    ({"mimetype": "application/vnd.oasis.opendocument.spreadsheet", "content.xml": "<x/>"},
     "OpenDocument"),
    ({"[Content_Types].xml": "<Types/>", "xl/workbook.bin": "\0"}, ".xlsb"),
    ({"photo.jpg": "\xff\xd8"}, "ZIP压缩包"),
])
def test_zips_that_are_not_workbooks(no_parsing, files, said):
    assert said in str(refusal(a_zip(files)))


@pytest.mark.parametrize("cut", [0.5, 0.9])
def test_a_truncated_xlsx_is_corrupt(no_parsing, cut):
    data = template("C1", GOOD_ROWS)
    error = refusal(data[: int(len(data) * cut)])
    assert error.reason == "corrupt"
    assert "文件已损坏" in str(error)


def test_garbage_after_the_zip_signature_is_corrupt(no_parsing):
    assert refusal(b"PK\x03\x04" + bytes(2000)).reason == "corrupt"


def test_a_workbook_without_its_parts_is_corrupt(no_parsing):
    assert refusal(a_zip({"xl/workbook.xml": "<workbook/>"})).reason == "corrupt"


# --- sizes ----------------------------------------------------------------------------------------
def test_a_file_over_max_bytes(no_parsing):
    data = template("C1", GOOD_ROWS)
    error = refusal(data, max_bytes=len(data) - 1)
    assert error.reason == "too_big" and "文件过大" in str(error)


def test_a_file_of_max_bytes_is_read():
    data = template("C1", GOOD_ROWS)
    assert read_batch(data, "C1", max_bytes=len(data)).rows


def test_a_zip_bomb_is_refused_from_the_directory_before_inflating(no_parsing):
    # 300 MB of zeros deflate to ~300 KB: the declared size alone gives it away.
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        with z.open("xl/worksheets/sheet1.xml", "w") as sheet:
            zeros = bytes(1 << 20)
            for _ in range(300):
                sheet.write(zeros)
    data = out.getvalue()
    assert len(data) < 2 * 2**20
    error = refusal(data)
    assert error.reason == "zip_bomb" and "解压后超过200 MB" in str(error)


def test_max_unzipped_is_the_limit(no_parsing):
    data = template("C1", GOOD_ROWS)
    total = sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(data)).infolist())
    assert refusal(data, max_unzipped=total - 1).reason == "zip_bomb"


def test_a_directory_lying_about_sizes_is_caught_by_the_crc(no_parsing):
    """A part declared small but inflating larger: zipfile stops at the declared size and the
    CRC does not match, before calamine would inflate it all."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/sharedStrings.xml", "<sst>" + "x" * 100_000 + "</sst>")
    data = bytearray(out.getvalue())
    for signature, size_at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while (start := data.find(signature, start)) >= 0:
            name_length = struct.unpack_from("<H", data, start + (26 if size_at == 22 else 28))[0]
            name_at = start + (30 if size_at == 22 else 46)
            if data[name_at:name_at + name_length] == b"xl/sharedStrings.xml":
                struct.pack_into("<I", data, start + size_at, 100)
            start += 4
    assert refusal(bytes(data)).reason == "corrupt"


@pytest.mark.parametrize("saved_by", [lambda data: data, excel_style])
def test_too_many_rows(saved_by):
    data = saved_by(template("C1", [c1_row(RNG) for _ in range(6)]))
    error = refusal(data, max_rows=5)
    assert error.reason == "too_many_rows" and "最多5行" in str(error) and "6行" in str(error)
    assert len(read_batch(data, "C1", max_rows=6).rows) == 6


def test_too_many_rows_is_refused_before_calamine_parses_the_sheet(monkeypatch):
    data = template("C1", [c1_row(RNG) for _ in range(6)])
    monkeypatch.setattr(reader_module, "_read_rows", lambda *a: pytest.fail("rows were read"))
    assert refusal(data, max_rows=5).reason == "too_many_rows"


@pytest.mark.parametrize("saved_by", [lambda data: data, excel_style])
def test_rows_with_only_formatting_do_not_count(saved_by):
    from openpyxl.styles import Font

    def format_empty_rows(ws):
        for row in range(5, 40):
            ws.cell(row, 2).font = Font(bold=True)

    data = saved_by(template("C1", GOOD_ROWS, edit=format_empty_rows))
    assert len(read_batch(data, "C1", max_rows=3).rows) == 3
    assert refusal(data, max_rows=2).reason == "too_many_rows"


# --- not our template, or another business's ------------------------------------------------------
def test_a_workbook_without_meta_is_not_our_template():
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["社会保障号码", "姓名"])
    out = io.BytesIO()
    wb.save(out)
    error = refusal(out.getvalue())
    assert error.reason == "not_template"
    assert str(error).startswith("不是本系统下载的模板") and "“在职增员”模板" in str(error)


@pytest.mark.parametrize("meta", [
    ("something-else", "C1", "1"), ("shebao-template", "C99", "1"), ("shebao-template",), (),
])
def test_a_meta_sheet_that_is_not_ours(meta):
    assert refusal(template("C1", GOOD_ROWS, meta=meta)).reason == "not_template"


def test_the_wrong_business_template():
    data = template("C2", [["370102199001011234", "张三", "11", "2026-11"]])
    error = refusal(data, "C1")
    assert error.reason == "wrong_business"
    assert str(error) == "这是“在职减员”的模板，请下载“在职增员”模板"


def test_an_old_template_version():
    error = refusal(template("C1", GOOD_ROWS, meta=("shebao-template", "C1", "0")))
    assert error.reason == "template_version"


def test_the_version_may_be_a_number_cell():
    assert read_batch(template("C1", GOOD_ROWS, meta=("shebao-template", "C1", 1)), "C1").rows


# --- headers --------------------------------------------------------------------------------------
C1_LABELS = ["社会保障号码", "姓名", "性别", "出生日期", "民族", "退休年龄类别", "手机号码",
             "通讯地址", "用工形式", "人员类别", "增加原因", "增员年月", "参保险种", "月缴费工资",
             "追溯补缴"]


def without(column: str):
    index = C1_LABELS.index(column)
    return ([h for h in C1_LABELS if h != column],
            [r[:index] + r[index + 1:] for r in GOOD_ROWS])


def test_a_missing_required_column_is_named():
    headers, rows = without("姓名")
    error = refusal(template("C1", rows, headers=headers))
    assert error.reason == "headers"
    assert "缺少必填列：姓名" in str(error) and "无法识别" not in str(error)


def test_a_missing_optional_column_is_fine():
    headers, rows = without("民族")
    batch = read_batch(template("C1", rows, headers=headers), "C1")
    assert "nation" not in batch.columns
    assert all(row.values["nation"] is None for row in batch.rows)


def test_a_renamed_header_is_named_both_ways():
    headers = ["身份证号", *C1_LABELS[1:]]
    error = refusal(template("C1", GOOD_ROWS, headers=headers))
    assert "缺少必填列：社会保障号码" in str(error) and "无法识别的列：身份证号" in str(error)


def test_an_added_column_is_ignored_and_named():
    batch = read_batch(template("C1", [r + ["x"] for r in GOOD_ROWS],
                                headers=C1_LABELS + ["备注"]), "C1")
    assert batch.ignored == ["备注"] and batch.columns[-1] is None
    assert [row.values["id_number"] for row in batch.rows] == [r[0] for r in GOOD_ROWS]
    assert all("备注" not in row.values and not row.problems for row in batch.rows)


def test_an_added_column_is_named_when_the_file_is_refused_anyway():
    headers, rows = without("姓名")
    error = refusal(template("C1", [r + ["x"] for r in rows], headers=headers + ["备注"]))
    assert "缺少必填列：姓名" in str(error) and "无法识别的列：备注" in str(error)


def test_a_repeated_column_is_named():
    error = refusal(template("C1", GOOD_ROWS, headers=C1_LABELS + ["姓名"]))
    assert "重复的列：姓名" in str(error)


def test_headers_are_matched_in_any_order_and_with_stray_spaces():
    headers = ["姓名 ", "　社会保障号码", *C1_LABELS[2:]]
    rows = [[r[1], r[0], *r[2:]] for r in GOOD_ROWS]
    batch = read_batch(template("C1", rows, headers=headers), "C1")
    assert batch.columns[:2] == ["name", "id_number"]
    assert batch.headers[:2] == ["姓名", "社会保障号码"]
    assert batch.rows[0].values["id_number"] == GOOD_ROWS[0][0]


def test_a_header_row_moved_down_is_found():
    batch = read_batch(template("C1", [C1_LABELS, *GOOD_ROWS], headers=[]), "C1")
    assert batch.header_row == 2
    assert [row.number for row in batch.rows] == [3, 4, 5]


def test_a_title_row_above_the_header_is_not_the_header():
    def merge_title(ws):
        ws.merge_cells("A1:O1")

    batch = read_batch(template("C1", [C1_LABELS, *GOOD_ROWS], headers=["在职增员人员名单"],
                                edit=merge_title), "C1")
    assert batch.header_row == 2 and batch.headers[:2] == ["社会保障号码", "姓名"]
    assert [(row.number, row.problems) for row in batch.rows] == [(3, {}), (4, {}), (5, {})]
    assert batch.rows[0].values["id_number"] == GOOD_ROWS[0][0]


def test_a_header_too_far_down_is_refused():
    data = template("C1", [["说明"]] * 5 + [C1_LABELS, *GOOD_ROWS], headers=["标题"])
    assert refusal(data).reason == "headers"


# --- no data --------------------------------------------------------------------------------------
def test_headers_only_is_empty():
    error = refusal(template("C1", []))
    assert error.reason == "no_rows" and "没有数据" in str(error)


def test_blank_rows_only_is_empty():
    assert refusal(template("C1", [[None] * 15, ["", "  ", "\u3000"]])).reason == "no_rows"


def test_an_empty_data_sheet_is_empty():
    assert refusal(template("C1", [], headers=[])).reason == "no_rows"
