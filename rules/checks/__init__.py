"""The registry checks of the businesses, one module per business family.

Two kinds, both pure and both declared on a Business in rules/business.py:
- ``checks``: over the cleaned row alone, ``fn(row, today) -> {field: reason}``;
- ``registry_checks``: over the row and what the registry holds about its person (or unit),
  ``fn(row, facts, today) -> {field: reason}`` with ``facts`` a rules.person_facts.PersonFacts
  (a dict of the unit's current values for a unit business).
Rows come freshly cleaned (int months, date, Decimal) or as stored (JSON text); the readers in
``common`` take both.
"""
