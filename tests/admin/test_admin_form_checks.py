"""Issue 11 §5: what the admin screens accepted and must refuse. A refused form stays on screen
with what was typed and the reason under the field (FAB used to flash the refusal and go back
to the home page, the typed values lost)."""
import pytest
from sqlalchemy import func, select

from models.contribution import Rate, YearParameter
from models.reference import ChangeReason, Industry, Insurance
from models.unit import Unit
from tests.admin.conftest import code_id, field_errors, flashes, form_of


def _stays_on_form(response, reason: str, typed: str) -> None:
    assert response.status_code == 200, response.headers.get("Location")
    page = response.get_data(as_text=True)
    assert any(reason in error for error in field_errors(page)), field_errors(page)
    assert f'value="{typed}"' in page or f'<option selected value="{typed}"' in page \
        or typed in page, typed
    assert not [kind for kind, _text in flashes(page) if kind == "success"]


def _unit_form(app, admin):
    with app.app_context():
        from app.extensions import db

        pk = db.session.scalar(select(Unit.id).where(Unit.unit_no == "37010000003"))
    return pk, form_of(admin.get(f"/unitregistryview/edit/{pk}").get_data(as_text=True))


CODE_ROWS = {
    "changereasonview": {"code": "297", "name": "测试原因", "kind": "add", "active": "y"},
    "industryview": {"code": "T97", "name": "测试行业", "risk_class": "3", "active": "y"},
}


@pytest.mark.parametrize("view, change, reason, typed", [
    ("changereasonview", {"kind": "xyz"}, "请从以下选项中选择：增员、减员", "测试原因"),
    ("industryview", {"risk_class": "9"}, "工伤风险类别应为1至8", "9"),
    ("industryview", {"risk_class": "-1"}, "工伤风险类别应为1至8", "-1"),
])
def test_code_rows_out_of_range_are_refused_on_the_form(app, admin, db_read, view, change,
                                                       reason, typed):
    model = {"changereasonview": ChangeReason, "industryview": Industry}[view]
    before = db_read(select(func.count()).select_from(model))
    response = admin.post(f"/{view}/add", data={**CODE_ROWS[view], **change})
    _stays_on_form(response, reason, typed)
    assert db_read(select(func.count()).select_from(model)) == before


def test_valid_code_rows_are_still_added(app, admin, db_read):
    from app.extensions import db

    for view, row in CODE_ROWS.items():
        assert admin.post(f"/{view}/add", data=row).status_code == 302, view
    with app.app_context():
        assert db.session.scalar(select(ChangeReason.kind).where(ChangeReason.code == "297")) \
            == "add"
        assert db.session.scalar(select(Industry.risk_class).where(Industry.code == "T97")) == 3
        db.session.query(ChangeReason).filter_by(code="297").delete()
        db.session.query(Industry).filter_by(code="T97").delete()
        db.session.commit()


@pytest.mark.parametrize("change, reason, typed", [
    ({"status": "foo"}, "请从以下选项中选择：正常、暂停、注销", "测试单位名称"),
    ({"unit_no": "abc 123"}, "单位编号应为6至20位数字", "abc 123"),
])
def test_the_unit_registry_refuses_a_bad_status_or_number(app, admin, db_read, change, reason,
                                                          typed):
    pk, form = _unit_form(app, admin)
    response = admin.post(f"/unitregistryview/edit/{pk}",
                          data={**form, "name": "测试单位名称", **change})
    _stays_on_form(response, reason, typed)
    stored = db_read(select(Unit.unit_no + Unit.status + Unit.name).where(Unit.id == pk))
    assert stored == form["unit_no"] + form["status"] + form["name"]


def test_the_unit_registry_offers_its_statuses(app, admin):
    pk, form = _unit_form(app, admin)
    assert form["status"] == "normal"
    page = admin.get(f"/unitregistryview/edit/{pk}").get_data(as_text=True)
    for label in ("正常", "暂停", "注销"):
        assert f">{label}</option>" in page


YEAR_ROW = {"year": "2027", "average_wage": "120000", "floor_pct": "60", "cap_pct": "300",
            "window_start": "", "window_end": "", "interest_rate": "0.0262",
            "late_fee_rate": "0.0005", "due_day": "15"}


@pytest.mark.parametrize("change, reason, typed", [
    ({"year": "27"}, "年度应为1995至", "27"),
    ({"year": "20260"}, "年度应为1995至", "20260"),
    ({"interest_rate": "5"}, "应为0至1之间的小数（0.0831表示8.31%）", "5"),
    ({"year": "2026"}, "已经存在", "120000"),
    ({"window_start": "2027-07-01"}, "申报开始日期和截止日期应同时填写", "2027-07-01"),
])
def test_yearly_parameters_out_of_range_are_refused_on_the_form(app, admin, db_read, change,
                                                               reason, typed):
    before = db_read(select(func.count()).select_from(YearParameter))
    response = admin.post("/yearparameterview/add", data={**YEAR_ROW, **change})
    _stays_on_form(response, reason, typed)
    assert db_read(select(func.count()).select_from(YearParameter)) == before


@pytest.mark.parametrize("code, risk_class", [("410", "1"), ("510", "")])
def test_no_personal_rate_where_the_person_pays_none(app, admin, db_read, code, risk_class):
    insurance = code_id(app, Insurance, code)
    before = db_read(select(func.count()).select_from(Rate))
    row = {"insurance": str(insurance), "risk_class": risk_class, "unit_rate": "0.002",
           "personal_rate": "0.01", "start_month": "199501", "end_month": "199512"}
    response = admin.post("/rateview/add", data=row)
    _stays_on_form(response, "个人不缴费，个人费率应为0：0.01", "0.01")
    assert db_read(select(func.count()).select_from(Rate)) == before


