import itertools

import pytest

from rules import bill_status as bs

LEGAL = {
    (bs.UNPAID, bs.PAYING), (bs.PAYING, bs.PAID), (bs.PAYING, bs.FAILED),
    (bs.PAYING, bs.UNPAID), (bs.FAILED, bs.PAYING), (bs.FAILED, bs.UNPAID),
    (bs.UNPAID, bs.VOID), (bs.FAILED, bs.VOID),
}
STATUSES = [bs.UNPAID, bs.PAYING, bs.PAID, bs.FAILED, bs.VOID]


def test_db_values_and_names():
    assert bs.STATUS_NAMES == {"unpaid": "未支付", "paying": "支付中", "paid": "已支付",
                               "failed": "支付失败", "void": "已作废"}


@pytest.mark.parametrize("source,target", sorted(LEGAL))
def test_every_legal_transition(source, target):
    t = bs.check(source, target)
    assert (t.source, t.target) == (source, target)
    assert bs.can(source, target)


ILLEGAL = [pair for pair in itertools.product(STATUSES, STATUSES) if pair not in LEGAL]


@pytest.mark.parametrize("source,target", ILLEGAL)
def test_every_other_move_is_refused_with_words(source, target):
    assert not bs.can(source, target)
    with pytest.raises(bs.IllegalBillTransition) as error:
        bs.check(source, target)
    assert bs.STATUS_NAMES[source] in str(error.value)
    assert bs.STATUS_NAMES[target] in str(error.value)


def test_paid_and_void_are_final():
    assert bs.targets(bs.PAID) == [] and bs.targets(bs.VOID) == []
    assert set(bs.targets(bs.FAILED)) == {bs.PAYING, bs.UNPAID, bs.VOID}


def test_unknown_status_is_refused():
    with pytest.raises(bs.IllegalBillTransition, match="未知"):
        bs.check("paid", "refunded")
    assert isinstance(bs.IllegalBillTransition(), ValueError)


def test_labels():
    assert bs.check(bs.PAYING, bs.UNPAID).label == "放弃支付"
    assert bs.check(bs.FAILED, bs.PAYING).label == "重新支付"
    assert bs.name_of("paying") == "支付中"
