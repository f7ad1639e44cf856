"""社会保险费申报表 of a 医疗账户补助金申报 (C14) as PDF, read back as text: the unit, the 费款所属日期,
险种标志 医疗账户补助金 with the total of the rows that count, the total in capitals equal to
rmb_upper(total), each person with the center's verdict, and Σ over every row."""
from decimal import Decimal
from types import SimpleNamespace

from reports.declaration_form import declaration_context
from reports.pdf import declaration_pdf
from rules.money import rmb_upper
from tests.reports.forms_support import LOOKUPS, declaration, id_number, squeeze

WANG, LI, MA = id_number("19960508", 122), id_number("19880213", 471), id_number("19900101", 222)


def item(seq, name, number, amount, month=202612, status="approved", message=None):
    return SimpleNamespace(seq=seq, id_number=number, name=name, status=status, person=None,
                           result_message=message,
                           payload={"id_number": number, "name": name, "month": month,
                                    "amount": amount})


def test_the_form_totals_the_approved_rows_in_figures_and_capitals(pdf_text):
    items = [item(1, "王晓雯", WANG, "3500"), item(2, "李建国", LI, "1500.50", month=202611),
             item(3, "马青", MA, "200", status="rejected", message="姓名与登记信息不符")]
    d = declaration("C14", items, status="partial", insurance_codes="310")
    context = declaration_context(d, LOOKUPS)
    assert (context["subsidy_total"], context["roster_total"], context["subsidy_count"]) == (
        "5000.50", "5200.50", 2)
    assert context["fee_period"] == "2026-11 至 2026-12"
    assert context["subsidy_total_upper"] == rmb_upper(Decimal("5000.50")) == "伍仟元伍角"
    text = squeeze(pdf_text(declaration_pdf(d, LOOKUPS)))
    for expected in ("社会保险费申报表", "济南泉城示范科技有限公司", "37010000001", "医疗账户补助金申报",
                     "费款所属日期2026-11至2026-12", "险种标志医疗账户补助金", "缴费金额(元)5000.50",
                     "合计金额(人民币)大写伍仟元伍角", "王晓雯", WANG, "2026-12", "3500.00",
                     "李建国", "1500.50", "不通过姓名与登记信息不符", MA, "Σ5200.50",
                     "单位盖章", "第1页共1页"):
        assert expected in text, expected
    assert "尚未审核通过" not in text


def test_an_undecided_declaration_prints_marked_with_every_row_counted(pdf_text):
    items = [item(1, "王晓雯", WANG, "3500", status="pending")]
    d = declaration("C14", items, status="submitted", insurance_codes="310")
    text = squeeze(pdf_text(declaration_pdf(d, LOOKUPS)))
    assert "本表所列申报尚未审核通过，仅供核对" in text
    assert "合计金额(人民币)大写叁仟伍佰元整" in text
