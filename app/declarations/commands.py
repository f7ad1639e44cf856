"""Commands on declarations. Each validates, then changes state in one transaction together
with its DeclarationEvent, its audit row and (on approval) the business effect. Views call
these and show a DomainError's message; they never commit themselves."""
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from app import audit
from app.declarations import changes, effects, person_facts, phone_change, unfinished
from app.declarations import verdicts as verdicts_of
from app.declarations.choices import load_choices
from app.declarations.serial import next_serial
from app.errors import DomainError, Invalid, NotFound
from app.extensions import db
from app.roles import ADMIN, role_key_of
from models.declaration import Declaration, DeclarationEvent, DeclarationItem, Material
from models.unit import Unit
from rules import business as registry
from rules import workflow
from rules.errors import RuleError

MAX_ID = 2**31 - 1  # Declaration.id is a 32-bit Integer
OPINION_LIMIT = 500  # part "see": an opinion is read in lists (待办) and on the form


class Conflict(DomainError):
    status = 409
    message = "该申报已被他人处理，请刷新后查看最新状态"


class ItemErrors(Invalid):
    """Field errors of one item: ``errors`` maps field name to reason."""

    def __init__(self, errors: dict):
        self.errors = errors
        super().__init__("；".join(errors.values()))


def validate_item(business, unit_id: int, payload: dict, today: date | None = None,
                  except_declaration=None) -> dict:
    """The cleaned payload of one person, or ItemErrors naming each bad field."""
    today = today or date.today()
    cleaned, errors = registry.validate(business, payload, load_choices(), today)
    if not errors:
        errors = person_facts.judge(business, unit_id, [cleaned], today,
                                    except_declaration).get(0, {})
    if errors:
        raise ItemErrors(errors)
    return json_safe(cleaned)


def create(unit_id: int, business_code: str, user, payload: dict) -> Declaration:
    """A draft with one item (or, for a unit business, the unit's new facts)."""
    business = registry.get(business_code)
    cleaned = validate_item(business, unit_id, payload)
    declaration = Declaration(
        serial_no=next_serial(), unit_id=unit_id, business_code=business.code,
        status=workflow.DRAFT, created_by_id=user.id, wizard_step="materials",
        insurance_codes=cleaned.get("insurances"), item_count=0)
    if business.subject == "unit":
        declaration.payload = cleaned
    else:
        declaration.items.append(_item(1, cleaned))
        declaration.item_count = 1
    db.session.add(declaration)
    db.session.flush()
    _event(declaration, "create", None, workflow.DRAFT, user)
    _hold(declaration, cleaned.get("id_number"))
    db.session.commit()
    return declaration


def update(declaration: Declaration, user, payload: dict) -> Declaration:
    """修改 before submission: the same checks as creation, on the same draft."""
    _require(declaration, {workflow.DRAFT}, "修改")
    business = registry.get(declaration.business_code)
    cleaned = validate_item(business, declaration.unit_id, payload,
                            except_declaration=declaration.id)
    if business.subject == "unit":
        declaration.payload = cleaned
    else:
        item = declaration.items[0]
        item.payload, item.id_number, item.name = cleaned, cleaned["id_number"], cleaned["name"]
        declaration.insurance_codes = cleaned.get("insurances")
    _event(declaration, "update", workflow.DRAFT, workflow.DRAFT, user)
    _flush()
    _hold(declaration, cleaned.get("id_number"))
    return _commit(declaration)


def _hold(declaration, id_number) -> None:
    """The person of a one-person save held in the database (unfinished.py): of two saves of
    one person at once, the second gets the guard's message on its ID number field."""
    if id_number is None:
        return
    try:
        unfinished.hold(declaration, [id_number])
    except unfinished.Taken as taken:
        raise ItemErrors({"id_number": taken.message}) from None


def submit(declaration: Declaration, user) -> Declaration:
    business = registry.get(declaration.business_code)
    _check("submit", declaration, workflow.EMPLOYER)
    missing = missing_materials(declaration)
    if missing:
        raise Invalid(f"请先上传必扫材料：{'、'.join(missing)}")
    if phone_change.pending(declaration):
        raise Invalid("变更专管员手机须先用原手机接收的验证码确认")
    refused = person_facts.judge(business, declaration.unit_id, _payloads(declaration, business),
                                 except_declaration=declaration.id)
    if refused:
        raise Invalid(_first_refusal(declaration, refused))
    _fire(declaration, "submit", workflow.EMPLOYER, user)
    declaration.submitted_at, declaration.returned = datetime.now(), False
    _commit(declaration)
    return auto_review(declaration)


