"""The data behind the cost preview (H2): the rates in force and the year's base limits."""
from decimal import Decimal

from sqlalchemy import or_, select

from app.extensions import db
from models.contribution import Rate, YearParameter
from models.reference import Insurance
from models.unit import Unit, UnitInsurance
from rules.cost_preview import CostPreview, preview
from rules.money import to_decimal


def rates_in_force(unit: Unit, codes: list[str], month: int) -> dict:
    """险种 code → (name, unit rate, personal rate); 工伤 by the unit's class and float."""
    risk_class = unit.industry.risk_class if unit.industry else 1
    floats = dict(db.session.execute(
        select(Insurance.code, UnitInsurance.injury_float_pct)
        .join(UnitInsurance, UnitInsurance.insurance_id == Insurance.id)
        .where(UnitInsurance.unit_id == unit.id)).all())
    rows = db.session.execute(
        select(Insurance.code, Insurance.name, Rate.unit_rate, Rate.personal_rate, Rate.risk_class)
        .join(Rate, Rate.insurance_id == Insurance.id)
        .where(Insurance.code.in_(codes), Rate.start_month <= month,
               or_(Rate.end_month.is_(None), Rate.end_month >= month),
               or_(Rate.risk_class.is_(None), Rate.risk_class == risk_class))
        .order_by(Rate.start_month)).all()
    rates = {}
    for code, name, unit_rate, personal_rate, row_class in rows:
        unit_rate = to_decimal(str(unit_rate))
        if row_class is not None:
            unit_rate = unit_rate * Decimal(floats.get(code, 100)) / 100
        rates[code] = (name, unit_rate, to_decimal(str(personal_rate)))
    return rates


def cost_for(unit: Unit, codes: list[str], wage, month: int) -> CostPreview | None:
    """None when the year has no parameters yet (the page then says so)."""
    year = db.session.scalar(select(YearParameter).where(YearParameter.year == month // 100))
    if year is None:
        return None
    return preview(to_decimal(str(wage)), to_decimal(str(year.base_floor)),
                   to_decimal(str(year.base_cap)), rates_in_force(unit, codes, month))