def test_a_rate_overlap_keeps_the_typed_row(app, admin, db_read):
    pension = code_id(app, Insurance, "110")
    row = {"insurance": str(pension), "risk_class": "", "unit_rate": "0.16",
           "personal_rate": "0.08", "start_month": "202001", "end_month": "202012"}
    response = admin.post("/rateview/add", data=row)
    _stays_on_form(response, "重叠：请先为已有费率设置执行终止年月", "202012")


def test_the_code_of_a_national_insurance_cannot_be_edited(app, admin, db_read):
    pk = code_id(app, Insurance, "110")
    form = form_of(admin.get(f"/insuranceview/edit/{pk}").get_data(as_text=True))
    response = admin.post(f"/insuranceview/edit/{pk}", data={**form, "code": "111"})
    _stays_on_form(response, "是国家标准代码，不能修改", "111")
    assert db_read(select(Insurance.code).where(Insurance.id == pk)) == "110"
    # Its other columns stay editable.
    edited = admin.post(f"/insuranceview/edit/{pk}", data={**form, "short_name": "养老保险"})
    try:
        assert edited.status_code == 302
        assert db_read(select(Insurance.short_name).where(Insurance.id == pk)) == "养老保险"
    finally:
        admin.post(f"/insuranceview/edit/{pk}", data=form)


def test_a_refusal_reads_in_english(app, admin):
    admin.get("/lang/en")
    try:
        response = admin.post("/industryview/add", data={**CODE_ROWS["industryview"],
                                                          "risk_class": "9"})
    finally:
        admin.get("/lang/zh")
    assert "The work injury risk class must be 1 to 8" in field_errors(
        response.get_data(as_text=True))


def test_a_taken_year_is_said_once(app, admin):
    response = admin.post("/yearparameterview/add", data={**YEAR_ROW, "year": "2026"})
    assert field_errors(response.get_data(as_text=True)) == ["已经存在"]


def test_a_rate_refusal_reads_in_english(app, admin):
    """rules.rates says its refusals in Chinese; the form says them in the page's language,
    months as 2019-05."""
    injury, pension = code_id(app, Insurance, "410"), code_id(app, Insurance, "110")
    admin.get("/lang/en")
    try:
        personal = admin.post("/rateview/add", data={
            "insurance": str(injury), "risk_class": "1", "unit_rate": "0.002",
            "personal_rate": "0.01", "start_month": "199501", "end_month": "199512"})
        overlap = admin.post("/rateview/add", data={
            "insurance": str(pension), "risk_class": "", "unit_rate": "0.16",
            "personal_rate": "0.08", "start_month": "202001", "end_month": "202012"})
    finally:
        admin.get("/lang/zh")
    assert field_errors(personal.get_data(as_text=True)) == [
        "Work injury insurance has no personal share, so the personal rate must be 0: 0.01"]
    assert field_errors(overlap.get_data(as_text=True)) == [
        "The period overlaps an existing rate (from 2019-05, with no end month): "
        "give the existing rate an end month first"]


@pytest.mark.parametrize("view, model, lookup, field, change", [
    ("changereasonview", ChangeReason, ("code", "201"), "code", "299"),
    ("changereasonview", ChangeReason, ("code", "201"), "kind", "add"),
    ("yearparameterview", YearParameter, ("year", 2025), "year", "2027"),
])
def test_what_others_know_a_used_row_by_is_not_changed(app, admin, db_read, view, model, lookup,
                                                      field, change):
    """A used code or year renamed leaves its declarations, enrollments and months naming
    another row, or none (a 减员 reason turned 增员 leaves enrollments ended by an 增员
    reason): the change is refused; an unused row's is not."""
    column, value = lookup
    pk = db_read(select(model.id).where(getattr(model, column) == value))
    before = db_read(select(getattr(model, field)).where(model.id == pk))
    form = form_of(admin.get(f"/{view}/edit/{pk}").get_data(as_text=True))
    response = admin.post(f"/{view}/edit/{pk}", data={**form, field: change})
    _stays_on_form(response, "使用，不能修改", change)
    assert db_read(select(getattr(model, field)).where(model.id == pk)) == before


def test_a_used_rate_keeps_its_insurance(app, admin, db_read):
    pension, unemployment = code_id(app, Insurance, "110"), code_id(app, Insurance, "210")
    pk = db_read(select(Rate.id).where(Rate.insurance_id == pension))
    form = form_of(admin.get(f"/rateview/edit/{pk}").get_data(as_text=True))
    response = admin.post(f"/rateview/edit/{pk}", data={**form, "insurance": str(unemployment),
                                                        "start_month": "199001",
                                                        "end_month": "199012"})
    _stays_on_form(response, "该费率已被缴费明细、人员参保登记使用，不能修改险种。", "199001")
    assert db_read(select(Rate.insurance_id).where(Rate.id == pk)) == pension


def test_an_unused_code_may_be_renamed(app, admin, db_read):
    assert admin.post("/nationview/add", data={"code": "T7", "name": "测试七",
                                               "active": "y"}).status_code == 302
    from models.reference import Nation

    pk = db_read(select(Nation.id).where(Nation.code == "T7"))
    form = form_of(admin.get(f"/nationview/edit/{pk}").get_data(as_text=True))
    assert admin.post(f"/nationview/edit/{pk}", data={**form, "code": "T8"}).status_code == 302
    assert db_read(select(Nation.code).where(Nation.id == pk)) == "T8"
    admin.post(f"/nationview/delete/{pk}")
