"""What WPS and Excel habits put in a file, read without Flask: hidden and filtered rows (only
the sheet XML tells), a title row above the header, added columns, 险种 written as names."""
import random

import pytest

from app.batch.reader import read_batch
from rules.business import get as get_business
from rules.errors import RuleError
from rules.fields import Field, clean
from tests.batch_reader.workbooks import DATA_PART, c1_row, replace_part, template

RNG = random.Random(1107)
ROWS = [c1_row(RNG) for _ in range(4)]


def hide(*rows):
    def edit(ws):
        for r in rows:
            ws.row_dimensions[r].hidden = True
    return edit


def test_hidden_rows_are_skipped_and_counted():
    batch = read_batch(template("C1", ROWS, edit=hide(3, 5)), "C1")
    assert [row.number for row in batch.rows] == [2, 4]
    assert batch.hidden == 2


def test_a_hidden_blank_row_is_not_counted():
    batch = read_batch(template("C1", [ROWS[0], [None] * 15, ROWS[1]], edit=hide(3)), "C1")
    assert [row.number for row in batch.rows] == [2, 4] and batch.hidden == 0


@pytest.mark.parametrize("mark", ['hidden="1"', 'hidden="true"'])
def test_a_hidden_row_without_a_row_number_is_placed_by_position(mark):
    data = replace_part(template("C1", ROWS), DATA_PART,
                        lambda xml: xml.replace('<row r="4"', f"<row {mark}", 1))
    batch = read_batch(data, "C1")
    assert [row.number for row in batch.rows] == [2, 3, 5] and batch.hidden == 1


def test_hidden_false_is_shown():
    data = replace_part(template("C1", ROWS), DATA_PART,
                        lambda xml: xml.replace('<row r="4"', '<row r="4" hidden="0"', 1))
    batch = read_batch(data, "C1")
    assert [row.number for row in batch.rows] == [2, 3, 4, 5] and batch.hidden == 0


def test_a_hidden_attribute_elsewhere_is_no_hidden_row():
    """Only the <row> element's own attribute counts; text of a cell saying hidden="1" does not."""
    rows = [list(ROWS[0]), *ROWS[1:]]
    rows[0][7] = 'hidden="1"'  # 通讯地址
    batch = read_batch(template("C1", rows), "C1")
    assert [row.number for row in batch.rows] == [2, 3, 4, 5] and batch.hidden == 0


def test_a_filtered_sheet_with_a_title_row():
    labels = [f.label for f in get_business("C1").fields]
    batch = read_batch(template("C1", [labels, *ROWS], headers=["在职增员人员名单"],
                                edit=hide(4)), "C1")
    assert batch.header_row == 2
    assert [row.number for row in batch.rows] == [3, 5, 6] and batch.hidden == 1


@pytest.mark.parametrize("typed, codes", [
    ("养老,医疗", "110,310"),
    ("养老保险、医疗保险", "110,310"),
    ("养老，失业，医疗", "110,210,310"),  # full-width commas
    ("企业职工基本养老保险；职工基本医疗保险", "110,310"),
    ("工伤 生育", "410,510"),
    ("110/210", "110,210"),
    ("医保,110", "110,310"),
])
def test_insurances_by_name_become_codes(typed, codes):
    assert clean(Field("insurances", "参保险种", "insurances"), typed) == codes


@pytest.mark.parametrize("typed", ["养", "大病保险", "养老,xyz", "，、"])
def test_unknown_insurance_names_are_refused(typed):
    with pytest.raises(RuleError, match="参保险种无效"):
        clean(Field("insurances", "参保险种", "insurances"), typed)
