"""Printing inside the app: code names from the code tables, the demo city's real declarations,
and the form's words going through Flask-Babel (H7). Reads the demo; changes nothing."""
from sqlalchemy import select

from app.extensions import db
from models.declaration import Declaration
from reports.declaration_form import declaration_context
from reports.pdf import declaration_pdf, load_lookups, render_html
from tests.reports.forms_support import LOOKUPS, declaration, squeeze


def test_load_lookups_reads_the_code_tables(app):
    with app.app_context():
        lookups = load_lookups()
    assert lookups["change_reason"]["101"] == "新参加工作"
    assert lookups["change_reason"]["203"] == "劳动合同期满终止"
    assert lookups["insurance"]["110"] == "企业职工基本养老保险"
    assert lookups["employment_form"] and lookups["person_category"]


def test_approved_demo_declarations_print(app, pdf_text):
    with app.app_context():
        lookups = load_lookups()
        for code, title in (("C1", "社会保险参保人员增员表"), ("C2", "社会保险参保人员减员表"),
                            ("C3", "缴费工资申报汇总表")):
            found = db.session.scalars(select(Declaration).where(
                Declaration.business_code == code, Declaration.status == "approved")).first()
            assert found is not None, f"the demo has no approved {code}"
            text = squeeze(pdf_text(declaration_pdf(found, lookups)))
            assert title in text and found.serial_no in text and found.unit.name in text
            for item in found.items:
                assert item.name in text and item.id_number in text
            assert f"合计{len(found.items)}人" in text


def test_form_words_go_through_babel(app):
    context = declaration_context(declaration("C1", []), LOOKUPS)
    del context["template"]
    with app.test_request_context("/?_l_=en"):
        english = render_html("enrollment_roster", **context)
    with app.test_request_context("/"):
        chinese = render_html("enrollment_roster", **context)
    assert "Serial number" in english and "Social security number" in english
    assert '"Page " counter(page) " of " counter(pages)' in english  # the @page footer too
    assert "流水号" in chinese and "Serial number" not in chinese


def test_lookups_passed_in_are_used_without_a_database(pdf_text):
    """No app context at all: the core needs only the object and the code names."""
    text = squeeze(pdf_text(declaration_pdf(declaration("C1", []), LOOKUPS)))
    assert "合计0人" in text
