"""The page every screen extends (``layout/page.html``, FAB's base template), its fixed parts built
once instead of on every request.

FAB's own frame builds, on every page, 19 asset links through ``url_for``, the navbar with a
permission check per menu entry, and two modal dialogs: about as long as the list they frame.
What they show depends on less than the request:

- asset links on the script root alone (the CSP nonce is added per page);
- the modal dialogs on the language (they hold no link);
- the navbar on the (view, permission) pairs of the user's roles, which the security manager
  reads once per request anyway, the language and the script root its links start with. A role
  edit therefore shows on the next page without any invalidation. Only the user's own menu
  (name, profile, logout) is the user's: it is kept per name, language and script root and put
  into the navbar's ``user_menu`` slot; nothing else in it differs between users (two users of
  one name see the same menu). Menu items with a ``cond`` callable would depend on more: the
  cache refuses them. Nothing kept shows the unit: the home page and list titles, which do,
  are rendered per request.
"""
from flask import current_app, g, redirect, request, url_for
from flask_babel import get_locale
from markupsafe import Markup, escape

PARTS, USERS = "page_parts", "page_user_menus"
MAX_ENTRIES = 256  # distinct role combinations × languages; a city has a handful
MAX_USERS = 4096  # user menus (a name × language each, ~0.4 KB): the users active at a time
USER_SLOT = Markup("<!--user-menu-->")

ASSETS = {
    "css": (
        "css/bootstrap.min.css",
        "css/fontawesome/fontawesome.min.css",
        "css/fontawesome/regular.min.css",
        "css/fontawesome/solid.min.css",
        "css/fontawesome/brands.min.css",
        "css/fontawesome/v4-shims.min.css",
        "css/bootstrap-datepicker/bootstrap-datepicker3.min.css",
        "css/select2/select2.min.css",
        "css/select2/select2-bootstrap.min.css",
        "css/flags/flags16.css",
        "css/ab.css",
    ),
    "head_js": ("js/jquery-latest.js", "js/ab_filters.js", "js/ab_actions.js"),
    "tail_js": (
        "js/bootstrap.min.js",
        "js/bootstrap-datepicker/bootstrap-datepicker.min.js",
        "js/select2/select2.min.js",
        "js/ab.js",
    ),
}


def init_app(app) -> None:
    app.jinja_env.globals.update(assets=assets, navbar=navbar, page_language=page_language)
    app.extensions[PARTS] = {}
    app.extensions[USERS] = {}
    # Browsers and bookmarks still ask the root for it, whatever the page's <link> says.
    app.add_url_rule("/favicon.ico", "favicon", lambda: redirect(
        url_for("static", filename="img/favicon.svg"), 301))


def _kept(key, build, store=PARTS, limit=MAX_ENTRIES):
    """The part under ``key``, built by ``build()`` the first time."""
    parts = current_app.extensions[store]
    part = parts.get(key)
    if part is None:
        if len(parts) >= limit:
            parts.clear()
        part = parts[key] = build()
    return part


def page_language() -> str:
    return str(get_locale())


def _urls(kind) -> list[str]:
    files = list(ASSETS[kind])
    theme = current_app.config.get("APP_THEME")
    if kind == "css" and theme:
        files.insert(-1, f"css/themes/{theme}")
    return [str(escape(url_for("appbuilder.static", filename=f))) for f in files]


def assets(kind: str, nonce: str = "") -> Markup:
    """The ``<link>`` or ``<script>`` tags of one kind of asset; scripts carry the nonce."""
    if kind == "modals":
        return _kept(("modals", page_language()), lambda: _render("layout/modals.html"))
    urls = _kept(("assets", kind, request.script_root), lambda: _urls(kind))
    if kind == "css":
        return Markup("\n".join(f'<link href="{url}" rel="stylesheet">' for url in urls))
    nonce = escape(nonce)
    return Markup("\n".join(f'<script src="{url}" nonce="{nonce}"></script>' for url in urls))


def navbar() -> Markup:
    user = g.get("user")
    if user is None or not user.is_authenticated:
        return _navbar(_render("layout/user_menu.html", user=None))
    name, root = user.get_full_name(), request.script_root
    user_menu = _kept(("user_menu", name, page_language(), root),
                      lambda: _render("layout/user_menu.html", user=user), USERS, MAX_USERS)
    pairs = current_app.appbuilder.sm.permission_pairs_of(user)
    if pairs is None:  # a built-in role, which FAB checks its own way: not kept
        return _navbar(user_menu)
    frame = _kept(("navbar", pairs, page_language(), root), _kept_frame)
    return Markup(frame.replace(USER_SLOT, user_menu))


def _kept_frame() -> Markup:
    _refuse_conditional_items(current_app.appbuilder.menu)
    return _navbar(USER_SLOT)


def _navbar(user_menu: Markup) -> Markup:
    appbuilder = current_app.appbuilder
    return _render("layout/navbar.html", menu=appbuilder.menu, languages=appbuilder.languages,
                   language=page_language(), user_menu=user_menu)


def _render(template: str, **context) -> Markup:
    """A part of the page: the page's own template globals, without a second request context."""
    template = current_app.jinja_env.get_template(template)
    return Markup(template.render(appbuilder=current_app.appbuilder, **context))


def _refuse_conditional_items(menu) -> None:
    for item in menu.menu:
        for entry in [item, *(item.childs or [])]:
            if entry is not None and entry.cond is not None:
                raise RuntimeError(f"menu item {entry.name} has a cond: the navbar cache "
                                   "keys on permissions only")
