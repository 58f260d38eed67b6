"""What `lab check` probes from a commune's LAN clients: one table, applied per client kind.

A commune has a client on its government VLAN and, where its VLAN plan has one, a client
on its Party VLAN. Both get the same probes in the same order (lease, names, the core,
the province services); `PROBES` says which probes only one kind gets and what each needs
before it means anything (a client that answers, a lease, the leak guard everywhere).

molecule/network/verify.yml proves the same gateway policy on its own fixed scenario (a
tagged trunk, the VC VLAN, BGP): a change to what a client VLAN may reach belongs in both.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from lab import shell
from lab.clients import CLIENT_KINDS, GOVERNMENT, PARTY, ClientKind, LabFacts, Session, Stage
from lab.verdict import OUTSIDE_THE_PLAN, CheckRow, CounterChange, TcpProbe, in_prefix, vm_probe_address

# A port the image's sshd listens on in every client: the gateway reaches it, the other
# VLAN must not.
CLIENT_SERVICE_PORT = 22


ProbeRun = Callable[[Session, LabFacts], list[CheckRow]]


@dataclass(frozen=True)
class Probe:
    run: ProbeRun
    kinds: frozenset[ClientKind] = frozenset(CLIENT_KINDS)
    needs: Stage = Stage.LEASED
    # it sends toward what only the leak guard keeps in the lab: never without the guard
    needs_guard: bool = False


def client_responds(session: Session, facts: LabFacts) -> list[CheckRow]:
    if shell.responds(session.client.container):
        return []
    session.stage = Stage.NOTHING
    return [
        session.row(
            "client", f"{session.client.container} running", "missing (run 'mergectl lab up' again)", False
        )
    ]


def lease(session: Session, facts: LabFacts) -> list[CheckRow]:
    client = session.client
    found, address = shell.wait_for_lease(client.container)
    leased = found.get("ADDRESS", "")
    resolver = (found.get("DNS") or "").split()[0] if found.get("DNS") else ""
    session.leased, session.resolver = leased, resolver
    if leased:
        session.stage = Stage.LEASED
    return [
        session.row(
            "DHCP lease",
            f"in {client.prefix} from {client.gateway}",
            f"{address or 'no address'} from {found.get('SERVER_ADDRESS', '-')}",
            bool(leased)
            and in_prefix(leased, client.prefix)
            and found.get("SERVER_ADDRESS") == client.gateway
            and address.split("/")[0] == leased,
        ),
        session.row("resolver by DHCP", client.gateway, resolver or "none", resolver == client.gateway),
    ]


def commune_names(session: Session, facts: LabFacts) -> list[CheckRow]:
    names = facts.names
    answers, error = shell.dig(session.client.container, session.resolver or session.client.gateway, names)
    session.answers = answers
    missing = [name for name in names if not answers.get(name)]
    return [
        session.row(
            "commune names via its resolver",
            f"{len(names)}/{len(names)} answer A",
            f"{len(names) - len(missing)}/{len(names)}"
            + (f"; missing {', '.join(missing[:3])}{'...' if len(missing) > 3 else ''}" if missing else "")
            + (f" ({error})" if error and missing else ""),
            bool(names) and not missing,
        )
    ]


def plan_answers(session: Session, facts: LabFacts) -> list[CheckRow]:
    """The resolver's answers are the plan's: `mergectl check` (the same run) asks the name
    servers themselves, so the client only has to show its resolver hands their answer on."""
    names, expected = facts.names, facts.expected_address
    if not expected:
        return []
    differing = [n for n in names if session.answers.get(n) != [expected]]
    sample = differing[0] if differing else names[0] if names else ""
    return [
        session.row(
            "answers = the plan's",
            f"every name A {expected} (the portal)",
            f"{len(names) - len(differing)}/{len(names)} equal "
            f"(e.g. {sample} {','.join(session.answers.get(sample, [])) or 'no answer'})",
            bool(names) and not differing,
        )
    ]


def core_loopback(session: Session, facts: LabFacts) -> list[CheckRow]:
    loopback = facts.routing.core_loopback
    if not loopback:
        return []
    reached = shell.ping(session.client.container, loopback)
    return [
        session.row(
            "ping core loopback", f"{loopback} answers", "answers" if reached else "no reply", reached
        )
    ]


def services(session: Session, facts: LabFacts) -> list[CheckRow]:
    return [_service_row(session, probe) for probe in facts.services]


def _service_row(session: Session, probe: TcpProbe) -> CheckRow:
    connect = partial(shell.tcp, session.client.container, probe.address, probe.port)
    if probe.expect_reach:
        outcome = connect()
        return session.row(
            f"policy allows {probe.label}",
            f"{probe.address}:{probe.port} reached",
            outcome + (" (crossed, nothing listening)" if outcome == "refused" else ""),
            outcome in {"connected", "refused"},
        )
    outcome, denied = shell.denied_during(session.commune.gateway_container, connect)
    return session.row(
        f"policy denies {probe.label}",
        f"{probe.address}:{probe.port} dropped at gateway",
        f"{outcome}, gateway denied {denied}",
        outcome == "timeout" and denied.grew,
    )


def vm_prefix(session: Session, facts: LabFacts) -> list[CheckRow]:
    address = vm_probe_address(facts.routing.vm_prefix)
    if not address:
        return []
    before = shell.guard_drops(facts.core_container)
    outcome = shell.tcp(session.client.container, address, 443)
    dropped = CounterChange(before, shell.guard_drops(facts.core_container))
    return [
        session.row(
            "VM prefix (no VM in lab)",
            f"{address} tcp/443 dropped by core guard",
            f"{outcome}, core guard {dropped}",
            outcome == "timeout" and dropped.grew,
        )
    ]


def other_communes(session: Session, facts: LabFacts) -> list[CheckRow]:
    label, kind = session.commune.label, session.client.kind
    others = [c for c in facts.communes if c.label != label and c.client(kind).gateway]
    if not others:
        return [
            session.row(
                "other commune",
                "another lab commune's LAN not reached",
                "SKIP: only one commune in the lab (lab up --communes 2 shows it)",
                False,
                skipped=True,
            )
        ]
    rows = []
    for other in others:
        target = other.client(kind).gateway
        reached, denied = shell.denied_during(
            session.commune.gateway_container, partial(shell.ping, session.client.container, target)
        )
        rows.append(
            session.row(
                f"other commune {other.label}",
                f"{target} not reached, denied at gateway",
                f"{'answers' if reached else 'no reply'}, gateway denied {denied}",
                not reached and denied.grew,
            )
        )
    return rows


def outside_the_plan(session: Session, facts: LabFacts) -> list[CheckRow]:
    gateway, core = session.commune.gateway_container, facts.core_container
    before_gateway, before_core = shell.policy_denied(gateway), shell.guard_drops(core)
    reached = shell.ping(session.client.container, OUTSIDE_THE_PLAN)
    denied = CounterChange(before_gateway, shell.policy_denied(gateway))
    dropped = CounterChange(before_core, shell.guard_drops(core))
    return [
        session.row(
            "outside the plan",
            f"{OUTSIDE_THE_PLAN} dropped at the gateway",
            f"{'answers' if reached else 'no reply'}, gateway denied {denied}, core guard {dropped}",
            # the gateway dropped it, so the core never saw it: its guard did not move
            not reached and denied.grew and dropped.unchanged,
        )
    ]


def government_vlan_isolation(session: Session, facts: LabFacts) -> list[CheckRow]:
    """Neither way between this client and the government client: the gateway's policy
    denies it, and its counter proves the denial was the policy's."""
    gateway = session.commune.gateway_container
    government = session.commune.client(GOVERNMENT)
    target = session.leases.get(GOVERNMENT.vlan, "")
    if not target:
        return [
            session.row(
                "government client not reached",
                "the government client's address",
                "none: its lease failed (above)",
                False,
            )
        ]
    # The government client must be alive for "no reply" to mean anything: the gateway
    # itself reaches it (its own traffic is not forwarded, so the policy does not apply).
    alive = shell.ping(gateway, target)
    reached, denied = shell.denied_during(gateway, partial(shell.ping, session.client.container, target))
    rows = [
        session.row(
            "ping government client",
            f"{target} alive (gateway reaches it), not reached from {session.client.kind.name}, "
            "denied at gateway",
            f"gateway {'reaches it' if alive else 'gets no reply'}; from {session.client.kind.name} "
            f"{'answers' if reached else 'no reply'}, gateway denied {denied}",
            alive and not reached and denied.grew,
        )
    ]
    port = CLIENT_SERVICE_PORT
    from_gateway = shell.tcp(gateway, target, port)
    from_client, denied = shell.denied_during(
        gateway, partial(shell.tcp, session.client.container, target, port)
    )
    rows.append(
        session.row(
            f"tcp/{port} to government client",
            f"{target}:{port} open to the gateway, dropped from {session.client.kind.name}",
            f"from gateway {from_gateway}; from {session.client.kind.name} {from_client}, "
            f"gateway denied {denied}",
            from_gateway in {"connected", "refused"} and from_client == "timeout" and denied.grew,
        )
    )
    back, denied = shell.denied_during(gateway, partial(shell.ping, government.container, session.leased))
    rows.append(
        CheckRow(
            session.commune.label,
            f"government client -> {session.client.kind.name} client",
            f"{session.leased} not reached, denied at gateway",
            f"{'answers' if back else 'no reply'}, gateway denied {denied}",
            not back and denied.grew,
            host=session.commune.gateway or None,
        )
    )
    return rows


