"""The people of every unit: persons, their employment (a staging row each), yearly bases, retirees.

Rows are built in Python as plain tuples and written in chunks (executemany on SQLite, COPY on
PostgreSQL); the enrollments and the ledger are then derived set-based from the staging table
(app/demo/ledger.py).
"""
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import Column, Connection, Integer, MetaData, String, Table

from app.demo.bulk import Buffer, next_id, sync_sequence, timestamp_text
from app.demo.codes import Codes, average_wage
from app.demo.people import People
from app.demo.units import UnitPlan
from models.pension import RetirementRecord
from models.person import ContributionBase, Person
from models.reference import ChangeReason, EmploymentForm, Nation, PersonCategory
from rules.months import add_months, month_range, months_between, to_month

PERSON_COLUMNS = (
    "id", "id_number", "name", "gender", "birth_date", "nation_id", "retirement_category",
    "phone", "address", "hukou", "first_work_month", "created_at",
)
# Wages and bases are whole yuan here: ints, which both drivers store into NUMERIC exactly.
BASE_COLUMNS = ("person_id", "unit_id", "year", "declared_wage", "base")
RETIREE_COLUMNS = (
    "person_id", "unit_id", "retire_date", "kind", "contribution_months", "monthly_pension",
    "status", "created_at",
)

_meta = MetaData()
# One row per person: where and how they are employed. Crossed with 险种 it gives the enrollments.
STAFF = Table(
    "demo_staff", _meta,
    Column("person_id", Integer, primary_key=True),
    Column("unit_id", Integer, nullable=False),
    Column("category", String(10), nullable=False),
    Column("status", String(10), nullable=False),
    Column("start_month", Integer, nullable=False),
    Column("end_month", Integer),
    Column("add_reason_id", Integer),
    Column("reduce_reason_id", Integer),
    Column("employment_form_id", Integer),
    Column("person_category_id", Integer),
    prefixes=["TEMPORARY"],
)


