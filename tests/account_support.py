"""Account helpers shared by the account tests and the browser tests.

Unit 37010000003 is in the registry without an account (DEMO.md): ``fresh_unit3`` puts it back in
that state before a test, so registration can be tried as often as the tests need."""
import re

import pytest
from sqlalchemy import delete, select, update

from models.sms import SmsCode, SmsMessage
from models.reference import Insurance
from models.unit import Unit, UnitInsurance
from models.user import ShebaoUser

UNIT3 = "37010000003"
PHONE3 = "13800000003"


@pytest.fixture
def fresh_unit3(app):
    from app.extensions import db

    with app.app_context():
        unit = db.session.scalar(select(Unit).where(Unit.unit_no == UNIT3))
        db.session.execute(delete(SmsCode).where(SmsCode.phone == PHONE3))
        db.session.execute(delete(SmsMessage).where(SmsMessage.phone == PHONE3))
        user = db.session.scalar(select(ShebaoUser).where(ShebaoUser.unit_id == unit.id))
        if user is not None:
            user.roles = []
            db.session.flush()
            db.session.delete(user)
        db.session.execute(update(UnitInsurance).where(UnitInsurance.unit_id == unit.id)
                           .values(linked=False, linked_at=None))
        db.session.commit()
    return UNIT3


def last_code(app, phone: str = PHONE3) -> str:
    """The 6-digit code of the newest message in the demo SMS outbox."""
    from app.extensions import db

    with app.app_context():
        message = db.session.scalars(
            select(SmsMessage).where(SmsMessage.phone == phone)
            .order_by(SmsMessage.id.desc())).first()
        assert message is not None, "no SMS in the outbox"
        return re.search(r"\d{6}", message.content).group(0)


def register(client, unit_no: str = UNIT3, insurance: str = "110"):
    """Registration through the public pages; returns the initial password shown once."""
    response = client.post("/register/", data={"unit_no": unit_no, "insurance": insurance})
    assert response.status_code == 302, response.get_data(as_text=True)
    page = client.get("/register/confirm/").get_data(as_text=True)
    assert "济南示例餐饮有限公司" in page
    done = client.post("/register/save/").get_data(as_text=True)
    return re.search(r'id="initial-password">([^<]+)<', done).group(1)


def business_no(app, unit_no, code):
    from app.extensions import db

    with app.app_context():
        return db.session.scalar(
            select(UnitInsurance.business_no).join(Unit).join(Insurance)
            .where(Unit.unit_no == unit_no, Insurance.code == code))
