"""Safe cells for every spreadsheet the product writes (CSV and XLSX).

Text typed by people (a project title, an action) is written to files that people
open in Excel. A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return
is read by spreadsheet programs as a formula, which can run commands or send the
sheet's data elsewhere. Such text is written with a leading apostrophe, the
spreadsheet convention for "this is text", so it shows as typed and never runs.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """The value as a spreadsheet should store it: dangerous text made inert."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(values):
    """A row of cells, each made safe; None becomes an empty cell."""
    return ["" if value is None else safe_cell(value) for value in values]
