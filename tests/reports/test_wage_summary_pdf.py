"""缴费工资申报汇总表 (the printed form of C3 工资申报) as PDF, read back as text: each person's
declared wage and the base after the year's floor and cap, the clamp marks, the totals, and a
long declaration flowing over pages with the header and page numbers on each."""
from decimal import Decimal
from types import SimpleNamespace

import pytest

from reports.declaration_form import declaration_context
from reports.pdf import declaration_pdf, render_html
from rules.contribution_base import decide_base
from tests.reports.forms_support import LOOKUPS, declaration, id_number, paged_form, squeeze

FLOOR, CAP = Decimal("4416.00"), Decimal("22080.00")
WAGE_LOOKUPS = dict(LOOKUPS, year_limits={2026: (FLOOR, CAP), 2025: (Decimal("4000"),
                                                                     Decimal("20000"))})


def wage_item(seq, name, number, wage, status="approved", year=2026):
    """A C3 row as the approval leaves it: the base it wrote and why, in the payload."""
    payload = {"id_number": number, "name": name, "year": year, "declared_wage": str(wage)}
    if status == "approved":
        decision = decide_base(Decimal(str(wage)), FLOOR, CAP)
        payload.update(base=str(decision.base), clamped=decision.clamped)
    return SimpleNamespace(seq=seq, id_number=number, name=name, payload=payload, status=status,
                           result_message=None, person=None)


ZHANG, LI, WANG, ZHAO = (id_number("19850317", 211), id_number("19790802", 333),
                         id_number("19920611", 455), id_number("19880105", 577))


@pytest.fixture(scope="module")
def summary_pdf():
    items = [wage_item(1, "张三丰", ZHANG, "3000"), wage_item(2, "李四海", LI, "6123.455"),
             wage_item(3, "王五岳", WANG, "30000.1")]
    return declaration_pdf(declaration("C3", items), WAGE_LOOKUPS)


@pytest.fixture
def summary_text(summary_pdf, pdf_text):
    return squeeze(pdf_text(summary_pdf))


def test_header_names_the_unit_year_month_declaration_and_limits(summary_text):
    for expected in ("缴费工资申报汇总表", "济南泉城示范科技有限公司", "37010000001",
                     "缴费基数申报", "SB2026041500123", "处理成功", "申报年度2026",
                     "申报年月2026-04", "缴费基数下限4416.00", "缴费基数上限22080.00"):
        assert expected in summary_text, expected
    assert "尚未审核通过" not in summary_text


def test_each_person_with_wage_base_and_clamp_mark(summary_text):
    assert f"1{ZHANG}张三丰3000.004416.00按下限通过" in summary_text
    # 6123.455 is rounded half-up to the fen, and within the limits it is the base itself.
    assert f"2{LI}李四海6123.466123.46通过" in summary_text
    assert f"3{WANG}王五岳30000.1022080.00按上限通过" in summary_text


def test_totals_and_signatures(summary_text):
    assert "申报人数3缴费工资合计39123.56缴费基数合计32619.46" in summary_text
    assert "按下限人数1按上限人数1" in summary_text
    for box in ("单位经办人", "单位盖章", "经办机构审核人", "审核日期", "第1页共1页"):
        assert box in summary_text, box


def test_a_single_person(pdf_text):
    text = squeeze(pdf_text(declaration_pdf(
        declaration("C3", [wage_item(1, "张三丰", ZHANG, "22080")]), WAGE_LOOKUPS)))
    assert f"1{ZHANG}张三丰22080.0022080.00通过" in text  # exactly the cap: not clamped
    assert "申报人数1缴费工资合计22080.00缴费基数合计22080.00" in text
    assert "按下限人数0按上限人数0" in text and "第1页共1页" in text


def test_a_rejected_row_has_no_base_and_counts_no_base(pdf_text):
    items = [wage_item(1, "张三丰", ZHANG, "3000"),
             wage_item(2, "赵六合", ZHAO, "8000", status="rejected")]
    form = declaration("C3", items, status="partial", opinion="赵六合工资明细不符")
    text = squeeze(pdf_text(declaration_pdf(form, WAGE_LOOKUPS)))
    assert f"2{ZHAO}赵六合8000.00不通过" in text
    assert "申报人数2缴费工资合计11000.00缴费基数合计4416.00" in text
    assert "合计2人，其中审核通过1人" in text and "审核意见：赵六合工资明细不符" in text


def test_an_undecided_declaration_shows_what_the_clamp_would_give(pdf_text):
    items = [wage_item(1, "王五岳", WANG, "30000", status="pending")]
    form = declaration("C3", items, status="submitted", decided_at=None)
    text = squeeze(pdf_text(declaration_pdf(form, WAGE_LOOKUPS)))
    assert "本表所列申报尚未审核通过，仅供核对" in text
    assert f"{WANG}王五岳30000.0022080.00按上限待审核" in text


def test_limits_of_the_declarations_own_year():
    items = [wage_item(1, "张三丰", ZHANG, "3000", status="pending", year=2025)]
    context = declaration_context(declaration("C3", items, status="submitted"), WAGE_LOOKUPS)
    assert (context["year"], context["base_floor"], context["base_cap"]) == (
        2025, "4000.00", "20000.00")
    assert context["rows"][0]["base"] == "4000.00"


def test_long_summary_flows_over_pages_with_header_and_numbers(pdf_text):
    items = [wage_item(n, f"职工{n:03d}", id_number("19900101", n), 3000 + n * 100)
             for n in range(1, 121)]
    pages, text = paged_form(pdf_text(declaration_pdf(declaration("C3", items), WAGE_LOOKUPS)),
                             "社会保障号码", "缴费基数")
    assert len(pages) > 2
    assert all(f"职工{n:03d}" in text for n in range(1, 121))
    assert "申报人数120" in pages[-1] and "经办机构审核人" in pages[-1]


def test_form_words_go_through_babel(app):
    context = declaration_context(declaration("C3", [wage_item(1, "张三丰", ZHANG, "3000")]),
                                  WAGE_LOOKUPS)
    del context["template"]
    with app.test_request_context("/?_l_=en"):
        english = render_html("wage_summary", **context)
    assert "Contribution Wage Declaration Summary" in english and "Base floor" in english
