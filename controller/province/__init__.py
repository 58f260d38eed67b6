"""Provincial parameters (`province.yml`): typed, validated, with FILE:LINE diagnostics.

`import` writes a commented `province.yml` once (`province_template`); from then on
the engineer owns it. `load_province` turns it into a `ProvinceConfig` and reports
every problem at once: bad CIDRs, overlapping pools, pools too small for the plan
(needed vs available), bad domains, VLAN ids, operator-assigned addresses, e-doc
codes. Contribution modules read their own sections from `ProvinceConfig.raw`
(line numbers in `ProvinceConfig.lines`).

One job per module: `model` (the typed form), `template` (what import writes),
`sections`, `sites` and `edoc` (readers of the sections), `checks` (rules across
sections), `load` (the order of it all).
"""

from controller.province.checks import blocks_available
from controller.province.edoc import (
    EDOC_CODE,
    EDOC_LEVEL1,
    EDOC_MAX_LENGTH,
    EDOC_OLD_FORMAT,
    valid_edoc_code,
)
from controller.province.load import load_province
from controller.province.model import (
    KNOWN_LEVEL1,
    POOL_NAMES,
    PRIVATE_ASN_FIRST,
    PRIVATE_ASN_LAST,
    ROUTING,
    SERVER_ROLES,
    SITE_ROLES,
    VC_ROOMS,
    AsnRange,
    EdocConfig,
    Hypervisor,
    LegacyEndpoint,
    ProvinceConfig,
    QuarantinePolicy,
    Server,
    SiteSpec,
    Vlan,
    lan_prefixlen_for,
    reserved_asn_problem,
    split_lan,
)
from controller.province.sites import district_identities
from controller.province.template import default_hypervisor_count, province_template
from controller.values import valid_domain

__all__ = [
    "EDOC_CODE",
    "EDOC_LEVEL1",
    "EDOC_MAX_LENGTH",
    "EDOC_OLD_FORMAT",
    "KNOWN_LEVEL1",
    "POOL_NAMES",
    "PRIVATE_ASN_FIRST",
    "PRIVATE_ASN_LAST",
    "ROUTING",
    "SERVER_ROLES",
    "SITE_ROLES",
    "VC_ROOMS",
    "AsnRange",
    "EdocConfig",
    "Hypervisor",
    "LegacyEndpoint",
    "ProvinceConfig",
    "QuarantinePolicy",
    "Server",
    "SiteSpec",
    "Vlan",
    "blocks_available",
    "default_hypervisor_count",
    "district_identities",
    "lan_prefixlen_for",
    "load_province",
    "province_template",
    "reserved_asn_problem",
    "split_lan",
    "valid_domain",
    "valid_edoc_code",
]
