"""The whole country: every one of the 34 provinces validates, allocates and renders (in memory)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from netaddr import IPSet
from test_alloc_support import TODAY, province_for

from controller.allocate import State, allocate
from controller.province import province_template
from controller.render import build_inventory
from controller.sources import dataset
from controller.workspace import Workspace


@pytest.mark.slow
def test_every_province_allocates_and_renders(tmp_path: Path) -> None:
    provinces = dataset.list_provinces()
    assert len(provinces) == 34
    total = 0
    for name in provinces:
        mapping = dataset.load_province(name)
        folder = tmp_path / name
        folder.mkdir()
        province = province_for(mapping, folder, province_template(mapping))
        state, allocations, diagnostics = allocate(mapping, province, State(), TODAY)
        assert not diagnostics, (name, [str(item) for item in diagnostics])
        labels = [commune.label for commune in allocations.communes]
        assert len(labels) == len(set(labels)) == len(mapping.new_units), name
        lans = [commune.lan_prefix for commune in allocations.communes]
        assert IPSet(lans).size == sum(lan.size for lan in lans), name
        # the default pools hold both HQs' lines of every commune (People's Committee, Party committee)
        sites = [site.endpoint for commune in allocations.communes for site in commune.sites]
        assert len(sites) == 2 * len(mapping.new_units), name
        links = [endpoint.link_prefix for endpoint in sites]
        assert IPSet(links).size == sum(link.size for link in links), name
        assert len({endpoint.loopback for endpoint in sites}) == len(sites), name
        tree, files = build_inventory(Workspace(folder), mapping, province, allocations)
        assert len(tree.hosts_in("communes")) == len(mapping.new_units)
        hosts = yaml.safe_load(files["hosts.yml"])
        assert len(hosts["all"]["children"]["communes"]["hosts"]) == len(mapping.new_units)
        total += len(mapping.new_units)
        del state
    assert total == 3321
