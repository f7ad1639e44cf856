"""The person picker of the businesses on people this unit has reduced (C9 减员原因变更, C10
中断转退休), mixed into DeclarationWizard: the dropdown of the unit's reduced people and, on the
entry and 核对 pages, the picked person's 性别, 出生日期, 减员年月 and current 减员原因, read-only
(app/declarations/reduced_people.py; templates/declaration/_reduced_person.html)."""
from flask import g

from app.declarations import reduced_people
from app.declarations.choices import FIXED
from rules.months import month_label

REDUCED = "reduced"  # Business.person_source


class ReducedPersonSteps:
    def reduced_picker(self) -> list[dict] | None:
        """The unit's reduced people with their facts, read once per request (the form's
        dropdown and the page's facts use the same list); None: too many, the number is typed."""
        if self.business.person_source != REDUCED:
            return None
        if "reduced_picker" not in g:
            people = reduced_people.picker(g.user.unit_id)
            g.reduced_picker = None if people is None else [self._shown(p) for p in people]
        return g.reduced_picker

    def reduced_choices(self) -> dict[str, str] | None:
        """ID number → label for the ID dropdown."""
        people = self.reduced_picker()
        if people is None:
            return None
        return {p["id_number"]: f"{p['name']}（{p['id_number']}）" for p in people}

    def reduced_person(self, id_number) -> dict | None:
        """The facts of one of the unit's reduced people, shown beside the form and on 核对."""
        if self.business.person_source != REDUCED or not id_number:
            return None
        found = reduced_people.facts_of(g.user.unit_id, id_number)
        return self._shown(found) if found else None

    @staticmethod
    def _shown(person: dict) -> dict:
        month = person["end_month"]
        return {**person, "gender": FIXED["gender"].get(person["gender"], person["gender"]),
                "end_month": month_label(month or None)}
