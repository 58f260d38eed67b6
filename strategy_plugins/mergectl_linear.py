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

import os

from ansible.errors import AnsibleError

DOCUMENTATION = """
name: mergectl_linear
short_description: linear strategy, through Mitogen unless MERGECTL_MITOGEN=0
description:
  - Ansible's C(linear) strategy. Unless the environment sets C(MERGECTL_MITOGEN=0), tasks run
    through Mitogen's C(mitogen_linear) (PyPI C(mitogen), pinned in requirements.txt).
author: mergectl
"""


def mitogen_wanted(environ: os._Environ[str] | dict[str, str] = os.environ) -> bool:
    value = environ.get("MERGECTL_MITOGEN", "1").strip()
    if value in ("", "1"):
        return True
    if value == "0":
        return False
    raise AnsibleError(
        f"MERGECTL_MITOGEN={value!r}: use 1 (Mitogen, the default) or 0 (Ansible's own strategy)"
    )


if mitogen_wanted():
    try:
        from ansible_mitogen.plugins.strategy.mitogen_linear import StrategyModule as _Base
    except ImportError as error:  # pragma: no cover - depends on the control node's venv
        raise AnsibleError(
            "MERGECTL_MITOGEN is on but Mitogen cannot be imported "
            f"({error}); install requirements.txt (scripts/setup.sh) or set MERGECTL_MITOGEN=0"
        ) from error
else:
    from ansible.plugins.strategy.linear import StrategyModule as _Base


class StrategyModule(_Base):  # type: ignore[misc,valid-type]
    pass
