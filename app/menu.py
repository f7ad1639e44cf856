"""The navbar menu, rendered once per (permission set, language) instead of on every page.

FAB renders the menu on every page, checking ``menu_access`` per item: a fifth of a list page's
time. What it shows depends only on the (view, permission) pairs of the user's roles, which the
security manager already reads once per request, and on the language; both make the cache key,
so a role edit shows in the menu on the next page without any invalidation. Menu items with a
``cond`` callable would depend on more than that: the cache refuses them.
"""
from flask import current_app, g, render_template
from flask_babel import get_locale
from markupsafe import Markup

TEMPLATE = "menu/items.html"
MAX_ENTRIES = 256  # distinct role combinations × languages; a city has a handful


def init_app(app) -> None:
    app.jinja_env.globals["navbar_menu"] = navbar_menu
    app.extensions["navbar_menu"] = {}


def navbar_menu(menu) -> Markup:
    key = _permission_key()
    if key is None:
        return Markup(render_template(TEMPLATE, menu=menu))
    cache = current_app.extensions["navbar_menu"]
    key = (key, str(get_locale()))
    html = cache.get(key)
    if html is None:
        _refuse_conditional_items(menu)
        if len(cache) >= MAX_ENTRIES:
            cache.clear()
        html = cache[key] = Markup(render_template(TEMPLATE, menu=menu))
    return html


def _permission_key():
    user = g.get("user")
    return None if user is None else current_app.appbuilder.sm.permission_pairs_of(user)


def _refuse_conditional_items(menu) -> None:
    for item in menu.menu:
        for entry in [item, *(item.childs or [])]:
            if entry is not None and entry.cond is not None:
                raise RuntimeError(f"menu item {entry.name} has a cond: the menu cache "
                                   "keys on permissions only")