def auto_review(declaration: Declaration) -> Declaration:
    """VIP units and auto-review businesses are decided at once, by rule (G2)."""
    business = registry.get(declaration.business_code)
    unit = db.session.get(Unit, declaration.unit_id)
    if not (unit.vip or business.auto_review):
        return declaration
    if phone_change.new_phone(declaration):
        return declaration  # where SMS codes go: a reviewer decides, never a rule
    rule = "VIP单位自动审核" if unit.vip else f"{business.name}系统自动审核"
    items = declaration.items or []
    found = person_facts.judge(business, unit.id, _payloads(declaration, business),
                               except_declaration=declaration.id, at_decision=True)
    refusals = {_key(declaration, index): "；".join(errors.values())
                for index, errors in found.items()}
    name = "auto_reject" if found else "auto_approve"
    if name == "auto_reject":
        # Auto-review decides the batch as a whole: nothing of it is applied, so no item may
        # read as approved.
        whole = "同批次有人员未通过自动审核，本批次整体回退，请修改后重新提交"
        verdicts = {i.id: ("rejected", refusals.get(i.id, whole)) for i in items}
    else:
        verdicts = {i.id: ("approved", "自动审核通过") for i in items}
    _fire(declaration, name, workflow.SYSTEM, None, message=rule)
    verdicts_of.record(declaration, items, verdicts)
    declaration.auto_decided, declaration.decision_rule = True, rule
    declaration.decided_at = datetime.now()
    if name == "auto_approve":
        changes.record(declaration, items)  # part "see": old facts kept for old → new
        effects.apply(business, declaration, items)
    else:
        declaration.returned, declaration.return_reason = True, "；".join(refusals.values())
    return _commit(declaration)


def _payloads(declaration, business) -> list[dict]:
    if business.subject == "person":
        return [i.payload for i in declaration.items]
    return [declaration.payload or {}]


def _key(declaration, index):
    """The item a row index of ``_payloads`` stands for (its id), or 0 for a unit business."""
    return declaration.items[index].id if declaration.items else 0


def _first_refusal(declaration, refused: dict) -> str:
    index = min(refused)
    reason = "；".join(refused[index].values())
    if not declaration.items or len(declaration.items) == 1:
        return reason
    more = f"（另有{len(refused) - 1}行未通过核对）" if len(refused) > 1 else ""
    return f"第{declaration.items[index].seq}行：{reason}{more}"


def _recheck(declaration, business, approved_items) -> None:
    """The approval checks the registry again (it may have changed since the submit): an item
    that no longer agrees with it cannot be approved; the reviewer rejects it with the reason."""
    if business.subject == "person" and not approved_items:
        return
    rows = ([i.payload for i in approved_items] if business.subject == "person"
            else [declaration.payload or {}])
    found = person_facts.judge(business, declaration.unit_id, rows,
                               except_declaration=declaration.id, at_decision=True)
    if not found:
        return
    shown = [_row_reason(approved_items[i], found[i]) if business.subject == "person"
             else "；".join(found[i].values()) for i in sorted(found)[:5]]
    more = f"等{len(found)}条" if len(found) > 5 else ""
    raise Invalid(f"以下明细与登记信息不符，不能审核通过，请审核不通过并说明原因："
                  f"{'；'.join(shown)}{more}")


def _row_reason(item, errors: dict) -> str:
    return f"第{item.seq}行（{item.name or ''}）：{'；'.join(errors.values())}"


def void(declaration, user) -> Declaration:
    _fire(declaration, "void", workflow.EMPLOYER, user)
    return _commit(declaration)


def reopen(declaration, user) -> Declaration:
    """A rejected declaration back to 待办: editable, 回退标志 and reason kept."""
    _fire(declaration, "reopen", workflow.EMPLOYER, user)
    # part "see": the opinion was the earlier decision's (its event keeps it in the timeline).
    declaration.read, declaration.opinion = True, None
    for item in declaration.items:
        item.status, item.result_message = "pending", None
    return _commit(declaration)


def claim(declaration, user) -> Declaration:
    _fire(declaration, "claim", workflow.REVIEWER, user)
    declaration.reviewer_id, declaration.claimed_at = user.id, datetime.now()
    return _commit(declaration)


def may_release(declaration, user) -> bool:
    """The claiming reviewer may put the declaration back in the queue; an administrator may
    take back anyone's claim (a reviewer on leave would otherwise hold it for good)."""
    return declaration.reviewer_id in (None, user.id) or role_key_of(user) == ADMIN


def release(declaration, user) -> Declaration:
    """Back in the queue (may_release); the timeline says whose claim an administrator took."""
    if not may_release(declaration, user):
        raise Invalid("只能退回自己受理的申报，或由系统管理员收回")
    message = None
    if declaration.reviewer_id not in (None, user.id):
        holder = declaration.reviewer.username if declaration.reviewer else declaration.reviewer_id
        message = f"系统管理员收回了{holder}的受理"
    _fire(declaration, "release", workflow.REVIEWER, user, message=message)
    declaration.reviewer_id, declaration.claimed_at = None, None
    return _commit(declaration)


