"""养老保险个人账户对账单 (F5) as a printed form, from app.money.pension_account.Statement."""
from reports.pdf import gettext, render_pdf
from rules.months import month_label


def rate_label(rate) -> str:
    return gettext("未公布") if rate is None else f"{rate * 100:.2f}%"


def statement_pdf(statement, today) -> bytes:
    return render_pdf(
        "pension_statement", s=statement, person=statement.person,
        lines=[{"line": line, "rate": rate_label(line.rate)} for line in statement.lines],
        months=[(month_label(m), base, credit) for m, base, credit in statement.months],
        printed_on=today.isoformat(), footer_left=gettext("养老保险个人账户对账单"))
