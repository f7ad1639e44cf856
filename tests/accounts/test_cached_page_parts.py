"""The parts of a page kept between requests (app.layout, views.search_widget) follow changes:
a role losing a menu permission loses the menu entry on its next page, and a code table row an
admin adds shows in the search dropdowns at once."""
import json
import re

from sqlalchemy import select

from app.roles import EMPLOYER, REVIEWER, ROLE_NAMES
from models.reference import ChangeReason


def navbar(client, url="/") -> str:
    html = client.get(url).get_data(as_text=True)
    return html.split('navbar-collapse collapse">', 1)[1].split("navbar-right", 1)[0]


def test_menu_follows_a_role_change_on_the_next_page(app, as_user):
    client = as_user("37010000002")
    assert 'href="/unitstaffview/list/"' in navbar(client)
    sm = app.appbuilder.sm
    with app.app_context():
        role = sm.find_role(ROLE_NAMES[EMPLOYER])
        menu = sm.find_permission_view_menu("menu_access", "单位人员查询")
        assert menu is not None, "the employer role has the menu entry"
        sm.del_permission_role(role, menu)
    try:
        menu_now = navbar(client)
        assert 'href="/unitstaffview/list/"' not in menu_now
        assert 'href="/unitinfoview/list/"' in menu_now  # the rest of the menu is still there
    finally:
        with app.app_context():
            sm.add_permission_role(sm.find_role(ROLE_NAMES[EMPLOYER]),
                                   sm.find_permission_view_menu("menu_access", "单位人员查询"))
    assert 'href="/unitstaffview/list/"' in navbar(client)


def test_menu_is_in_the_language_asked_for(as_user):
    client = as_user("37010000002")
    assert "信息查询" in navbar(client)
    english = navbar(client, "/?_l_=en")
    assert "Queries" in english and "信息查询" not in english
    client.get("/?_l_=zh")


def _search_choices(html: str, field: str) -> list[str]:
    """The option texts of a search field, from the field templates FAB's filter script gets
    (its second argument: column → field HTML)."""
    decoder = json.JSONDecoder()
    start = html.index("'#filter_form',") + len("'#filter_form',")
    _labels, end = decoder.raw_decode(html, html.index("{", start))
    fields, _end = decoder.raw_decode(html, html.index("{", end))
    return re.findall(r">([^<>]+)</option>", fields[field])


def test_a_code_added_by_the_admin_shows_in_search_dropdowns_at_once(app, as_user):
    reviewer = as_user("reviewer")
    before = _search_choices(reviewer.get("/staffchangeview/list/").get_data(as_text=True),
                             "add_reason")
    assert before and "测试新增原因" not in before
    admin = as_user("admin")
    response = admin.post("/changereasonview/add", data={
        "code": "T99", "name": "测试新增原因", "kind": "add", "active": "y"})  # voluntary: unchecked
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    try:
        after = _search_choices(reviewer.get("/staffchangeview/list/").get_data(as_text=True),
                                "add_reason")
        assert "测试新增原因" in after
    finally:
        from app.extensions import db

        with app.app_context():
            db.session.delete(db.session.scalar(
                select(ChangeReason).where(ChangeReason.code == "T99")))
            db.session.commit()


def _filter_script(html: str) -> tuple[str, list]:
    """(the nonce of the search form's script, the active filters FAB's script gets: its last
    argument, a list after the dicts of labels, fields and filter names)."""
    script = re.search(r'<script nonce="([^"]+)">\s*\(function\(\$\) \{\s*const filter = '
                       r"new AdminFilters\((.*?)\);\s*\}\)\(jQuery\);", html, re.S)
    arguments = script.group(2)
    active, _end = json.JSONDecoder().raw_decode(
        arguments, arguments.index("[", arguments.rindex("}")))
    return script.group(1), active


def test_kept_search_form_carries_each_pages_own_filters_and_nonce(as_user):
    client = as_user("reviewer")
    searched = client.get("/unitstaffview/list/?_flt_0_person.name=%E5%BC%A0%E4%B8%89")
    plain = client.get("/unitstaffview/list/")
    for response, active in ((searched, [["person.name", "等于", ["张三"]]]), (plain, [])):
        nonce, filters = _filter_script(response.get_data(as_text=True))
        assert filters == active
        assert f"'nonce-{nonce}'" in response.headers["Content-Security-Policy"]
    assert _filter_script(searched.get_data(as_text=True))[0] != \
        _filter_script(plain.get_data(as_text=True))[0]


