"""社会保险费补缴申请表 (C5): per person the months back paid, the declared base, the 险种, the
unit and personal amounts and the late fee, with the totals and the total in capitals.

``back_pay_context`` is pure: the rows of ``declaration_form`` and a ``lookups`` holding the
year limits, the unit's ``rate_at(code, month)`` and the day the late fee runs to go in. The
amounts are those the approval writes to the ledger (``rules.back_payment.lines``, the effect's
own rule), computed to the decision day once decided, else to today (marked 仅供核对 on the
form). ``load_back_pay`` is the only function here that reads the database.
"""
from datetime import date, datetime
from decimal import Decimal

from rules import back_payment
from rules.money import rmb_upper, to_fen
from rules.months import month_count


def load_back_pay(declaration) -> dict:
    """The unit's rates, the limits of the years the rows name and the late-fee day."""
    from app.declarations import base_declaration

    years = set()
    for item in declaration.items or []:
        payload = item.payload or {}
        if payload.get("start_month") and payload.get("end_month"):
            months = back_payment.months_of(int(payload["start_month"]),
                                            int(payload["end_month"]))
            years.update(m // 100 for m in months)
    decided = getattr(declaration, "decided_at", None)
    return {"back_pay_limits": base_declaration.year_limits(years) if years else {},
            "back_pay_rate_at": base_declaration.unit_rates(declaration.unit_id).at,
            "back_pay_date": decided.date() if isinstance(decided, datetime) else date.today()}


def back_pay_context(items, rows, lookups: dict) -> dict:
    """Each row gains its period, month count, base and amounts; the form's totals."""
    limits = lookups.get("back_pay_limits") or {}
    rate_at = lookups.get("back_pay_rate_at")
    pay_date = lookups.get("back_pay_date") or date.today()
    zero = Decimal("0.00")
    totals = {"unit": zero, "personal": zero, "late_fee": zero, "months": 0}
    for item, row in zip(items, rows):
        payload = item.payload or {}
        start, end = payload.get("start_month"), payload.get("end_month")
        months = month_count(int(start), int(end)) if start and end else 0
        row.update(months=months, base=_money(payload.get("base")),
                   unit_amount="", personal_amount="", late_fee="", total="")
        amounts = None
        if row["status"] != "rejected" and months and rate_at is not None:
            amounts = _amounts(payload, limits, rate_at, pay_date)
        if amounts is None:
            continue
        unit, personal, fee = amounts
        row.update(unit_amount=_money(unit), personal_amount=_money(personal),
                   late_fee=_money(fee), total=_money(unit + personal + fee))
        totals["unit"] += unit
        totals["personal"] += personal
        totals["late_fee"] += fee
        totals["months"] += months
    grand = totals["unit"] + totals["personal"] + totals["late_fee"]
    return {"unit_total": _money(totals["unit"]), "personal_total": _money(totals["personal"]),
            "late_fee_total": _money(totals["late_fee"]), "grand_total": _money(grand),
            "grand_total_upper": rmb_upper(grand), "month_total": totals["months"],
            "late_fee_date": pay_date.isoformat()}


def _amounts(payload, limits, rate_at, pay_date):
    """(unit, personal, late fee) of one row, or None where a year's limits or a month's rate
    is missing (the form then leaves the amounts blank rather than print a wrong sum)."""
    months = back_payment.months_of(int(payload["start_month"]), int(payload["end_month"]))
    codes = [c for c in str(payload.get("insurances") or "").split(",") if c]
    if not codes or any(m // 100 not in limits for m in months):
        return None
    if any(rate_at(code, m) is None for code in codes for m in months):
        return None
    lines = back_payment.lines(months, codes, payload.get("base") or 0, limits, rate_at,
                               pay_date)
    zero = Decimal("0.00")
    return (sum((line.unit_amount for line in lines), zero),
            sum((line.personal_amount for line in lines), zero),
            sum((line.late_fee for line in lines), zero))


def _money(value) -> str:
    if value in (None, ""):
        return ""
    return f"{to_fen(str(value)):.2f}"
