"""Declared facts as pages show them: codes by their (translated) names, 险种 by name, months
as 2026-01, money to the fen; and the timeline's actions by name, those outside the workflow's
transitions included."""
from decimal import Decimal

from flask_babel import gettext
from sqlalchemy import select

from app.declarations.display import facts
from app.extensions import db
from models.reference import Insurance
from rules import workflow

EVENT_NAMES = {**workflow.EVENT_NAMES, "import": "导入", "revoked": "已撤销",
               "resident_stop": "居民医疗停保登记", "medical_subsidy": "医疗账户补助金记账"}


def insurance_names(codes: str) -> str:
    names = dict(db.session.execute(select(Insurance.code, Insurance.name)).all())
    return gettext("、").join(gettext(names.get(c, c)) for c in str(codes).split(",") if c)


def shown_facts(business, payload, choices) -> list[tuple[str, object]]:
    rows = []
    for (label, value), f in zip(facts(business, payload, choices), business.fields):
        if f.kind == "money" and value not in ("", None):
            value = f"{Decimal(str(value)):.2f}"
        elif f.kind == "insurances" and value:
            value = insurance_names(str(value))
        elif f.kind == "choice" and value:
            value = gettext(str(value))
        rows.append((label, value))
    return rows
