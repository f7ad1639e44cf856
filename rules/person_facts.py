"""What the registry holds about one person, as a declaration's checks see it (pure data).

app/declarations/person_facts.py loads these for the ID numbers of a declaration in a few
set-based queries; each business declares in the registry the checks it runs over
(cleaned row, facts) — rules/checks/. The same checks run in the wizard, the import, at submit
and again at approval, because the registry may change in between.

Tenancy: a check may compare a row with any fact, but may *name* a registered value only where
``facts.visible`` (the person is or was this unit's): ``named`` says it the right way.
"""
from dataclasses import dataclass, field
from datetime import date

OPEN_STATUSES = ("normal", "suspended")


@dataclass(frozen=True)
class Span:
    """One enrollment of the person at the declaring unit."""
    insurance: str  # 险种 code
    category: str  # active 在职 | retired 离退休
    status: str  # normal | suspended | ended
    start_month: int
    end_month: int | None = None
    reduce_reason: str | None = None  # change_reason code

    @property
    def open(self) -> bool:
        return self.end_month is None and self.status != "ended"


@dataclass(frozen=True)
class PersonFacts:
    id_number: str
    known: bool = False  # the registry holds this ID number
    name: str | None = None
    gender: str | None = None
    birth_date: date | None = None
    retirement_category: str | None = None
    nation: str | None = None
    phone: str | None = None
    address: str | None = None
    here: tuple = ()  # Spans at the declaring unit, open or ended
    elsewhere: frozenset = frozenset()  # 险种 codes open at other units (never which unit)
    retired: bool = False  # a retirement record exists
    paid_months: int = 0  # distinct months with a paid 养老 contribution, any unit
    unfinished: tuple = ()  # this unit's 流水号 of the same business still unfinished
    at_center: bool = False  # another unit's declaration of the business is under review
    extra: dict = field(default_factory=dict)

    @property
    def visible(self) -> bool:
        """The unit employs or employed this person: its clerks may read the registry's values."""
        return bool(self.here)

    def open_here(self, category: str | None = "active") -> list[Span]:
        return [s for s in self.here if s.open and category in (None, s.category)]

    def codes_here(self, category: str | None = "active") -> set[str]:
        return {s.insurance for s in self.open_here(category)}

    def ended_here(self) -> list[Span]:
        return [s for s in self.here if not s.open]

    def last_reduction(self) -> Span | None:
        ended = self.ended_here()
        return max(ended, key=lambda s: s.end_month or 0) if ended else None


def named(facts: PersonFacts, with_value: str, without: str) -> str:
    """``with_value`` (which names a registered value) for the unit's own people, else
    ``without``: a stranger's registered name, birth date or phone never reaches this unit."""
    return with_value if facts.visible else without
