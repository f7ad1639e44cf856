"""Hostile 报盘 workbooks (issue 10, item 1): a few KB of sheet XML that would make calamine build
a grid of gigabytes (one cell at XFD100000: ~52 GB, the process aborts) are refused before
calamine reads them, with a clear message; the server answers the next request.

Each file is read by ``stream_batch`` in a child interpreter whose address space may grow by
CHILD_HEADROOM_MB at most (RLIMIT_AS), so a broken fix fails the test (the child dies or reports a
large peak) instead of taking the machine down; the peak RSS growth of the read is asserted
below CEILING_MB. Uploads through the real route are made only after the child proved the file
refused.
"""
import io
import json
import random
import re
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path

import pytest

from app.batch.reader import MERGED
from tests.batch.test_batch_import import filled, person
from tests.batch_reader.workbooks import DATA_PART, c1_row, id_number, replace_part, template

ROOT = Path(__file__).resolve().parents[2]
CHILD_HEADROOM_MB = 600
CEILING_MB = 150
EMPLOYER = "37010000001"
TEXT = 't="inlineStr"><is><t>x</t></is></c>'

CHILD = r"""
import json, resource, sys, time
from app.batch.reader import BatchFileError, stream_batch


def status(key):
    with open("/proc/self/status") as lines:
        return next(int(l.split()[1]) * 1024 for l in lines if l.startswith(key))


data = open(sys.argv[1], "rb").read()
headroom = int(sys.argv[2]) << 20
resource.setrlimit(resource.RLIMIT_AS, (status("VmSize:") + headroom, resource.RLIM_INFINITY))
before, started = status("VmRSS:"), time.perf_counter()
try:
    rows = [(row.number, sorted(set(row.problems.values()))) for row in stream_batch(data, "C1")]
    out = {"rows": rows}
except BatchFileError as refused:
    out = {"reason": refused.reason, "message": refused.message}
out["growth_mb"] = max(0, status("VmHWM:") - before) / 2**20
out["seconds"] = time.perf_counter() - started
print("RESULT " + json.dumps(out, ensure_ascii=False))
"""


