"""Effects of the medical family: C18 居民医疗停保 (异地备案 and 门规 follow)."""
from app.declarations import base_declaration
from app.declarations.effects import bulk, effect
from rules.business import RESIDENT_STOP_REASONS


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
