"""The C3 工资申报 a unit may revoke with a C4 (the picker of the C4 wizard): its own, approved
or partly approved, not revoked, and not named by another unfinished C4. The guard
``revocable_wage_declaration`` still judges the one picked: this list only spares typing."""
from flask_babel import gettext
from sqlalchemy import func, select

from app.declarations.base_declaration import REVOKED
from app.extensions import db
from models.declaration import Declaration, DeclarationEvent, DeclarationItem
from rules import workflow
from rules.business import WAGE_DECLARATION

LIMIT = 200  # far more than a unit's years of wage declarations


def revocable(unit_id: int, except_declaration=None) -> list[dict]:
    """Newest first: serial, year, people (approved), decision date."""
    revoked = select(DeclarationEvent.declaration_id).where(DeclarationEvent.action == REVOKED)
    pending = (select(Declaration.payload["serial_no"].as_string())
               .where(Declaration.unit_id == unit_id, Declaration.business_code == "C4",
                      Declaration.status.in_(workflow.UNFINISHED)))
    if except_declaration is not None:
        pending = pending.where(Declaration.id != except_declaration)
    taken = {s for s in db.session.scalars(pending) if s}
    rows = db.session.execute(
        select(Declaration.id, Declaration.serial_no, Declaration.decided_at)
        .where(Declaration.unit_id == unit_id, Declaration.business_code == WAGE_DECLARATION,
               Declaration.status.in_((workflow.APPROVED, workflow.PARTIAL)),
               Declaration.id.not_in(revoked))
        .order_by(Declaration.decided_at.desc().nulls_last(), Declaration.id.desc())
        .limit(LIMIT)).all()
    rows = [r for r in rows if r.serial_no not in taken]
    if not rows:
        return []
    ids = [r.id for r in rows]
    people = dict(db.session.execute(
        select(DeclarationItem.declaration_id, func.count())
        .where(DeclarationItem.declaration_id.in_(ids), DeclarationItem.status == "approved")
        .group_by(DeclarationItem.declaration_id)).all())
    first_seq = (select(DeclarationItem.declaration_id, func.min(DeclarationItem.seq).label("seq"))
                 .where(DeclarationItem.declaration_id.in_(ids))
                 .group_by(DeclarationItem.declaration_id).subquery())
    years = {pk: (payload or {}).get("year") for pk, payload in db.session.execute(
        select(DeclarationItem.declaration_id, DeclarationItem.payload)
        .join(first_seq, (first_seq.c.declaration_id == DeclarationItem.declaration_id)
              & (first_seq.c.seq == DeclarationItem.seq)))}
    return [{"serial_no": r.serial_no, "year": years.get(r.id), "people": people.get(r.id, 0),
             "decided_at": r.decided_at.strftime("%Y-%m-%d") if r.decided_at else ""}
            for r in rows]


def choices(unit_id: int, except_declaration=None) -> list[tuple[str, str]]:
    """(serial, label) pairs for a select: 流水号 · 年度 · 人数 · 审核日期."""
    return [(r["serial_no"], gettext("%(serial)s · %(year)s年度 · %(people)s人 · 审核日期%(day)s",
                                     serial=r["serial_no"], year=r["year"] or "—",
                                     people=r["people"], day=r["decided_at"] or "—"))
            for r in revocable(unit_id, except_declaration)]
