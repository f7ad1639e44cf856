"""Issue 11 §5: a parameter or code that months, contributions, bases, enrollments or
declarations use is not deleted; the refusal names what uses it and says how to end it instead.
Foreign keys alone are not enough: declarations hold codes as text in their payloads."""
from datetime import datetime

from sqlalchemy import func, select

from models.contribution import Contribution, Rate, YearParameter
from models.declaration import Declaration, DeclarationItem
from models.reference import ChangeReason, Insurance, Nation
from tests.admin.conftest import code_id, flashes, form_of


def _refusal(response) -> str:
    found = [text for kind, text in flashes(response.get_data(as_text=True)) if kind == "danger"]
    assert len(found) == 1, flashes(response.get_data(as_text=True))
    return found[0]


def test_a_used_year_parameter_is_kept(app, admin, db_read):
    year = db_read(select(func.min(Contribution.month))) // 100
    pk = db_read(select(YearParameter.id).where(YearParameter.year == year))
    refusal = _refusal(admin.post(f"/yearparameterview/delete/{pk}", follow_redirects=True))
    assert refusal.startswith("该年度参数已被缴费明细、缴费基数")
    assert "只能修改，不能删除" in refusal
    assert db_read(select(YearParameter.id).where(YearParameter.id == pk)) == pk


def test_an_unused_year_parameter_is_deleted(app, admin, db_read):
    row = {"year": "2027", "average_wage": "120000", "floor_pct": "60", "cap_pct": "300",
           "window_start": "", "window_end": "", "interest_rate": "0.0262",
           "late_fee_rate": "0.0005", "due_day": "15"}
    assert admin.post("/yearparameterview/add", data=row).status_code == 302
    pk = db_read(select(YearParameter.id).where(YearParameter.year == 2027))
    response = admin.post(f"/yearparameterview/delete/{pk}", follow_redirects=True)
    assert ("success", "记录已删除") in flashes(response.get_data(as_text=True))
    assert db_read(select(YearParameter.id).where(YearParameter.year == 2027)) is None


def test_the_only_pension_rate_in_use_is_kept_and_can_be_ended(app, admin, db_read):
    pension = code_id(app, Insurance, "110")
    pk = db_read(select(Rate.id).where(Rate.insurance_id == pension))
    refusal = _refusal(admin.post(f"/rateview/delete/{pk}", follow_redirects=True))
    assert refusal == ("该费率已被缴费明细、人员参保登记使用，不能删除。"
                       "不再执行的费率，请编辑它并填写执行终止年月，再新增此后执行的费率。")
    assert db_read(select(Rate.id).where(Rate.id == pk)) == pk
    # Ending it is an edit of its end month.
    form = form_of(admin.get(f"/rateview/edit/{pk}").get_data(as_text=True))
    try:
        assert admin.post(f"/rateview/edit/{pk}",
                          data={**form, "end_month": "209912"}).status_code == 302
        assert db_read(select(Rate.end_month).where(Rate.id == pk)) == 209912
    finally:
        admin.post(f"/rateview/edit/{pk}", data={**form, "end_month": ""})
    assert db_read(select(Rate.end_month).where(Rate.id == pk)) is None


def test_a_rate_whose_months_nobody_uses_is_deleted(app, admin, db_read):
    pension = code_id(app, Insurance, "110")
    row = {"insurance": str(pension), "risk_class": "", "unit_rate": "0.2",
           "personal_rate": "0.08", "start_month": "199001", "end_month": "199012"}
    assert admin.post("/rateview/add", data=row).status_code == 302
    pk = db_read(select(Rate.id).where(Rate.start_month == 199001))
    response = admin.post(f"/rateview/delete/{pk}", follow_redirects=True)
    assert ("success", "记录已删除") in flashes(response.get_data(as_text=True))


def test_a_used_insurance_names_what_uses_it(app, admin, db_read):
    pk = code_id(app, Insurance, "110")
    refusal = _refusal(admin.post(f"/insuranceview/delete/{pk}", follow_redirects=True))
    for user in ("费率", "单位参保登记", "缴费明细", "人员参保登记", "申报"):
        assert user in refusal, refusal
    assert refusal.endswith("不能删除。险种由国家规定，只能修改其名称和排序。"), refusal
    assert db_read(select(Insurance.id).where(Insurance.id == pk)) == pk


