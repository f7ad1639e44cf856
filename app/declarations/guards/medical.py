"""Declaration guards of the medical family: C14 医疗账户补助金 (once per person and month)."""
from sqlalchemy import select

from app.declarations import base_declaration
from app.declarations.guards import among, payload_guard
from app.extensions import db
from models.medical import MedicalAccountSubsidy
from models.person import Person
from rules.months import month_label


@payload_guard("subsidy_once")
def subsidy_once(unit_id, payloads, today, except_declaration):
    """C14: a person's medical account gets one subsidy per month. An approved one of that month
    (of any unit: the account is the person's) refuses the row; which unit paid it is not said."""
    wanted = {}
    for index, payload in enumerate(payloads):
        try:
            wanted.setdefault(payload.get("id_number"), []).append(
                (index, int(payload.get("month"))))
        except (TypeError, ValueError):
            continue
    refusals = {}
    for numbers in base_declaration.chunked([n for n in wanted if n]):
        rows = db.session.execute(
            select(Person.id_number, MedicalAccountSubsidy.month)
            .join(MedicalAccountSubsidy, MedicalAccountSubsidy.person_id == Person.id)
            .where(among(Person.id_number, numbers)))
        for number, month in rows:
            for index, declared in wanted.get(number, ()):
                if declared == month:
                    refusals[index] = ("month", f"该人员{month_label(month)}的医疗账户补助金"
                                                "已申报成功，同一月份不能重复申报")
    return refusals
