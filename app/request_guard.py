"""Hostile values in a URL are refused before any view runs (issue 10).

Every route of FAB's model views, our wizards and the REST API takes a row's key from the URL.
A key no row can have (past 2^63, negative, not a number) answers 404 here: SQLite would
overflow on it and PostgreSQL refuse it, both as a 500. And FAB's action routes look the action
up by name before checking anything: an unknown name (anonymous included) crashed on None.
"""
from flask import Flask, abort, current_app, request

MAX_KEY = 2**63 - 1  # the largest integer either database can compare with a key column
KEY_ARGS = ("pk", "material_id")  # URL variables that are a row's integer key


def init_app(app: Flask) -> None:
    app.before_request(refuse_hostile_urls)


def refuse_hostile_urls():
    args = request.view_args or {}
    endpoint = request.endpoint or ""
    if not _reads_nothing(endpoint):
        for name in KEY_ARGS:
            if name in args and not is_key(args[name]):
                abort(404)
    if endpoint.endswith((".action", ".action_post")):
        view = _view_of(endpoint)
        name = args.get("name") if endpoint.endswith(".action") else request.form.get("action")
        if view is not None and name not in (getattr(view, "actions", None) or {}):
            abort(404)
    return None


def is_key(value) -> bool:
    """An integer (or its digits) in 1..MAX_KEY: what a row's id can be. The length is checked
    first: int() refuses a string of more than 4300 digits with a ValueError."""
    text = str(value)
    return (len(text) <= len(str(MAX_KEY)) and text.isascii() and text.isdigit()
            and 0 < int(text) <= MAX_KEY)


def _reads_nothing(endpoint) -> bool:
    """FAB answers a GET on its delete route with a refusal and a redirect, whatever the key."""
    return request.method == "GET" and endpoint.endswith(".delete")


def _view_of(endpoint):
    """The FAB view instance that serves the endpoint (its view function is a bound method)."""
    function = current_app.view_functions.get(endpoint)
    return getattr(function, "__self__", None)
