"""参保缴费证明 (F3): printed for the unit's own people, with the months, amounts and a code."""
import re
from decimal import Decimal
from types import SimpleNamespace

import segno
import sqlalchemy as sa

from models.audit import AuditLog
from models.certificate import Certificate
from models.contribution import Contribution
from reports.certificate import qr_data_uri, qr_svg, shown, verify_url
from reports.pdf import render_html
from rules.certificate import CODE_ALPHABET, CODE_LENGTH, grouped
from rules.months import month_label
from tests.declarations.flows import ORDINARY, session_of


def certificates_of(app, person_id):
    """The person's certificates as the database holds them (plain rows, no session)."""
    with session_of(app) as s:
        return [SimpleNamespace(**row) for row in s.execute(
            sa.select(Certificate.__table__).where(Certificate.person_id == person_id)
            .order_by(Certificate.id)).mappings()]


def audit_count(app, action):
    with session_of(app) as s:
        return s.scalar(sa.select(sa.func.count()).select_from(AuditLog)
                        .where(AuditLog.action == action))


def print_form(person_ids, start, end, purpose="购房", **more):
    return {"person_id": [str(i) for i in person_ids], "start": start, "end": end,
            "purpose": purpose, **more}


def test_the_certificate_holds_the_person_the_months_and_the_code(app, as_user, ours, pdf_text):
    person_id, name, id_number, first, last, unit_id = ours
    before = len(certificates_of(app, person_id))
    client = as_user(ORDINARY)
    start, end = month_label(first), month_label(last)
    response = client.post("/certificates/print", data=print_form([person_id], start, end))
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.headers["Content-Type"] == "application/pdf"
    made = certificates_of(app, person_id)
    assert len(made) == before + 1
    certificate = made[-1]
    assert len(certificate.code) == CODE_LENGTH >= 16
    assert set(certificate.code) <= set(CODE_ALPHABET)
    assert (certificate.unit_id, certificate.period_start, certificate.period_end) == (
        unit_id, first, last)
    text = pdf_text(response.data)
    flat = re.sub(r"\s+", "", text)
    assert name in flat and id_number in flat
    assert grouped(certificate.code) in flat
    assert "购房" in text and "参保人员缴费证明" in flat
    assert f"/verify/{certificate.code}" in flat
    # Every paid month of the range is a line, with the base the ledger holds.
    with session_of(app) as s:
        ledger = s.execute(sa.select(Contribution.month, Contribution.base).where(
            Contribution.person_id == person_id, Contribution.unit_id == unit_id,
            Contribution.paid.is_(True), Contribution.month.between(first, last))).all()
    for month, base in ledger:
        assert month_label(month) in text
        assert f"{base:.2f}" in text
    facts = certificate.facts
    pension = next(i for i in facts["insurances"] if i["code"] == "110")
    assert pension["months"] == len({m for m, _ in ledger})
    assert pension["periods"][0][0] == first and pension["periods"][-1][1] == last
    assert facts["name"] == name and facts["id_number"] == id_number
    assert facts["purpose"] == "购房"


def test_the_qr_code_is_segnos_code_of_the_verification_url(app, ours):
    facts = {"name": "张三", "id_number": "370102199001011234", "unit_name": "U",
             "unit_no": "1", "period_start": 202501, "period_end": 202502, "purpose": "购房",
             "printed_on": "2026-12-01", "center": "济南市社会保险事业中心",
             "insurances": [], "monthly": [], "yearly": []}
    code = "ABCDEFGHJKMNPQRSTUVW"
    url = verify_url("https://shebao.example.cn/", code)
    assert url == f"https://shebao.example.cn/verify/{code}"
    with app.app_context():
        html = render_html("contribution_certificate", certificates=[shown(facts, code, url)],
                           footer_left="")
    assert qr_data_uri(url) in html
    # The SVG is exactly what segno draws for that URL (no QR decoder is installed here) …
    assert qr_svg(url) == segno.make(url, error="m", micro=False).svg_inline(scale=3, border=2)
    # … and it encodes that URL and nothing else: another URL draws another code.
    assert qr_svg(url) != qr_svg(url + "X")
    assert segno.make(url, error="m", micro=False).designator.endswith("-M")


