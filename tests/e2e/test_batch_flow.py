"""报盘 in a real browser: download the template, fill it (openpyxl, as a person's Excel would),
upload it with one bad row, download the error workbook, fix, re-import, submit; the reviewer
approves with one person rejected (partial); the employer downloads 审核失败人员列表.

Runs on the session's demo database with persons of its own (ID numbers no other test uses),
enrolled in all five 险种 like every demo employee, and leaves the declaration read, so the
demo's other expectations of 37010000001 still hold."""
import pytest
from openpyxl import load_workbook

from tests.batch.test_batch_import import name_of, person
from tests.declarations.test_commands import new_id
from tests.e2e.test_declaration_flow import log_in, log_out, scan

pytestmark = pytest.mark.e2e
EMPLOYER = "37010000001"
ALL = "110,210,310,410,510"
SEQS = (70, 71, 72)


def fill(template_path, out_path, rows):
    book = load_workbook(template_path)
    sheet = book.worksheets[0]
    for r, values in enumerate(rows, 2):
        for c, value in enumerate(values, 1):
            sheet.cell(row=r, column=c, value=value)
    book.save(out_path)
    return out_path


def download(page, selector, path):
    with page.expect_download() as info:
        page.click(selector)
    info.value.save_as(path)
    return path


def test_batch_enrollment_by_excel_with_partial_review(live_server, page, tmp_path):
    log_in(page, live_server, EMPLOYER)
    page.goto(f"{live_server}/declare/c1/new/")
    page.click("#to-batch")
    template = download(page, "#download-template", tmp_path / "template.xlsx")

    bad = person(SEQS[2], id_number=new_id(SEQS[2])[:17], insurances=ALL)  # one digit short
    first = fill(template, tmp_path / "first.xlsx", [person(SEQS[0], insurances=ALL), person(SEQS[1], insurances=ALL), bad])
    page.set_input_files("#batch-file", str(first))
    page.click("#batch-import")
    assert page.inner_text("#good-count") == "2" and page.inner_text("#bad-count") == "1"
    assert "长度不正确" in page.inner_text("#bad-rows")
    errors = load_workbook(download(page, "#download-errors", tmp_path / "errors.xlsx"))
    sheet = errors.worksheets[0]
    assert sheet.cell(row=2, column=1).value == 4  # the original row number
    assert sheet.cell(row=2, column=2).fill.fgColor.rgb.endswith("FFC7CE")  # the bad cell

    fixed = fill(template, tmp_path / "fixed.xlsx", [person(s, insurances=ALL) for s in SEQS])
    page.set_input_files("#reimport-file", str(fixed))
    page.click("#reimport-button")
    assert page.inner_text("#good-count") == "3" and page.inner_text("#bad-count") == "0"

    page.click("text=上传材料")
    for kind in ("id_card", "contract"):
        page.set_input_files(f"#file-{kind}", str(scan(tmp_path, f"{kind}.png")))
        page.click(f"#upload-{kind}")
    page.click("#to-check")
    page.click("#act-submit")
    page.click("#confirm-submit-ok")  # 提交 asks first
    page.wait_for_load_state("networkidle")
    serial = page.inner_text(".panel-title").split("·")[-1].strip()
    log_out(page, live_server)

    log_in(page, live_server, "reviewer")
    page.goto(f"{live_server}/review/")
    page.click(f"text={serial}")
    page.click("#claim")
    rejected = page.locator(".item", has_text=name_of(SEQS[2]))
    rejected.locator("input[name=approve]").uncheck()
    page.fill("#opinion", "劳动合同未签字")
    page.click("#approve")
    assert page.locator("#declaration-status").get_attribute("data-status") == "partial"
    log_out(page, live_server)

    log_in(page, live_server, EMPLOYER)
    page.goto(f"{live_server}/tasks/?which=done")
    page.locator("#tasks tr", has_text=serial).locator("a").click()
    page.click("#batch-page")
    failures = load_workbook(download(page, "#download-failures", tmp_path / "failures.xlsx"))
    rows = list(failures.worksheets[0].iter_rows(min_row=2, values_only=True))
    assert [(r[1], r[2], r[3]) for r in rows] == [
        (new_id(SEQS[2]), name_of(SEQS[2]), "劳动合同未签字")]
    page.click("text=查看办理结果")
    page.click("#act-read")
