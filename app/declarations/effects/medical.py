"""Effects of the medical family: C14 医疗账户补助金, C18 居民医疗停保 (异地备案 and 门规
follow)."""
from datetime import datetime
from decimal import Decimal

from app.declarations import base_declaration
from app.declarations.effects import bulk, effect
from models.medical import MedicalAccountSubsidy
from rules.business import RESIDENT_STOP_REASONS
from rules.money import to_fen
from rules.months import month_label


@effect("stop_resident_medical")
def stop_resident_medical(declaration, items):
    """C18: 城乡居民医保 has no table here (it is not an employer's enrollment), so the approval
    records the stop: each item keeps its person, stop month and reason, and the declaration's
    timeline says how many were stopped. Nothing else changes."""
    ids = base_declaration.person_ids(i.id_number for i in items)
    for item in items:
        item.person_id = ids.get(item.id_number)
        month = int(item.payload["stop_month"])
        reason = RESIDENT_STOP_REASONS.get(item.payload.get("reason"), item.payload.get("reason"))
        message = f"已登记居民医疗保险自{month // 100}年{month % 100}月停保（{reason}）"
        bulk.note(item, message)
    base_declaration.record_event(declaration.id, declaration.status, "resident_stop",
                                  f"居民医疗停保已登记{len(items)}人")


@effect("medical_subsidy")
def medical_subsidy(declaration, items):
    """C14: each approved person's subsidy written to medical_account_subsidy (person, unit,
    month, amount, the declaration), in one set-based insert; the declaration's timeline says
    how many and how much. The unique (person, month) refuses a second subsidy of a month even
    if two declarations were approved at once."""
    ids = bulk.person_ids(items)
    now, total, rows = datetime.now(), Decimal("0.00"), []
    for item in items:
        amount, month = to_fen(str(item.payload["amount"])), int(item.payload["month"])
        rows.append({"person_id": ids[item.id_number], "unit_id": declaration.unit_id,
                     "month": month, "amount": amount, "declaration_id": declaration.id,
                     "created_at": now})
        total += amount
        message = f"已记入{month_label(month)}医疗账户补助金{amount:.2f}元"
        bulk.note(item, message)
    bulk.insert_many(MedicalAccountSubsidy.__table__, rows)
    base_declaration.record_event(declaration.id, declaration.status, "medical_subsidy",
                                  f"医疗账户补助金已记账{len(rows)}人，合计{total:.2f}元")
