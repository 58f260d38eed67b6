"""AS numbers for communes whose sites route with BGP.

A commune's AS is not held in state: it is *derived* from the official commune code,
`first + int(code)`, inside the province's private 4-byte range
(`data_network.commune_asns`, RFC 6996). The code never changes for a commune, is unique
in the country, and other communes coming or going cannot move it, so the AS is stable
by construction and the core and the gateway always agree on it without coordination.
`controller.province` (which defines `AsnRange`) checks the range, and that every
commune's code fits in it, before any allocation runs.
"""

from __future__ import annotations

from controller.province import AsnRange


def commune_asn(code: str, asns: AsnRange) -> int:
    """The AS of the commune with official code `code` (digits). Raises ValueError when it
    falls outside `asns` (province.py reports that as a diagnostic before we get here)."""
    if not code.isdigit():
        raise ValueError(f"commune code {code!r} is not numeric")
    asn = asns.first + int(code)
    if asn not in asns:
        raise ValueError(f"AS {asn} of commune {code} lies outside {asns}")
    return asn