def test_a_code_only_a_declaration_names_is_kept(app, admin, db_read):
    """No foreign key sees a 减员原因 in a declaration's payload: deleted, the declaration
    would show a code nobody can read."""
    from app.extensions import db

    assert admin.post("/changereasonview/add", data={
        "code": "298", "name": "测试减员原因", "kind": "reduce", "active": "y"}).status_code == 302
    reason = code_id(app, ChangeReason, "298")
    with app.app_context():
        unit_id = db.session.scalar(select(Declaration.unit_id).limit(1))
        declaration = Declaration(serial_no="TEST-IN-USE-1", unit_id=unit_id, business_code="C2",
                                  status="submitted", submitted_at=datetime.now(), item_count=1)
        db.session.add(declaration)
        db.session.flush()
        db.session.add(DeclarationItem(declaration_id=declaration.id, seq=1,
                                       payload={"reduce_reason": "298", "end_month": 202601}))
        db.session.commit()
        declaration_id = declaration.id
    try:
        refusal = _refusal(admin.post(f"/changereasonview/delete/{reason}",
                                      follow_redirects=True))
        assert refusal.startswith("该增减员原因已被申报使用，不能删除。"), refusal
        assert db_read(select(ChangeReason.id).where(ChangeReason.id == reason)) == reason
    finally:
        with app.app_context():
            db.session.query(DeclarationItem).filter_by(declaration_id=declaration_id).delete()
            db.session.query(Declaration).filter_by(id=declaration_id).delete()
            db.session.commit()
    response = admin.post(f"/changereasonview/delete/{reason}", follow_redirects=True)
    assert ("success", "记录已删除") in flashes(response.get_data(as_text=True))


def test_a_code_people_have_is_ended_not_deleted(app, admin, db_read):
    """A 民族 of registered people is refused by name; unticking 有效 ends it, and the wizards'
    choices no longer offer it."""
    from app.declarations.choices import load_choices
    from models.person import Person

    pk = db_read(select(Person.nation_id).where(Person.nation_id.is_not(None)).limit(1))
    code = db_read(select(Nation.code).where(Nation.id == pk))
    refusal = _refusal(admin.post(f"/nationview/delete/{pk}", follow_redirects=True))
    assert refusal.startswith("该记录已被参保人员使用，不能删除。"), refusal
    form = form_of(admin.get(f"/nationview/edit/{pk}").get_data(as_text=True))
    form.pop("active", None)
    try:
        assert admin.post(f"/nationview/edit/{pk}", data=form).status_code == 302
        with app.app_context():
            assert code not in load_choices()["nation"]
    finally:
        admin.post(f"/nationview/edit/{pk}", data={**form, "active": "y"})
    with app.app_context():
        assert code in load_choices()["nation"]


def test_a_new_unit_is_offered_active_codes_only(app, admin, db_read):
    """An ended industry is not offered to a new unit; a unit that has it keeps it."""
    from models.reference import Industry
    from models.unit import Unit

    pk = db_read(select(Unit.industry_id).where(Unit.unit_no == "37010000003"))
    name = db_read(select(Industry.name).where(Industry.id == pk))
    form = form_of(admin.get(f"/industryview/edit/{pk}").get_data(as_text=True))
    form.pop("active", None)
    assert admin.post(f"/industryview/edit/{pk}", data=form).status_code == 302
    try:
        assert f">{name}</option>" not in admin.get("/unitregistryview/add").get_data(as_text=True)
        unit = db_read(select(Unit.id).where(Unit.unit_no == "37010000003"))
        assert f">{name}</option>" in admin.get(f"/unitregistryview/edit/{unit}").get_data(
            as_text=True)
    finally:
        admin.post(f"/industryview/edit/{pk}", data={**form, "active": "y"})
    assert f">{name}</option>" in admin.get("/unitregistryview/add").get_data(as_text=True)


def test_the_refusal_reads_in_english(app, admin):
    pk = code_id(app, Insurance, "110")
    admin.get("/lang/en")
    try:
        refusal = _refusal(admin.post(f"/insuranceview/delete/{pk}", follow_redirects=True))
    finally:
        admin.get("/lang/zh")
    assert refusal.startswith("This insurance type is in use (Contribution rates, "), refusal
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in refusal), refusal


def test_a_refused_delete_returns_to_the_list(app, admin):
    """It went back one page too far (the page before the list: a form, the home page)."""
    pk = code_id(app, Insurance, "110")
    admin.get("/users/add")
    admin.get("/insuranceview/list/")
    response = admin.post(f"/insuranceview/delete/{pk}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/insuranceview/list/")


def test_every_table_that_refers_to_an_admin_row_has_a_name(app):
    """The refusal names what uses a row: a table without a name would read 其他数据."""
    from views import admin as screens
    from views.in_use import TABLES, _references

    models = {view.datamodel.obj for view in vars(screens).values()
              if isinstance(view, type) and issubclass(view, screens.AdminView)
              and getattr(view, "datamodel", None) is not None}
    unnamed = {table.name for model in models for table, _column in _references(model)
               if table.name not in TABLES}
    assert not unnamed


def test_the_ledger_without_foreign_keys_still_refuses_deletes(app):
    """contribution.person_id, unit_id and insurance_id hold no foreign keys (migration
    c9e1a3b5d7f0): views.in_use lists the ledger among what uses a person, unit or 险种."""
    import sqlalchemy as sa

    from app.extensions import db
    from models.person import Person
    from models.unit import Unit
    from views import in_use

    with app.app_context():
        row = db.session.execute(select(Contribution.person_id, Contribution.unit_id,
                                        Contribution.insurance_id).limit(1)).one()
        for model, pk in zip((Person, Unit, Insurance), row):
            assert "缴费明细" in in_use.uses(db.session.get(model, pk)), model
        referred = {key["referred_table"]
                    for key in sa.inspect(db.engine).get_foreign_keys("contribution")}
        assert referred == {"bill", "declaration"}
