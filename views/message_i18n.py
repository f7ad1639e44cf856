"""Refusals and results in the reader's language, translated when shown.

rules/ and app/ word their messages in Chinese, and some are kept (import reports, result
messages, return reasons): ``translate(text)`` gives one back in the current locale. Its text is
tried as a whole message id (gettext), then against the templates of views/domain_messages.py
(an f-string's message id with ``%(name)s`` placeholders, compiled to a regular expression, the
most specific first); the values a template matched are translated in turn when they are words
the catalogue knows (status, business, 险种 names, field labels, other messages), and kept as
they are otherwise (months, numbers, names). Several messages joined by "；" are translated one
by one. Text that matches nothing comes back unchanged, as does everything in Chinese.

``|domain_msg`` is the same for templates; ``json_message`` for JSON bodies, in the language the
client asked for (``_l_``, then the session's choice, then Accept-Language).
"""
import re
from functools import lru_cache

from flask import current_app, has_request_context, request, session
from flask_babel import force_locale, get_locale, gettext
from markupsafe import Markup

HAN = re.compile(r"[\u4e00-\u9fff]")
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
SEPARATORS = (("；", "; "), ("、", ", "))
LOOSE = 4  # Chinese characters a template needs to take values that are not known words


class Template:
    """One message id with placeholders, as a pattern. Adjacent placeholders (``%(a)s%(b)s``)
    are one group, split later where both halves are words the catalogue knows."""

    def __init__(self, msgid: str):
        self.msgid = msgid
        pieces = PLACEHOLDER.split(msgid)  # literal, name, literal, name, …, literal
        literals = [piece.replace("%%", "%") for piece in pieces[0::2]]
        pattern, self.groups = [re.escape(literals[0])], []
        for i, name in enumerate(pieces[1::2]):
            if i > 0 and literals[i] == "":
                self.groups[-1].append(name)
            else:
                pattern.append(f"(?P<g{len(self.groups)}>.*?)")
                self.groups.append([name])
            pattern.append(re.escape(literals[i + 1]))
        self.pattern = re.compile("".join(pattern), re.S)
        self.key = max(literals, key=len)
        self.weight = sum(map(len, literals))
        # "%(month)s年%(month_2)s月" says too little to be trusted with words it does not know
        self.loose = len(HAN.findall("".join(literals))) < LOOSE

    def values(self, text: str) -> dict | None:
        found = self.pattern.fullmatch(text)
        if found is None:
            return None
        values = {}
        for index, names in enumerate(self.groups):
            pieces = _best_cut(found.group(f"g{index}"), len(names))[1]
            if self.loose and not all(_known(piece) for piece in pieces):
                return None
            for name, piece in zip(names, pieces):
                values.setdefault(name, _translate(piece))
        return values


def _known(text: str) -> bool:
    return not HAN.search(text) or _translate(text) != text


def _best_cut(text: str, parts: int) -> tuple[int, list[str]]:
    if parts == 1:
        return int(_known(text)), [text]
    best = (-1, [text] + [""] * (parts - 1))
    for cut in range(1, len(text) + 1):
        score, rest = _best_cut(text[cut:], parts - 1)
        score += _known(text[:cut])
        if score > best[0]:
            best = (score, [text[:cut], *rest])
    return best


@lru_cache(maxsize=1)
def _templates() -> tuple:
    from views.domain_messages import DOMAIN_MESSAGES

    found = [Template(m._args[0]) for m in DOMAIN_MESSAGES if PLACEHOLDER.search(m._args[0])]
    return tuple(sorted(found, key=lambda t: -t.weight))


def _translate(text: str) -> str:
    if not text or not HAN.search(text):
        return text
    return _cached(_language(), text)


@lru_cache(maxsize=8192)
def _cached(language: str, text: str) -> str:
    exact = gettext(text)
    if exact != text:
        return exact
    # Messages joined by "；" (or words by "、") when each of them is known; otherwise the
    # separator may belong to one message's values, and the templates are tried first.
    for separator, joiner in SEPARATORS:
        if separator in text:
            parts = [_translate(part) for part in text.split(separator)]
            if all(p != part or not HAN.search(p) for p, part in
                   zip(parts, text.split(separator))):
                return joiner.join(parts)
    for template in _templates():
        if template.key in text:
            values = template.values(text)
            if values is not None:
                return gettext(template.msgid, **values)
    if SEPARATORS[0][0] in text:
        return SEPARATORS[0][1].join(_translate(part)
                                     for part in text.split(SEPARATORS[0][0]))
    return text


def _language() -> str:
    locale = get_locale()
    return locale.language if locale is not None else "zh"


def translate(text) -> str:
    """``text`` in the current locale's language; None as ""."""
    if text is None:
        return ""
    text = str(text)
    if _language() == "zh":
        return text
    return _translate(text)


def request_language() -> str:
    """The language a JSON client asked for: ``_l_``, the session's choice (a browser's, as its
    pages show), then Accept-Language (an API client's, which keeps no session)."""
    languages = list(current_app.config.get("LANGUAGES") or ["zh"])
    default = current_app.config.get("BABEL_DEFAULT_LOCALE", "zh")
    if not has_request_context():
        return default
    for chosen in (request.args.get("_l_"), session.get("locale")):
        if chosen in languages:
            return chosen
    return request.accept_languages.best_match(languages) or default


def json_message(text) -> str:
    with force_locale(request_language()):
        return translate(text)


def domain_msg(value):
    """The template filter: markup a view built stays as it is."""
    if isinstance(value, Markup):
        return value
    return translate(value)


def init_app(app) -> None:
    app.jinja_env.filters["domain_msg"] = domain_msg
