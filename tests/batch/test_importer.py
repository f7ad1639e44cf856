"""import_file itself: staged payloads are what the wizard stores, and the row checks (in-file
duplicates, one unfinished declaration per person, the declaration guards) name their rows with
the values as typed, whichever chunk of the streamed file a row falls in."""
import json
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select
from stdnum.iso7064 import mod_11_2

from app.batch import importer
from app.declarations.commands import json_safe
from models.declaration import DeclarationItem
from models.person import Person
from models.user import ShebaoUser
from reports.excel_template import example_rows, template_workbook
from rules import business as registry


def person_id(seq: int) -> str:
    """Valid IDs born 1985-03-15, apart from the demo's and the other batch tests'; odd ``seq``
    gives a man (the 17th digit)."""
    body = f"37010319850315{seq:03d}"
    return body + mod_11_2.calc_check_digit(body)


@pytest.fixture
def ctx(app):
    from app.extensions import db

    with app.test_request_context():
        yield db
        db.session.rollback()


def employer(db, username="37010000001"):
    return db.session.scalar(select(ShebaoUser).where(ShebaoUser.username == username))


def c1_file(db, ids, **change) -> bytes:
    from app.declarations.choices import load_choices

    business, choices = registry.get("C1"), load_choices()
    example = example_rows(business, choices)[0]
    rows = [dict(example, id_number=number, birth_date=date(1985, 3, 15), gender="male",
                 retirement_category="male", **change) for number in ids]
    return template_workbook(business, choices, rows)


def items(db, declaration):
    return db.session.scalars(select(DeclarationItem).where(
        DeclarationItem.declaration_id == declaration.id).order_by(DeclarationItem.seq)).all()


def test_staged_payloads_are_what_the_wizard_stores(ctx):
    db, user = ctx, employer(ctx)
    from app.batch.reader import read_batch
    from app.declarations.choices import load_choices

    data = c1_file(db, [person_id(1), person_id(3)])
    result = importer.import_file(user.unit_id, "C1", user, data, "two.xlsx")
    assert (result.good, result.bad) == (2, 0)
    business = registry.get("C1")
    expected = [json_safe(registry.validate(business, row.values, load_choices(),
                                            date.today())[0])
                for row in read_batch(data, business)]
    staged = items(db, result.declaration)
    assert [i.payload for i in staged] == expected
    assert [(i.seq, i.id_number, i.status) for i in staged] == [
        (2, person_id(1), "pending"), (3, person_id(3), "pending")]
    assert result.declaration.item_count == 2
    assert result.declaration.insurance_codes == expected[0]["insurances"]
    assert result.declaration.payload["import"]["rows"] == 2


def test_duplicates_and_unfinished_declarations_are_named_in_every_chunk(ctx, monkeypatch):
    db, user = ctx, employer(ctx)
    first = importer.import_file(user.unit_id, "C1", user, c1_file(db, [person_id(5)]), "a.xlsx")
    assert first.good == 1
    monkeypatch.setattr(importer, "GUARD_CHUNK", 2)  # the database is asked every two rows
    ids = [person_id(7), person_id(9), person_id(7), person_id(11), person_id(5), person_id(13)]
    result = importer.import_file(user.unit_id, "C1", user, c1_file(db, ids), "b.xlsx")
    assert (result.good, result.bad) == (4, 2)
    duplicate, unfinished = result.bad_rows
    assert duplicate["row"] == 4 and duplicate["errors"] == {"社会保障号码": "与第2行的人员重复"}
    assert unfinished["row"] == 6 and "未办结" in unfinished["errors"]["社会保障号码"]
    assert first.declaration.serial_no in unfinished["errors"]["社会保障号码"]
    assert unfinished["values"]["社会保障号码"] == person_id(5)  # as typed, for the error file
    assert [i.seq for i in items(db, result.declaration)] == [2, 3, 5, 7]
    assert result.declaration.payload["import"]["error_file"]
    # Re-importing the first draft replaces its item; the person is not "unfinished" there.
    again = importer.import_file(user.unit_id, "C1", user, c1_file(db, [person_id(5)]),
                                 "a2.xlsx", first.declaration)
    assert again.good == 1 and len(items(db, first.declaration)) == 1


