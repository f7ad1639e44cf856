"""Old → new, per business: what the reviewer compares before deciding a change.

``SHOWN`` holds, per business code, how to show it: ``before`` reads what the registry holds
for the declaration (the unit, or the people of its first items) as plain JSON values, and
``rows`` lays one subject's old facts beside the declared ones as labelled, formatted rows.
Undecided, the old side is read at display time. On approval ``record`` keeps the ``before`` in
the declaration's payload, because the effect overwrites the registry; a decided declaration
then shows what was recorded. The next business only adds an entry.
"""
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from flask_babel import gettext
from sqlalchemy import select

from app.declarations import person_facts
from app.declarations.choices import load_choices
from app.extensions import db
from app.verification import mask_phone
from models.person import Person
from models.reference import Insurance
from rules.business import BUSINESSES

RECORDED = "registry_before"  # the payload key of the facts kept at approval
KEPT_ITEMS = 500  # the people a page shows (views/review.py SHOWN_ITEMS): only they are kept


@dataclass(frozen=True)
class Row:
    label: str
    old: str
    new: str
    note: str = ""
    heading: bool = False  # names the columns of the rows below it, compares nothing

    @property
    def changed(self) -> bool:
        return not self.heading and self.old != self.new


@dataclass(frozen=True)
class Comparison:
    title: str  # the person, or "" for the unit itself
    rows: tuple
    item_id: int | None = None  # the item it compares, for the page to place it


@dataclass(frozen=True)
class Shown:
    before: Callable  # (declaration, items) → {subject key: facts}
    rows: Callable  # (old facts, payload, names) → [Row]
    per_person: bool = True


SHOWN: dict[str, Shown] = {}


def shows(*codes, before, per_person=True):
    def register(rows):
        for code in codes:
            SHOWN[code] = Shown(before, rows, per_person)
        return rows
    return register


def compare(declaration, items) -> list[Comparison]:
    """The comparisons of ``items`` (the ones the page shows), old side recorded or read now."""
    entry = SHOWN.get(declaration.business_code)
    if entry is None:
        return []
    recorded = (declaration.payload or {}).get(RECORDED) or {}
    names = Names()
    if not entry.per_person:
        old = recorded.get("unit") or entry.before(declaration, items).get("unit", {})
        return [Comparison("", tuple(entry.rows(old, declaration.payload or {}, names)))]
    missing = [i for i in items if i.id_number not in recorded]
    live = entry.before(declaration, missing) if missing else {}
    return [Comparison(f"{i.seq}. {i.name}（{i.id_number}）",
                       tuple(entry.rows(recorded.get(i.id_number) or live.get(i.id_number) or {},
                                        i.payload or {}, names)), i.id)
            for i in items]


def record(declaration, items) -> None:
    """Before the effect writes: the registry's old facts kept for the decided page."""
    entry = SHOWN.get(declaration.business_code)
    if entry is None:
        return
    kept = sorted(items, key=lambda i: i.seq)[:KEPT_ITEMS] if entry.per_person else items
    before = entry.before(declaration, kept)
    if before:
        declaration.payload = {**(declaration.payload or {}), RECORDED: before}


class Names:
    """Codes as the words a person reads, in the page's language; loaded once per page."""

    def __init__(self):
        self.choices = load_choices()
        self.insurances = dict(db.session.execute(select(Insurance.code, Insurance.name)).all())
        self._limits = {}

    def limits(self, year: int):
        """(floor, cap) of the year, None before the center sets them."""
        if year not in self._limits:
            from app.declarations.base_declaration import year_limits

            self._limits[year] = year_limits([year]).get(year)
        return self._limits[year]

    def choice(self, source: str, code) -> str:
        if code in (None, ""):
            return ""
        return gettext(self.choices.get(source, {}).get(code, code))

    def insurance_list(self, codes) -> str:
        codes = [c for c in (codes.split(",") if isinstance(codes, str) else codes or []) if c]
        return gettext("、").join(gettext(self.insurances.get(c, c))
                                  for c in sorted(codes)) or "—"


def month(value) -> str:
    """201501 → 2015-01 (what every page shows); empty stays empty."""
    if value in (None, ""):
        return ""
    text = str(value).replace("-", "")
    return f"{text[:4]}-{text[4:6]}"


def money(value) -> str:
    """To the fen, as every page shows money; empty stays empty."""
    if value in (None, ""):
        return ""
    return f"{Decimal(str(value)):.2f}"


def unchanged(old: str, new) -> str:
    """A field left empty in a change declaration keeps what the registry holds."""
    return old if new in (None, "") else str(new)


