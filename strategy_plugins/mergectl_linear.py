"""Ansible's linear strategy, executed through Mitogen unless MERGECTL_MITOGEN=0.

Ansible's own cost per task (a new Python process and a module upload per task and
host) dominates every run of this product: Mitogen keeps one interpreter per host and
cuts an idempotent re-run by a factor of 4-6 (bench/README.md). It replaces only the
transport; the playbooks and roles stay plain Ansible and must pass without it.

One switch for everything that runs Ansible from this repository (ansible.cfg,
`mergectl apply`, Molecule, scripts/test.sh): MERGECTL_MITOGEN=0 in the environment
selects Ansible's own linear strategy, for the day Mitogen and a newer ansible-core
disagree. Any other value, or none, selects Mitogen.

Mitogen takes over connections named by their short name only (`ssh`, `podman`,
`local`, ...): inventories name `podman`, never `containers.podman.podman`.
"""

from __future__ import annotations

DOCUMENTATION = """
name: mergectl_linear
short_description: linear strategy, through Mitogen unless MERGECTL_MITOGEN=0
description:
  - Ansible's C(linear) strategy. Unless the environment sets C(MERGECTL_MITOGEN=0), tasks run
    through Mitogen's C(mitogen_linear) (PyPI C(mitogen), pinned in requirements.txt).
  - From the repository, ansible.cfg selects it as C(mergectl_linear); from the collection, select
    it as C(vngov.mergectl.mergectl_linear).
author: The mergectl authors (!UNKNOWN)
"""

import os
from collections.abc import Mapping

from ansible.errors import AnsibleError


def mitogen_wanted(environ: Mapping[str, str] | None = None) -> bool:
    value = (os.environ if environ is None else environ).get("MERGECTL_MITOGEN", "1").strip()
    if value in ("", "1"):
        return True
    if value == "0":
        return False
    raise AnsibleError(
        f"MERGECTL_MITOGEN={value!r}: use 1 (Mitogen, the default) or 0 (Ansible's own strategy)"
    )


# A missing Mitogen fails the run that selects this strategy, not the import of this file: tools
# that only load plugins (ansible-doc, ansible-test's import check) must work without it.
MITOGEN_IMPORT_ERROR: ImportError | None = None
if mitogen_wanted():
    try:
        from ansible_mitogen.plugins.strategy.mitogen_linear import StrategyModule as _Base
    except ImportError as error:  # pragma: no cover - depends on the control node's venv
        MITOGEN_IMPORT_ERROR = error
        from ansible.plugins.strategy.linear import StrategyModule as _Base
else:
    from ansible.plugins.strategy.linear import StrategyModule as _Base


class StrategyModule(_Base):  # type: ignore[misc,valid-type]
    def __init__(self, *args, **kwargs):
        if MITOGEN_IMPORT_ERROR is not None:
            raise AnsibleError(
                f"MERGECTL_MITOGEN is on but Mitogen cannot be imported ({MITOGEN_IMPORT_ERROR}); "
                "install requirements.txt (scripts/setup.sh) or set MERGECTL_MITOGEN=0"
            ) from MITOGEN_IMPORT_ERROR
        super().__init__(*args, **kwargs)
