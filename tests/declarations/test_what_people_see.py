"""What employers and reviewers read on the declaration pages (issue 11 §3): labelled facts and
old → new for every change business, the cost on 核对 and on the result page, what a submit
actually did, the earlier opinion, confirmations, the opinion limit, a draft's print, the C4
picker and the reviewer's home counters. On a demo city of its own (it approves and revokes)."""
import re
from contextlib import contextmanager
from decimal import Decimal

from sqlalchemy import select

from app.declarations import commands
from models.declaration import Declaration
from models.person import ContributionBase, Enrollment
from models.reference import ChangeReason, Insurance
from models.unit import Unit
from rules.months import add_months
from tests.declarations.flows import (
    MONTH, ORDINARY, THIS_MONTH, VIP, Employer, Reviewer, declaration, free_person,
    reduce_with_commands, session_of, unit_id_of,
)
from tests.declarations.test_batch_businesses import (
    YEAR, back_pay_row, batch, staff, user,
)
from tests.own_database import own_app

app = own_app("module")

PAYLOAD_KEYS = ("new_name", "reduce_reason", "end_month", "direction", "serial_no",
                "revoked_declaration_id", "declared_wage", "error_file", "insurances",
                "registry_before", "start_month")


@contextmanager
def commands_of(app):
    """The commands in a request context of their own, closed before the next page."""
    from app.extensions import db

    with app.test_request_context():
        try:
            yield db
        finally:
            db.session.rollback()
            db.session.remove()


