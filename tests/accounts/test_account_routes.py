"""Issue 10, item 8: every account route, asked by anyone (anonymous, employer, reviewer,
admin), by GET or POST, with nothing or with junk, answers clearly (a page, a redirect, 4xx):
never a 500. The reviewer's POST to /account/activate/send/ was one."""
import pytest

from tests.support import login

ACCOUNT_VIEWS = ("AccountView.", "PasswordResetView.", "RegistrationView.", "LoginView.",
                 "CaptchaView.", "OwnPasswordView.", "ResetPasswordView.")
ROLES = (None, "37010000001", "reviewer", "admin")
JUNK = {"code": "12345x", "captcha": "Z" * 20, "login": "'; drop table ab_user; --",
        "business_no": "9" * 200, "action": "confirm", "current": "x", "new": "y", "repeat": "z",
        "unit_no": "37010000001", "insurance": "no-such", "username": "", "password": ""}


def account_paths(app) -> list[str]:
    paths = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith(ACCOUNT_VIEWS) and not rule.arguments:
            paths.add(rule.rule)
    return sorted(paths - {"/logout/"})  # asked last: it ends the client's session


def test_the_account_routes_are_all_there(app):
    paths = account_paths(app)
    for expected in ("/account/", "/account/activate/send/", "/account/link/", "/reset/",
                     "/register/save/", "/resetmypassword/form", "/resetpassword/form"):
        assert expected in paths


@pytest.mark.parametrize("role", ROLES, ids=lambda role: role or "anonymous")
def test_no_account_route_answers_500_to_any_role(app, role):
    client = app.test_client()
    if role:
        assert login(client, role).status_code == 302
    answers = {}
    for path in account_paths(app):
        for method, data in (("get", None), ("post", {}), ("post", JUNK)):
            response = getattr(client, method)(path, data=data)
            answers[(method, path, bool(data))] = response.status_code
    answers[("get", "/logout/", False)] = client.get("/logout/").status_code
    failed = {key: status for key, status in answers.items() if status >= 500}
    assert not failed, failed
    if role:
        assert login(client, role).status_code == 302, "the junk changed the account"


def test_the_reviewer_asking_for_an_activation_code_is_told_why_not(as_user):
    reviewer = as_user("reviewer")
    response = reviewer.post("/account/activate/send/", follow_redirects=True)
    assert response.status_code == 200
    assert "账号已激活，无需再获取激活码" in response.get_data(as_text=True)


HUGE = ("99999999999999999999", str(2**63))


def test_the_user_role_and_group_screens_answer_404_to_ids_no_row_can_have(as_user):
    admin = as_user("admin")
    answers = {}
    for screen in ("users", "roles", "groups"):
        for pk in HUGE:
            for method, path in (("get", f"/{screen}/show/{pk}"), ("get", f"/{screen}/edit/{pk}"),
                                 ("post", f"/{screen}/edit/{pk}"),
                                 ("post", f"/{screen}/delete/{pk}"),
                                 ("post", f"/{screen}/action/muldelete/{pk}"),
                                 ("post", f"/{screen}/action/no-such-action/1")):
                answers[(method, path)] = getattr(admin, method)(path).status_code
    answers[("get", "/userstatschartview/chart/username")] = admin.get(
        "/userstatschartview/chart/username").status_code
    answers[("get", "/userstatschartview/chart/7")] = admin.get(
        "/userstatschartview/chart/7").status_code
    failed = {key: status for key, status in answers.items() if status >= 500}
    assert not failed, failed
    assert answers[("get", f"/users/show/{HUGE[0]}")] == 404
    assert answers[("get", "/userstatschartview/chart/username")] == 404
    assert admin.get("/userstatschartview/chart/0").status_code == 404  # the chart is gone
