"""Writing and checking the generated lists of messages for pybabel (views/rule_messages.py from
the registries, views/domain_messages.py from the source): one block between the BEGIN/END
GENERATED markers of a module, as ``lazy_gettext("…")`` literals grouped by where they come from."""
import re
import sys
from pathlib import Path

BLOCK = re.compile(r"^(# BEGIN GENERATED[^\n]*\n).*?^(# END GENERATED\n)", re.S | re.M)


def block(name: str, sections) -> str:
    """``NAME = (…)`` of every text, each section under a comment naming its source."""
    lines = [f"{name} = ("]
    for source, texts in sections:
        if texts:
            lines.append(f"    # {source}")
            lines += [f"    lazy_gettext({_literal(text)})," for text in texts]
    lines.append(")")
    return "\n".join(lines) + "\n"


def _literal(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def write_or_check(path: Path, name: str, sections, declared: list[str], argv) -> int:
    """``--write``: the module's block made anew from ``sections``. Else: 0 when what the module
    declares is what the sections hold, 1 with the difference printed."""
    expected = [text for _, texts in sections for text in texts]
    if "--write" in argv:
        source = path.read_text(encoding="utf-8")
        path.write_text(BLOCK.sub(lambda m: m.group(1) + block(name, sections) + m.group(2),
                                  source, count=1), encoding="utf-8")
        print(f"{path}: {len(expected)} messages")
        return 0
    if expected == declared:
        print(f"{name} matches its sources ({len(expected)} messages)")
        return 0
    for text in expected:
        if text not in declared:
            print(f"missing: {text}")
    for text in declared:
        if text not in expected:
            print(f"stale: {text}")
    if set(expected) == set(declared):
        print("same messages, different order")
    print(f"{name} is out of date: python -m {path.parent.name}.{path.stem} --write",
          file=sys.stderr)
    return 1