def decide(declaration, user, results: dict[int, bool], opinion: str = "") -> Declaration:
    """Approve, reject or partly approve: ``results`` maps item id to approved or not."""
    business = registry.get(declaration.business_code)
    if declaration.reviewer_id not in (None, user.id):
        raise Invalid("该申报已由其他审核员受理")
    items = declaration.items or []
    if business.subject == "person" and set(results) != {i.id for i in items}:
        raise Invalid("请对每一条明细给出审核结果")
    verdicts = [results[i.id] for i in items] if items else [bool(results.get(0, True))]
    name = workflow.decision_for(verdicts)
    if name != "approve" and not (opinion or "").strip():
        raise Invalid("审核不通过时必须填写审核意见")
    if len(opinion or "") > OPINION_LIMIT:  # part "see"
        raise Invalid(f"审核意见最多{OPINION_LIMIT}个字")
    if name != "reject":
        _recheck(declaration, business, [i for i in items if results[i.id]])
    _fire(declaration, name, workflow.REVIEWER, user, message=opinion)
    _record_results(declaration, items, results, opinion)
    declaration.opinion, declaration.decided_at = opinion or None, datetime.now()
    declaration.read = False
    if name == "reject":
        declaration.returned, declaration.return_reason = True, opinion
    else:  # a rejected unit business (no items) must not change the unit
        approved = [i for i in items if i.status == "approved"]
        changes.record(declaration, approved)  # part "see": old facts kept for old → new
        effects.apply(business, declaration, approved)
    return _commit(declaration)


def _record_results(declaration, items, results, opinion) -> None:
    message = opinion or None
    verdicts_of.record(declaration, items, {
        i.id: ("approved", None) if results[i.id] else ("rejected", message) for i in items})


def mark_read(declaration, user) -> Declaration:
    if not workflow.can_mark_read(declaration.status):
        raise Invalid("只有已办结的申报可以设为已读")
    if not declaration.read:
        declaration.read = True
        _event(declaration, "read", declaration.status, declaration.status, user)
        _commit(declaration)
    return declaration


def missing_materials(declaration) -> list[str]:
    business = registry.get(declaration.business_code)
    have = set(db.session.scalars(select(Material.material_type).where(
        Material.declaration_id == declaration.id, Material.replaced.is_(False))))
    return [m.name for m in business.materials if m.required and m.code not in have]


def load(declaration_id, user, unit_id=None) -> Declaration:
    """The declaration if this user may see it: employers only their own unit's."""
    try:
        pk = int(declaration_id)
    except (TypeError, ValueError):
        pk = None
    # Out of the id column's range: PostgreSQL would refuse the query (SQLite overflows).
    in_range = pk is not None and 0 < pk <= MAX_ID
    declaration = db.session.get(Declaration, pk) if in_range else None
    if declaration is None or (unit_id is not None and declaration.unit_id != unit_id):
        raise NotFound("申报不存在")
    return declaration


def _check(name, declaration, actor):
    try:
        return workflow.check(name, declaration.status, actor)
    except RuleError as refused:
        raise Invalid(str(refused)) from None


def _fire(declaration, name, actor, user, message=None):
    """The transition, written at once: the version check of a concurrent change fails here,
    inside the command (Conflict), not in a later statement's autoflush (a 500)."""
    transition = _check(name, declaration, actor)
    before = declaration.status
    declaration.status = transition.target
    _event(declaration, name, before, transition.target, user, message)
    audit.record(f"declaration_{name}", target_type="declaration",
                 target_id=declaration.serial_no, user=user,
                 detail={"from": before, "to": transition.target})
    _flush()
    if transition.target not in workflow.UNFINISHED:
        unfinished.release(declaration.id)
    elif name in ("submit", "reopen"):
        # Batch items come from the importer, and a reopened declaration held no one.
        unfinished.hold(declaration)


def _require(declaration, statuses, label):
    if declaration.status not in statuses:
        raise Invalid(f"申报当前状态为“{workflow.STATUS_NAMES[declaration.status]}”，不能{label}")


def _event(declaration, action, before, after, user, message=None):
    db.session.add(DeclarationEvent(
        declaration=declaration, action=action, from_status=before, to_status=after,
        actor_id=getattr(user, "id", None),
        actor_name=getattr(user, "username", None) or "系统", message=message,
        ip=audit.client_ip(), at=datetime.now()))


def _flush():
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise Conflict() from None


def _commit(declaration):
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise Conflict() from None
    return declaration


def _item(seq, cleaned) -> DeclarationItem:
    return DeclarationItem(seq=seq, id_number=cleaned.get("id_number"), name=cleaned.get("name"),
                           payload=cleaned, status="pending")


def json_safe(cleaned: dict) -> dict:
    """Dates and Decimals as text, so a cleaned payload fits a JSON column."""
    # Most values already are JSON types: one set lookup each instead of two type tests (a failed
    # hasattr costs an exception), which an import of 100,000 rows × 15 fields notices.
    return {k: v if type(v) in _JSON_TYPES else json_safe_value(v) for k, v in cleaned.items()}


_JSON_TYPES = frozenset({str, int, bool, float, type(None)})


def json_safe_value(value):
    """One value as json_safe gives it; also a json ``default=`` hook, so a payload can be
    encoded straight from its cleaned form."""
    if isinstance(value, date):
        return value.isoformat()
    return str(value) if hasattr(value, "as_tuple") else value
