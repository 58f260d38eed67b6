"""The PASS/FAIL/SKIP table `mergectl check` and `mergectl lab check` print."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from controller.check.results import CheckResult, CheckRun

HEADERS = ("status", "check", "commune", "host", "target", "detail")


def render_table(results: Sequence[CheckResult], commune_names: Mapping[str, str] | None = None) -> str:
    """One row per result; `commune_names`: code -> label, shown beside the code."""
    names = commune_names or {}

    def commune(code: str | None) -> str:
        if code is None:
            return "-"
        return f"{code} {names[code]}" if code in names else code

    cells = [(r.status, r.check, commune(r.commune), r.host or "-", r.target, r.detail) for r in results]
    widths = [
        max(len(header), *(len(cell[i]) for cell in cells)) if cells else len(header)
        for i, header in enumerate(HEADERS)
    ]
    # the detail is the last column: never padded, so a long one does not widen the others
    widths[-1] = 0
    lines = ["  ".join(h.ljust(w) for h, w in zip(HEADERS, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * max(w, len(h)) for h, w in zip(HEADERS, widths, strict=True)))
    lines.extend("  ".join(c.ljust(w) for c, w in zip(cell, widths, strict=True)).rstrip() for cell in cells)
    return "\n".join(lines)


def summary_line(run: CheckRun, seconds: float | None = None) -> str:
    counts = run.counts
    verdict = "FAILED" if run.failed else "PASSED"
    took = f" in {seconds:.1f} s" if seconds is not None else ""
    return (
        f"check {verdict}{took}: {counts['pass']} passed, {counts['fail']} failed, "
        f"{counts['skip']} skipped ({len(run.results)} checks)"
    )
