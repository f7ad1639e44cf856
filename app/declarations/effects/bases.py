"""Effects of the bases and back-payment family: C3 缴费基数申报, C4 撤销工资申报, C5 补缴."""
from decimal import Decimal

from sqlalchemy import bindparam, delete, func, insert, select, update

from app.declarations import base_declaration
from app.declarations.guards import bases as guards
from app.declarations.effects import bulk, effect
from app.money import back_pay as back_pay_lines
from app.errors import Invalid
from app.extensions import db
from models.declaration import Declaration, DeclarationItem
from models.person import ContributionBase, Person
from rules import back_payment, wage_base
from rules.months import month_range


@effect("set_bases")
def set_bases(declaration, items):
    """C3: each approved person's base of the year = declared wage clamped by the year's floor
    and cap; the base it replaces is kept in ``previous_base`` (and the wage and declaration it
    came from in the item's payload) for C4. Then the year's unpaid months are recomputed."""
    unit_id, table = declaration.unit_id, ContributionBase.__table__
    ids = base_declaration.person_ids(i.id_number for i in items)
    by_year: dict[int, dict] = {}
    for item in items:
        item.person_id = ids.get(item.id_number)
        if item.person_id is None:
            raise Invalid(f"未找到人员{item.name}（{item.id_number}）的参保信息")
        by_year.setdefault(int(item.payload["year"]), {})[item.person_id] = item
    limits = base_declaration.require_limits(by_year)
    rates = base_declaration.unit_rates(unit_id)
    for year, rows in by_year.items():
        current = {}
        for pids in base_declaration.chunked(rows):
            current.update((pid, (row_id, base, declared, declaration_id))
                           for row_id, pid, base, declared, declaration_id in db.session.execute(
                               select(table.c.id, table.c.person_id, table.c.base,
                                      table.c.declared_wage, table.c.declaration_id)
                               .where(table.c.unit_id == unit_id, table.c.year == year,
                                      table.c.person_id.in_(pids))))
        updates, inserts = [], []
        for pid, item in rows.items():
            old = current.get(pid)
            change = wage_base.change_base(item.payload["declared_wage"], *limits[year],
                                           old[1:] if old else None)
            values = dict(declared_wage=change.declared_wage, base=change.base,
                          previous_base=change.previous_base, declaration_id=declaration.id)
            if old:
                updates.append(dict(values, row_id=old[0]))
            else:
                inserts.append(dict(values, person_id=pid, unit_id=unit_id, year=year))
            item.payload = {**item.payload, "base": str(change.base), "clamped": change.clamped,
                            "previous_declared_wage": _text_or_none(change.previous_declared_wage),
                            "previous_declaration_id": change.previous_declaration_id}
            message = wage_base.result_message(change)
            bulk.note(item, message)
        if updates:
            db.session.execute(update(table).where(table.c.id == bindparam("row_id")), updates)
        if inserts:
            db.session.execute(insert(table), inserts)
        base_declaration.recompute_year(unit_id, declaration.id, year, rates)
        base_declaration.refresh_unit_totals(unit_id, month_range(year * 100 + 1, year * 100 + 12))


@effect("revoke_bases")
def revoke_bases(declaration, items):
    """C4: the named C3 undone. Every base row it wrote gets its previous base back (deleted
    when it had none), the year's unpaid months are recomputed from the base now in force, and
    the C3's timeline records the revocation (the once-per-year guard reads that event)."""
    unit_id, table = declaration.unit_id, ContributionBase.__table__
    serial_no = str((declaration.payload or {}).get("serial_no") or "")
    reason = guards.revocation_refusal(unit_id, serial_no, except_declaration=declaration.id)
    if reason:
        raise Invalid(reason)
    c3 = db.session.scalar(select(Declaration).where(Declaration.serial_no == serial_no))
    item_table = DeclarationItem.__table__
    db.session.execute(  # items of older data may lack the person: the recompute needs it
        update(item_table)
        .where(item_table.c.declaration_id == c3.id, item_table.c.person_id.is_(None))
        .values(person_id=select(Person.id).where(Person.id_number == item_table.c.id_number)
                .scalar_subquery()))
    years = sorted(db.session.scalars(
        select(table.c.year).where(table.c.declaration_id == c3.id).distinct()))
    known = [dict(pid=pid, y=int(p["year"]), wage=Decimal(str(p["previous_declared_wage"])),
                  earlier=p.get("previous_declaration_id"))
             for pid, p in db.session.execute(
                 select(DeclarationItem.person_id, DeclarationItem.payload)
                 .where(DeclarationItem.declaration_id == c3.id,
                        DeclarationItem.status == "approved"))
             if pid is not None and (p or {}).get("previous_declared_wage") is not None
             and p.get("year") is not None]
    restorable = [table.c.unit_id == unit_id, table.c.declaration_id == c3.id,
                  table.c.previous_base.is_not(None)]
    restored = db.session.scalar(select(func.count()).select_from(table).where(*restorable))
    if known:
        db.session.execute(
            update(table).where(table.c.person_id == bindparam("pid"),
                                table.c.year == bindparam("y"), *restorable)
            .values(base=table.c.previous_base, declared_wage=bindparam("wage"),
                    declaration_id=bindparam("earlier"), previous_base=None), known)
    # Rows written before the previous wage was kept: the previous base is all there is.
    db.session.execute(
        update(table).where(*restorable)
        .values(base=table.c.previous_base, declared_wage=table.c.previous_base,
                declaration_id=None, previous_base=None))
    deleted = db.session.execute(
        delete(table).where(table.c.unit_id == unit_id, table.c.declaration_id == c3.id)
    ).rowcount
    rates = base_declaration.unit_rates(unit_id)
    for year in years:
        base_declaration.recompute_year(unit_id, c3.id, year, rates)
        base_declaration.refresh_unit_totals(unit_id, month_range(year * 100 + 1, year * 100 + 12))
    base_declaration.record_event(c3.id, c3.status, base_declaration.REVOKED,
                                  wage_base.revoked_message(declaration.serial_no))
    declaration.payload = {**(declaration.payload or {}), "revoked_declaration_id": c3.id,
                           "years": years, "restored": restored, "deleted": deleted}


@effect("back_pay")
def back_pay(declaration, items):
    """C5: the months and 险种 of each row at its declared base (app/money/back_pay.py)."""
    back_pay_lines.write(declaration, [
        back_pay_lines.Row(item, back_payment.months_of(int(item.payload["start_month"]),
                                                        int(item.payload["end_month"])),
                           item.payload["insurances"].split(","),
                           Decimal(str(item.payload["base"])))
        for item in items])


def _text_or_none(value):
    return None if value is None else str(value)
