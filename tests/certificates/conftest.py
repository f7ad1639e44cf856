"""Certificates (F3, H4) and the pension account statement (E9/F5) on the demo city."""
import sqlalchemy as sa
import pytest

from models.contribution import Contribution
from models.person import Person
from models.unit import Unit
from tests.declarations.flows import ORDINARY, VIP, session_of
from tests.reports.conftest import pdf_text  # noqa: F401  (a fixture)


def paying_person(app, unit_no, months=12):
    """(id, name, id_number, first paid month, last paid month) of a person with at least
    ``months`` paid months in that unit's ledger."""
    with session_of(app) as s:
        unit_id = s.scalar(sa.select(Unit.id).where(Unit.unit_no == unit_no))
        row = s.execute(
            sa.select(Contribution.person_id, sa.func.min(Contribution.month),
                      sa.func.max(Contribution.month))
            .where(Contribution.unit_id == unit_id, Contribution.paid.is_(True))
            .group_by(Contribution.person_id)
            .having(sa.func.count(sa.distinct(Contribution.month)) >= months)
            .order_by(Contribution.person_id)).first()
        person = s.get(Person, row[0])
        return person.id, person.name, person.id_number, row[1], row[2], unit_id


@pytest.fixture(scope="module")
def ours(app):
    return paying_person(app, ORDINARY)


@pytest.fixture(scope="module")
def theirs(app):
    return paying_person(app, VIP)
