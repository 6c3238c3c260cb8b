"""The HTML report: one self-contained file with matplotlib plots.

:func:`write_report` picks the sessions and writes the page; the plots
are in :mod:`coach.report.plots`, the page pieces in
:mod:`coach.report.html`, the assembly in :mod:`coach.report.build`.
"""

from __future__ import annotations

from coach.report.write import write_report

__all__ = ["write_report"]
