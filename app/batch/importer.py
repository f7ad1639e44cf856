"""Batch declarations by Excel (报盘): read, judge every row with the wizard's validators, stage
the good rows as the items of one draft declaration and keep the bad ones as a downloadable
导入失败人员列表. One transaction: a file is staged whole or not at all.

Sized for 100,000 rows (PERFORMANCE.md): rows stream from the reader through validation one at a
time, and only what staging needs is kept of a good row (its number, ID, name and payload as JSON
text); the database's per-person refusals are asked every GUARD_CHUNK rows, while those rows' raw
values are still at hand for the error file. On SQLite nothing is written before the last row is
judged, so a job's progress reports (written on a connection of their own) never wait for this
transaction's write lock; the items then go in with one executemany per chunk. On PostgreSQL,
which locks rows, not the file, each chunk goes in by COPY as soon as it is judged, so the
server's work overlaps the judging of the next rows (except for businesses whose declaration
guards may still refuse any row after the last one). Either way it is one transaction, rolled
back if anything fails.
"""
import gc
import json
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from json.encoder import c_make_encoder, encode_basestring_ascii

from sqlalchemy import delete

from app import audit
from app.batch.file_level import whole_file_refusals
from app.batch.import_report import audit_detail, import_report, summary
from app.batch.reader import Batch, BatchFileError, Row, stream_batch
from app.batch.staff_rows import exported_fields
from app.declarations import guards, person_facts
from app.declarations.choices import load_choices
from app.declarations.commands import json_safe, json_safe_value
from app.declarations.serial import next_serial
from app.demo.bulk import Buffer
from app.errors import Invalid
from app.extensions import db
from app.storage import storage
from models.declaration import Declaration, DeclarationEvent, DeclarationItem
from rules import business as registry
from rules import workflow

# Rows judged between two asks of the database (and, on PostgreSQL, per COPY, sent while the
# next chunk is judged). An ask costs ~30 ms on PostgreSQL whatever its size; IN lists stay well
# under SQLite's variable limit (32,766).
GUARD_CHUNK = 10_000
PROGRESS_EVERY = 1000  # rows
ITEM_COLUMNS = ("declaration_id", "seq", "id_number", "name", "payload", "status")
_COPY_ITEMS = f"COPY {DeclarationItem.__tablename__} ({', '.join(ITEM_COLUMNS)}) FROM STDIN"
COPY_CHUNK = GUARD_CHUNK  # one COPY per ask: the main thread never waits for the previous one


def _payload_encoder():
    """Payload dict -> JSON text as SQLAlchemy's JSON type writes it (json.dumps defaults), dates
    and Decimals as json_safe makes them. json's own C encoder, built once: JSONEncoder.encode
    builds it again on every call, which is half the time of encoding a 15-field payload."""
    if c_make_encoder is None:  # a Python without the _json accelerator
        return json.JSONEncoder(check_circular=False, default=json_safe_value).encode
    encode = c_make_encoder(None, json_safe_value, encode_basestring_ascii, None, ": ", ", ",
                            False, False, True)
    return lambda payload: "".join(encode(payload, 0))


_dumps = _payload_encoder()


class _Judged:
    """The verdict on a file: its good rows as (seq, ID number, name, payload as JSON text) —
    text, not dicts, so 100,000 of them are small and give the garbage collector nothing to
    walk — written to ``items`` at once when given, else kept; and its bad rows as the error
    file shows them."""

    def __init__(self, items: "_Items | None" = None):
        self.rows, self.good, self.bad, self.insurances = 0, 0, [], set()
        self.items, self.kept = items, []
        self.skipped = 0  # rows of an export-with-data file with nothing declared
        self.file_errors, self.file_refused = [], 0  # reasons said once, and the rows they hold

    def add(self, seq: int, cleaned: dict) -> None:
        # Dates and Decimals become text exactly as json_safe makes them, in the encoder.
        item = (seq, cleaned.get("id_number"), cleaned.get("name"), _dumps(cleaned))
        if self.items is None:
            self.kept.append(item)
        else:
            self.items.add(item)
        self.good += 1
        self.insurances.add(cleaned.get("insurances"))

    def drop(self, seqs: set) -> None:
        assert self.items is None, "rows already written cannot be dropped"
        self.kept = [g for g in self.kept if g[0] not in seqs]
        self.good = len(self.kept)


