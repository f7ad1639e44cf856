"""Code tables, rates and yearly parameters (G3, G4), inserted where missing."""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import Connection, select

from app.demo import data
from app.demo.bulk import bulk_insert
from models.contribution import Rate, YearParameter
from models.reference import (
    BankBranch,
    ChangeReason,
    EmploymentForm,
    Hospital,
    Industry,
    Insurance,
    Nation,
    PersonCategory,
)
from rules import rates
from rules.contribution_base import DEFAULT_CAP_PCT, DEFAULT_FLOOR_PCT, year_limits

RATES_FROM = 201905  # 养老 unit rate 16 % since 2019-05 (国办发〔2019〕13号)

CODE_TABLES = [
    (Insurance, data.INSURANCES),
    (ChangeReason, data.CHANGE_REASONS),
    (EmploymentForm, data.EMPLOYMENT_FORMS),
    (PersonCategory, data.PERSON_CATEGORIES),
    (Nation, data.NATIONS),
    (Industry, data.INDUSTRIES),
    (Hospital, data.HOSPITAL_ROWS),
    (BankBranch, data.BANK_BRANCHES),
]


@dataclass
class Codes:
    """Ids by code, for every code table the generators need."""

    ids: dict  # model name -> {code: id}
    risk_class: dict  # industry id -> risk class
    limits: dict  # year -> (floor, cap) as whole yuan ints
    average_wage: dict  # year -> annual average wage

    def id(self, model, code: str) -> int:
        return self.ids[model.__name__][code]


def load_codes(conn: Connection, today: date) -> tuple[Codes, dict]:
    """Insert the missing code rows, rates and year parameters; return ids and what was added."""
    added = {}
    for model, rows in CODE_TABLES:
        table = model.__table__
        present = set(conn.execute(select(table.c.code)).scalars())
        missing = [row for row in rows if row["code"] not in present]
        added[table.name] = bulk_insert(conn, table, missing)
    ids = {model.__name__: dict(conn.execute(select(model.code, model.id)).all())
           for model, _ in CODE_TABLES}
    risk = dict(conn.execute(select(Industry.id, Industry.risk_class)).all())
    added["rate"] = _load_rates(conn, ids["Insurance"])
    years = range(data.FIRST_PARAMETER_YEAR, max(2026, today.year) + 1)
    added["year_parameter"] = _load_year_parameters(conn, years)
    limits, wages = {}, {}
    for year, wage, floor, cap in conn.execute(select(
        YearParameter.year, YearParameter.average_wage, YearParameter.base_floor,
        YearParameter.base_cap,
    )):
        limits[year], wages[year] = (int(floor), int(cap)), int(wage)
    return Codes(ids, risk, limits, wages), added


def _load_rates(conn: Connection, insurance_ids: dict) -> int:
    table = Rate.__table__
    if conn.execute(select(table.c.id).limit(1)).first() is not None:
        return 0  # the admin's rate table is kept as it is
    rows = []
    for code, rate in rates.DEFAULT_RATES.items():
        rows.append(_rate_row(insurance_ids[code], None, rate.unit, rate.personal))
    for risk_class, unit_rate in rates.INJURY_CLASS_RATES.items():
        rows.append(_rate_row(insurance_ids[rates.INJURY], risk_class, unit_rate, Decimal(0)))
    return bulk_insert(conn, table, rows)


def _rate_row(insurance_id, risk_class, unit_rate, personal_rate) -> dict:
    return {"insurance_id": insurance_id, "risk_class": risk_class, "unit_rate": unit_rate,
            "personal_rate": personal_rate, "start_month": RATES_FROM, "end_month": None}


def average_wage(year: int) -> int:
    if year in data.AVERAGE_WAGES:
        return data.AVERAGE_WAGES[year]
    last = max(data.AVERAGE_WAGES)
    return round(data.AVERAGE_WAGES[last] * 1.035 ** (year - last))


def _load_year_parameters(conn: Connection, years) -> int:
    table = YearParameter.__table__
    present = set(conn.execute(select(table.c.year)).scalars())
    rows = []
    for year in years:
        if year in present:
            continue
        wage = Decimal(average_wage(year))
        floor, cap = year_limits(wage, DEFAULT_FLOOR_PCT, DEFAULT_CAP_PCT)
        interest = data.INTEREST_RATES.get(year)
        rows.append({
            "year": year, "average_wage": wage, "floor_pct": DEFAULT_FLOOR_PCT,
            "cap_pct": DEFAULT_CAP_PCT, "base_floor": floor, "base_cap": cap,
            "window_start": date(year, 1, 1), "window_end": date(year, 12, 31),
            "interest_rate": Decimal(interest) / 100 if interest else None,
        })
    return bulk_insert(conn, table, rows)
