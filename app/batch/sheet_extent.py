"""How large a grid calamine would build for a sheet, judged from the sheet XML before calamine
sees it. python-calamine allocates the whole dense rectangle of the cells it keeps (about 32 bytes
a cell): one cell at XFD2000 costs ~1 GB, one at XFD100000 ~52 GB and the process aborts. So the
streaming pass (app.batch.sheet_scan) feeds each chunk of the sheet's <sheetData> here and
learns the highest row and column of any cell calamine might keep.

What enlarges calamine's grid, found by experiment (python-calamine 0.9.1): a cell with a value
(<v>…</v>, inline text, even an empty <is/>). What does not: self-closing styled cells
(<c r="XFD5" s="1"/>), rows with a style only, the <dimension> element (a lying A1:XFD1048576
reserves nothing), merged ranges. We count every cell that is not self-closing (a formula without
a result, an empty <c …></c>) too: a little stricter than calamine, never looser.

Cells and rows without an r="…" attribute are placed by position (the next column, the next row),
as calamine places them; such sheets take a slower exact path, chunk by chunk.

Speed: a 10,000-row sheet is 150,000 cells, too many to take apart one by one in Python (that
would double the import's scan). A chunk is first mapped (bytes.translate) so that every cell
reference inside the box known so far reads <c r="A0…: then two counts and one search prove that
all its cells lie in that box, and the rows only get a bound (fewer than 10^digits). Only a chunk
with a cell outside the box (the first one, the one where rows gain a digit, a hostile one) has
its cell references read. ``rows_bound`` keeps that bound; when it matters (the bound exceeds
what is allowed), the judge has the sheet read again exactly (``exact=True``).
"""
import re
from dataclasses import dataclass


@dataclass
class Extent:
    rows: int = 0  # the highest Excel row (1-based) of a cell calamine may keep; 0: none
    columns: int = 0  # the highest column (1-based) of such a cell
    merged: int = 0  # <mergeCell> elements
    row_position: int = 0  # calamine's current row (1-based) after what was fed: for r-less rows
    rows_bound: int = 0  # rows of chunks only bounded (fast path), not read exactly
    part: str = ""  # the sheet's part in the zip

    @property
    def cells(self) -> int:
        """The grid calamine would build at most (it starts at the first used cell, we at A1)."""
        return self.rows * self.columns

    @property
    def cells_bound(self) -> int:
        return max(self.rows, self.rows_bound) * self.columns


