"""社会保险费申报表 of a 医疗账户补助金申报 (C14, 济南 manual 3.1 打印申报表): the unit, the
费款所属日期 (the months declared), the number of persons, 险种标志 医疗账户补助金 with the amount,
the total and the total in capitals; then the persons with their 审核状态 and amounts.

Pure: the rows of ``declaration_form`` and the items go in, the form's figures come out. The
total is of the rows that count: the approved ones once decided, every row not rejected before
(a draft prints marked 仅供核对 by the shared header)."""
from decimal import Decimal

from rules.money import rmb_upper, to_fen
from rules.months import month_label


def subsidy_context(items, rows) -> dict:
    """Each row gains its 申报年月 and amount; the form's months, count and totals."""
    total = listed = Decimal("0.00")
    months, counted = set(), 0
    for item, row in zip(items, rows):
        payload = item.payload or {}
        amount = to_fen(str(payload.get("amount") or 0))
        month = int(payload["month"]) if payload.get("month") else None
        row.update(month=month_label(month), amount=f"{amount:.2f}")
        listed += amount
        if row["status"] == "rejected":
            continue
        total += amount
        counted += 1
        if month:
            months.add(month)
    period = sorted(months)
    return {"fee_period": _period(period), "subsidy_total": f"{total:.2f}",
            "subsidy_total_upper": rmb_upper(total), "subsidy_count": counted,
            "roster_total": f"{listed:.2f}"}


def _period(months: list[int]) -> str:
    """2026-03, or 2026-01 至 2026-03 when the rows name several months."""
    if not months:
        return ""
    if len(months) == 1:
        return month_label(months[0])
    return f"{month_label(months[0])} 至 {month_label(months[-1])}"