def test_bad_values_are_named_and_nothing_is_staged_for_them(ctx):
    db, user = ctx, employer(ctx)
    data = c1_file(db, [person_id(15), person_id(17)], wage="12.345")
    result = importer.import_file(user.unit_id, "C1", user, data, "wage.xlsx")
    assert (result.good, result.bad) == (0, 2)
    assert all("月缴费工资" in b["errors"] for b in result.bad_rows)
    assert result.declaration is None and result.report_key  # no good row, no draft


def test_declaration_guards_see_the_whole_batch_and_keep_the_typed_values(ctx):
    """C18 (居民医疗停保): the registry checks judge each row against its person."""
    from app.declarations.choices import load_choices

    db, user = ctx, employer(ctx)
    known = db.session.scalars(select(Person).order_by(Person.id).limit(2)).all()
    business, choices = registry.get("C18"), load_choices()
    example = example_rows(business, choices)[0]
    rows = [dict(example, id_number=known[0].id_number, name=known[0].name),
            dict(example, id_number=known[1].id_number, name="不是此人"),
            dict(example, id_number=person_id(19), name="查无此人")]
    result = importer.import_file(user.unit_id, "C18", user,
                                  template_workbook(business, choices, rows), "stop.xlsx")
    by_row = {b["row"]: b for b in result.bad_rows}
    assert result.good == 1 and set(by_row) == {3, 4}
    # The unit's own person: the registered name may be said (a stranger's never is).
    assert by_row[3]["errors"] == {"姓名": f"姓名与登记的姓名“{known[1].name}”不符"}
    assert by_row[3]["values"]["姓名"] == "不是此人"
    assert "未找到该人员" in by_row[4]["errors"]["社会保障号码"]
    assert [i.id_number for i in items(db, result.declaration)] == [known[0].id_number]


def test_payload_text_is_json_safe_encoded():
    cleaned = {"id_number": "37010219700101001X", "birth_date": date(1970, 1, 1),
               "wage": Decimal("5000.50"), "start_month": 202611, "back_pay": False,
               "nation": None, "name": "王伟", "address": 'A座"3"号\\1\n', "rate": 0.5}
    assert importer._dumps(cleaned) == json.dumps(json_safe(cleaned))
    assert json.loads(importer._dumps(cleaned)) == json_safe(cleaned)


def test_a_failure_half_way_leaves_nothing_staged(ctx, monkeypatch):
    """On PostgreSQL items are written (by COPY, from a helper thread) while later rows are still
    judged: a failure then must roll all of them back, and leave the session usable."""
    from sqlalchemy import func

    from models.declaration import Declaration

    db, user = ctx, employer(ctx)
    monkeypatch.setattr(importer, "GUARD_CHUNK", 2)
    monkeypatch.setattr(importer, "COPY_CHUNK", 2)
    judged, validate = [], registry.validate

    def failing(*args, **kwargs):
        judged.append(1)
        if len(judged) == 6:
            raise RuntimeError("disk on fire")
        return validate(*args, **kwargs)

    monkeypatch.setattr(importer.registry, "validate", failing)
    before = db.session.scalar(select(func.count(Declaration.id)))
    ids = [person_id(n) for n in range(21, 41, 2)]
    with pytest.raises(RuntimeError, match="disk on fire"):
        importer.import_file(user.unit_id, "C1", user, c1_file(db, ids), "fire.xlsx")
    assert db.session.scalar(select(func.count(Declaration.id))) == before
    assert not db.session.scalars(select(DeclarationItem.id).where(
        DeclarationItem.id_number.in_(ids))).all()
