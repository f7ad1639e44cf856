"""Old → new of the base businesses (entries of ``changes.SHOWN``): C3 缴费基数申报 shows each
person's base before (that year's, else the latest earlier one) beside the declared wage and the
base used after the floor and cap; C4 撤销工资申报 shows the C3 it revokes and the bases it
restores."""
from decimal import Decimal

from flask_babel import gettext
from sqlalchemy import select

from app.declarations.changes import Row, money, persons, shows
from app.extensions import db
from models.declaration import Declaration, DeclarationItem
from models.person import ContributionBase
from rules.business import WAGE_DECLARATION
from rules.contribution_base import decide_base

SHOWN_BASES = 20  # people of the revoked C3 listed on the C4 page; the count says the rest


def _bases_before(declaration, items) -> dict:
    people = persons(items)
    years = {int(i.payload["year"]) for i in items if (i.payload or {}).get("year")}
    if not people or not years:
        return {}
    rows = db.session.execute(
        select(ContributionBase.person_id, ContributionBase.year, ContributionBase.base,
               ContributionBase.declared_wage)
        .where(ContributionBase.unit_id == declaration.unit_id,
               ContributionBase.year <= max(years),
               ContributionBase.person_id.in_([p.id for p in people.values()]))
        .order_by(ContributionBase.year))
    by_person: dict[int, dict] = {}
    for person_id, year, base, wage in rows:  # the latest year up to the declared one wins
        by_person[person_id] = {"year": year, "base": str(base), "declared_wage": str(wage)}
    return {n: by_person[p.id] for n, p in people.items() if p.id in by_person}


@shows(WAGE_DECLARATION, before=_bases_before)
def _base_rows(old, payload, names):
    year = int(payload.get("year") or 0)
    if payload.get("base") is not None:  # decided: what the approval wrote
        base, clamped = payload["base"], payload.get("clamped")
    else:
        limits = names.limits(year)
        decision = decide_base(Decimal(str(payload.get("declared_wage") or 0)), *limits) \
            if limits else None
        base, clamped = (decision.base, decision.clamped) if decision else ("", None)
    old_year = old.get("year")
    old_base = money(old.get("base")) or gettext("无")
    if old_year and old_year != year:
        old_base = gettext("%(base)s（%(year)s年度）", base=old_base, year=old_year)
    note = {"floor": gettext("低于保底线，按保底线"), "cap": gettext("高于封顶线，按封顶线")}
    return [
        Row("申报年度", "", str(year or "")),
        Row("缴费工资", money(old.get("declared_wage")) if old_year == year else "",
            money(payload.get("declared_wage"))),
        Row("缴费基数", old_base, money(base) or gettext("本年度基数上下限尚未设置"),
            note.get(clamped, "")),
    ]


def _revocation_before(declaration, items) -> dict:
    """The C3 named by the C4, only this unit's: its serial, year, people and bases."""
    serial = str((declaration.payload or {}).get("serial_no") or "")
    c3 = db.session.scalar(select(Declaration).where(
        Declaration.serial_no == serial, Declaration.unit_id == declaration.unit_id,
        Declaration.business_code == WAGE_DECLARATION))
    if c3 is None:
        return {}
    first = db.session.scalar(select(DeclarationItem.payload).where(
        DeclarationItem.declaration_id == c3.id).order_by(DeclarationItem.seq).limit(1)) or {}
    bases = db.session.execute(
        select(DeclarationItem.name, DeclarationItem.id_number, ContributionBase.base,
               ContributionBase.previous_base)
        .join(ContributionBase, (ContributionBase.person_id == DeclarationItem.person_id)
              & (ContributionBase.declaration_id == c3.id))
        .where(DeclarationItem.declaration_id == c3.id, DeclarationItem.status == "approved")
        .order_by(DeclarationItem.seq).limit(SHOWN_BASES)).all()
    approved = db.session.scalar(
        select(db.func.count()).where(DeclarationItem.declaration_id == c3.id,
                                      DeclarationItem.status == "approved"))
    return {"unit": {
        "serial_no": c3.serial_no, "year": first.get("year"), "people": approved,
        "decided_at": c3.decided_at.strftime("%Y-%m-%d") if c3.decided_at else "",
        "bases": [[name, number, str(base), None if prev is None else str(prev)]
                  for name, number, base, prev in bases]}}


@shows("C4", before=_revocation_before, per_person=False)
def _revocation_rows(old, payload, names):
    if not old:
        return [Row("工资申报流水号", "", str(payload.get("serial_no") or ""),
                    gettext("未找到本单位该流水号的工资申报"))]
    rows = [Row("工资申报流水号", old["serial_no"], old["serial_no"]),
            Row("申报年度", str(old.get("year") or ""), str(old.get("year") or "")),
            Row("人数", str(old["people"]), str(old["people"])),
            Row("审核日期", old.get("decided_at") or "", old.get("decided_at") or ""),
            Row("缴费基数", gettext("撤销前"), gettext("撤销后"), heading=True)]
    for name, number, base, previous in old.get("bases", []):
        rows.append(Row(f"{name}（{number}）", money(base),
                        money(previous) if previous is not None
                        else gettext("删除（申报前无本年度基数）")))
    if old["people"] > len(old.get("bases", [])):
        rows.append(Row("……", "", "", gettext("另有%(n)s人，均恢复为申报前",
                                              n=old["people"] - len(old.get("bases", [])))))
    for key, label in (("restored", "已恢复基数人数"), ("deleted", "已删除基数人数")):
        if payload.get(key) is not None:
            rows.append(Row(label, "", str(payload[key])))
    return rows