def persons(items) -> dict[str, Person]:
    numbers = sorted({i.id_number for i in items if i.id_number})
    if not numbers:
        return {}
    return {p.id_number: p for p in db.session.scalars(
        select(Person).where(Person.id_number.in_(numbers)))}


def registry_facts(declaration, items) -> dict:
    """ID number → what the registry holds about each person (the person-facts step's own
    reading, app/declarations/person_facts.py), for the old side of a comparison."""
    numbers = [i.id_number for i in items if i.id_number]
    return person_facts.load(BUSINESSES[declaration.business_code], declaration.unit_id,
                             numbers, at_decision=True) if numbers else {}


# -- C6 单位基本信息变更 ------------------------------------------------------------------

def _unit_before(declaration, items) -> dict:
    return {"unit": person_facts.unit_facts(declaration.unit_id)}


@shows("C6", before=_unit_before, per_person=False)
def _unit_rows(old, payload, names):
    rows = []
    for f in BUSINESSES["C6"].fields:
        before, after = old.get(f.name) or "", unchanged(old.get(f.name) or "", payload.get(f.name))
        if f.name == "contact_phone":  # where SMS codes go: never shown whole
            before, after = mask_phone(before), mask_phone(after)
        rows.append(Row(f.label, before, after))
    return rows


# -- C7 人员基本信息变更 ------------------------------------------------------------------

def _person_before(declaration, items) -> dict:
    return {n: {"name": f.name, "phone": f.phone, "address": f.address, "nation": f.nation}
            for n, f in registry_facts(declaration, items).items() if f.known}


@shows("C7", before=_person_before)
def _person_rows(old, payload, names):
    return [
        Row("姓名", old.get("name") or "",
            unchanged(old.get("name") or "", payload.get("new_name"))),
        Row("手机号码", old.get("phone") or "",
            unchanged(old.get("phone") or "", payload.get("phone"))),
        Row("通讯地址", old.get("address") or "",
            unchanged(old.get("address") or "", payload.get("address"))),
        Row("民族", names.choice("nation", old.get("nation")),
            names.choice("nation", payload.get("nation") or old.get("nation"))),
    ]


# -- C8 人员险种增加/减少 -----------------------------------------------------------------

def _insurances_before(declaration, items) -> dict:
    return {n: {"insurances": sorted(f.codes_here(None))}
            for n, f in registry_facts(declaration, items).items() if f.known}


@shows("C8", before=_insurances_before)
def _insurance_rows(old, payload, names):
    have = set(old.get("insurances") or [])
    asked = {c for c in str(payload.get("insurances") or "").split(",") if c}
    after = have - asked if payload.get("direction") == "remove" else have | asked
    return [
        Row("变更类型", "", names.choice("insurance_direction", payload.get("direction"))),
        Row("变更年月", "", month(payload.get("month"))),
        Row("参保险种", names.insurance_list(have), names.insurance_list(after)),
    ]


# -- C2 / C2R 减员, C9 减员原因变更 -------------------------------------------------------

def _enrollment_before(declaration, items) -> dict:
    held = {n: f.open_here(None) for n, f in registry_facts(declaration, items).items()}
    return {n: {"start_month": min(s.start_month for s in spans),
                "insurances": sorted({s.insurance for s in spans})}
            for n, spans in held.items() if spans}


@shows("C2", "C2R", before=_enrollment_before)
def _reduction_rows(old, payload, names):
    return [
        Row("参保起始年月", month(old.get("start_month")), month(old.get("start_month"))),
        Row("减员年月", gettext("在职（未减员）"), month(payload.get("end_month"))),
        Row("减员原因", "", names.choice("change_reason:reduce", payload.get("reduce_reason"))),
        Row("参保险种", names.insurance_list(old.get("insurances")), gettext("终止参保")),
    ]


def _reason_before(declaration, items) -> dict:
    last = {n: f.last_reduction() for n, f in registry_facts(declaration, items).items()}
    return {n: {"end_month": span.end_month, "reduce_reason": span.reduce_reason}
            for n, span in last.items() if span}


@shows("C9", before=_reason_before)
def _reason_rows(old, payload, names):
    return [
        Row("减员年月", month(old.get("end_month")), month(old.get("end_month"))),
        Row("减员原因", names.choice("change_reason:reduce", old.get("reduce_reason")),
            names.choice("change_reason:reduce", payload.get("reduce_reason"))),
    ]


from app.declarations import base_changes  # noqa: E402,F401  (registers C3 and C4)
