"""DNS labels of new communes, with deterministic handling of collisions.

The bare label is `controller.names.label(name)`. A label already held (by a
commune in the state, a quarantined domain, or a reserved server name) is never
given again. When the bare label is taken, the commune gets the bare label plus
the label of the old district of its primary old unit ("phuochoi" + "tanhpuoc"
-> "phuochoitanhphuoc"); when that is taken too, or the district label is the
bare label itself, the bare label plus the first free number from 2
("phuochoi2"). New communes are labelled in code order, so the lowest code
wins the bare label. Labels already in the state never move.
"""

from __future__ import annotations

from controller.names import MAX_LABEL_LENGTH
from controller.names import label as bare_label


def with_suffix(base: str, suffix: str) -> str:
    return base[: MAX_LABEL_LENGTH - len(suffix)] + suffix


def choose_label(name: str, district_label: str, taken: set[str]) -> tuple[str, str | None]:
    """(label, note) for a commune that needs one; note says why it is not the bare label."""
    base = bare_label(name)
    if base not in taken:
        return base, None
    # A district named like the commune adds nothing a reader can use ("sonhasonha"): number it.
    candidate = with_suffix(base, district_label) if district_label and district_label != base else ""
    if candidate and candidate not in taken:
        return candidate, f"bare label {base!r} is taken; suffixed with the old district label"
    number = 2
    while with_suffix(base, str(number)) in taken:
        number += 1
    return with_suffix(base, str(number)), f"bare label {base!r} is taken; numbered"
