"""Excel workbooks of the reports (xlsxwriter): numbers as numbers with formats, frozen headers.

One module per workbook: :mod:`~kzeval.reports.xlsx.agency` (the agency report: summary, block,
direction, indicator, act, automation and dispute sheets), :mod:`~kzeval.reports.xlsx.national`
(the ranking, the rollups with the tier chart, the readings' robustness); the shared formats,
sheet writer and page setup are in :mod:`~kzeval.reports.xlsx.sheet`.

Scores are written at full precision with the ``0.00`` format (what the forms print),
shares with ``0.0%``, changes with an explicit sign. Every table's header row is frozen,
columns have fixed widths and rows with wrapped text get a height for their line count
(neither Excel nor LibreOffice grows rows written by xlsxwriter on their own). Sheets print
on A4 landscape, one page wide, with the header row repeated.
"""

from kzeval.reports.xlsx.agency import write_agency_xlsx
from kzeval.reports.xlsx.national import write_national_xlsx

__all__ = ["write_agency_xlsx", "write_national_xlsx"]
