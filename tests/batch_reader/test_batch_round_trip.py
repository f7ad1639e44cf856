"""Property: any valid set of 在职增员 rows written with openpyxl, in any of the ways Excel users
write them (text, date cells, numbers), reads back as the same values."""
from datetime import date
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.iso7064 import mod_11_2

from app.batch import read_batch
from rules.business import BUSINESSES
from rules.fields import INSURANCE_CODES
from rules.id_number import normalize
from tests.batch_reader.workbooks import GIVEN, SURNAMES, excel_style, template

NAMES = [f.name for f in BUSINESSES["C1"].fields]


@st.composite
def id_numbers(draw):
    born = draw(st.dates(date(1950, 1, 1), date(2008, 12, 31)))
    region = draw(st.sampled_from(["110105", "370102", "440305", "650102"]))
    body = f"{region}{born:%Y%m%d}{draw(st.integers(0, 999)):03d}"
    return body + mod_11_2.calc_check_digit(body)


@st.composite
def dates_as_written(draw):
    day = draw(st.dates(date(1950, 1, 1), date(2008, 12, 31)))
    cell = draw(st.sampled_from([day, day.isoformat(), f"{day.year}/{day.month}/{day.day}",
                                 f"{day.year}年{day.month}月{day.day}日", f"{day:%Y%m%d}"]))
    return cell, day.isoformat()


@st.composite
def months_as_written(draw):
    year, month = draw(st.integers(1990, 2030)), draw(st.integers(1, 12))
    cell = draw(st.sampled_from([f"{year}-{month:02d}", f"{year}/{month}", f"{year}年{month}月",
                                 date(year, month, 1), year * 100 + month, f"{year}{month:02d}"]))
    return cell, f"{year}-{month:02d}"


@st.composite
def rows(draw):
    number = draw(id_numbers())
    name = draw(st.text(SURNAMES + GIVEN + "·", min_size=1, max_size=6).filter(
        lambda s: s.strip("·")))
    born, born_read = draw(dates_as_written())
    month, month_read = draw(months_as_written())
    wage = draw(st.decimals(0, 99_999, places=2))
    insurances = ",".join(sorted(draw(st.sets(st.sampled_from(sorted(INSURANCE_CODES)),
                                              min_size=1))))
    spaced = draw(st.booleans())
    cells = [number, f"  {name}\u3000" if spaced else name, "女", born, "01", "female55",
             "13912345678", None, "01", "01", "11", month, insurances,
             float(wage) if draw(st.booleans()) else str(wage), "是", None, None, None]
    expected = dict(zip(NAMES, [number, name, "女", born_read, "01", "female55", "13912345678",
                                None, "01", "01", "11", month_read, insurances, wage, "是",
                                None, None, None],
                        strict=True))
    return cells, expected


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(rows(), st.integers(0, 2)), min_size=1, max_size=8), st.booleans())
def test_valid_rows_read_back_equal(written, saved_by_excel):
    cells, expected_rows, numbers, number = [], [], [], 2
    for (row, expected), blanks_before in written:
        cells += [[None] * len(NAMES)] * blanks_before
        number += blanks_before
        cells.append(row)
        expected_rows.append(expected)
        numbers.append(number)
        number += 1
    data = template("C1", cells)
    batch = read_batch(excel_style(data) if saved_by_excel else data, "C1")
    assert [r.number for r in batch.rows] == numbers
    for row, expected in zip(batch.rows, expected_rows, strict=True):
        assert row.problems == {}
        assert Decimal(row.values["wage"]) == expected["wage"]
        assert {**row.values, "wage": None} == {**expected, "wage": None}
        assert normalize(row.values["id_number"]) == expected["id_number"]
