"""Effects of unit and person fact changes: C6 单位基本信息变更, C7 人员基本信息变更."""
from sqlalchemy import update

from app.declarations import phone_change
from app.declarations.effects import bulk, effect
from app.extensions import db
from models.person import Person
from models.unit import Unit
from rules.checks.changes import UNIT_FIELDS


@effect("change_unit")
def change_unit(declaration, items):
    values = {k: v for k, v in (declaration.payload or {}).items()
              if k in UNIT_FIELDS and v}
    if "contact_phone" in values:
        phone_change.refuse_unconfirmed(declaration)
    if values:
        unit = db.session.get(Unit, declaration.unit_id)
        old_phone = unit.contact_phone
        db.session.execute(update(Unit).where(Unit.id == declaration.unit_id).values(**values))
        if "contact_phone" in values:
            phone_change.notify_old_phone(unit, old_phone, values["contact_phone"])


@effect("change_person")
def change_person(declaration, items):
    nations = bulk.code_ids()["nation"]
    for item in items:
        p = item.payload
        values = {"name": p.get("new_name"), "phone": p.get("phone"),
                  "address": p.get("address"), "nation_id": nations.get(p.get("nation"))}
        values = {k: v for k, v in values.items() if v}
        db.session.execute(update(Person).where(Person.id == bulk.person_id(item)).values(**values))
