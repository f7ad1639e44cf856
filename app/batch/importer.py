"""Batch declarations by Excel (报盘): read, judge every row with the wizard's validators, stage
the good rows as the items of one draft declaration and keep the bad ones as a downloadable
导入失败人员列表. One transaction: a file is staged whole or not at all."""
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, insert

from app import audit
from app.batch.reader import BatchFileError, read_batch
from app.declarations import guards
from app.declarations.commands import json_safe
from app.declarations.choices import load_choices
from app.declarations.serial import next_serial
from app.errors import Invalid
from app.extensions import db
from app.storage import storage
from models.declaration import Declaration, DeclarationEvent, DeclarationItem
from rules import business as registry
from rules import workflow

GUARD_CHUNK = 5000  # IN lists stay well under SQLite's variable limit
SHOWN_BAD_ROWS = 200  # the page lists these; the workbook holds them all


@dataclass
class ImportResult:
    declaration: Declaration
    good: int
    bad: int
    bad_rows: list


def import_file(unit_id: int, business_code: str, user, data: bytes, filename: str,
                declaration: Declaration | None = None, progress=None) -> ImportResult:
    """Stage ``data`` into a new draft, or replace the items of ``declaration`` (re-import)."""
    business = registry.get(business_code)
    if not business.batch:
        raise Invalid(f"{business.name}不支持批量申报")
    if declaration is not None and declaration.status != workflow.DRAFT:
        raise Invalid("只有未提交的批量申报可以重新导入")
    try:
        batch = read_batch(data, business)
    except BatchFileError as refused:
        raise Invalid(refused.message) from None
    labels = {f.name: f.label for f in business.fields}
    good, bad = _judge(business, unit_id, batch, labels,
                       declaration.id if declaration is not None else None, progress)
    declaration = _stage(declaration, unit_id, business, user, good)
    error_file = _error_file(business, batch, bad) if bad else None
    declaration.payload = {"import": {
        "filename": filename[:200], "rows": len(batch), "good": len(good), "bad": len(bad),
        "error_file": error_file, "bad_rows": bad[:SHOWN_BAD_ROWS],
        "at": datetime.now().isoformat(timespec="seconds")}}
    db.session.add(DeclarationEvent(
        declaration=declaration, action="import", from_status=workflow.DRAFT,
        to_status=workflow.DRAFT, actor_id=user.id, actor_name=user.username,
        message=f"{filename[:100]}：导入{len(good)}人，失败{len(bad)}人", ip=audit.client_ip(),
        at=datetime.now()))
    audit.record("batch_import", target_type="declaration", target_id=declaration.serial_no,
                 user=user, detail={"good": len(good), "bad": len(bad), "file": filename[:100]})
    db.session.commit()
    return ImportResult(declaration, len(good), len(bad), bad)


def _judge(business, unit_id, batch, labels, except_declaration, progress):
    """(good [(row number, cleaned)], bad [{row, values, errors}]) for every row of the file."""
    choices, today = load_choices(), date.today()
    good, bad, seen = [], [], {}
    for n, row in enumerate(batch.rows, 1):
        errors = dict(row.problems)
        cleaned = {}
        if not errors:
            cleaned, errors = registry.validate(business, row.values, choices, today)
        number = cleaned.get("id_number")
        if not errors and number in seen:
            errors = {"id_number": f"与第{seen[number]}行的人员重复"}
        if errors:
            bad.append(_bad(row, errors, labels))
        else:
            seen[number] = row.number
            good.append((row, json_safe(cleaned)))
        if progress and n % 1000 == 0:
            progress(n, len(batch.rows))
    refused = {}
    numbers = [c["id_number"] for _, c in good if c.get("id_number")]
    for start in range(0, len(numbers), GUARD_CHUNK):
        refused.update(guards.for_business(business, unit_id, numbers[start:start + GUARD_CHUNK],
                                           except_declaration))
    if refused:
        bad.extend(_bad(row, {"id_number": refused[c["id_number"]]}, labels)
                   for row, c in good if c.get("id_number") in refused)
        good = [(row, c) for row, c in good if c.get("id_number") not in refused]
    # Checks over the whole batch that need the database (once per unit and year, months
    # already paid …): the registry names them, guards answer by row index.
    payload_refusals = guards.for_payloads(business, unit_id, [c for _, c in good], today,
                                           except_declaration)
    if payload_refusals:
        bad.extend(_bad(good[i][0], {field: reason}, labels)
                   for i, (field, reason) in payload_refusals.items())
        good = [pair for i, pair in enumerate(good) if i not in payload_refusals]
    bad.sort(key=lambda b: b["row"])
    return good, bad


def _stage(declaration, unit_id, business, user, good) -> Declaration:
    if declaration is None:
        declaration = Declaration(
            serial_no=next_serial(), unit_id=unit_id, business_code=business.code, batch=True,
            status=workflow.DRAFT, created_by_id=user.id, wizard_step="import", item_count=0)
        db.session.add(declaration)
        db.session.flush()
        db.session.add(DeclarationEvent(declaration=declaration, action="create",
                                        to_status=workflow.DRAFT, actor_id=user.id,
                                        actor_name=user.username, at=datetime.now()))
    else:
        db.session.execute(delete(DeclarationItem)
                           .where(DeclarationItem.declaration_id == declaration.id))
    rows = [dict(declaration_id=declaration.id, seq=row.number, id_number=c.get("id_number"),
                 name=c.get("name"), payload=c, status="pending") for row, c in good]
    if rows:
        db.session.execute(insert(DeclarationItem), rows)
    declaration.item_count = len(rows)
    codes = sorted({code for _, c in good for code in str(c.get("insurances") or "").split(",")
                    if code})
    declaration.insurance_codes = ",".join(codes) or None
    return declaration


def _bad(row, errors, labels) -> dict:
    return {"row": row.number,
            "values": {labels.get(k, k): v for k, v in row.values.items()},
            "errors": {labels.get(k, ""): v for k, v in errors.items()}}


def _error_file(business, batch, bad) -> str:
    from reports.excel_errors import error_workbook

    headers = [h for h in batch.headers if h]
    return storage().put(error_workbook(business, headers, bad))

