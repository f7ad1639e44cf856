"""Finds the Chinese messages of the source: what rules/, app/ and views/ raise, return or store
as a refusal, read with ``ast`` (nothing is imported or run).

A message is a string literal or an f-string holding Chinese, used as one of:
- an argument of an exception of the project (a class deriving from Exception, found in the
  scanned files: RuleError, DomainError, Invalid, NotFound, BatchFileError, LoginRefused …) or of
  a call that hands a reason on (``_hold``, ``_refuse_as``, ``progress``, ``append``,
  ``record_event``, ``named`` of rules.person_facts, an exception's ``super().__init__``);
- a ``message=``/``reason=``/``detail=``/``hint=`` keyword of any call;
- a returned value, or the value of an assignment (``reason = "…"``, ``errors["x"] = "…"``,
  ``message = "…"`` of an exception class, a module constant), also inside the tuples, lists,
  dicts, dict comprehensions, ``a if c else b``, ``a or b``, ``a + b`` and ``{…}.get(k)`` that
  hold it; and the literals a ``for`` loop walks (``for label, rate in (("单位费率", …), …)``).
Strings already inside a gettext call pybabel extracts, docstrings, and the CLI's and demo
data's texts are not messages. An f-string becomes a template: each ``{expression}`` a named
``%(name)s`` placeholder (the name taken from the expression), a literal ``%`` doubled.
"""
import ast
import re
from pathlib import Path

HAN = re.compile(r"[\u4e00-\u9fff]")
ROOTS = ("rules", "app", "views")
SKIPPED = ("app/demo/", "app/cli/", "views/domain_messages.py", "views/rule_messages.py",
           "views/fab_messages.py", "views/message_sources.py")
GETTEXT = {"_", "_l", "N_", "gettext", "lazy_gettext", "ngettext", "lazy_ngettext"}
# ``gettext as __`` is translated when called, but pybabel is not told to extract it (babel.cfg,
# Makefile): its literals are declared here like the others.
GETTEXT_UNEXTRACTED = {"__"}
HANDING_ON = {"_hold", "_refuse_as", "progress", "append", "__init__", "record_event", "named"}
KEYWORDS = {"message", "reason", "detail", "hint"}
EXCEPTION_ROOTS = {"Exception", "ValueError", "LookupError", "KeyError", "PermissionError",
                   "RuntimeError"}


def source_files(base: Path) -> list[Path]:
    files = []
    for root in ROOTS:
        for path in sorted((base / root).rglob("*.py")):
            relative = path.relative_to(base).as_posix()
            if not relative.startswith(SKIPPED) and relative not in SKIPPED:
                files.append(path)
    return files


def _call_name(node) -> str | None:
    func = node.func
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)


def exception_classes(trees) -> set[str]:
    """Every class of the scanned files that derives, at any depth, from an exception."""
    bases = {}
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                bases[node.name] = {b.id if isinstance(b, ast.Name) else getattr(b, "attr", "")
                                    for b in node.bases}
    found, grown = set(), True
    while grown:
        grown = False
        for name, parents in bases.items():
            if name not in found and parents & (EXCEPTION_ROOTS | found):
                found.add(name)
                grown = True
    return found


def _placeholder_name(expr) -> str:
    if isinstance(expr, ast.Name):
        name = expr.id
    elif isinstance(expr, ast.Attribute):
        name = expr.attr
    elif isinstance(expr, ast.Call):
        # '、'.join(missing) → missing, len(bad) → bad, label(month) → label
        generic = _call_name(expr) in {"join", "len", "str", "int", "sorted", "list"}
        name = _placeholder_name(expr.args[0]) if generic and expr.args else \
            _placeholder_name(expr.func)
    elif isinstance(expr, ast.Subscript):
        name = _placeholder_name(expr.value)
    elif isinstance(expr, ast.BinOp):
        name = _placeholder_name(expr.left)
    else:
        name = "value"
    return re.sub(r"\W", "", name).strip("_").lower() or "value"


def template_of(node) -> str | None:
    """The message id of a literal or f-string holding Chinese; None for anything else."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value if HAN.search(node.value) else None
    if not isinstance(node, ast.JoinedStr):
        return None
    parts = [v for v in node.values if isinstance(v, ast.Constant)]
    if not any(HAN.search(p.value) for p in parts):
        return None
    names, text = {}, []
    for value in node.values:
        if isinstance(value, ast.Constant):
            text.append(value.value.replace("%", "%%"))
            continue
        source = ast.unparse(value.value)
        if source not in names:
            base, n = _placeholder_name(value.value), 1
            name = base
            while name in names.values():
                n += 1
                name = f"{base}_{n}"
            names[source] = name
        text.append(f"%({names[source]})s")
    return "".join(text)


def _held(node):
    """The string nodes a value holds: itself, or inside its containers and alternatives."""
    if isinstance(node, (ast.Constant, ast.JoinedStr)):
        yield node
    elif isinstance(node, (ast.Tuple, ast.List)):
        for element in node.elts:
            yield from _held(element)
    elif isinstance(node, ast.Dict):
        for value in node.values:
            yield from _held(value)
    elif isinstance(node, ast.DictComp):
        yield from _held(node.value)
    elif isinstance(node, ast.IfExp):
        yield from _held(node.body)
        yield from _held(node.orelse)
    elif isinstance(node, ast.BoolOp):
        for value in node.values:
            yield from _held(value)
    elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        yield from _held(node.left)
        yield from _held(node.right)
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
            and node.func.attr == "get" and isinstance(node.func.value, ast.Dict):
        yield from _held(node.func.value)  # {"floor": "，低于保底线…"}.get(kind, "")


def messages_of(tree, exceptions: set[str]) -> list[tuple[int, str]]:
    """(line, template) of every message of one module, in source order."""
    found = []
    for node in ast.walk(tree):
        holders = []
        if isinstance(node, ast.Call):
            name = _call_name(node)
            if name in GETTEXT:
                continue
            if name in exceptions or name in HANDING_ON or name in GETTEXT_UNEXTRACTED:
                holders += node.args
            holders += [k.value for k in node.keywords if k.arg in KEYWORDS]
        elif isinstance(node, (ast.Return, ast.Assign, ast.AnnAssign, ast.AugAssign)) \
                and node.value is not None:
            holders.append(node.value)
        elif isinstance(node, ast.For):
            holders.append(node.iter)  # for label, rate in (("单位费率", unit), …)
        for holder in holders:
            for string in _held(holder):
                template = template_of(string)
                if template is not None:
                    found.append((string.lineno, string.col_offset, template))
    found.sort(key=lambda f: f[:2])
    return [(line, template) for line, _, template in found]


def collect(base: Path) -> list[tuple[str, list[str]]]:
    """(file, its templates in source order, each once) for every file with messages."""
    parsed = [(path, ast.parse(path.read_text(encoding="utf-8"))) for path in source_files(base)]
    exceptions = exception_classes(tree for _, tree in parsed)
    sections = []
    for path, tree in parsed:
        templates = list(dict.fromkeys(t for _, t in messages_of(tree, exceptions)))
        if templates:
            sections.append((path.relative_to(base).as_posix(), templates))
    return sections