@dataclass
class Window:
    """The 24 months of history ending the month before today."""

    today: date
    month: int
    first: int
    last: int
    paid_through: int  # months up to here are paid (older than 2 months)
    suspended_from: int  # suspended people stopped paying in this month
    years: list = field(default_factory=list)

    @classmethod
    def of(cls, today: date) -> "Window":
        month = to_month(today)
        first, last = add_months(month, -24), add_months(month, -1)
        return cls(today, month, first, last, add_months(month, -3), add_months(month, -4),
                   sorted({m // 100 for m in month_range(first, last)}))


@dataclass
class Member:
    """What the declarations and bills need to know about a person of a unit with an account."""

    person_id: int
    id_number: str
    name: str
    kind: str
    start_month: int
    end_month: int | None
    wages: dict  # year -> declared wage (yuan)
    phone: str
    reduce_reason: str | None  # 减员原因 code of an ended enrollment


class Staffing:
    def __init__(self, conn: Connection, codes: Codes, window: Window, people: People):
        self.conn, self.codes, self.window, self.people = conn, codes, window, people
        self.rng = people.rng
        self.now = datetime.combine(window.today, datetime.min.time())
        self.next_pid = next_id(conn, Person.__table__)
        self.now_text = timestamp_text(self.now)
        self.average_monthly = average_wage(window.years[0]) // 12
        self.persons = Buffer(conn, Person.__table__, PERSON_COLUMNS)
        self.staff = Buffer(conn, STAFF, tuple(c.name for c in STAFF.columns))
        self.bases = Buffer(conn, ContributionBase.__table__, BASE_COLUMNS)
        self.retirees = Buffer(conn, RetirementRecord.__table__, RETIREE_COLUMNS)
        self.members: dict[str, list[Member]] = {}
        c = codes
        self.reason = {code: c.id(ChangeReason, code) for code in c.ids["ChangeReason"]}
        self.forms = [c.id(EmploymentForm, code) for code in ("01", "02", "03", "04")]
        self.city_worker = c.id(PersonCategory, "01")
        self.migrant_worker = c.id(PersonCategory, "02")
        self.nations = [c.id(Nation, code) for code in ("01", "03", "11", "02", "10")]

    def add_unit(self, plan: UnitPlan, unit_id: int, unit_start: int, keep: bool) -> None:
        kept = self.members.setdefault(plan.unit_no, []) if keep else None
        recent = 0
        for kind, count in plan.staff.items():
            for i in range(count):
                if kind == "retiring":
                    category = ("male", "female_55", "female_50")[i % 3]
                    person = self.people.person_retiring_in((2, 4, 5)[i % 3], category)
                elif kind == "retired":
                    person = self.people.retired_person()
                else:
                    person = self.people.working_person()
                start = None
                if kind == "new" and keep and recent < 2:  # the approved 增员 of last months
                    recent += 1
                    start = add_months(self.window.month, -recent)
                member = self._add(person, kind, unit_id, unit_start, start)
                if self.bases.full or self.persons.full:
                    self._flush()
                if kept is not None:
                    kept.append(Member(*member))

    def _add(self, person: dict, kind: str, unit_id: int, unit_start: int, start) -> tuple:
        """Writes the person, their staging row and bases; returns the fields of a Member."""
        rng, w = self.rng, self.window
        pid = self.next_pid
        self.next_pid += 1
        retire = person.pop("_retire")
        first_work = min(person["first_work_month"], w.last)
        category, status, end, reduce = "active", "normal", None, None
        reduce_code = None
        if kind == "retired":
            category, start = "retired", add_months(retire, 1)
        elif kind == "new":
            start = start or add_months(w.first, rng.randint(1, 22))
        else:
            low = max(first_work, unit_start)
            high = add_months(w.first, -1)
            start = _random_month(rng, low, high) if low <= high else max(first_work, w.first)
        first_work = min(first_work, start)
        if kind == "suspended":
            reduce_code = "211"
            status, reduce = "suspended", self.reason[reduce_code]
        elif kind == "ended":
            status = "ended"
            end = _random_month(rng, max(start, add_months(w.first, 2)), add_months(w.last, -2))
            reduce_code = rng.choice(("201", "201", "202", "203", "203", "206"))
            reduce = self.reason[reduce_code]
        rural = person["hukou"] == "农村"
        self.persons.add((
            pid, person["id_number"], person["name"], person["gender"],
            person["birth_date"].isoformat(), self._nation(), person["retirement_category"],
            person["phone"], person["address"], person["hukou"], first_work, self.now_text,
        ))
        roll = rng.random()
        form = self.forms[0 if roll < .85 else 1 if roll < .93 else 2 if roll < .97 else 3]
        add_reason = None if category == "retired" else self._add_reason(start, first_work)
        self.staff.add((
            pid, unit_id, category, status, start, end, add_reason, reduce, form,
            self.migrant_worker if rural else self.city_worker,
        ))
        wages = {}
        if category == "active":
            wages = self._bases(pid, unit_id, start, end)
        else:
            self.retirees.add((
                pid, unit_id, f"{retire // 100:04d}-{retire % 100:02d}-01", "正常退休",
                rng.randint(180, 420), rng.randint(2600, 6800), "active", self.now_text,
            ))
        return (pid, person["id_number"], person["name"], kind, start, end, wages,
                person["phone"], reduce_code)

    def _bases(self, pid: int, unit_id: int, start: int, end: int | None) -> dict:
        """One 缴费基数 per year the person paid in: declared wage, clamped to the year's limits."""
        w = self.window
        last = end or w.last
        wage0 = self.people.monthly_wage(self.average_monthly)
        growth = 1 + self.rng.random() * 0.08
        wages = {}
        for k, year in enumerate(w.years):
            if year < start // 100 or year > last // 100:
                continue
            declared = round(wage0 * growth**k)
            floor, cap = self.codes.limits[year]
            wages[year] = declared
            self.bases.add((pid, unit_id, year, declared, min(max(declared, floor), cap)))
        return wages

    def _add_reason(self, start: int, first_work: int) -> int:
        if start == first_work:
            return self.reason["101"]
        return self.reason[self.rng.choice(("102", "102", "103", "104"))]

    def _nation(self) -> int:
        roll = self.rng.random()
        for share, nation in zip((0.984, 0.994, 0.997, 0.999), self.nations, strict=False):
            if roll < share:
                return nation
        return self.nations[-1]

    def _flush(self) -> None:
        # People first: PostgreSQL checks the foreign keys of bases and retirees row by row.
        for buffer in (self.persons, self.staff, self.bases, self.retirees):
            buffer.flush()

    def finish(self) -> dict:
        self._flush()
        sync_sequence(self.conn, Person.__table__)
        return {"person": self.persons.count, "contribution_base": self.bases.count,
                "retirement_record": self.retirees.count}


def _random_month(rng, low: int, high: int) -> int:
    return add_months(low, rng.randint(0, max(months_between(low, high), 0)))
