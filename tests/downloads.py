"""What a download gives the user, read the way a spreadsheet program reads it: every cell of a CSV or of every
sheet of a workbook, with the type the program gives it."""

import csv
import io
from dataclasses import dataclass
from typing import Any

from openpyxl import load_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"
# What makes Excel, LibreOffice or Google Sheets read a cell as a formula (OWASP "CSV injection"), and the
# full-width forms an East Asian input method types.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


@dataclass(frozen=True)
class Cell:
    where: str
    value: Any
    data_type: str  # openpyxl's: "s" text, "n" number, "d" date, "f" formula, "e" error; "csv" for a CSV field


@dataclass(frozen=True)
class Download:
    kind: str  # "xlsx" or "csv"
    data: bytes

    def sheets(self) -> dict[str, list[list[Cell]]]:
        """Sheet name -> rows of cells; a CSV is one sheet named "csv"."""
        if self.kind == "xlsx":
            workbook = load_workbook(io.BytesIO(self.data))  # not read-only: formulas stay formulas
            return {
                sheet.title: [
                    [Cell(f"{sheet.title}!{cell.coordinate}", cell.value, cell.data_type) for cell in row]
                    for row in sheet.iter_rows()
                ]
                for sheet in workbook.worksheets
            }
        reader = csv.reader(io.StringIO(self.data.decode("utf-8-sig"), newline=""), delimiter=";")
        return {"csv": [[Cell(f"{r}:{c}", v, "csv") for c, v in enumerate(row, 1)] for r, row in enumerate(reader, 1)]}

    def rows(self, sheet: int = 0) -> list[list]:
        """The values of one sheet (or of the CSV)."""
        return [[cell.value for cell in row] for row in list(self.sheets().values())[sheet]]

    def cells(self) -> list[Cell]:
        return [cell for rows in self.sheets().values() for row in rows for cell in row if cell.value not in (None, "")]

    def runnable(self) -> list[Cell]:
        """Cells a spreadsheet program would run: formulas, and text that starts like one (even after spaces)."""
        return [
            cell
            for cell in self.cells()
            if cell.data_type == "f"
            or (isinstance(cell.value, str) and cell.value.lstrip(" ").startswith(FORMULA_STARTS))
        ]


def download(response) -> Download:
    """A download as the browser saves it: 200, an attachment, a spreadsheet the program can open."""
    assert response.status_code == 200, response.status_code
    assert response["Content-Disposition"].startswith("attachment;"), response.get("Content-Disposition")
    data = b"".join(response.streaming_content) if response.streaming else response.content
    if response["Content-Type"] == XLSX:
        assert response["Content-Disposition"].endswith('.xlsx"'), response["Content-Disposition"]
        result = Download("xlsx", data)
    else:
        assert response["Content-Type"] == CSV, response["Content-Type"]
        assert response["Content-Disposition"].endswith('.csv"'), response["Content-Disposition"]
        assert data.startswith("\ufeff".encode()), "a CSV starts with the BOM Excel needs to read UTF-8"
        result = Download("csv", data)
    assert result.rows(), "the file has at least its header"
    return result
