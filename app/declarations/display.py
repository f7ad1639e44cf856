"""What a payload says, as (label, value) pairs in the registry's field order, codes shown by
name: the one way the wizard, the back office and the status pages show declared facts."""
from flask_babel import gettext


def facts(business, payload: dict, choices: dict) -> list[tuple[str, object]]:
    rows = []
    for f in business.fields:
        value = (payload or {}).get(f.name)
        if f.kind == "choice" and value is not None:
            value = choices.get(f.source, {}).get(value, value)
        elif f.kind == "flag":
            value = gettext("是") if value else gettext("否")
        elif f.kind == "month" and value:
            value = f"{str(value)[:4]}-{str(value)[4:6]}"
        rows.append((f.label, "" if value is None else value))
    return rows
