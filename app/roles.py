"""The three roles, defined in code and synced by ``flask roles sync`` (A6).

A view says which roles may use it through ``role_access``: a mapping from role key to the
permission names that role gets on it (``READ`` for the query screens). The sync walks every
registered view and menu in a loop, so no permission is ever clicked together by hand, and a
role loses what the code no longer grants it.
"""
from flask_appbuilder.menu import MenuItem

EMPLOYER = "employer"
REVIEWER = "reviewer"
ADMIN = "admin"

ROLE_NAMES = {
    EMPLOYER: "单位经办人",
    REVIEWER: "中心审核员",
    ADMIN: "系统管理员",
}
CENTER_ROLES = (ROLE_NAMES[REVIEWER], ROLE_NAMES[ADMIN])

READ = frozenset({"can_list", "can_show", "can_get", "can_info", "can_export"})


def role_key_of(user) -> str | None:
    """The strongest role a user holds, as a key of ROLE_NAMES."""
    names = {role.name for role in getattr(user, "roles", []) or []}
    for key in (ADMIN, REVIEWER, EMPLOYER):
        if ROLE_NAMES[key] in names:
            return key
    return None


def sync_roles(appbuilder) -> dict[str, int]:
    """Create every permission, then make each role hold exactly what the views grant it."""
    sm = appbuilder.sm
    # FAB grants every new permission to the admin role, so the roles must exist first.
    roles = {key: sm.find_role(name) or sm.add_role(name) for key, name in ROLE_NAMES.items()}
    appbuilder.add_permissions(update_perms=True)
    counts = {}
    for key, name in ROLE_NAMES.items():
        role = roles[key]
        if key == ADMIN:
            wanted = _all_permission_views(sm, _unit_only_menus(appbuilder))
        else:
            wanted = _granted(appbuilder, key)
        role.permissions = wanted
        counts[name] = len(wanted)
    sm.session.commit()
    return counts


def _all_permission_views(sm, hidden_menus=frozenset()):
    """Every permission, but no menu entry for a screen only a unit's account can use."""
    return [pv for pv in sm.session.query(sm.permissionview_model)
            if not (pv.permission.name == "menu_access" and pv.view_menu.name in hidden_menus)]


def _unit_only_menus(appbuilder) -> set:
    """Menus of screens that grant only the employer role (the declaration wizards: they
    work on the account's unit and refuse an account without one), and categories left
    holding nothing else."""
    hidden = set()
    for category in appbuilder.menu.get_list():
        children = [c for c in category.childs if c.name != "-"]
        unit_only = {c.name for c in children if _unit_only(c)}
        hidden |= unit_only
        if children and unit_only == {c.name for c in children}:
            hidden.add(category.name)
    return hidden


def _unit_only(item: MenuItem) -> bool:
    access = getattr(item.baseview, "role_access", None) or {}
    return item.baseview is not None and set(access) == {EMPLOYER}


def _granted(appbuilder, key: str) -> list:
    sm = appbuilder.sm
    views = [v for v in appbuilder.baseviews if key in (getattr(v, "role_access", None) or {})]
    granted = []
    for view in views:
        allowed = view.role_access[key]
        for permission in view.base_permissions or []:
            if permission in allowed:
                granted.append((permission, view.class_permission_name))
    allowed_views = {id(v) for v in views}
    for category in appbuilder.menu.get_list():
        children = [c for c in category.childs if _menu_visible(c, allowed_views)]
        for child in children:
            granted.append(("menu_access", child.name))
        if children or _menu_visible(category, allowed_views):
            granted.append(("menu_access", category.name))
    found = [sm.find_permission_view_menu(p, v) for p, v in granted]
    return [pv for pv in found if pv is not None]


def _menu_visible(item: MenuItem, allowed_views: set) -> bool:
    return item.baseview is not None and id(item.baseview) in allowed_views
