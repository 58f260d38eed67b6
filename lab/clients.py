"""Who `lab check` probes from (a commune's LAN clients, one per kind), and what a run knows
and finds out along the way."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import IntEnum

from lab.plan import PARTY_VLAN
from lab.routing import LabRouting
from lab.verdict import CheckRow, TcpProbe


@dataclass(frozen=True)
class ClientKind:
    vlan: str  # the VLAN plan's name for it
    # how its rows and progress lines name the VLAN; empty for the government VLAN, whose
    # rows carry no prefix
    name: str = ""

    @property
    def title(self) -> str:
        return f"{self.name} VLAN: " if self.name else ""

    def of(self, commune: str) -> str:
        return f"{commune}'s {self.name} VLAN" if self.name else commune


GOVERNMENT = ClientKind("gov")
PARTY = ClientKind(PARTY_VLAN, "Party")
CLIENT_KINDS = (GOVERNMENT, PARTY)


@dataclass(frozen=True)
class Client:
    kind: ClientKind
    container: str  # empty when the commune's VLAN plan has no such VLAN
    prefix: str
    gateway: str


@dataclass(frozen=True)
class Commune:
    label: str
    gateway_container: str
    clients: tuple[Client, ...]  # one per kind, in CLIENT_KINDS order
    gateway: str = ""  # its inventory host
    code: str = ""  # the new commune's code (mapping.yml)

    def client(self, kind: ClientKind) -> Client:
        return next(client for client in self.clients if client.kind == kind)


@dataclass(frozen=True)
class LabFacts:
    """What every probe of the run may use, read once."""

    routing: LabRouting
    names: list[str]  # every new commune name of the province zone
    # what every commune name answers (the portal's address: `mergectl check` finds the name
    # servers serving it), "" when the inventory names no portal
    expected_address: str
    services: list[TcpProbe]
    guard_everywhere: bool
    core_container: str
    communes: list[Commune]  # every lab commune, whether checked or not


class Stage(IntEnum):
    """How far a client got: a probe that needs more than that is not sent."""

    NOTHING = 0
    RESPONDS = 1
    LEASED = 2


@dataclass
class Session:
    """One client's probes while they run: what the earlier ones found, for the later ones."""

    commune: Commune
    client: Client
    leases: Mapping[str, str]  # VLAN -> address leased by the commune's clients checked before
    stage: Stage = Stage.RESPONDS
    resolver: str = ""
    leased: str = ""
    answers: dict[str, list[str]] = field(default_factory=dict)  # names via the client's resolver

    def row(
        self, check: str, expected: str, observed: str, passed: bool, *, skipped: bool = False
    ) -> CheckRow:
        return CheckRow(
            self.commune.label,
            self.client.kind.title + check,
            expected,
            observed,
            passed,
            skipped=skipped,
            host=self.commune.gateway or None,
        )
