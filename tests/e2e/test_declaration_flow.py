"""The declaration engine in a real browser: an employer adds a person with a material, the
reviewer approves, the employer prints the 增员表 and marks it read while the home counters
move; at the VIP unit the same declaration is decided the moment it is submitted.

These tests run on the session's demo database, so each adds a person of its own (ID numbers
no other test uses), enrolled in all five 险种 like every demo employee, and leaves its
declaration approved and read, as the demo's other declarations of the unit are.
"""
import re
import subprocess

import pytest
from PIL import Image

from tests.declarations.test_commands import new_id
from tests.support import PASSWORDS, browser_login

pytestmark = pytest.mark.e2e

EMPLOYER, VIP_EMPLOYER, REVIEWER = "37010000001", "37010000002", "reviewer"
INSURANCES = ("110", "210", "310", "410", "510")


def log_in(page, base, username):
    browser_login(page, base, username, PASSWORDS[username])
    assert "/login" not in page.url, f"{username} could not log in"


def log_out(page, base):
    page.goto(f"{base}/logout/")
    page.wait_for_load_state("networkidle")


def counter(page, key) -> int:
    return int(page.locator(f"#counter-{key} .counter-value").inner_text())


def open_menu(page, category, item):
    """A menu entry (FAB puts an icon and a no-break space before each label)."""
    for label in (category, item):
        page.get_by_role("link", name=label).first.click()
    page.wait_for_load_state("networkidle")


def scan(tmp_path, name="id_card.png"):
    path = tmp_path / name
    Image.new("RGB", (64, 40), "lightblue").save(path, "PNG")
    return path


def enter_new_person(page, seq, name, month):
    """The 在职增员 form, as a person fills it in."""
    page.fill("#id_number", new_id(seq))
    page.fill("#name", name)
    page.select_option("#gender", "male")
    page.fill("#birth_date", "1990-01-01")
    page.select_option("#nation", "01")
    page.select_option("#retirement_category", "male")
    page.fill("#phone", "13912345678")
    page.fill("#address", "济南市历下区测试路1号")
    page.select_option("#employment_form", "01")
    page.select_option("#person_category", "01")
    page.select_option("#add_reason", "101")
    page.fill("#start_month", month)
    for code in INSURANCES:
        page.check(f"input[name=insurances][value='{code}']")
    page.fill("#wage", "6000")
    page.click("#entry-save")
    page.wait_for_load_state("networkidle")
    assert "/materials/" in page.url, page.locator(".field-error").all_inner_texts()


def upload(page, material_type, path):
    page.set_input_files(f"#file-{material_type}", str(path))
    page.click(f"#upload-{material_type}")
    page.wait_for_load_state("networkidle")
    assert "材料已上传" in page.locator("body").inner_text()
    row = page.locator("#material-checklist tr", has=page.locator(f"#file-{material_type}"))
    assert path.name in row.inner_text()


def through_submission(page, tmp_path, seq, name) -> str:
    """From the menu to 提交: entry, the two required materials, 核对; the serial number."""
    from datetime import date

    open_menu(page, "社会保险申报", "在职增员")
    assert page.locator("#entry-form").is_visible()
    enter_new_person(page, seq, name, date.today().strftime("%Y-%m"))
    upload(page, "id_card", scan(tmp_path, "id_card.png"))
    upload(page, "contract", scan(tmp_path, "contract.png"))
    page.click("#to-check")
    page.wait_for_load_state("networkidle")
    preview = page.locator("#cost-preview")
    assert preview.is_visible()
    assert "960.00" in preview.inner_text()  # 养老 unit share: 6000 × 16 %
    assert "missing-materials" not in page.content()
    serial = re.search(r"SB\d{14}", page.locator(".panel-title").inner_text()).group(0)
    page.click("#act-submit")
    page.click("#confirm-submit-ok")  # 提交 asks first
    page.wait_for_load_state("networkidle")
    return serial


def test_employer_declares_reviewer_approves_employer_prints_and_reads(live_server, page,
                                                                       tmp_path):
    base, name = live_server, "柳一鸣"
    log_in(page, base, EMPLOYER)
    before = {key: counter(page, key) for key in ("submitted", "approved_unread")}

    serial = through_submission(page, tmp_path, 60, name)
    status = page.locator("#declaration-status")
    assert status.get_attribute("data-status") == "submitted"
    assert status.inner_text() == "提交后等待处理"
    page.goto(f"{base}/")
    assert counter(page, "submitted") == before["submitted"] + 1
    log_out(page, base)

    log_in(page, base, REVIEWER)
    open_menu(page, "审核管理", "待审核申报")
    page.get_by_role("link", name=serial).click()
    page.wait_for_load_state("networkidle")
    assert name in page.locator(".item").first.inner_text()
    assert "id_card.png" in page.locator("#materials").inner_text()
    page.click("#claim")
    page.wait_for_load_state("networkidle")
    assert page.locator("#declaration-status").get_attribute("data-status") == "reviewing"
    page.click("#approve")
    page.wait_for_load_state("networkidle")
    assert page.locator("#declaration-status").get_attribute("data-status") == "approved"
    log_out(page, base)

    log_in(page, base, EMPLOYER)
    assert counter(page, "approved_unread") == before["approved_unread"] + 1
    assert counter(page, "submitted") == before["submitted"]
    page.click("#counter-approved_unread")
    page.wait_for_load_state("networkidle")
    row = page.locator("#tasks tbody tr", has_text=serial)
    assert "处理成功" in row.inner_text()
    row.get_by_role("link", name="查看").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#declaration-status").inner_text() == "处理成功"

    printed = page.locator("#print")
    assert printed.inner_text() == "打印"
    with page.expect_popup() as opened:
        printed.click()
    opened.value.close()
    response = page.request.get(base + printed.get_attribute("href"))
    assert response.ok and response.headers["content-type"] == "application/pdf"
    pdf = tmp_path / "enrollment.pdf"
    pdf.write_bytes(response.body())
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert name in text and new_id(60) in text and serial in text

    page.click("#act-read")
    page.wait_for_load_state("networkidle")
    assert "已设为已读" in page.locator("body").inner_text()
    assert page.locator("#act-read").count() == 0
    page.goto(f"{base}/")
    assert counter(page, "approved_unread") == before["approved_unread"]


def test_vip_unit_is_decided_at_submission(live_server, page, tmp_path):
    base, name = live_server, "贝思远"
    log_in(page, base, VIP_EMPLOYER)
    before = counter(page, "approved_unread")

    serial = through_submission(page, tmp_path, 61, name)
    status = page.locator("#declaration-status")
    assert status.get_attribute("data-status") == "approved"
    assert status.inner_text() == "处理成功"
    body = page.locator("body").inner_text()
    assert "VIP单位自动审核" in body and serial in body
    assert "自动审核通过" in page.locator("#timeline").inner_text()

    page.goto(f"{base}/")
    assert counter(page, "approved_unread") == before + 1
    page.click("#counter-approved_unread")
    page.locator("#tasks tbody tr", has_text=serial).get_by_role("link", name="查看").click()
    page.wait_for_load_state("networkidle")
    page.click("#act-read")
    page.wait_for_load_state("networkidle")
    page.goto(f"{base}/")
    assert counter(page, "approved_unread") == before
