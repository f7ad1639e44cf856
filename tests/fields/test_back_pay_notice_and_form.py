"""社会保险费补缴申报 (C5): the 注意事项 step before the entry form, with a way back, and the
printed 社会保险费补缴申请表 whose amounts are those the approval wrote to the ledger (issue 11 §6)."""
from decimal import Decimal

from sqlalchemy import func, select

from app.declarations import commands
from models.contribution import Contribution
from reports.pdf import declaration_pdf
from rules.money import rmb_upper
from rules.months import add_months
from tests.declarations.test_batch_businesses import (
    THIS_MONTH, approve, back_pay_row, staff, user,
)
from tests.reports.forms_support import squeeze

NOTICE = "/declare/c5/notice/"


def test_the_menu_opens_c5_on_its_notice(as_user):
    home = as_user("37010000001").get("/").get_data(as_text=True)
    assert 'href="/declare/c5/notice/"' in home
    assert 'href="/declare/c1/new/"' in home  # a business without a notice opens on 录入


def test_the_notice_is_read_and_confirmed_before_the_entry_form(app, as_user):
    client = as_user("37010000001")
    page = client.get(NOTICE).get_data(as_text=True)
    assert "社会保险费补缴申报注意事项" in page and "滞纳金" in page
    assert '<strong>注意事项</strong>' in page  # the first step of the wizard's steps
    refused = client.post(NOTICE, data={}, follow_redirects=True).get_data(as_text=True)
    assert "请先阅读并勾选" in refused and 'id="notice-form"' in refused
    response = client.post(NOTICE, data={"confirm": "1"})
    assert response.status_code == 302 and response.headers["Location"].endswith(
        "/declare/c5/new/")
    entry = client.get("/declare/c5/new/").get_data(as_text=True)
    assert 'id="to-notice" href="/declare/c5/notice/"' in entry  # the way back
    assert 'checked' in client.get(NOTICE).get_data(as_text=True)  # remembered
    with app.app_context():
        from app.audit import AuditLog
        from app.extensions import db

        audit = db.session.scalar(select(AuditLog).where(
            AuditLog.action == "notice_confirmed").order_by(AuditLog.id.desc()))
        assert (audit.target_type, audit.target_id, audit.username) == (
            "business", "C5", "37010000001")


def test_the_notice_in_english(as_user):
    page = as_user("37010000001").get(NOTICE + "?_l_=en").get_data(as_text=True)
    assert "Notice on social insurance back payment declarations" in page
    assert "I have read and understood the notice above" in page
    assert "社会保险费补缴申报注意事项" not in page


def test_a_business_without_a_notice_has_no_notice_step(as_user):
    client = as_user("37010000001")
    assert client.get("/declare/c1/notice/").status_code == 404
    assert "注意事项" not in client.get("/declare/c1/new/").get_data(as_text=True)


def test_the_back_pay_application_prints_the_ledgers_amounts(app, pdf_text):
    from app.extensions import db

    with app.test_request_context():
        employer = user(db, "37010000002")
        unit_id = employer.unit_id
        start, end = add_months(THIS_MONTH, -33), add_months(THIS_MONTH, -31)
        person = staff(db, unit_id, started_by=start)[0]
        d = commands.create(unit_id, "C5", employer,
                            back_pay_row(person, start, end, "5000.00"))
        approve(db, d, employer)
        unit, personal, fee = db.session.execute(
            select(func.sum(Contribution.unit_amount), func.sum(Contribution.personal_amount),
                   func.sum(Contribution.late_fee)).where(
                Contribution.declaration_id == d.id)).one()
        text = squeeze(pdf_text(declaration_pdf(d)))
        serial, name, number = d.serial_no, person.name, person.id_number
    grand = Decimal(unit) + Decimal(personal) + Decimal(fee)
    assert "社会保险费补缴申请表" in text and serial in text
    assert name in text and number in text
    assert f"{start // 100}-{start % 100:02d}" in text and f"{end // 100}-{end % 100:02d}" in text
    assert "5000.00" in text and "企业职工基本养老保险" in text
    for amount in (unit, personal, fee, grand):
        assert f"{Decimal(amount):.2f}" in text, amount
    assert rmb_upper(grand) in text
    assert "仅供核对" not in text  # approved: the official form


def test_the_employer_prints_it_from_the_wizard_once_decided(app, as_user, pdf_text):
    from app.extensions import db

    with app.test_request_context():
        employer = user(db, "37010000002")
        start = add_months(THIS_MONTH, -36)
        person = staff(db, employer.unit_id, started_by=start, limit=2)[1]
        d = commands.create(employer.unit_id, "C5", employer,
                            back_pay_row(person, start, start, "6000.00", "110"))
        pk, name = d.id, person.name
        approve(db, d, employer)
        db.session.remove()
    response = as_user("37010000002").get(f"/declare/c5/{pk}/print.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = squeeze(pdf_text(response.data))
    assert "社会保险费补缴申请表" in text and name in text
    assert as_user("37010000001").get(f"/declare/c5/{pk}/print.pdf").status_code == 404
