"""The Σ line and 申报年月 of a 工资申报 (C3) declaration for its pages (rules/wage_totals.py does
the sums): the items' payloads read in one query, the years' limits in another."""
from datetime import date, datetime

from sqlalchemy import select

from app.declarations.base_declaration import year_limits
from app.extensions import db
from models.declaration import DeclarationItem
from rules import wage_totals
from rules.business import WAGE_DECLARATION


def of(declaration) -> dict | None:
    """None for any other business."""
    if declaration.business_code != WAGE_DECLARATION:
        return None
    rows = db.session.execute(
        select(DeclarationItem.payload, DeclarationItem.status)
        .where(DeclarationItem.declaration_id == declaration.id)).all()
    years = {int(p["year"]) for p, _status in rows
             if p and str(p.get("year") or "").isdigit()}
    found = wage_totals.totals(rows, year_limits(years) if years else {})
    return {"declared_month": declared_month(declaration), "people": found.people,
            "wage_total": f"{found.wage_total:.2f}", "base_total": f"{found.base_total:.2f}",
            "unbased": found.unbased, "years": "、".join(str(y) for y in sorted(years))}


def declared_month(declaration) -> str:
    """申报年月: the month it was submitted (as the printed 汇总表 says); a draft's is this
    month, the month it would be declared in."""
    at = declaration.submitted_at
    day = at if isinstance(at, (date, datetime)) else date.today()
    return day.strftime("%Y-%m")
