"""Effects of the retirement family: C10 中断转退休 (退休申报 and the rest follow)."""
from sqlalchemy import select

from app.declarations.effects import bulk, effect
from app.extensions import db
from models.pension import RetirementRecord
from models.person import Enrollment
from models.reference import Insurance
from rules.months import month_start


@effect("interruption_to_retired")
def interruption_to_retired(declaration, items):
    medical = db.session.scalar(select(Insurance.id).where(Insurance.code == "310"))
    for item in items:
        person_id, month = bulk.person_id(item), item.payload["retire_month"]
        db.session.add(RetirementRecord(
            person_id=person_id, unit_id=declaration.unit_id, retire_date=month_start(month),
            kind="中断转退休", contribution_months=0, declaration_id=declaration.id))
        db.session.add(Enrollment(person_id=person_id, unit_id=declaration.unit_id,
                                  insurance_id=medical, category="retired", status="normal",
                                  start_month=month, declaration_id=declaration.id))
