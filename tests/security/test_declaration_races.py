"""Issue 10 §7: saves and decisions made at the same moment give right answers, never a 500.

Each race starts its threads on a Barrier, each thread with its own test client (or app
context and session), so the requests really overlap; on SQLite the writes queue on the
database lock, on PostgreSQL on row locks and keys. The module has a database of its own: it
adds declarations the demo city does not describe."""
import threading

from sqlalchemy import func, select

from app.declarations import commands
from models.declaration import Declaration, DeclarationEvent, DeclarationItem
from models.user import ShebaoUser
from tests.declarations.flows import add_required_materials, new_person_form, session_of
from tests.declarations.test_commands import payload
from tests.own_database import own_app
from tests.support import login

UNIT = "37010000001"
CONFLICT = commands.Conflict.message
TAKEN = "该人员已有未办结的同类申报"
JOIN_SECONDS = 60


# A database of its own: these tests change the demo city.
app = own_app("module")


def clients(app, username, count):
    made = []
    for _ in range(count):
        client = app.test_client()
        assert login(client, username).status_code == 302
        made.append(client)
    return made


def at_once(work, count):
    """``work(i)`` in ``count`` threads released together; the results in thread order. An
    exception in a thread is a result too (the test says what it expected)."""
    barrier, results = threading.Barrier(count), [None] * count

    def run(i):
        try:
            barrier.wait(JOIN_SECONDS)
            results[i] = work(i)
        except Exception as error:  # noqa: BLE001  (reported by the test)
            results[i] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(JOIN_SECONDS)
    assert not any(t.is_alive() for t in threads), "a thread did not finish in time"
    return results


def test_twelve_new_declarations_at_once_get_distinct_serials(app):
    employers = clients(app, UNIT, 12)
    responses = at_once(lambda i: employers[i].post(
        "/declare/c1/new/", data=new_person_form(60 + i)), 12)
    assert [getattr(r, "status_code", r) for r in responses] == [302] * 12
    ids = [int(r.headers["Location"].rstrip("/").split("/")[-2]) for r in responses]
    with session_of(app) as s:
        serials = s.scalars(select(Declaration.serial_no).where(Declaration.id.in_(ids))).all()
    assert len(set(serials)) == 12


def test_one_new_person_saved_ten_times_at_once_has_one_draft(app):
    employers = clients(app, UNIT, 10)
    form = new_person_form(80)
    responses = at_once(lambda i: employers[i].post("/declare/c1/new/", data=form), 10)
    codes = sorted((getattr(r, "status_code", r) for r in responses), key=str)
    assert codes == [200] * 9 + [302], codes
    for refused in (r for r in responses if r.status_code == 200):
        assert TAKEN in refused.get_data(as_text=True)
    with session_of(app) as s:
        drafts = s.scalar(select(func.count(Declaration.id)).join(DeclarationItem).where(
            DeclarationItem.id_number == form["id_number"], Declaration.business_code == "C1"))
    assert drafts == 1


def _submitted(app, seq, claimed=True) -> tuple[int, int]:
    """A C1 of unit 1 submitted (and claimed by the reviewer): (declaration id, item id)."""
    from app.extensions import db

    with app.test_request_context():
        employer, reviewer = (db.session.scalar(select(ShebaoUser).where(
            ShebaoUser.username == name)) for name in (UNIT, "reviewer"))
        d = commands.create(employer.unit_id, "C1", employer, payload(seq))
        add_required_materials(db.session, d)
        commands.submit(d, employer)
        if claimed:
            commands.claim(d, reviewer)
        found = d.id, d.items[0].id
        db.session.remove()
        return found


def _events(app, pk, action) -> int:
    with session_of(app) as s:
        return s.scalar(select(func.count(DeclarationEvent.id)).where(
            DeclarationEvent.declaration_id == pk, DeclarationEvent.action == action))


def test_two_decisions_at_once_one_wins_the_other_is_told(app):
    """Both decisions read the declaration before either writes: the second's version check
    fails while its item verdicts are written, which answered a 500 (StaleDataError)."""
    from app.extensions import db

    pk, item = _submitted(app, 90)
    barrier = threading.Barrier(2)

    def decide(_i):
        with app.test_request_context():
            try:
                reviewer = db.session.scalar(select(ShebaoUser).where(
                    ShebaoUser.username == "reviewer"))
                mine = commands.load(pk, reviewer)
                mine.items  # noqa: B018  (read before the other writes)
                barrier.wait(JOIN_SECONDS)
                commands.decide(mine, reviewer, {item: True})
                return "won"
            except commands.Conflict:
                return "conflict"
            finally:
                db.session.remove()

    assert sorted(at_once(decide, 2), key=str) == ["conflict", "won"]
    assert _events(app, pk, "approve") == 1


def test_two_reviewer_pages_deciding_at_once_never_answer_500(app):
    pk, item = _submitted(app, 91)
    pages = clients(app, "reviewer", 2)
    responses = at_once(lambda i: pages[i].post(
        f"/review/{pk}/decide/", data={"approve": str(item), "opinion": ""},
        follow_redirects=True), 2)
    assert [getattr(r, "status_code", r) for r in responses] == [200, 200]
    texts = [r.get_data(as_text=True) for r in responses]
    assert sum("操作成功" in t for t in texts) == 1
    loser = next(t for t in texts if "操作成功" not in t)
    assert CONFLICT in loser or "不能审核通过" in loser
    assert _events(app, pk, "approve") == 1


def test_claims_at_once_one_reviewer_holds_it(app):
    pk, _item = _submitted(app, 92, claimed=False)
    pages = clients(app, "reviewer", 6)
    responses = at_once(lambda i: pages[i].post(f"/review/{pk}/claim/",
                                                follow_redirects=True), 6)
    assert [getattr(r, "status_code", r) for r in responses] == [200] * 6
    assert _events(app, pk, "claim") == 1


def test_a_person_dropped_from_a_held_draft_may_be_declared_again(app):
    """A hold no unfinished declaration backs any more does not refuse the next save."""
    from app.extensions import db
    from models.declaration import UnfinishedPerson

    with app.test_request_context():
        employer = db.session.scalar(select(ShebaoUser).where(ShebaoUser.username == UNIT))
        first = commands.create(employer.unit_id, "C1", employer, payload(93))
        number = first.items[0].id_number
        db.session.delete(first.items[0])  # as the batch page drops a row
        db.session.commit()
        assert db.session.get(UnfinishedPerson, ("C1", number, employer.unit_id)) is not None  # stale now
        second = commands.create(employer.unit_id, "C1", employer, payload(93))
        assert db.session.get(UnfinishedPerson, ("C1", number, employer.unit_id)).declaration_id == second.id
        db.session.remove()
