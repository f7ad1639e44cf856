"""Issue 10 §6: a C6 that changes the 专管员 phone on record (where every SMS code goes) needs
a code from the OLD phone, is never auto-approved (VIP unit 37010000002 included), and once a
reviewer approves it the old phone is told. The module has a database of its own: it changes
the VIP unit's phone."""
import re

import pytest
from sqlalchemy import select

from models.sms import SmsMessage
from models.unit import Unit
from tests.declarations.flows import Employer, Reviewer, declaration, session_of
from tests.own_database import own_app

VIP = "37010000002"
NEW_PHONE = "13900000222"
UNIT_FIELDS = ("name", "address", "postcode", "legal_person", "contact_name", "contact_phone")


# A database of its own: these tests change the demo city.
app = own_app("module")


def unit_facts(app) -> dict:
    with session_of(app) as s:
        unit = s.scalar(select(Unit).where(Unit.unit_no == VIP))
        return {f: getattr(unit, f) or "" for f in UNIT_FIELDS}


def outbox(app, phone) -> list[str]:
    with session_of(app) as s:
        return list(s.scalars(select(SmsMessage.content).where(SmsMessage.phone == phone)
                              .order_by(SmsMessage.id)))


def flashes(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture(scope="module")
def change(app):
    """Unit 2's C6 moving the phone, entered with its materials, not yet submitted: the
    wizard, the declaration id and the phone on record before."""
    from tests.support import login

    client = app.test_client()
    assert login(client, VIP).status_code == 302
    before = unit_facts(app)
    assert before["contact_phone"] and before["contact_phone"] != NEW_PHONE
    wizard = Employer(client, "C6")
    pk = wizard.enter({**before, "contact_phone": NEW_PHONE})
    wizard.upload_required(pk)
    return wizard, pk, before["contact_phone"]


def test_the_check_page_asks_for_the_old_phones_code(change):
    wizard, pk, old = change
    page = wizard.client.get(f"/declare/c6/{pk}/check/").get_data(as_text=True)
    assert 'id="phone-change"' in page and old[-4:] in page


def test_without_the_old_phones_code_it_is_not_submitted(app, change):
    wizard, pk, old = change
    page = flashes(wizard.client.post(f"/declare/c6/{pk}/act/submit/", follow_redirects=True))
    assert "变更专管员手机须先用原手机接收的验证码确认" in page
    assert declaration(app, pk).status == "draft"
    assert unit_facts(app)["contact_phone"] == old


def test_a_wrong_code_confirms_nothing(app, change):
    wizard, pk, old = change
    page = flashes(wizard.client.post(f"/declare/c6/{pk}/phone/send/", follow_redirects=True))
    assert "验证码已发送至原专管员手机" in page
    code = re.search(r"\d{6}", outbox(app, old)[-1]).group(0)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    page = flashes(wizard.client.post(f"/declare/c6/{pk}/phone/confirm/", data={"code": wrong},
                                      follow_redirects=True))
    assert "验证码错误" in page
    page = flashes(wizard.client.post(f"/declare/c6/{pk}/act/submit/", follow_redirects=True))
    assert "变更专管员手机须先用原手机接收的验证码确认" in page
    assert declaration(app, pk).status == "draft"
    assert outbox(app, NEW_PHONE) == []  # the code never goes to the phone being claimed


def test_confirmed_the_vip_change_waits_for_a_reviewer(app, change):
    wizard, pk, old = change
    code = re.search(r"\d{6}", outbox(app, old)[-1]).group(0)
    page = flashes(wizard.client.post(f"/declare/c6/{pk}/phone/confirm/", data={"code": code},
                                      follow_redirects=True))
    assert "手机变更已由原手机验证" in page
    wizard.submit(pk)
    d = declaration(app, pk)
    assert d.status == "submitted" and not d.auto_decided  # a VIP unit, yet not auto-approved
    assert unit_facts(app)["contact_phone"] == old


def test_approved_the_old_phone_is_told(app, change):
    from tests.support import login

    wizard, pk, old = change
    client = app.test_client()
    assert login(client, "reviewer").status_code == 302
    reviewer = Reviewer(client)
    claimed = reviewer.claim(pk)
    assert 'id="phone-change"' in claimed  # the reviewer is told what is at stake
    # The declared facts read as labels, not as the payload's keys (phone_confirmed …).
    assert ">专管员手机</th>" in claimed  # a row of the old → new comparison
    assert "phone_confirmed" not in claimed and "<th>contact_phone</th>" not in claimed
    page = reviewer.decide(pk)
    assert 'data-status="approved"' in page
    assert unit_facts(app)["contact_phone"] == NEW_PHONE
    notice = outbox(app, old)[-1]
    assert "专管员手机已变更" in notice and NEW_PHONE[-4:] in notice and VIP in notice


def test_a_vip_change_keeping_the_phone_is_still_auto_approved(app):
    from tests.support import login

    client = app.test_client()
    assert login(client, VIP).status_code == 302
    before = unit_facts(app)
    wizard = Employer(client, "C6")
    pk = wizard.through_submit({**before, "address": "济南市历下区经十路88号"})
    assert declaration(app, pk).status == "approved"
    assert unit_facts(app)["address"] == "济南市历下区经十路88号"


def test_a_confirmation_from_a_phone_since_replaced_approves_nothing(app):
    """Confirmed by the phone then on record, which another change has replaced before the
    decision: the reviewer's approval is refused and the phone on record stays."""
    from sqlalchemy import update

    from tests.support import login

    client = app.test_client()
    assert login(client, VIP).status_code == 302
    before = unit_facts(app)
    wizard = Employer(client, "C6")
    pk = wizard.enter({**before, "contact_phone": "13900000333"})
    wizard.upload_required(pk)
    client.post(f"/declare/c6/{pk}/phone/send/")
    code = re.search(r"\d{6}", outbox(app, before["contact_phone"])[-1]).group(0)
    client.post(f"/declare/c6/{pk}/phone/confirm/", data={"code": code})
    wizard.submit(pk)
    with session_of(app) as s:
        s.execute(update(Unit).where(Unit.unit_no == VIP).values(contact_phone="13900000444"))
        s.commit()
    reviewer_client = app.test_client()
    assert login(reviewer_client, "reviewer").status_code == 302
    reviewer = Reviewer(reviewer_client)
    reviewer.claim(pk)
    reviewer_client.post(f"/review/{pk}/decide/", data={"verdict": "approve", "opinion": ""})
    page = reviewer_client.get(f"/review/{pk}/").get_data(as_text=True)
    assert "原手机验证已失效" in page and 'data-status="reviewing"' in page
    assert unit_facts(app)["contact_phone"] == "13900000444"
