"""Issue 12 §7 (G5): the statistics page. Its figures equal SQL sums on the demo data, its
charts hold a bar (or point) per figure with the same value, employers are refused, the period
filter narrows every figure, and bad input is answered with the reason, the default period and
an audit row."""
import re
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from models.audit import AuditLog
from models.contribution import Bill, Contribution, UnitContribution
from models.declaration import Declaration
from rules.months import add_months, month_label, month_range, to_month

THIS_MONTH = to_month(date.today())
FIRST = add_months(THIS_MONTH, -11)


@pytest.fixture(scope="module")
def reviewer(app):
    from tests.support import login

    client = app.test_client()
    assert login(client, "reviewer").status_code == 302
    return client


def _read(app, statement):
    from app.extensions import db

    with app.app_context():
        return db.session.execute(statement).all()


def _page(client, query="") -> str:
    response = client.get(f"/statistics/{query}")
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def _section(page: str, section: str) -> str:
    start = page.index(f'id="{section}"')
    end = page.find('<div class="panel panel-default"', start)
    return page[start:end if end > 0 else len(page)]


def _rows(section: str) -> list[list[str]]:
    """The table body's rows: the header cell, then the numbers without separators."""
    body = section[section.index("<tbody>"):section.index("</tbody>")]
    return [[cell.replace(",", "") for cell in re.findall(r"<t[hd][^>]*>([^<]*)</t[hd]>", row)]
            for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


def _bar_values(section: str, series: int, shape: str = "rect") -> list[str]:
    return re.findall(rf'<{shape} class="(?:bar|point) series-{series}"[^>]*data-value="([^"]*)"',
                      section)


def _money(value) -> Decimal:
    return Decimal(value or 0).quantize(Decimal("0.01"))


def test_amounts_per_month_equal_the_sums_of_the_unit_totals_and_the_ledger(app, reviewer):
    section = _section(_page(reviewer), "amounts")
    totals = {month: (_money(due), _money(paid)) for month, due, paid in _read(app, select(
        UnitContribution.month, func.sum(UnitContribution.total),
        func.sum(UnitContribution.paid_amount))
        .where(UnitContribution.month.between(FIRST, THIS_MONTH))
        .group_by(UnitContribution.month))}
    ledger = {month: (_money(due), _money(paid)) for month, due, paid in _read(app, select(
        Contribution.month,
        func.sum(Contribution.unit_amount + Contribution.personal_amount + Contribution.late_fee),
        func.sum(Contribution.unit_amount + Contribution.personal_amount
                 + Contribution.late_fee).filter(Contribution.paid.is_(True)))
        .where(Contribution.month.between(FIRST, THIS_MONTH)).group_by(Contribution.month))}
    assert sum(due for due, _paid in totals.values()) > 0
    assert any(paid for _due, paid in totals.values())
    assert any(due > paid for due, paid in totals.values())  # the demo's unpaid months
    rows = _rows(section)
    months = list(month_range(FIRST, THIS_MONTH))
    assert [row[0] for row in rows] == [month_label(m) for m in months]
    zero = (Decimal("0.00"), Decimal("0.00"))
    for row, month in zip(rows, months):
        due, paid = totals.get(month, zero)
        assert (Decimal(row[1]), Decimal(row[2]), Decimal(row[3])) == (due, paid, due - paid)
        assert ledger.get(month, zero) == (due, paid), month
    assert [Decimal(v) for v in _bar_values(section, 0)] == [totals.get(m, zero)[0] for m in months]
    assert [Decimal(v) for v in _bar_values(section, 1)] == [totals.get(m, zero)[1] for m in months]
    for month in months:
        assert f">{month_label(month)}</text>" in section
    total_due = re.search(r'id="total-due">([^<]*)<', section)[1].replace(",", "")
    assert Decimal(total_due) == sum(due for due, _paid in totals.values())


def test_bills_by_status_in_words(app, reviewer):
    section = _section(_page(reviewer), "bills")
    counts = dict(_read(app, select(Bill.status, func.count())
                        .where(Bill.period_start.between(FIRST, THIS_MONTH))
                        .group_by(Bill.status)))
    assert counts.get("paid") and counts.get("unpaid")
    words = {"未支付": "unpaid", "支付中": "paying", "已支付": "paid", "支付失败": "failed",
             "已作废": "void"}
    rows = _rows(section)
    assert [row[0] for row in rows] == list(words)
    for row in rows:
        assert int(row[1]) == counts.get(words[row[0]], 0), row
    assert [int(v) for v in _bar_values(section, 0)] == [counts.get(s, 0) for s in words.values()]
    for word in words:
        assert f">{word}</text>" in section  # the chart's labels are words too
    assert ">unpaid<" not in section


def test_declarations_per_day_and_the_queue(app, reviewer):
    page = _page(reviewer)
    today = date.today()
    since = datetime.combine(today - timedelta(days=29), datetime.min.time())
    submitted = [at for (at,) in _read(app, select(Declaration.submitted_at)
                                       .where(Declaration.submitted_at >= since))]
    per_day = _rows(_section(page, "per-day"))
    assert len(per_day) == 30 and per_day[0][0] == today.isoformat()
    assert sum(int(n) for _day, n in per_day) == len(submitted) > 0
    for day, n in per_day:
        assert int(n) == sum(1 for at in submitted if at.date().isoformat() == day), day
    assert len(_bar_values(_section(page, "per-day"), 0, "circle")) == 30

    queue = _section(page, "queue")
    waiting = _read(app, select(Declaration.serial_no, Declaration.submitted_at)
                    .where(Declaration.status.in_(("submitted", "reviewing")))
                    .order_by(Declaration.submitted_at, Declaration.id))
    buckets = _rows(queue)
    assert [row[0] for row in buckets] == ["4小时内", "4小时至1天", "1至3天", "3至7天", "7天以上"]
    assert sum(int(n) for _b, n in buckets) == len(waiting) > 0
    now = datetime.now()
    assert int(buckets[-1][1]) == sum(1 for _s, at in waiting if now - at >= timedelta(days=7))
    assert f">{waiting[0][0]}</a>" in queue  # the one waiting longest


def test_the_period_filter_narrows_every_figure(app, reviewer):
    first, last = add_months(THIS_MONTH, -4), add_months(THIS_MONTH, -2)
    page = _page(reviewer, f"?start={month_label(first)}&end={month_label(last)}&days=7")
    amounts = _section(page, "amounts")
    assert [row[0] for row in _rows(amounts)] == [month_label(m) for m in month_range(first, last)]
    assert len(_bar_values(amounts, 0)) == 3
    bills = sum(n for (n,) in _read(app, select(func.count()).select_from(Bill)
                                    .where(Bill.period_start.between(first, last))))
    assert sum(int(row[1]) for row in _rows(_section(page, "bills"))) == bills
    assert len(_rows(_section(page, "per-day"))) == 7
    assert f'value="{month_label(first)}"' in page


def test_employers_and_anonymous_are_refused(app, as_user):
    assert as_user("37010000001").get("/statistics/").status_code == 403
    anonymous = app.test_client().get("/statistics/")
    assert anonymous.status_code in (302, 401, 403)
    assert "统计分析" not in as_user("37010000001").get("/").get_data(as_text=True)


def test_the_admin_sees_it_in_the_menu(as_user):
    admin = as_user("admin")
    assert "/statistics/" in admin.get("/").get_data(as_text=True)
    assert admin.get("/statistics/").status_code == 200


@pytest.mark.parametrize("query, reason", [
    ("?start=abc", "统计起始年月格式应为YYYY-MM，如2026-11"),
    ("?start=2026-13", "统计起始年月不是有效的年月"),
    ("?end=2999-01", "统计截止年月不能晚于本月"),
    ("?start=2026-05&end=2026-04", "统计起始年月不能晚于截止年月"),
    ("?start=2000-01&end=2010-01", "统计期间最多60个月，请缩短期间"),
    ("?start=%27%20or%201%3D1--", "统计起始年月格式应为YYYY-MM"),
    ("?days=100000", "统计天数应为7、30、90之一"),
    ("?start=abc&days=x", "统计起始年月格式应为YYYY-MM，如2026-11；统计天数应为7、30、90之一"),
])
def test_bad_input_is_answered_with_the_reason_and_audited(app, reviewer, query, reason):
    def audits():
        return _read(app, select(func.count()).select_from(AuditLog)
                     .where(AuditLog.action == "statistics_refused",
                            AuditLog.success.is_(False)))[0][0]

    before = audits()
    response = reviewer.get(f"/statistics/{query}")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    error = re.search(r'id="statistics-error">([^<]*)<', page)[1]
    assert reason in error
    assert audits() == before + 1
    # The default period is shown instead.
    assert [row[0] for row in _rows(_section(page, "amounts"))][-1] == month_label(THIS_MONTH)


def test_the_page_in_english(reviewer):
    reviewer.get("/lang/en")
    try:
        response = reviewer.get("/statistics/?start=abc")
    finally:
        reviewer.get("/lang/zh")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    for text in ("Statistics", "Amount due", "Amount paid", "Unpaid", "Paid", "Waiting",
                 "Start month of the statistics must be written YYYY-MM"):
        assert text in page, text
    body = page[page.index('id="statistics-filters"'):]
    assert not re.search(r"[\u4e00-\u9fff]", re.sub(r"<option[^>]*>[^<]*</option>", "", body)), \
        re.findall(r"[^<>]*[\u4e00-\u9fff][^<>]*", body)[:5]
