"""What an approval changes, per business (the registry names these by ``Business.effect``).

Each effect gets the declaration and its approved items and runs inside the approving
transaction; it must not commit. One module per business family, named after it: enrollment
(增员, 减员, 险种增减, 减员原因变更), bases (工资申报, 撤销, 补缴), changes (unit and person facts),
retirement, medical.
"""
EFFECTS = {}


def effect(name):
    def register(fn):
        EFFECTS[name] = fn
        return fn
    return register


def apply(business, declaration, items) -> None:
    if items or business.subject == "unit":
        EFFECTS[business.effect](declaration, items)


# The families register their effects on import.
from app.declarations.effects import bases, changes, enrollment, medical, retirement  # noqa: E402,F401