def read_in_child(data: bytes, tmp_path) -> dict:
    path = tmp_path / "upload.xlsx"
    path.write_bytes(data)
    done = subprocess.run([sys.executable, "-c", CHILD, str(path), str(CHILD_HEADROOM_MB)],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, f"the read died (exit {done.returncode}): {done.stderr[-2000:]}"
    line = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")][-1]
    out = json.loads(line[len("RESULT "):])
    assert out["growth_mb"] < CEILING_MB, out
    return out


def good_rows(count: int = 2) -> list:
    rng = random.Random(10)
    return [c1_row(rng) for _ in range(count)]


def hostile(sheet_data: str = "", after: str = "", rows=None, part: str = DATA_PART,
            dimension: str | None = None) -> bytes:
    """A C1 template (good rows by default) whose sheet XML gets ``sheet_data`` before
    </sheetData> and ``after`` right after it."""
    def change(xml):
        xml = xml.replace("</sheetData>", sheet_data + "</sheetData>" + after)
        if dimension:
            xml = re.sub(r'<dimension ref="[^"]*"\s*/>', f'<dimension ref="{dimension}"/>', xml)
            assert dimension in xml
        return xml
    return replace_part(template("C1", good_rows() if rows is None else rows), part, change)


def far_cell(reference: str) -> str:
    row = re.search(r"\d+", reference).group()
    return f'<row r="{row}"><c r="{reference}" {TEXT}</row>'


REFUSED = {
    "a cell at XFD100000": hostile(far_cell("XFD100000")),
    "a cell at XFD2000": hostile(far_cell("XFD2000")),
    "a cell at A1048576": hostile(far_cell("A1048576")),
    "an empty inline text at XFD2000 (calamine keeps it)":
        hostile('<row r="2000"><c r="XFD2000" t="inlineStr"><is/></c></row>'),
    "cells without r placed by position up to XFD":
        hostile('<row r="2000">' + "<c/>" * 16383 + f"<c {TEXT}</row>"),
    "rows without r placed by position past a million":
        hostile("<row/>" * 1_048_000 + f"<row><c {TEXT}</row>"),
    "a cell at XFD100000 on the example sheet":
        hostile(far_cell("XFD100000"), part="xl/worksheets/sheet3.xml"),
    "a cell at XFD100000 on the hidden _meta sheet":
        hostile(far_cell("XFD100000"), part="xl/worksheets/sheet4.xml"),
}


@pytest.mark.parametrize("case", REFUSED)
def test_a_sheet_calamine_would_need_gigabytes_for_is_refused_unread(case, tmp_path):
    data = REFUSED[case]
    assert len(data) < 100_000  # a few KB of zip
    out = read_in_child(data, tmp_path)
    assert out.get("reason") == "extent", out
    assert "已用区域过大" in out["message"] and "请删除模板以外单元格中的内容" in out["message"]


def test_the_issue_workbook_through_the_upload_route(app, as_user, tmp_path):
    employer = as_user(EMPLOYER)
    real = employer.get("/declare/c1/template.xlsx").data
    sheet = next(n for n in zipfile.ZipFile(io.BytesIO(real)).namelist()
                 if n.startswith("xl/worksheets/sheet"))
    data = replace_part(real, sheet, lambda xml: xml.replace(
        "</sheetData>", far_cell("XFD100000") + "</sheetData>"))
    assert read_in_child(data, tmp_path)["reason"] == "extent"  # safe to read in-process now
    response = employer.post("/declare/c1/batch/", data={"file": (io.BytesIO(data), "c1.xlsx")},
                             content_type="multipart/form-data")
    assert response.status_code == 302
    page = employer.get(response.headers["Location"])
    assert page.status_code == 200 and "已用区域过大" in page.get_data(as_text=True)
    assert employer.get("/declare/c1/batch/").status_code == 200  # still serving


def test_a_lying_dimension_costs_nothing_and_the_rows_are_read(tmp_path):
    out = read_in_child(hostile(dimension="A1:XFD1048576"), tmp_path)
    assert [number for number, _ in out["rows"]] == [2, 3]


def test_forty_merged_ranges_down_to_the_last_row_are_cheap(tmp_path):
    merges = "".join('<mergeCell ref="A2:A1048576"/>' for _ in range(40))
    out = read_in_child(hostile(after=f'<mergeCells count="40">{merges}</mergeCells>'), tmp_path)
    assert out["rows"] == [[2, [MERGED]], [3, [MERGED]]]
    assert out["seconds"] < 2


def test_too_many_merged_ranges_are_refused(tmp_path):
    merges = "".join(f'<mergeCell ref="P{n}:Q{n}"/>' for n in range(2, 10_003))
    out = read_in_child(hostile(after=f'<mergeCells count="10001">{merges}</mergeCells>'),
                        tmp_path)
    assert out["reason"] == "merged" and "合并单元格过多（10001处）" in out["message"]


def test_styled_empty_cells_far_out_do_not_count(tmp_path):
    """calamine keeps no grid for them (checked by experiment), so neither do we."""
    styled = '<row r="2000"><c r="XFD2000" s="1"/></row><row r="1048576" s="1" customFormat="1"/>'
    out = read_in_child(hostile(styled), tmp_path)
    assert [number for number, _ in out["rows"]] == [2, 3]


def test_a_stray_note_in_column_z_still_imports(app, as_user, tmp_path):
    employer = as_user(EMPLOYER)
    real = employer.get("/declare/c1/template.xlsx").data
    stranger = id_number(random.Random(1010), date(1977, 7, 7))  # an ID no other test uses
    data = filled(real, [person(0, id_number=stranger, birth_date="1977-07-07")])
    sheet = next(n for n in zipfile.ZipFile(io.BytesIO(data)).namelist()
                 if n.startswith("xl/worksheets/sheet"))
    data = replace_part(data, sheet, lambda xml: xml.replace(
        "</sheetData>", f'<row r="5"><c r="Z5" {TEXT}</row></sheetData>'))
    assert read_in_child(data, tmp_path)["rows"] == [[2, []]]
    response = employer.post("/declare/c1/batch/", data={"file": (io.BytesIO(data), "c1.xlsx")},
                             content_type="multipart/form-data")
    assert response.status_code == 302 and re.search(r"/\d+/batch/", response.headers["Location"])
    page = employer.get(response.headers["Location"]).get_data(as_text=True)
    assert 'id="good-count">1<' in page


def test_a_sheet_whose_root_hides_behind_a_megabyte_of_padding_is_corrupt(tmp_path):
    """The namespace prefix of a sheet's tags is read from its root element: a sheet of the
    workbook without one in its first megabyte is no sheet Excel wrote, and is not let through
    unmeasured."""
    padding = "<!--" + "x" * (1 << 20) + "-->"
    data = hostile(far_cell("XFD100000"), part="xl/worksheets/sheet4.xml")
    data = replace_part(data, "xl/worksheets/sheet4.xml",
                        lambda xml: xml.replace("<worksheet", padding + "<worksheet", 1))
    assert read_in_child(data, tmp_path)["reason"] == "corrupt"
