"""Deprecated: the HTML report moved to :mod:`circularopt.outputs.report`.

This module re-exports its names for one release and warns when imported.
"""

import warnings

from circularopt.outputs.report import (
    CSP,
    MAP_LAYERS,
    cost_figure,
    map_figure,
    report_html,
    tonnes_by_stream,
    tonnes_figure,
    write_report,
)

warnings.warn("circularopt.report is deprecated; use circularopt.outputs.report",
              DeprecationWarning, stacklevel=2)

__all__ = ["CSP", "MAP_LAYERS", "cost_figure", "map_figure", "report_html",
           "tonnes_by_stream", "tonnes_figure", "write_report"]
