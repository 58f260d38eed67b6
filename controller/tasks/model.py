"""One task of the province's plan: who does it, by when, which workstream carries it out."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

# A task whose workstream no playbook carries out (budget, lists from the districts...):
# its progress is what `mergectl tasks done` records, nothing else.
MANUAL = None


@dataclass(frozen=True)
class Text:
    """A text shown to officials: Vietnamese (the default) and English."""

    vi: str
    en: str

    def as_dict(self) -> dict[str, str]:
        return {"vi": self.vi, "en": self.en}


@dataclass(frozen=True)
class After:
    """A relative deadline: `days` after the task `anchor` was recorded done (per commune when
    the task is per commune: each commune's own date)."""

    anchor: str
    days: int


@dataclass(frozen=True)
class PlanTask:
    id: str
    title: Text
    agency: Text
    workstream: str | None
    due: dt.date | None = None  # None exactly when `after` is set
    after: After | None = None
    per_commune: bool = False
    adjusted_due: dt.date | None = None  # a later date the plan allows for part of the task

    @property
    def final_due(self) -> dt.date | None:
        """The last day the plan allows: the adjusted date when there is one."""
        return self.adjusted_due or self.due