class _Items:
    """The items of one draft, written in chunks of plain tuples, payloads already JSON text:
    no ORM unit of work and no per-row type processing for 100,000 of them.

    On PostgreSQL each chunk is sent by COPY from a helper thread while the next rows are
    judged, so the server's work (indexes, foreign key, JSON parsing: ~2 s for 100,000 rows)
    overlaps ours; the connection is never used by both at once: ``wait()`` comes before any
    other statement of the import."""

    def __init__(self, declaration_id: int):
        conn = db.session.connection()
        self.declaration_id, self.rows, self.sent = declaration_id, [], None
        self.buffer = self.sender = None
        if conn.dialect.name == "postgresql":
            self.raw = conn.connection.dbapi_connection
            self.sender = ThreadPoolExecutor(max_workers=1, thread_name_prefix="batch-copy")
        else:
            self.buffer = Buffer(conn, DeclarationItem.__table__, ITEM_COLUMNS)

    def add(self, item: tuple) -> None:
        row = (self.declaration_id, *item, "pending")
        if self.buffer is not None:
            self.buffer.add(row)
            if self.buffer.full:
                self.buffer.flush()
            return
        self.rows.append(row)
        if len(self.rows) >= COPY_CHUNK:
            self._send()

    def _send(self) -> None:
        self.wait()
        rows, self.rows = self.rows, []
        self.sent = self.sender.submit(self._copy, rows)

    def _copy(self, rows: list) -> None:
        with self.raw.cursor() as cursor, cursor.copy(_COPY_ITEMS) as copy:
            for row in rows:
                copy.write_row(row)

    def wait(self) -> None:
        """Until the chunk in flight is written (its error, if any, raised here)."""
        if self.sent is not None:
            sent, self.sent = self.sent, None
            sent.result()

    def close(self) -> None:
        if self.buffer is not None:
            self.buffer.flush()
            return
        if self.rows:
            self._send()
        try:
            self.wait()
        finally:
            self.sender.shutdown()

    def abandon(self) -> None:
        """On failure: let the chunk in flight end (its error no longer matters) before the
        transaction is rolled back on the same connection."""
        if self.sender is not None:
            try:
                self.wait()
            except Exception:  # the import's own error is the one to report
                pass
            self.sender.shutdown()


@dataclass
class ImportResult:
    declaration: Declaration | None  # None: no row was good, and a new upload makes no draft
    good: int
    bad: int  # rows failed, those refused by a file-level reason included
    bad_rows: list
    report: dict = None
    report_key: str | None = None  # where the report of an upload without a draft is kept


def import_file(unit_id: int, business_code: str, user, data: bytes, filename: str,
                declaration: Declaration | None = None, progress=None) -> ImportResult:
    """Stage ``data`` into a new draft, or replace the items of ``declaration`` (re-import)."""
    business = registry.get(business_code)
    if not business.batch:
        raise Invalid(f"{business.name}不支持批量申报")
    if declaration is not None and declaration.status != workflow.DRAFT:
        raise Invalid("只有未提交的批量申报可以重新导入")
    with _old_objects_frozen():
        return _import(unit_id, business, user, data, filename, declaration, progress)


