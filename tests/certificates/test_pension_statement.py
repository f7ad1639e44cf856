"""养老个人账户对账单 (E9 page, F5 print): the unit's own person, the years' credits from the paid
110 ledger, interest from the 记账利率 table, the same numbers as the rule computes."""
import re
from decimal import Decimal

import sqlalchemy as sa

from models.audit import AuditLog
from models.contribution import Contribution, YearParameter
from models.reference import Insurance
from rules import pension_account
from tests.declarations.flows import ORDINARY, session_of


def expected(app, person_id, unit_id):
    with session_of(app) as s:
        bases = s.execute(sa.select(Contribution.month, Contribution.base)
                          .join(Insurance, Insurance.id == Contribution.insurance_id)
                          .where(Contribution.person_id == person_id,
                                 Contribution.unit_id == unit_id, Insurance.code == "110",
                                 Contribution.paid.is_(True))).all()
        rates = dict(s.execute(sa.select(YearParameter.year, YearParameter.interest_rate)).all())
    return pension_account.statement(bases, rates), rates


def cells(page):
    body = re.search(r'id="statement-years">(.*?)</table>', page, re.S).group(1)
    return [re.findall(r"<td>([^<]*)</td>", row)
            for row in re.findall(r"<tr>(.*?)</tr>", body, re.S) if "<td>" in row]


def test_the_statement_shows_the_rules_numbers(app, as_user, ours, pdf_text):
    person_id, name, number, first, last, unit_id = ours
    lines, rates = expected(app, person_id, unit_id)
    assert rates.get(2024) == Decimal("0.026200")  # RULES.md §4, in the demo parameters
    client = as_user(ORDINARY)
    page = client.get(f"/pension-account/?id_number={number}").get_data(as_text=True)
    rows = cells(page)
    assert [int(r[0]) for r in rows] == [line.year for line in lines]
    for row, line in zip(rows, lines):
        assert Decimal(row[1]) == line.opening and int(row[2]) == line.months
        assert Decimal(row[3]) == line.credits and Decimal(row[5]) == line.interest
        assert Decimal(row[6]) == line.closing
        assert row[4] == ("未公布" if line.rate is None else f"{line.rate * 100:.2f}%")
    y2024 = next(line for line in lines if line.year == 2024)
    assert y2024.interest == pension_account.year_interest(0, y2024.credits, Decimal("0.0262"))
    assert y2024.interest > 0
    pdf = client.get(f"/pension-account/print?id_number={number}")
    assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.data)
    assert name in text and number in text
    assert f"{lines[-1].closing}" in text and "2.62%" in text


def test_a_year_range_carries_the_balance_in(app, as_user, ours):
    person_id, _name, number, first, last, unit_id = ours
    lines, _rates = expected(app, person_id, unit_id)
    year = lines[-1].year
    page = as_user(ORDINARY).get(
        f"/pension-account/?id_number={number}&first={year}&last={year}").get_data(as_text=True)
    rows = cells(page)
    assert len(rows) == 1 and Decimal(rows[0][1]) == lines[-2].closing


def test_another_units_person_and_bad_years_are_refused(app, as_user, theirs):
    client = as_user(ORDINARY)
    with session_of(app) as s:
        before = s.scalar(sa.select(sa.func.count()).select_from(AuditLog).where(
            AuditLog.action == "pension_statement_refused"))
    page = client.get(f"/pension-account/?id_number={theirs[2]}").get_data(as_text=True)
    assert "未找到该人员" in page and theirs[1] not in page
    assert client.get(f"/pension-account/print?id_number={theirs[2]}").status_code == 404
    for query, reason in (("first=1900", "起始年度应为1990至"), ("first=2025&last=2024",
                                                              "终止年度不能早于起始年度"),
                          ("last=abcd", "终止年度应为")):
        page = client.get(f"/pension-account/?id_number={theirs[2]}&{query}")
        assert reason in page.get_data(as_text=True), query
    with session_of(app) as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(AuditLog).where(
            AuditLog.action == "pension_statement_refused")) == before + 2


def test_the_reviewer_sees_any_units_person(as_user, theirs):
    page = as_user("reviewer").get(f"/pension-account/?id_number={theirs[2]}")
    assert page.status_code == 200 and theirs[1] in page.get_data(as_text=True)
