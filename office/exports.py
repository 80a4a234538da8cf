"""Downloads shared by every register: CSV and Excel exports, file names in Chinese."""

import csv
import datetime
from io import BytesIO
from urllib.parse import quote

from django.http import HttpResponse, StreamingHttpResponse


def disposition(filename: str, inline: bool = False) -> str:
    """RFC 6266 Content-Disposition for a Chinese file name."""
    return f"{'inline' if inline else 'attachment'}; filename*=UTF-8''{quote(filename)}"


def file_response(content: bytes, filename: str, content_type: str, inline: bool = False) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = disposition(filename, inline)
    return response


def pdf_response(content: bytes, filename: str, inline: bool = False) -> HttpResponse:
    return file_response(content, filename, "application/pdf", inline)


def safe_cell(value):
    """A cell value: dates kept, None empty, and text a spreadsheet would run as a
    formula (= + - @) kept as text."""
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


class _Echo:
    def write(self, value):
        return value


def csv_response(filename: str, header: list[str], rows) -> StreamingHttpResponse:
    """Rows streamed as CSV for Excel: UTF-8 with a BOM, dates as 2026-12-01."""

    def lines():
        writer = csv.writer(_Echo())
        yield "\ufeff" + writer.writerow(header)  # the BOM: Excel then reads UTF-8
        for row in rows:
            yield writer.writerow([f"{v:%Y-%m-%d}" if isinstance(v, datetime.date) else safe_cell(v) for v in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = disposition(filename)
    return response


def xlsx_response(filename: str, sheet_title: str, header: list[str], rows, widths: list[int] | None = None) -> HttpResponse:
    """Rows as an Excel workbook, written row by row (write-only: memory stays flat)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title[:31])
    for index, width in enumerate(widths or [], start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    bold, fill, centre = Font(bold=True), PatternFill("solid", fgColor="EEF1F5"), Alignment(horizontal="center")
    cells = []
    for name in header:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font, cell.fill, cell.alignment = bold, fill, centre
        cells.append(cell)
    sheet.append(cells)
    for row in rows:
        line = []
        for value in row:
            if isinstance(value, datetime.date):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = "yyyy-mm-dd"
                line.append(cell)
            else:
                line.append(safe_cell(value))
        sheet.append(line)
    buffer = BytesIO()
    workbook.save(buffer)
    return file_response(buffer.getvalue(), filename, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
