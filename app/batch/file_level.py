"""Refusals of a whole file said once. The declaration guards (app/declarations/guards.py) answer
row by row; when a guard refuses every row of a file for the same reason (the year already
declared, the declaration window closed, the rows' 申报年度 not agreeing) the reason is the
file's, and 5,000 copies of it hide what to do. And when the rows disagree on a value that must
be one for the whole declaration, the few rows that differ from the clear majority are the ones
at fault: they fail alone, and the rest is judged again without them.
"""
from collections import Counter

# A reason about the person of each row stays on each row even when every row has it: the rows
# then name the people, as "未找到该人员" must.
PERSONAL_FIELDS = frozenset({"id_number", "name"})


def whole_file_refusals(judge, payloads: list, labels: dict):
    """(row index → (field, reason), [(file-level reason, row indexes it refuses)]).
    ``judge(payloads)`` is the declaration's guards: row index → (field, reason)."""
    refusals = judge(payloads)
    shared = _shared(refusals, len(payloads))
    if shared is None:
        return refusals, []
    field, reason = shared
    majority = _majority(payloads, field)
    if majority is None:
        return {}, [(reason, list(range(len(payloads))))]
    label = labels.get(field, field)
    odd = {i: (field, f"{label}{p.get(field)}与本文件其他行（{majority}）不一致")
           for i, p in enumerate(payloads) if p.get(field) != majority}
    rest = [i for i in range(len(payloads)) if i not in odd]
    again = judge([payloads[i] for i in rest])
    if _shared(again, len(rest)) == shared:  # the disagreement was not the cause
        return {}, [(reason, list(range(len(payloads))))]
    shared = _shared(again, len(rest))
    if shared is not None:
        return odd, [(shared[1], rest)]
    return {**odd, **{rest[j]: found for j, found in again.items()}}, []


def _shared(refusals: dict, rows: int):
    """(field, reason) when every one of several rows is refused for it, else None."""
    if rows < 2 or len(refusals) != rows:
        return None
    verdicts = set(refusals.values())
    if len(verdicts) != 1:
        return None
    verdict = verdicts.pop()
    return None if verdict[0] in PERSONAL_FIELDS else verdict


def _majority(payloads: list, field: str):
    """The value more than half the rows give ``field`` when some rows give another, else None."""
    try:
        counts = Counter(p.get(field) for p in payloads).most_common(2)
    except TypeError:  # a value that cannot be counted is no value to agree on
        return None
    if len(counts) < 2 or counts[0][0] is None or counts[0][1] * 2 <= len(payloads):
        return None
    return counts[0][0]
