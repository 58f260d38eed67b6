"""The fast YAML emitter round-trips through yaml.safe_load (what Ansible reads)."""

from __future__ import annotations

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from controller.render.emit import to_yaml

_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.text(max_size=20),
    st.sampled_from(
        [
            "yes",
            "No",
            "on",
            "null",
            "~",
            "10.64.0.0/23",
            "22918",
            "1e3",
            "0x1F",
            "2025-06-05",
            "Phường Mũi Né",
            "- x",
            "a: b",
            "#c",
            "'q'",
            '"d"',
            "",
            " lead",
            "trail ",
            "*",
            "&a",
            "!t",
        ]
    ),
)
_KEYS = st.one_of(st.text(min_size=1, max_size=12), st.sampled_from(["22918", "yes", "Bình Thuận/Huyện X"]))
_DATA = st.recursive(
    _SCALARS,
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(_KEYS, children, max_size=4)),
    max_leaves=25,
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(_KEYS, _DATA, max_size=5))
def test_round_trip(data: dict) -> None:
    assert yaml.safe_load(to_yaml(data)) == data


def test_readable_block_style() -> None:
    text = to_yaml(
        {
            "commune_name": "Phường Mũi Né",
            "commune_code": "22918",
            "sites": [{"name": "hq", "dhcp": True}],
            "empty": [],
            "none": None,
        }
    )
    assert text == (
        '---\ncommune_name: "Phường Mũi Né"\ncommune_code: "22918"\nsites:\n  - name: hq\n    dhcp: true\n'
        "empty: []\nnone: null\n"
    )