def test_a_long_range_lists_years_instead_of_months(app, as_user, ours, pdf_text):
    person_id, *_ = ours
    client = as_user(ORDINARY)
    response = client.post("/certificates/print",
                           data=print_form([person_id], "2020-01", month_label(ours[4]),
                                           purpose="落户"))
    assert response.status_code == 200
    facts = certificates_of(app, person_id)[-1].facts
    assert facts["monthly"] == [] and facts["yearly"]
    years = {y["year"]: y["months"] for y in facts["yearly"]}
    assert sum(years[ours[4] // 100].values()) > 0
    text = pdf_text(response.data)
    assert str(ours[4] // 100) in text


def test_another_units_person_is_refused_and_nothing_is_issued(app, as_user, ours, theirs):
    client = as_user(ORDINARY)
    refused = audit_count(app, "certificate_refused")
    before = len(certificates_of(app, theirs[0]))
    response = client.post("/certificates/print",
                           data=print_form([ours[0], theirs[0]], "2025-01", "2025-06"))
    assert response.status_code == 302 and "/certificates/" in response.headers["Location"]
    assert len(certificates_of(app, theirs[0])) == before
    assert audit_count(app, "certificate_refused") == refused + 1
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "所选人员不存在或不是本单位参保人员" in page
    assert theirs[1] not in page  # the other unit's person is never named


def test_bad_months_and_purposes_are_refused_with_a_reason(app, as_user, ours):
    client = as_user(ORDINARY)
    before = len(certificates_of(app, ours[0]))
    cases = [
        (print_form([ours[0]], "2025-13", "2025-06"), "起始年月不是有效的年月"),
        (print_form([ours[0]], "abc", "2025-06"), "起始年月格式应为YYYY-MM"),
        (print_form([ours[0]], "2025-01", "2099-01"), "终止年月不能晚于本月"),
        (print_form([ours[0]], "2025-06", "2025-01"), "终止年月不能早于起始年月"),
        (print_form([ours[0]], "2025-01", "2025-06", purpose="骗贷"), "请选择打印用途"),
        (print_form([], "2025-01", "2025-06"), "请选择要打印缴费证明的人员"),
        (print_form(["x"], "2025-01", "2025-06"), "所选人员不存在"),
        (print_form(["99999999999999999999"], "2025-01", "2025-06"), "所选人员不存在"),
    ]
    for form, reason in cases:
        response = client.post("/certificates/print", data=form)
        assert response.status_code == 302, form
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        assert reason in page, (form, reason)
    assert len(certificates_of(app, ours[0])) == before


def test_the_page_lists_the_units_paying_people_only(app, as_user, ours, theirs):
    client = as_user(ORDINARY)
    page = client.get(f"/certificates/?start={month_label(ours[3])}&end={month_label(ours[4])}"
                      f"&q={ours[2]}").get_data(as_text=True)
    assert ours[1] in page and ours[2] in page
    page = client.get(f"/certificates/?q={theirs[2]}").get_data(as_text=True)
    assert theirs[2] not in page.replace(f'value="{theirs[2]}"', "")
    page = client.get("/certificates/?start=2025-13&end=2025-01").get_data(as_text=True)
    assert "起始年月不是有效的年月" in page


def test_the_center_and_anonymous_cannot_print(app, as_user, client, ours):
    assert client.post("/certificates/print", data=print_form([ours[0]], "2025-01",
                                                               "2025-02")).status_code == 302
    reviewer = as_user("reviewer")
    response = reviewer.post("/certificates/print",
                             data=print_form([ours[0]], "2025-01", "2025-02"))
    assert response.status_code in (302, 403)
    assert "application/pdf" not in response.headers.get("Content-Type", "")


def test_amounts_on_the_certificate_are_the_ledgers(app, ours):
    person_id, *_ , unit_id = ours
    certificate = certificates_of(app, person_id)[0]
    with session_of(app) as s:
        rows = s.execute(sa.select(Contribution.month, Contribution.unit_amount,
                                   Contribution.personal_amount)
                         .where(Contribution.person_id == person_id,
                                Contribution.unit_id == unit_id,
                                Contribution.insurance.has(code="110"),
                                Contribution.paid.is_(True),
                                Contribution.month.between(certificate.period_start,
                                                           certificate.period_end))).all()
    monthly = {m["month"]: m["amounts"]["110"] for m in certificate.facts["monthly"]}
    for month, unit_amount, personal in rows:
        assert [Decimal(a) for a in monthly[month]] == [unit_amount, personal]
