"""A change of the 专管员 phone on record (C6) is the change of where every SMS code goes, so
it is never taken on a declaration's word alone (issue 10 §6):

- the unit confirms it with a code sent to the OLD phone (``send_code`` / ``confirm``), before
  it may submit;
- it is never decided by auto-review, a VIP unit's included: a reviewer decides it;
- once approved, the old phone is told (``notify_old_phone``, from the C6 effect).

The codes are app/verification.py's, under a purpose of their own and bound to the
declaration (``target``), so a code asked for anything else confirms nothing here."""
from app import audit, sms, verification
from app.errors import Invalid
from app.extensions import db
from models.unit import Unit
from rules import workflow

PURPOSE = "phone_change"
FIELD = "contact_phone"
CONFIRMED = "phone_confirmed"  # payload key: "old→new", the change the old phone's code confirmed


def new_phone(declaration) -> str | None:
    """The phone this declaration would put on record, when it differs from the one there."""
    wanted = (declaration.payload or {}).get(FIELD)
    if not wanted or declaration.unit is None:
        return None
    return wanted if wanted != declaration.unit.contact_phone else None


def pending(declaration) -> bool:
    """Whether the declaration changes the phone and the phone on record now has not confirmed
    that change (a confirmation from a phone since replaced counts for nothing)."""
    wanted = new_phone(declaration)
    return wanted is not None and (declaration.payload or {}).get(CONFIRMED) != _change(
        declaration.unit.contact_phone, wanted)


def masked(declaration) -> dict | None:
    """{"old", "new"} masked, for a page showing what the change moves; None for no change."""
    wanted = new_phone(declaration)
    if wanted is None:
        return None
    return {"old": verification.mask_phone(declaration.unit.contact_phone),
            "new": verification.mask_phone(wanted)}


def refuse_unconfirmed(declaration) -> None:
    """Before the change is applied: the phone on record may have moved since it confirmed."""
    if pending(declaration):
        raise Invalid("专管员手机已另行变更，本申报的原手机验证已失效，请审核不通过后由单位重新申报")


def send_code(declaration, user) -> str:
    """A code to the phone on record for this declaration; the masked phone it went to."""
    old = _old_phone_of_change(declaration)
    verification.issue(old, PURPOSE, unit_id=declaration.unit_id, user_id=user.id,
                       target=_target(declaration))
    db.session.commit()
    return verification.mask_phone(old)


def confirm(declaration, user, code: str) -> None:
    """The old phone's code confirms the new phone of this declaration (until it is edited)."""
    old = _old_phone_of_change(declaration)
    verification.verify(old, PURPOSE, code, target=_target(declaration))
    wanted = new_phone(declaration)
    declaration.payload = {**declaration.payload, CONFIRMED: _change(old, wanted)}
    audit.record("declaration_phone_confirmed", target_type="declaration",
                 target_id=declaration.serial_no, user=user,
                 detail={"old": verification.mask_phone(old),
                         "new": verification.mask_phone(wanted)})
    db.session.commit()


def notify_old_phone(unit: Unit, old: str | None, new: str) -> None:
    """Tell the phone that was on record that codes now go elsewhere (joins the approval's
    transaction: no notice for a change that is rolled back)."""
    if not old or old == new:
        return
    sms.send(old, f"【社会保险网上服务】您单位（{unit.unit_no}）的专管员手机已变更为"
                  f"{verification.mask_phone(new)}，验证码将发送至新手机。"
                  f"如非本单位办理，请立即联系经办机构。", PURPOSE, unit.id)


def _old_phone_of_change(declaration) -> str:
    if declaration.status != workflow.DRAFT:
        raise Invalid("只有未提交的申报可以验证手机变更")
    if new_phone(declaration) is None:
        raise Invalid("本申报未变更专管员手机，无需验证")
    return declaration.unit.contact_phone


def _change(old, new) -> str:
    return f"{old}→{new}"


def _target(declaration) -> str:
    return f"declaration:{declaration.id}"