@contextmanager
def _old_objects_frozen():
    """The objects that exist before an import (the app's, ~200,000) are not its garbage: out of
    the collector's sight for its duration, they are not walked again by each of the full
    collections that 100,000 rows trigger (~0.6 s of a 100k import otherwise)."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _import(unit_id, business, user, data, filename, declaration, progress) -> ImportResult:
    labels = {f.name: f.label for f in business.fields}
    streaming = (db.session.get_bind().dialect.name == "postgresql"
                 and not business.declaration_guards)
    items, reimport = None, declaration is not None
    try:
        batch = stream_batch(data, business)  # a refused file is refused before any write
        if streaming:
            declaration = _draft(declaration, unit_id, business, user)
            items = _Items(declaration.id)
        judged = _judge(business, unit_id, batch, labels,
                        declaration.id if declaration is not None else None, progress, items,
                        exported_fields(business))
        if not judged.good and not reimport:
            # Nothing to stage: an empty draft would pile up and hold nobody useful. (On
            # PostgreSQL the streaming draft was written: it goes with the rollback.)
            if items is not None:
                items.close()
            db.session.rollback()
            return _without_draft(unit_id, business, user, filename, batch, judged)
        if not streaming:
            declaration = _draft(declaration, unit_id, business, user)
            items = _Items(declaration.id)
            for item in judged.kept:
                items.add(item)
        items.close()
    except BaseException as failed:
        if items is not None:
            items.abandon()
        db.session.rollback()  # whole or not at all: no half-written items
        if isinstance(failed, BatchFileError):
            raise Invalid(failed.message) from None
        raise
    report = _staged(declaration, business, user, filename, batch, judged)
    return ImportResult(declaration, judged.good, report["bad"], judged.bad, report)


def _staged(declaration, business, user, filename, batch, judged, from_page=False) -> dict:
    """The draft's counts, 险种 and import report, its timeline row and the audit row; the
    commit of the whole staging. ``from_page``: the rows were typed on the roster page."""
    declaration.item_count = judged.good
    codes = sorted({code for text in judged.insurances for code in str(text or "").split(",")
                    if code})
    declaration.insurance_codes = ",".join(codes) or business.staff_insurance or None
    report = import_report(business, filename, batch, judged)
    declaration.payload = {"import": report}
    db.session.add(DeclarationEvent(
        declaration=declaration, action="import", from_status=workflow.DRAFT,
        to_status=workflow.DRAFT, actor_id=user.id, actor_name=user.username,
        message=f"页面录入：{summary(report)}" if from_page
        else f"文件{filename[:100]}：{summary(report)}", ip=audit.client_ip(),
        at=datetime.now()))
    audit.record("batch_import", target_type="declaration", target_id=declaration.serial_no,
                 user=user, detail=audit_detail(report))
    db.session.commit()
    return report


class RowErrors(Invalid):
    """Rows of a page (录入 with 批设置) refused: ``rows`` maps each bad row's number to its
    reasons; nothing was staged."""

    def __init__(self, rows: dict):
        self.rows = rows
        super().__init__(f"有{len(rows)}行未通过核对，请按提示修改")


PAGE_SOURCE = "页面录入"  # the report's "file" of rows typed on the roster page


def stage_rows(unit_id: int, business_code: str, user, rows: list[dict],
               declaration: Declaration | None = None) -> ImportResult:
    """Rows typed on a page (field name → text) staged as the items of a new draft, or as the
    new items of ``declaration``: judged exactly as a file's rows are (validators, registry
    checks, declaration guards), but all or nothing — any bad row raises RowErrors (row number
    = its index + 1) and nothing changes."""
    business = registry.get(business_code)
    if not business.batch:
        raise Invalid(f"{business.name}不支持批量申报")
    if declaration is not None and declaration.status != workflow.DRAFT:
        raise Invalid("只有未提交的批量申报可以重新导入")
    if not rows:
        raise Invalid("请至少为一名人员录入申报内容")
    labels = {f.name: f.label for f in business.fields}
    names = [f.name for f in business.fields]
    batch = Batch(business.code, [f.label for f in business.fields], names, expected=len(rows))
    batch.rows = [Row(n, {name: row.get(name) for name in names})
                  for n, row in enumerate(rows, start=1)]
    judged = _judge(business, unit_id, batch, labels,
                    declaration.id if declaration is not None else None, None, None)
    if judged.bad:
        db.session.rollback()
        # Nothing staged, but the refusal is on record (who tried what, and how much of it).
        audit.record_now("batch_import", target_type="declaration", success=False, user=user,
                         target_id=declaration.serial_no if declaration is not None else None,
                         detail={"business": business.code, "file": PAGE_SOURCE,
                                 "good": judged.good, "bad": len(judged.bad)})
        raise RowErrors({bad["row"]: "；".join(bad["errors"].values()) for bad in judged.bad})
    try:
        declaration = _draft(declaration, unit_id, business, user)
        items = _Items(declaration.id)
        for item in judged.kept:
            items.add(item)
        items.close()
    except BaseException:
        db.session.rollback()
        raise
    report = _staged(declaration, business, user, PAGE_SOURCE, batch, judged, from_page=True)
    return ImportResult(declaration, judged.good, 0, [], report)


def _without_draft(unit_id, business, user, filename, batch, judged) -> ImportResult:
    """An upload with no good row: no draft; its report is kept in storage for the page that
    shows it (by its key, to this unit only)."""
    report = import_report(business, filename, batch, judged)
    report.update(unit_id=unit_id, business=business.code)
    key = storage().put(json.dumps(report, ensure_ascii=False).encode())
    audit.record("batch_import", target_type="declaration", target_id=None, user=user,
                 detail={**audit_detail(report), "draft": False})
    db.session.commit()
    return ImportResult(None, 0, report["bad"], judged.bad, report, key)


def _judge(business, unit_id, batch, labels, except_declaration, progress, items,
           exported=None) -> _Judged:
    """Every row of the file judged; the good ones written to ``items`` or kept as staging
    needs them. ``exported``: the fields an export-with-data file comes filled with; a failing
    row with nothing else in it is skipped."""
    choices, today, memo = load_choices(), date.today(), {}
    declared = None if exported is None else [f.name for f in business.fields
                                              if f.name not in exported]
    judged, seen, pending, count = _Judged(items), {}, [], 0
    # The declaration guards judge the whole batch after its last row: only for them must the
    # payloads and raw values of good rows outlive the row.
    whole = [] if business.declaration_guards else None

    def settle():
        """The database's refusals of the pending rows, one query set for all of them."""
        if items is not None:
            items.wait()  # the connection is the COPY's until then
        # What the registry holds about these persons, checked as the wizard checks it.
        refused = person_facts.refusals(business, unit_id, [c for _, c in pending], today,
                                        except_declaration)
        for index, (row, cleaned) in enumerate(pending):
            errors = refused.get(index)
            if errors:
                judged.bad.append(_bad(row.number, row.values, errors, labels))
                continue
            judged.add(row.number, cleaned)
            if whole is not None:
                whole.append((row.number, json_safe(cleaned), row.values))
        pending.clear()

    for row in batch.rows:
        count += 1
        errors = row.problems
        if not errors:
            cleaned, errors = registry.validate(business, row.values, choices, today, memo)
        if not errors:
            number = cleaned.get("id_number")
            if number in seen:
                errors = {"id_number": f"与第{seen[number]}行的人员重复"}
            elif number:
                seen[number] = row.number
        if errors:
            if declared is not None and _nothing_declared(row, declared):
                judged.skipped += 1
            else:
                judged.bad.append(_bad(row.number, row.values, errors, labels))
        else:
            pending.append((row, cleaned))
            if len(pending) >= GUARD_CHUNK:
                settle()
        if progress and count % PROGRESS_EVERY == 0:
            progress(count, max(batch.expected, count))
    settle()
    judged.rows = count
    if whole:
        # Checks over the whole batch that need the database (once per unit and year, months
        # already paid …): the registry names them, guards answer by row index.
        refusals, file_level = whole_file_refusals(
            lambda payloads: guards.for_payloads(business, unit_id, payloads, today,
                                                 except_declaration),
            [p for _, p, _ in whole], labels)
        judged.bad.extend(_bad(whole[i][0], whole[i][2], {field: reason}, labels)
                          for i, (field, reason) in refusals.items())
        dropped = {whole[i][0] for i in refusals}
        for reason, indexes in file_level:
            judged.file_errors.append({"reason": reason, "rows": len(indexes)})
            judged.file_refused += len(indexes)
            dropped.update(whole[i][0] for i in indexes)
        if dropped:
            judged.drop(dropped)
            judged.insurances = {p.get("insurances") for seq, p, _ in whole
                                 if seq not in dropped}
    judged.bad.sort(key=lambda b: b["row"])
    return judged


def _nothing_declared(row, declared: list) -> bool:
    """Whether the row holds only what the export filled (and no problem in what it did not)."""
    values, problems = row.values, row.problems
    return all(values.get(name) is None and name not in problems for name in declared)


def _draft(declaration, unit_id, business, user) -> Declaration:
    """A new draft for the import, or ``declaration`` with its items of an earlier import gone."""
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
    return declaration


def _bad(number, values, errors, labels) -> dict:
    return {"row": number,
            "values": {labels.get(k, k): v for k, v in (values or {}).items()},
            "errors": {labels.get(k, ""): v for k, v in errors.items()}}
