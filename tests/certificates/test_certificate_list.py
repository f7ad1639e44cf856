"""From an uploaded list (报盘): the unit's people come back ticked; every other row is an error
row with one reason for all cases, saying nothing about people outside the unit."""
import io

from openpyxl import Workbook, load_workbook

from tests.declarations.flows import ORDINARY


def workbook(rows, header=("社会保障号码", "姓名"), title=None) -> bytes:
    book = Workbook()
    sheet = book.active
    if title:
        sheet.append([title])
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(client, data, name="名单.xlsx"):
    return client.post("/certificates/upload", data={
        "file": (io.BytesIO(data), name), "start": "2025-01", "end": "2025-06"},
        content_type="multipart/form-data")


def test_the_template_has_the_two_columns(as_user):
    response = as_user(ORDINARY).get("/certificates/template")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert [c.value for c in sheet[1]] == ["社会保障号码", "姓名"]
    assert sheet["A2"].number_format == "@"


def test_the_list_finds_our_people_and_lists_the_rest_as_errors(app, as_user, ours, theirs):
    rows = [
        (ours[2], ours[1]),  # ours: found
        (ours[2].lower(), "不是这个名字"),  # ours, the wrong name
        (theirs[2], theirs[1]),  # another unit's person
        ("110101199003070000", "查无此人"),  # a valid-looking ID nobody has (bad check digit)
        (37010219900101, "数字"),  # an ID stored as a number
        ("", ""),  # an empty row: skipped
    ]
    page = upload(as_user(ORDINARY), workbook(rows, title="打印缴费证明人员名单"))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "共5行，成功1行，错误4行" in html
    assert f'value="{ours[0]}" checked' in html
    assert theirs[1] not in html  # the other unit's person is never named …
    not_ours = "未找到该人员：社会保障号码与姓名不是本单位参保人员"
    assert html.count(not_ours) == 2  # … and answers as a wrong name of our own does
    assert "社会保障号码格式不正确" in html
    assert "身份证号码被存成了数字" in html


def test_bad_files_are_refused_with_a_reason(as_user):
    client = as_user(ORDINARY)
    cases = [
        (b"", "文件是空的"),
        (b"%PDF-1.4 not a workbook", "PDF文件"),
        (workbook([("x", "y")], header=("身份证", "名字")), "未找到表头"),
        (workbook([]), "名单中没有人员"),
        (workbook([(f"3701021990010{i:05d}", "某人") for i in range(1001)]), "最多1000行"),
        (b"x" * (2 * 1024 * 1024 + 10), "文件过大"),
    ]
    for data, reason in cases:
        response = upload(client, data)
        assert response.status_code == 302, reason
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        assert reason in page, reason
