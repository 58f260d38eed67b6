"""The weekly progress report to the Department (workstream 13; plan 2495 IV.1).

data: `build_report` from the workspace's files; tasks, communes, units, runs, checks, retired,
workstreams: its parts; jsondata: `to_json_data` (schema 2, docs/report-data.md);
controller/report_render/ renders it (HTML, Markdown).
What counts as planned, applied, verified and failed: docs/report-data.md.
"""

from controller.report.data import build_report, next_thursday
from controller.report.jsondata import to_json_data
from controller.report.model import Item, Report, Workstream

__all__ = ["Item", "Report", "Workstream", "build_report", "next_thursday", "to_json_data"]
