"""/verify/<code> (H4): anyone sees the stored facts with the ID masked, or "not found" — the
same answer for every unknown code — and an address trying many gets 429 with Retry-After."""
import random

import pytest
import sqlalchemy as sa

from models.audit import AuditLog
from models.certificate import Certificate
from rules.certificate import grouped, masked_id
from rules.months import month_label
from tests.declarations.flows import ORDINARY, session_of
from tests.support import close_app, make_app


@pytest.fixture
def client(app):
    """An anonymous visitor from an address of its own: the suite's other requests to /verify
    (the access matrix's) do not spend its budget of VERIFY_RATE_LIMIT."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = f"10.{random.randrange(256)}.{random.randrange(256)}.7"
    return client


def issued(app, as_user, ours):
    client = as_user(ORDINARY)
    response = client.post("/certificates/print", data={
        "person_id": str(ours[0]), "start": month_label(ours[3]), "end": month_label(ours[4]),
        "purpose": "子女入学"})
    assert response.status_code == 200
    with session_of(app) as s:
        return s.scalar(sa.select(Certificate.code).where(Certificate.person_id == ours[0])
                        .order_by(Certificate.id.desc()))


def not_found_count(app):
    with session_of(app) as s:
        return s.scalar(sa.select(sa.func.count()).select_from(AuditLog)
                        .where(AuditLog.action == "certificate_not_found"))


def test_anyone_sees_the_stored_facts_with_the_id_masked(app, as_user, client, ours):
    code = issued(app, as_user, ours)
    response = client.get(f"/verify/{code}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert ours[1] in page and grouped(code) in page
    assert masked_id(ours[2]) in page and ours[2] not in page
    assert masked_id(ours[2]) == ours[2][:6] + "********" + ours[2][-4:]
    assert f"{month_label(ours[3])} — {month_label(ours[4])}" in page
    assert "子女入学" in page
    # Typed from paper: dashes, spaces, small letters.
    typed = grouped(code).lower().replace("-", " - ")
    response = client.get("/verify/", query_string={"code": typed})
    assert response.status_code == 302 and response.headers["Location"].endswith(code)


def test_the_page_speaks_english(app, as_user, client, ours):
    code = issued(app, as_user, ours)
    page = client.get(f"/verify/{code}?_l_=en").get_data(as_text=True)
    assert "Verification code" in page and "验证码" not in page


def test_unknown_codes_answer_alike_and_are_audited(app, client, ours):
    before = not_found_count(app)
    answers = []
    for code in ("ABCDEFGHJKMNPQRSTUVW", "nonsense", "A" * 40, "0" * 20, "%27%20OR%201=1"):
        response = client.get(f"/verify/{code}")
        page = response.get_data(as_text=True)
        answers.append((response.status_code, "未找到该验证码对应的缴费证明" in page,
                        ours[1] in page))
    assert set(answers) == {(404, True, False)}
    assert not_found_count(app) == before + 5


def test_an_address_trying_many_gets_429_with_retry_after(database_url, tmp_path, as_user,
                                                          app, ours):
    code = issued(app, as_user, ours)
    limited = make_app(database_url, tmp_path, VERIFY_RATE_LIMIT="3 per minute")
    try:
        client = limited.test_client()
        statuses = [client.get(f"/verify/{code}").status_code for _ in range(3)]
        assert statuses == [200, 200, 200]
        response = client.get(f"/verify/{code}")
        assert response.status_code == 429
        assert 1 <= int(response.headers["Retry-After"]) <= 60
        page = response.get_data(as_text=True)
        assert "查询过于频繁" in page and ours[1] not in page
        assert client.get("/verify/ZZZZZZZZZZZZZZZZZZZZ").status_code == 429
        # Another address is not held back by the first one's tries.
        other = client.get(f"/verify/{code}", environ_base={"REMOTE_ADDR": "10.1.2.3"})
        assert other.status_code == 200
        # The limit is the verification page's only: the login page answers as before.
        assert client.get("/login/").status_code == 200
        with session_of(app) as s:
            assert s.scalar(sa.select(sa.func.count()).select_from(AuditLog).where(
                AuditLog.action == "certificate_rate_limited")) >= 2
    finally:
        close_app(limited)