class ExtentReader:
    """Feeds chunks of one sheet's XML (cut at row starts) into an ``Extent``."""

    def __init__(self, prefix: bytes, extent: Extent, exact: bool = False):
        p = re.escape(prefix)
        self.extent, self.exact = extent, exact
        self.digits = 0  # every kept cell so far has a row of at most this many digits
        self.row_tag = b"<" + prefix + b"row"
        self.cell, self.cell_with_ref = b"<" + prefix + b"c", b"<" + prefix + b'c r="'
        self.col = b"<" + prefix + b"col"  # <cols>/<col> before <sheetData> start with <c too
        # The fast path: every cell starts <c r="…" (Excel, openpyxl and the others we know).
        self.kept_cell = re.compile(rb"<" + p + rb'c r="([A-Z]+)(\d+)"[^>]*(?<!/)>')
        self.row_ref = re.compile(rb"<" + p + rb'row\b(?:[^>]*?\sr="(\d+)")?')
        # The exact path: any cell, its attributes and whether it closes itself.
        self.any_cell = re.compile(rb"<" + p + rb"c(?=[\s/>])([^>]*?)(/?)>")
        self.reference = re.compile(rb'(?:^|\s)r="([A-Z]+)(\d+)"')
        self.merge_tag = b"<" + prefix + b"mergeCell "
        self.in_box = b"<" + prefix + b'c r="A0'  # a cell reference inside the box, mapped
        self.tables = {}

    def feed(self, buffer: bytes) -> None:
        """One piece of <sheetData> holding whole rows."""
        if not self.exact and self._inside_box(buffer):
            self.extent.rows_bound = max(self.extent.rows_bound, 10 ** self.digits - 1)
            self._advance_rows_cheaply(buffer)
        else:
            self._feed_cells(buffer)
            self.digits = max(self.digits, len(str(self.extent.rows)))

    def _inside_box(self, buffer: bytes) -> bool:
        """Whether every cell of the chunk has an r="…" within the columns known so far and a
        row of at most ``digits`` digits (self-closing cells too: stricter, never looser)."""
        columns = self.extent.columns
        if not (self.digits and 0 < columns <= 26):
            return False
        table = self.tables.get(columns)
        if table is None:  # letters up to the last known column -> A, past it -> Z; digits -> 0
            table = self.tables[columns] = bytes.maketrans(
                b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
                b"A" * columns + b"Z" * (26 - columns) + b"0" * 10)
        mapped = buffer.translate(table)
        return (mapped.count(self.cell) == mapped.count(self.in_box)
                and mapped.find(self.in_box + b"0" * self.digits) < 0)

    def _advance_rows_cheaply(self, buffer: bytes) -> None:
        last_row = buffer.rfind(self.row_tag)
        found = self.row_ref.match(buffer, last_row) if last_row >= 0 else None
        if found and found.group(1):
            self.extent.row_position = int(found.group(1))
        else:
            self._advance_rows(self.row_ref.findall(buffer))

    def _feed_cells(self, buffer: bytes) -> None:
        if buffer.count(self.cell) != buffer.count(self.cell_with_ref) + buffer.count(self.col):
            self._feed_exactly(buffer)  # a cell without r="…" first: placed by position (or a
            return  # <c…> tag that is no cell, as <color> in rich text: read exactly then too)
        kept = self.kept_cell.findall(buffer)
        if kept:
            extent = self.extent
            letters, rows = zip(*kept)
            extent.rows = max(extent.rows, max(map(int, set(rows))))
            extent.columns = max(extent.columns, max(map(column_number, set(letters))))
        self._advance_rows_cheaply(buffer)

    def _advance_rows(self, references: list) -> None:
        """calamine's row position after these <row> tags: the last r="…", plus one per row
        without one after it."""
        for back, reference in enumerate(reversed(references)):
            if reference:
                self.extent.row_position = int(reference) + back
                return
        self.extent.row_position += len(references)

    def _feed_exactly(self, buffer: bytes) -> None:
        extent = self.extent
        for row in buffer.split(self.row_tag)[1:]:
            reference = self.row_ref.match(self.row_tag + row)
            row_number = (int(reference.group(1)) if reference and reference.group(1)
                          else extent.row_position + 1)
            extent.row_position, column = row_number, 0
            for cell in self.any_cell.finditer(row):
                attributes, closed = cell.groups()
                found = self.reference.search(attributes)
                if found:
                    column, number = column_number(found.group(1)), int(found.group(2))
                else:
                    column, number = column + 1, row_number
                if not closed:
                    extent.rows, extent.columns = (max(extent.rows, number),
                                                   max(extent.columns, column))

    def count_merged(self, stream, rest: bytes, chunk_size: int) -> None:
        """Counts <mergeCell> elements in what follows </sheetData>, reading the stream to its end
        (a tag cut between two chunks is counted once: the carried tail is shorter than it)."""
        keep = len(self.merge_tag) - 1
        while True:
            self.extent.merged += rest.count(self.merge_tag)
            chunk = stream.read(chunk_size)
            if not chunk:
                return
            rest = rest[-keep:] + chunk


def column_number(letters: bytes | str) -> int:
    """A1-style column letters to a 1-based number (A 1, Z 26, XFD 16384)."""
    number = 0
    for letter in letters.decode() if isinstance(letters, bytes) else letters:
        number = number * 26 + ord(letter.upper()) - 64
    return number


def column_letters(number: int) -> str:
    """A 1-based column number to its A1-style letters (1 A, 26 Z, 16384 XFD)."""
    letters = ""
    while number > 0:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters
