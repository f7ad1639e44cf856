"""增员表 / 减员表 (F1) as PDF, read back as text: what the manual's printed forms carry, with codes
printed by name, fonts embedded, and long batches flowing over pages under a repeated header."""
import re
import time

import pytest

from reports.declaration_form import NotPrintable, declaration_context
from reports.pdf import declaration_pdf
from tests.reports.forms_support import (
    LOOKUPS, declaration, enrollment_item, id_number, paged_form, reduction_item, squeeze,
)

WANG = id_number("19960508", 122)
LI = id_number("19880213", 471)


@pytest.fixture(scope="module")
def enrollment_pdf():
    items = [enrollment_item(1, "王晓雯", WANG),
             enrollment_item(2, "李建国", LI, gender="male", birth_date="1988-02-13",
                             add_reason="101", employment_form="01", person_category="01",
                             insurances="110,210,310,410,510", wage="12000")]
    return declaration_pdf(declaration("C1", items), LOOKUPS)


def test_enrollment_roster_shows_the_declaration_and_both_persons(enrollment_pdf, pdf_text):
    text = squeeze(pdf_text(enrollment_pdf))
    for expected in ("社会保险参保人员增员表", "济南泉城示范科技有限公司", "37010000001",
                     "SB2026041500123", "2026-04-1509:41", "处理成功", "2026-04-16",
                     "王晓雯", WANG, "李建国", LI, "1988-02-13", "2026-04", "4850.50", "12000.00",
                     "合计2人", "单位经办人", "单位盖章", "经办机构审核人", "审核日期"):
        assert expected in text, expected
    assert "尚未审核通过" not in text


def test_enrollment_roster_prints_names_not_codes(enrollment_pdf, pdf_text):
    text = squeeze(pdf_text(enrollment_pdf))
    for name in ("调入", "新参加工作", "劳务派遣", "合同制", "农民工", "城镇职工",
                 "企业职工基本养老保险", "职工基本医疗保险", "生育保险"):
        assert name in text, name
    cells = set(re.split(r"[\s、]+", pdf_text(enrollment_pdf)))
    for code in ("101", "102", "01", "02", "110", "310", "female", "male"):
        assert code not in cells, code


def test_page_footer_numbers_the_pages(enrollment_pdf, pdf_text):
    assert "第1页共1页" in squeeze(pdf_text(enrollment_pdf))


def test_cjk_fonts_are_embedded_as_subsets(enrollment_pdf, pdf_fonts):
    fonts = pdf_fonts(enrollment_pdf)
    assert fonts
    names = [row[0] for row in fonts]
    assert any(re.match(r"[A-Z]{6}\+Noto-?Sans-?CJK", name) for name in names), names
    for row in fonts:  # emb sub uni are the three yes/no columns before the object id
        assert row[-5:-2] == ["yes", "yes", "yes"], row


def test_reduction_roster(pdf_text):
    items = [reduction_item(1, "王晓雯", WANG), reduction_item(2, "李建国", LI, reduce_reason="202")]
    text = squeeze(pdf_text(declaration_pdf(declaration("C2", items), LOOKUPS)))
    for expected in ("社会保险参保人员减员表", "减员年月", "减少原因", "劳动合同期满终止",
                     "解除劳动合同", "2026-05", "王晓雯", LI, "合计2人"):
        assert expected in text, expected
    # Sex and birth date come from the ID number when the payload has none.
    assert "女1996-05-08" in text and "男1988-02-13" in text
    assert "增员表" not in text and "203" not in text


def test_retiree_reduction_uses_the_same_form(pdf_text):
    item = reduction_item(1, "赵德胜", id_number("19620101", 315), reduce_reason="204")
    text = squeeze(pdf_text(declaration_pdf(declaration("C2R", [item]), LOOKUPS)))
    assert "社会保险参保人员减员表" in text and "离退休人员减员" in text
    assert "204" in text  # a code missing from the table prints as itself, never blank


def test_undecided_declaration_is_marked_as_not_official(pdf_text):
    draft = declaration("C1", [enrollment_item(1, "王晓雯", WANG)], status="submitted",
                        decided_at=None)
    text = squeeze(pdf_text(declaration_pdf(draft, LOOKUPS)))
    assert "本表所列申报尚未审核通过，仅供核对" in text and "提交后等待处理" in text


def test_partial_decision_counts_approved_rows_and_prints_the_opinion(pdf_text):
    items = [enrollment_item(1, "王晓雯", WANG), enrollment_item(2, "李建国", LI)]
    items[1].status = "rejected"
    partial = declaration("C1", items, status="partial", opinion="李建国已在其他单位参保")
    text = squeeze(pdf_text(declaration_pdf(partial, LOOKUPS)))
    assert "合计2人，其中审核通过1人" in text
    assert "审核意见：李建国已在其他单位参保" in text and "不通过" in text


def test_long_roster_flows_over_pages_with_the_header_repeated(pdf_text):
    items = [enrollment_item(n, f"职工{n:03d}", id_number("19900101", n)) for n in range(1, 121)]
    pages, text = paged_form(pdf_text(declaration_pdf(declaration("C1", items), LOOKUPS)),
                             "社会保障号码", "增加原因")
    assert len(pages) > 1
    assert all(f"职工{n:03d}" in text for n in range(1, 121))
    assert "合计120人" in pages[-1] and "经办机构审核人" in pages[-1]


def test_one_page_renders_fast_after_warm_up():
    """A guard against a missing libharfbuzz-subset0 (then ~9 s a page), not a benchmark."""
    form = declaration("C1", [enrollment_item(1, "王晓雯", WANG)])
    declaration_pdf(form, LOOKUPS)
    started = time.perf_counter()
    declaration_pdf(form, LOOKUPS)
    elapsed = time.perf_counter() - started
    assert elapsed < 2, f"one page took {elapsed:.1f} s: is libharfbuzz-subset0 installed?"


def test_business_without_a_printed_form_is_refused():
    with pytest.raises(NotPrintable, match="单位基本信息变更"):
        declaration_context(declaration("C6", []), LOOKUPS)
