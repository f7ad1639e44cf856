"""Back-payment ledger lines (补缴, RULES.md §4) of an approved declaration: C5 补缴 and C1 增员
with 追溯补缴. One ledger row per person, month and 险种, marked ``back_payment``, with that
month's rates, the declared base clamped by the month's year and the late fee up to today (the
bill recomputes it to the payment day). A month already in the ledger unpaid is updated to the
back-pay amounts; the monthly assessment leaves back-payment rows alone. The checks of
rules/back_payment.py (app/declarations/guards/bases.py) are run again first: a month may have
been paid since the row was submitted."""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import bindparam, insert, select, update

from app.declarations import base_declaration
from app.declarations.effects import bulk
from app.declarations.guards import bases as guards
from app.errors import Invalid
from app.extensions import db
from models.contribution import Contribution
from rules import back_payment
from rules.months import add_months, to_month
from rules.rates import MATERNITY


@dataclass(frozen=True)
class Row:
    """What one declaration item back pays: the person's months and 险种, at the declared base."""

    item: object  # the DeclarationItem, which gets the result message
    months: list[int]
    codes: list[str]
    base: Decimal


def enrollment_rows(items, this_month: int) -> list[Row]:
    """C1 增员 with 追溯补缴 and a 增员年月 before this month: the months from the 增员年月 to
    last month, in the 险种 enrolled (生育 is collected with 医疗: no rows of its own), at the
    declared 月缴费工资."""
    rows = []
    for item in items:
        p = item.payload
        start = int(p["start_month"])
        if not p.get("back_pay") or start >= this_month:
            continue
        codes = [c for c in p["insurances"].split(",") if c and c != MATERNITY]
        months = back_payment.months_of(start, add_months(this_month, -1))
        if codes and months:
            rows.append(Row(item, months, codes, Decimal(str(p["wage"]))))
    return rows


def write(declaration, rows: list[Row], today: date | None = None) -> int:
    """The ledger lines of ``rows``, each item told what it owes; returns the lines written."""
    if not rows:
        return 0
    unit_id, today, table = declaration.unit_id, today or date.today(), Contribution.__table__
    payloads = [{"id_number": r.item.id_number, "start_month": r.months[0],
                 "end_month": r.months[-1], "insurances": ",".join(r.codes)} for r in rows]
    refusals = guards.back_pay_months(unit_id, payloads, today, declaration.id)
    if refusals:
        index, (_field, reason) = min(refusals.items())
        item = rows[index].item
        raise Invalid(f"{item.name}（{item.id_number}）：{reason}")
    ids = base_declaration.person_ids(r.item.id_number for r in rows)
    limits = base_declaration.require_limits({m // 100 for r in rows for m in r.months})
    rates = base_declaration.unit_rates(unit_id)
    first, last = min(r.months[0] for r in rows), max(r.months[-1] for r in rows)
    existing = {}
    for pids in base_declaration.chunked(ids.values()):
        found = db.session.execute(
            select(table.c.id, table.c.person_id, table.c.insurance_id, table.c.month)
            .where(table.c.unit_id == unit_id, table.c.person_id.in_(pids),
                   table.c.paid.is_(False), table.c.month.between(first, last)))
        existing.update(((pid, ins, month), row_id) for row_id, pid, ins, month in found)
    updates, inserts, touched = [], [], set()
    for row in rows:
        row.item.person_id = ids[row.item.id_number]
        lines = back_payment.lines(row.months, row.codes, row.base, limits, rates.at, today)
        for line in lines:
            values = dict(base=line.base, unit_amount=line.unit_amount,
                          personal_amount=line.personal_amount, late_fee=line.late_fee,
                          back_payment=True, declaration_id=declaration.id)
            key = (row.item.person_id, rates.ids[line.code], line.month)
            if key in existing:
                updates.append(dict(values, row_id=existing[key]))
            else:
                inserts.append(dict(values, person_id=key[0], unit_id=unit_id,
                                    insurance_id=key[1], month=line.month, paid=False))
            touched.add(line.month)
        due = sum((line.unit_amount + line.personal_amount for line in lines), Decimal("0.00"))
        fee = sum((line.late_fee for line in lines), Decimal("0.00"))
        months = row.months
        message = (f"补缴{len(months)}个月，应缴{due}元，滞纳金{fee}元（计至{today:%Y-%m-%d}，"
                   "按实际缴费日重算）")
        bulk.note(row.item, message)
    if updates:
        db.session.execute(update(table).where(table.c.id == bindparam("row_id")), updates)
    if inserts:
        db.session.execute(insert(table), inserts)
    base_declaration.refresh_unit_totals(unit_id, touched)
    return len(updates) + len(inserts)


def this_month(today: date | None = None) -> int:
    return to_month(today or date.today())