def text(page: str) -> str:
    """What a person reads: the page without tags, attributes and scripts."""
    page = re.sub(r"<script.*?</script>", "", page, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def change_rows(page: str) -> list[tuple[str, str, str]]:
    """(label, old, new) of the comparison tables."""
    return [(re.sub(r"<[^>]+>", "", label).strip(), old.strip(),
             re.sub(r"<[^>]+>.*", "", new, flags=re.S).strip())
            for label, old, new in re.findall(
                r'<tr[^>]*><th>(.*?)</th><td class="old">(.*?)</td><td class="new">(.*?)</td>',
                page, re.S)]


def assert_no_keys(page: str) -> None:
    shown = text(page)
    for key in PAYLOAD_KEYS:
        assert key not in shown, key


def submitted(as_user, code, data, unit_no=ORDINARY):
    """The employer's declaration through 提交; the reviewer claimed it. (pk, reviewer)."""
    wizard = Employer(as_user(unit_no), code)
    pk = wizard.through_submit(data)
    reviewer = Reviewer(as_user("reviewer"))
    reviewer.claim(pk)
    return pk, reviewer, wizard


def month_text(month: int) -> str:
    return f"{month // 100}-{month % 100:02d}"


def test_c6_shows_the_unit_old_and_new_and_after_approval_what_was_recorded(app, as_user):
    with session_of(app) as s:
        unit = s.scalar(select(Unit).where(Unit.unit_no == ORDINARY))
        old = {k: getattr(unit, k) for k in ("name", "address", "postcode", "legal_person",
                                              "contact_name", "contact_phone")}
    wanted = dict(old, address="济南市历下区经十路99号", legal_person="赵新")
    pk, reviewer, _ = submitted(as_user, "C6", wanted)
    page = reviewer.client.get(f"/review/{pk}/").get_data(as_text=True)
    rows = change_rows(page)
    assert ("单位地址", old["address"], "济南市历下区经十路99号") in rows
    assert ("法定代表人", old["legal_person"], "赵新") in rows
    assert ("单位名称", old["name"], old["name"]) in rows
    assert old["contact_phone"] not in page  # masked on both sides
    assert_no_keys(page)
    assert "legal_person" not in text(page) and "contact_phone" not in text(page)
    decided = reviewer.decide(pk)
    assert 'data-status="approved"' in decided
    # The registry now holds the new address: the page still shows what it replaced.
    assert ("单位地址", old["address"], "济南市历下区经十路99号") in change_rows(decided)


def test_c7_c8_c9_c2_show_labelled_old_and_new(app, as_user):
    names = {}
    with session_of(app) as s:
        names.update(dict(s.execute(select(ChangeReason.code, ChangeReason.name)).all()))
        insurances = dict(s.execute(select(Insurance.code, Insurance.name)).all())

    person = free_person(app, ORDINARY)
    pk, reviewer, _ = submitted(as_user, "C7", {"id_number": person.id_number,
                                                "name": person.name, "phone": "13700001111"})
    page = reviewer.client.get(f"/review/{pk}/").get_data(as_text=True)
    assert ("手机号码", person.phone or "", "13700001111") in change_rows(page)
    assert ("姓名", person.name, person.name) in change_rows(page)
    assert_no_keys(page)

    person = free_person(app, ORDINARY)
    pk, reviewer, _ = submitted(as_user, "C8", {
        "id_number": person.id_number, "name": person.name, "direction": "remove",
        "insurances": ["510"], "month": THIS_MONTH})
    page = reviewer.client.get(f"/review/{pk}/").get_data(as_text=True)
    [(label, old, new)] = [r for r in change_rows(page) if r[0] == "参保险种"]
    assert insurances["510"] in old and insurances["510"] not in new
    assert insurances["110"] in old and insurances["110"] in new
    assert ("变更类型", "", "险种减少") in change_rows(page)
    assert ("变更年月", "", THIS_MONTH) in change_rows(page)
    assert_no_keys(page)

    person = free_person(app, ORDINARY)
    with session_of(app) as s:
        start = s.scalar(select(Enrollment.start_month).where(
            Enrollment.person_id == person.id, Enrollment.end_month.is_(None))
            .order_by(Enrollment.start_month))
    pk, reviewer, _ = submitted(as_user, "C2", {
        "id_number": person.id_number, "name": person.name, "reduce_reason": "202",
        "end_month": THIS_MONTH})
    page = reviewer.client.get(f"/review/{pk}/").get_data(as_text=True)
    rows = change_rows(page)
    assert ("参保起始年月", month_text(start), month_text(start)) in rows
    assert ("减员年月", "在职（未减员）", THIS_MONTH) in rows
    assert ("减员原因", "", names["202"]) in rows
    assert_no_keys(page)

    person = free_person(app, ORDINARY)
    reduce_with_commands(app, ORDINARY, person, reason="202")
    pk, reviewer, _ = submitted(as_user, "C9", {
        "id_number": person.id_number, "name": person.name, "reduce_reason": "201"})
    page = reviewer.client.get(f"/review/{pk}/").get_data(as_text=True)
    assert ("减员原因", names["202"], names["201"]) in change_rows(page)
    assert ("减员年月", month_text(MONTH), month_text(MONTH)) in change_rows(page)
    assert_no_keys(page)
    decided = reviewer.decide(pk)
    assert ("减员原因", names["202"], names["201"]) in change_rows(decided)


def test_c3_check_status_and_review_show_the_base_used_and_the_amounts(app, as_user):
    with commands_of(app) as db:
        p = staff(db, unit_id_of(app, VIP), year=YEAR)[0]
        floor = db.session.scalar(select(ContributionBase.base).where(
            ContributionBase.person_id == p.id, ContributionBase.year == YEAR))
        from app.declarations.base_declaration import year_limits
        low, _cap = year_limits([YEAR])[YEAR]
        person = (p.id_number, p.name)
    wizard = Employer(as_user(VIP), "C3")
    new = wizard.client.get("/declare/c3/new/").get_data(as_text=True)
    # Picking a person fills 姓名: the dropdown carries the names for person_pick.js.
    assert "data-names=" in new and person[1] in new and "person_pick.js" in new
    pk = wizard.enter({"id_number": person[0], "name": person[1], "year": str(YEAR),
                       "declared_wage": "1000"})
    check = wizard.check(pk)
    assert 'id="cost-summary"' in check
    assert re.search(rf'class="base-used">{low:.2f}', check), "the floor is the base used"
    assert "低于保底线，按保底线" in check
    assert re.search(r'id="total-unit">\d+\.\d\d<', check)
    assert re.search(r'id="total-personal">\d+\.\d\d<', check)
    assert 'id="total-people">1<' in check
    response = wizard.act(pk, "submit")
    status = wizard.client.get(response.headers["Location"]).get_data(as_text=True)
    # A VIP unit's declaration is decided at once: the flash says so, not 等待经办机构审核.
    assert "已提交，经系统自动审核通过（处理成功）" in status
    assert "等待经办机构审核" not in status
    assert 'data-status="approved"' in status and "审核确定" in status
    assert re.search(rf'class="base-used">{low:.2f}', status)
    reviewer = as_user("reviewer")
    page = reviewer.get(f"/review/{pk}/").get_data(as_text=True)
    rows = change_rows(page)
    assert ("缴费基数", f"{floor:.2f}", f"{low:.2f}") in rows
    assert ("缴费工资", rows[1][1], "1000.00") in rows
    assert_no_keys(page)


def test_c5_check_and_status_show_due_and_late_fee(app, as_user):
    with commands_of(app) as db:
        employer = user(db, VIP)
        start, end = add_months(MONTH, -30), add_months(MONTH, -29)
        p = staff(db, employer.unit_id, started_by=start)[0]
        row = back_pay_row(p, start, end, "5000", "110,310")
    wizard = Employer(as_user(VIP), "C5")
    pk = wizard.enter(dict(row, insurances=["110", "310"]))
    wizard.upload_required(pk)
    check = wizard.check(pk)
    for key in ("total-due", "total-late-fee", "total-all"):
        assert re.search(rf'id="{key}">(<strong>)?\d+\.\d\d', check), key
    fee = Decimal(re.search(r'id="total-late-fee">(\d+\.\d\d)', check).group(1))
    assert fee > 0 and "计至今日" in check
    wizard.submit(pk)
    status = wizard.status(pk)
    assert 'data-status="approved"' in status
    assert re.search(r'id="total-due">\d+\.\d\d', status)
    recorded = Decimal(re.search(r'id="total-late-fee">(\d+\.\d\d)', status).group(1))
    assert recorded == fee  # the ledger's late fee, reckoned today as the preview was


def test_batch_review_shows_the_import_labelled_without_its_storage_key(app, as_user):
    with commands_of(app) as db:
        employer = user(db, ORDINARY)
        people = [free_person(app, ORDINARY) for _ in range(1)]
        d = batch(db, employer, "C2", [{"id_number": x.id_number, "name": x.name,
                                        "reduce_reason": "202", "end_month": THIS_MONTH}
                                       for x in people])
        d.payload = {"import": {"filename": "减员.xlsx", "rows": 3, "good": 1, "bad": 2,
                                "error_file": "errors/secret-key-123.xlsx", "bad_rows": [],
                                "at": "2026-12-01T10:00:00"}}
        db.session.commit()
        from tests.declarations.flows import add_required_materials
        add_required_materials(db.session, d)
        commands.submit(d, employer)
        pk = d.id
    page = as_user("reviewer").get(f"/review/{pk}/").get_data(as_text=True)
    assert "secret-key-123" not in page and "error_file" not in page
    assert 'id="import-report"' in page and "减员.xlsx" in page and "2026-12-01 10:00" in page
    assert_no_keys(page)


def test_resubmitted_declaration_shows_the_old_opinion_only_in_the_timeline(app, as_user):
    person = free_person(app, ORDINARY)
    pk, reviewer, wizard = submitted(as_user, "C7", {
        "id_number": person.id_number, "name": person.name, "address": "济南市槐荫区1号"})
    reviewer.decide(pk, approve=[], verdict="reject", opinion="材料不清晰")
    status = wizard.status(pk)
    assert 'id="opinion">材料不清晰' in status
    wizard.act(pk, "reopen")
    assert declaration(app, pk).opinion is None
    wizard.submit(pk)
    status = wizard.status(pk)
    assert 'id="opinion"' not in status
    assert "审核意见：材料不清晰" in status  # the earlier decision's, in the timeline
    page = reviewer.client.get(f"/review/{pk}/").get_data(as_text=True)
    assert 'id="current-opinion"' not in page and "审核意见：材料不清晰" in page


def test_submit_void_and_withdraw_ask_first(app, as_user):
    person = free_person(app, ORDINARY)
    wizard = Employer(as_user(ORDINARY), "C7")
    pk = wizard.enter({"id_number": person.id_number, "name": person.name,
                       "phone": "13700002222"})
    wizard.upload_required(pk)
    check = wizard.check(pk)
    for action in ("submit", "void"):
        assert f'id="confirm-{action}"' in check and f'id="confirm-{action}-ok"' in check
        assert f'<a class="btn' in check and f'data-confirm-target="#confirm-{action}"' in check
    page = wizard.client.get(f"/declare/c7/{pk}/act/submit/")
    assert page.status_code == 200 and 'id="confirm-page"' in page.get_data(as_text=True)
    assert declaration(app, pk).status == "draft"  # asking changed nothing
    wizard.submit(pk)
    status = wizard.status(pk)
    assert 'id="confirm-void"' in status and "确定退单吗" in status
    assert "confirm_act.js" in status


def test_opinion_limit_and_long_opinions_in_the_todo_list(app, as_user):
    person = free_person(app, ORDINARY)
    pk, reviewer, wizard = submitted(as_user, "C7", {
        "id_number": person.id_number, "name": person.name, "address": "济南市市中区2号"})
    page = reviewer.client.get(f"/review/{pk}/").get_data(as_text=True)
    assert 'maxlength="500"' in page
    items = re.findall(r'name="approve" value="(\d+)"', page)
    response = reviewer.client.post(f"/review/{pk}/decide/", data={
        "verdict": "reject", "opinion": "长" * 501, "shown": items})
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert 'id="opinion-error"' in body and "最多500个字" in body and "长" * 501 in body
    assert declaration(app, pk).status == "reviewing"
    with commands_of(app) as db:
        d = db.session.get(Declaration, pk)
        try:
            commands.decide(d, user(db, "reviewer"), {i.id: False for i in d.items}, "长" * 5000)
        except commands.Invalid as refused:
            assert "500" in refused.message
        else:
            raise AssertionError("a 5,000-character opinion was taken")
    reviewer.decide(pk, approve=[], verdict="reject", opinion="短" * 500)
    tasks = wizard.client.get("/tasks/?which=todo")
    assert tasks.status_code == 200
    listed = text(tasks.get_data(as_text=True))
    assert "短" * 500 not in listed and "短" * 50 in listed


def test_printing_a_draft_says_when_it_prints(app, as_user):
    person = free_person(app, ORDINARY)
    wizard = Employer(as_user(ORDINARY), "C2")
    pk = wizard.enter({"id_number": person.id_number, "name": person.name,
                       "reduce_reason": "202", "end_month": THIS_MONTH})
    response = wizard.client.get(f"/declare/c2/{pk}/print.pdf")
    assert response.status_code == 404 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert 'id="print-later"' in page and "提交并经经办机构审核通过后方可打印" in page
    assert f'href="/declare/c2/{pk}/"' in page
    wizard.act(pk, "void")


def revocable_options(page: str) -> list[str]:
    select_html = re.search(r'<select[^>]*name="serial_no".*?</select>', page, re.S).group(0)
    return [v for v in re.findall(r'value="([^"]*)"', select_html) if v]


def test_c4_offers_only_this_units_revocable_wage_declarations(app, as_user):
    with session_of(app) as s:
        ordinary, vip = unit_id_of(app, ORDINARY), unit_id_of(app, VIP)
        c3s = s.execute(select(Declaration.serial_no, Declaration.unit_id, Declaration.status)
                        .where(Declaration.business_code == "C3")).all()
    mine = {serial for serial, unit, status in c3s
            if unit == ordinary and status in ("approved", "partial")}
    others = {serial for serial, unit, _ in c3s if unit != ordinary}
    assert mine and others, "the demo city (and the VIP test above) hold C3s of both units"
    employer = as_user(ORDINARY)
    page = employer.get("/declare/c4/new/").get_data(as_text=True)
    offered = revocable_options(page)
    assert set(offered) == mine and not set(offered) & others
    assert f"{YEAR}年度" in page and "审核日期" in page
    serial = offered[0]
    pk, reviewer, wizard = submitted(as_user, "C4", {"serial_no": serial})
    # Being revoked: no longer offered, to this unit or anyone.
    assert serial not in revocable_options(employer.get("/declare/c4/new/").get_data(as_text=True))
    page = reviewer.client.get(f"/review/{pk}/").get_data(as_text=True)
    rows = change_rows(page)
    assert ("工资申报流水号", serial, serial) in rows
    assert ("申报年度", str(YEAR), str(YEAR)) in rows
    assert any(label == "人数" for label, _, _ in rows)
    assert_no_keys(page)
    # A serial typed past the list is still judged on the server.
    refused = Employer(as_user(VIP), "C4").client.post("/declare/c4/new/",
                                                         data={"serial_no": serial})
    assert refused.status_code == 200 and "未找到本单位" in refused.get_data(as_text=True)
    reviewer.decide(pk, approve=[], verdict="reject", opinion="测试后退回")


def test_reviewer_home_shows_queue_counts(app, as_user):
    reviewer = as_user("reviewer")
    page = reviewer.get("/").get_data(as_text=True)
    found = dict(re.findall(r'id="queue-([\w-]+)"[^>]*>\s*<span class="counter-value"[^>]*>(\d+)<',
                            page))
    assert set(found) == {"waiting", "mine", "done-today"}
    with session_of(app) as s:
        waiting = s.scalar(select(Declaration.id).where(Declaration.status == "submitted")
                           .limit(1))
    assert (int(found["waiting"]) > 0) == (waiting is not None)
    assert int(found["done-today"]) >= 1  # this module's reviewer decided today
    listed = reviewer.get("/review/?status=decided_today").get_data(as_text=True)
    assert int(re.search(r'id="queue-total">(\d+)<', listed).group(1)) == int(found["done-today"])
    employer_home = as_user(ORDINARY).get("/").get_data(as_text=True)
    assert 'id="home-queue"' not in employer_home