GOVERNMENT_ONLY = frozenset({GOVERNMENT})
PROBES: tuple[Probe, ...] = (
    # a Party client that did not start says so; a missing government client shows as no lease
    Probe(client_responds, frozenset({PARTY}), needs=Stage.RESPONDS),
    Probe(lease, needs=Stage.RESPONDS),
    Probe(commune_names),
    Probe(plan_answers, GOVERNMENT_ONLY),
    Probe(core_loopback),
    Probe(services),
    # toward what the guard stops; sent once per commune, from its government client
    Probe(vm_prefix, GOVERNMENT_ONLY, needs_guard=True),
    Probe(other_communes, GOVERNMENT_ONLY, needs_guard=True),
    Probe(outside_the_plan, GOVERNMENT_ONLY, needs_guard=True),
    Probe(government_vlan_isolation, frozenset({PARTY})),
)


def check_client(session: Session, facts: LabFacts) -> list[CheckRow]:
    """Every probe of `PROBES` for the session's client kind, in order, while the client
    has what the next probe needs."""
    if not session.client.container:
        return [
            session.row(
                "isolation",
                f"a {session.client.kind.name} VLAN in the commune's plan",
                f"SKIP: the commune's VLAN plan has no {session.client.kind.vlan} VLAN",
                False,
                skipped=True,
            )
        ]
    rows: list[CheckRow] = []
    held_back = False
    for probe in PROBES:
        if session.client.kind not in probe.kinds:
            continue
        if session.stage < probe.needs:
            break
        if probe.needs_guard and not facts.guard_everywhere:
            if not held_back:
                rows.append(
                    session.row(
                        "outside the lab",
                        "probes sent",
                        "NOT sent: the leak guard is not loaded everywhere",
                        False,
                    )
                )
                held_back = True
            continue
        rows.extend(probe.run(session, facts))
    return rows
