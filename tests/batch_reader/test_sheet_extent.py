"""The used area of a sheet as calamine would allocate it, measured from the XML in chunks
(app.batch.sheet_extent): exact where a cell lies outside the box known so far, whichever chunk
holds it, and cheap inside it."""
import pytest

from app.batch.sheet_extent import Extent, ExtentReader, column_letters, column_number


def cell(reference: str, value: bool = True) -> str:
    return f'<c r="{reference}" t="inlineStr"><is><t>x</t></is></c>' if value \
        else f'<c r="{reference}" s="1"/>'


def rows(first: int, last: int, columns: str = "ABCDEFGHIJKLMNO") -> str:
    return "".join(f'<row r="{n}">' + "".join(cell(f"{c}{n}") for c in columns) + "</row>"
                   for n in range(first, last + 1))


def measured(*pieces: str, exact: bool = False) -> Extent:
    extent = Extent()
    reader = ExtentReader(b"", extent, exact)
    for piece in pieces:
        reader.feed(piece.encode())
    return extent


def test_a_plain_sheet_is_measured_in_chunks_with_a_bound_only_where_nothing_grows():
    extent = measured(rows(1, 1200), rows(1201, 5000), rows(5001, 10001))
    assert (extent.rows, extent.columns) == (10001, 15)
    assert extent.rows_bound == 9999  # the middle chunk: four-digit rows, not read one by one
    assert extent.cells_bound == 10001 * 15


@pytest.mark.parametrize("hidden, rows_, columns", [
    (cell("A1048576"), 1048576, 15),  # a row far down inside row 3000
    (cell("XFD3000"), 5000, 16384),
    (cell("Z3000"), 5000, 26),
    (cell("AA3000"), 5000, 27),
    ('<c t="inlineStr"><is><t>x</t></is></c>' * 20, 5000, 35),  # r-less: by position
])
def test_a_cell_outside_the_box_is_found_in_any_chunk(hidden, rows_, columns):
    middle = rows(1201, 2999) + f'<row r="3000">{cell("A3000")}{cell("O3000")}{hidden}</row>' \
        + rows(3001, 5000)
    extent = measured(rows(1, 1200), middle)
    assert (max(extent.rows, extent.rows_bound), extent.columns) == (rows_, columns)


def test_styled_empty_cells_do_not_count_but_an_empty_inline_text_does():
    styled = measured(rows(1, 20), f'<row r="21">{cell("XFD1048576", value=False)}</row>')
    assert (styled.rows, styled.columns) == (20, 15)
    empty = measured(rows(1, 20), '<row r="21"><c r="XFD21" t="inlineStr"><is/></c></row>')
    assert (empty.rows, empty.columns) == (21, 16384)


def test_rows_without_r_follow_the_last_row_with_one():
    last = '<row><c t="inlineStr"><is><t>x</t></is></c></row>'
    extent = measured(rows(1, 1200), "<row/>" * 5000 + last)
    assert extent.rows == 6201


def test_the_exact_reading_has_no_bound():
    extent = measured(rows(1, 1200), rows(1201, 5000), exact=True)
    assert (extent.rows, extent.rows_bound) == (5000, 0)


def test_column_letters_and_numbers():
    for number, letters in ((1, "A"), (15, "O"), (26, "Z"), (27, "AA"), (16384, "XFD")):
        assert column_letters(number) == letters and column_number(letters) == number


def test_a_bound_too_large_to_tell_is_measured_again_exactly():
    from app.batch.errors import BatchFileError
    from app.batch.template_checks import check_extent
    from rules.business import get

    c1, bounded = get("C1"), Extent(rows=50, columns=15, rows_bound=9999)
    asked = []
    check_extent(bounded, c1, 100, lambda: asked.append(1) or Extent(rows=50, columns=15))
    assert asked == [1]  # 9,999 x 15 might exceed 101 x 31: read again, 50 x 15 does not
    with pytest.raises(BatchFileError) as refused:
        check_extent(bounded, c1, 100, lambda: Extent(rows=5000, columns=15))
    assert refused.value.reason == "extent" and "第5000行、O列" in refused.value.message
