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
"""
import re
from dataclasses import dataclass


@dataclass
class Extent:
    rows: int = 0  # the highest Excel row (1-based) of a cell calamine may keep; 0: none
    columns: int = 0  # the highest column (1-based) of such a cell
    merged: int = 0  # <mergeCell> elements
    row_position: int = 0  # calamine's current row (1-based) after what was fed: for r-less rows

    @property
    def cells(self) -> int:
        """The grid calamine would build at most (it starts at the first used cell, we at A1)."""
        return self.rows * self.columns


class ExtentReader:
    """Feeds chunks of one sheet's XML (cut at row starts) into an ``Extent``."""

    def __init__(self, prefix: bytes, extent: Extent):
        p = re.escape(prefix)
        self.extent = extent
        self.row_tag = b"<" + prefix + b"row"
        self.cell, self.cell_with_ref = b"<" + prefix + b"c ", b"<" + prefix + b'c r="'
        self.bare_cells = (b"<" + prefix + b"c>", b"<" + prefix + b"c/>")
        # The fast path: every cell starts <c r="…" (Excel, openpyxl and the others we know).
        self.kept_cell = re.compile(rb"<" + p + rb'c r="([A-Z]+)(\d+)"[^>]*(?<!/)>')
        self.row_ref = re.compile(rb"<" + p + rb'row\b(?:[^>]*?\sr="(\d+)")?')
        # The exact path: any cell, its attributes and whether it closes itself.
        self.any_cell = re.compile(rb"<" + p + rb"c(?=[\s/>])([^>]*?)(/?)>")
        self.reference = re.compile(rb'(?:^|\s)r="([A-Z]+)(\d+)"')
        self.merge_tag = b"<" + prefix + b"mergeCell "

    def feed(self, buffer: bytes) -> None:
        """One piece of <sheetData> holding whole rows."""
        if (buffer.count(self.cell) != buffer.count(self.cell_with_ref)
                or any(bare in buffer for bare in self.bare_cells)):
            self._feed_exactly(buffer)  # a cell without r="…" first: placed by position
            return
        kept = self.kept_cell.findall(buffer)
        if kept:
            extent = self.extent
            letters, rows = zip(*kept)
            extent.rows = max(extent.rows, max(map(int, set(rows))))
            extent.columns = max(extent.columns, max(map(column_number, set(letters))))
        self._advance_rows(self.row_ref.findall(buffer))

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