def test_kept_navbar_names_each_user(app, as_user):
    """Two employers share one kept navbar (the same role), each with their own name in it."""
    from models.user import ShebaoUser

    with app.app_context():
        names = {u.username: u.get_full_name() for u in
                 app.appbuilder.sm.session.scalars(select(ShebaoUser).where(
                     ShebaoUser.username.in_(["37010000001", "37010000002"])))}
    assert len(set(names.values())) == 2
    for username, name in names.items():
        right = as_user(username).get("/").get_data(as_text=True).split("navbar-right", 1)[1]
        others = [n for u, n in names.items() if u != username]
        assert name in right and not any(other in right for other in others)


def test_user_load_brings_the_pairs_of_its_own_and_its_groups_roles(app):
    """The user's permission pairs come with the user (one statement): the same pairs the roles'
    own query reads, a group's roles included."""
    from flask import g
    from flask_appbuilder.security.sqla.models import Group, assoc_user_group

    from models.user import ShebaoUser

    sm = app.appbuilder.sm

    def load(username):
        """(the pairs the user's load brought, the pairs its roles' own query reads)"""
        user_id = sm.session.scalar(
            select(ShebaoUser.id).where(ShebaoUser.username == username))
        sm.session.expunge_all()
        g.pop("user_pairs", None)
        roles = sm.get_user_roles(sm.get_user_by_id(user_id))
        brought = g.pop("user_pairs")
        return brought, {user_id: sm._permission_pairs(r.id for r in roles)}

    with app.test_request_context("/"):
        for username in ("37010000001", "reviewer", "admin"):
            brought, read = load(username)
            assert brought == read and all(read.values()), username
        employer_only = next(iter(load("37010000001")[1].values()))
        reviewer_only = next(iter(load("reviewer")[1].values())) - employer_only
        assert reviewer_only
        # Into the association table itself: FAB's Group.users holds FAB's User class, not ours.
        group = Group(name="测试审核组", label="测试审核组",
                      roles=[sm.find_role(ROLE_NAMES[REVIEWER])])
        sm.session.add(group)
        sm.session.flush()
        user_id = sm.session.scalar(
            select(ShebaoUser.id).where(ShebaoUser.username == "37010000001"))
        sm.session.execute(assoc_user_group.insert().values(user_id=user_id, group_id=group.id))
        sm.session.commit()
        try:
            brought, read = load("37010000001")
            assert brought == read
            assert reviewer_only <= next(iter(brought.values()))
        finally:
            sm.session.execute(assoc_user_group.delete().where(
                assoc_user_group.c.user_id == user_id))
            sm.session.delete(sm.session.scalar(select(Group).where(Group.name == "测试审核组")))
            sm.session.commit()


def test_every_page_names_its_icon_and_the_root_icon_answers(app, as_user):
    anonymous = app.test_client()
    for client, path in ((anonymous, "/login/"), (as_user("37010000001"), "/unitstaffview/list/")):
        page = client.get(path).get_data(as_text=True)
        icon = re.search(r'<link rel="icon" type="image/svg\+xml" href="([^"]+)">', page).group(1)
        response = client.get(icon)
        assert response.status_code == 200 and response.mimetype == "image/svg+xml"
        assert b"<svg" in response.data
        response.close()  # a static file's response holds the file open
    moved = anonymous.get("/favicon.ico")
    assert moved.status_code == 301 and moved.headers["Location"].endswith(icon)


def test_kept_navbar_links_follow_the_script_root(as_user):
    """The app served under a prefix as well (a proxy's SCRIPT_NAME): the navbar and the user's
    menu kept for one root never send a page under the other to links outside it."""
    client = as_user("37010000001")
    plain = client.get("/").get_data(as_text=True)
    assert 'href="/unitstaffview/list/"' in plain
    prefixed = client.get("/", environ_overrides={"SCRIPT_NAME": "/shebao"}).get_data(
        as_text=True)
    menu = prefixed.split("<header", 1)[1].split("</header>", 1)[0]
    assert 'href="/shebao/unitstaffview/list/"' in menu
    assert 'href="/shebao/logout/"' in menu
    assert not re.findall(r'href="/(?!shebao/|#)', menu)
