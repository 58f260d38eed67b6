"""What `mergectl check` checks, read from the rendered inventory (the same variables the
playbooks apply): the name servers, each commune's names, MX and portal, the DKIM key, the mail
server's banners and each gateway's site loopbacks.

Each `Target` is one row of the result: what is probed and the probe that judges it, given how
the control node reaches the address (reach.py) and the TLS context of the internal CA.
"""

from __future__ import annotations

import ssl
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import yaml

from controller.check import probes
from controller.check.probes import Outcome
from controller.check.reach import Reach
from controller.errors import UserError
from controller.inventory_view import InventoryView, matches_pattern

DNS_PORT, SMTP_PORT, IMAPS_PORT, HTTPS_PORT = 53, 25, 993, 443
PROVINCE_VARS = "group_vars/all/province.yml"
# The mail play stops before the mail server while no staff list was imported (playbooks/mail.yml):
# the server then has no DKIM key to publish and nothing listens.
MAIL_PLAY_GATE = "accounts_mail_service_password"

Probe = Callable[[Reach, ssl.SSLContext], Outcome]


@dataclass(frozen=True)
class Server:
    host: str  # inventory host (ns1)
    fqdn: str
    address: str


@dataclass(frozen=True)
class Commune:
    code: str
    label: str
    gateway: str  # inventory host
    domain: str
    mail_domain: str
    portal_fqdn: str
    loopbacks: tuple[tuple[str, str], ...]  # (site name, address)
    dkim_selector: str | None  # a commune's own key (commune_dkim), rare


@dataclass(frozen=True)
class ProvinceFacts:
    domain: str
    mail_domain: str
    name_servers: tuple[Server, ...]  # the primary first
    mail: Server | None
    portal: Server | None
    dkim_selector: str
    mail_skip: str | None  # why the mail server is not there yet, None when it should be
    communes: tuple[Commune, ...]

    @property
    def primary(self) -> Server:
        return self.name_servers[0]


@dataclass(frozen=True)
class Target:
    check: str
    workstream: str
    commune: str | None
    host: str | None
    target: str
    probe: Probe = field(compare=False)


def _server(value: Any, key: str) -> Server:
    if not isinstance(value, Mapping) or not all(value.get(k) for k in ("name", "fqdn", "address")):
        raise UserError(
            f"{PROVINCE_VARS}: {key} needs name, fqdn and address; set the server in province.yml "
            "and run 'mergectl inventory' again"
        )
    return Server(str(value["name"]), str(value["fqdn"]).rstrip(".").lower(), str(value["address"]))


def role_default(content_folder: Path, role: str, name: str) -> Any:
    """A role's default (roles/ROLE/defaults/main.yml): the one place its value is written."""
    path = content_folder / "roles" / role / "defaults" / "main.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return data.get(name)


def _commune(view: InventoryView, gateway: str) -> Commune:
    variables = view.hostvars.get(gateway, {})
    missing = [key for key in ("commune_code", "commune_label", "commune_domain") if not variables.get(key)]
    if missing:
        raise UserError(
            f"host_vars/{gateway}.yml: {', '.join(missing)} missing; render the inventory with "
            "'mergectl inventory' (a hand-written commune host needs them too)"
        )
    domain = str(variables["commune_domain"]).rstrip(".").lower()
    portal = variables.get("commune_portal") or {}
    dkim = variables.get("commune_dkim") or {}
    return Commune(
        code=str(variables["commune_code"]),
        label=str(variables["commune_label"]),
        gateway=gateway,
        domain=domain,
        mail_domain=str(variables.get("commune_mail_domain") or domain).rstrip(".").lower(),
        portal_fqdn=str(portal.get("fqdn") or domain).rstrip(".").lower(),
        loopbacks=tuple(
            (str(site.get("name", "site")), str(site["loopback"]))
            for site in variables.get("commune_sites") or []
            if isinstance(site, Mapping) and site.get("loopback")
        ),
        dkim_selector=str(dkim["selector"]) if dkim.get("selector") else None,
    )


def province_facts(view: InventoryView, dkim_default: str) -> ProvinceFacts:
    domain = view.province_var("province_domain")
    if not domain:
        raise UserError(f"{PROVINCE_VARS}: province_domain missing; run 'mergectl inventory' first")
    primary = _server(view.province_var("province_dns_primary"), "province_dns_primary")
    secondaries = view.province_var("province_dns_secondaries") or []
    servers = (
        primary,
        *(_server(s, f"province_dns_secondaries[{i}]") for i, s in enumerate(secondaries)),
    )
    mail_value = view.province_var("province_mail")
    mail = _server(mail_value, "province_mail") if mail_value else None
    portal_value = view.province_var("province_portal")
    portal = _server(portal_value, "province_portal") if portal_value else None
    mail_vars = view.hostvars.get(mail.host, {}) if mail else {}
    if mail is None:
        mail_skip: str | None = "no province_mail in province.yml"
    elif MAIL_PLAY_GATE not in mail_vars:
        mail_skip = (
            "no staff list imported yet, so the mail play has not set up the server "
            "('mergectl accounts import', then apply)"
        )
    else:
        mail_skip = None
    return ProvinceFacts(
        domain=str(domain).rstrip(".").lower(),
        mail_domain=str(view.province_var("province_mail_domain") or domain).rstrip(".").lower(),
        name_servers=servers,
        mail=mail,
        portal=portal,
        dkim_selector=str(mail_vars.get("mail_dkim_selector") or dkim_default),
        mail_skip=mail_skip,
        communes=tuple(_commune(view, gateway) for gateway in view.hosts("communes")),
    )


# Probes bound to what they check --------------------------------------------------------------


def _at(server: Server, port: int) -> Callable[[Reach], Any]:
    return lambda reach: reach.endpoint(server.host, server.address, port)


def _serials(zone: str, primary: Server, other: Server, reach: Reach, _: ssl.SSLContext) -> Outcome:
    first, second = _at(primary, DNS_PORT)(reach), _at(other, DNS_PORT)(reach)
    return probes.check_serials(first, primary.host, second, other.host, zone)


def _address(server: Server, name: str, expected: str | None, reach: Reach, _: ssl.SSLContext) -> Outcome:
    return probes.check_address(_at(server, DNS_PORT)(reach), name, expected)


def _mx(server: Server, domain: str, exchange: str, reach: Reach, _: ssl.SSLContext) -> Outcome:
    return probes.check_mx(_at(server, DNS_PORT)(reach), domain, exchange)


def _dkim(server: Server, name: str, skip: str | None, reach: Reach, _: ssl.SSLContext) -> Outcome:
    if skip:
        return probes.skipped(skip)
    return probes.check_dkim(_at(server, DNS_PORT)(reach), name)


def _https(portal: Server, fqdn: str, reach: Reach, context: ssl.SSLContext) -> Outcome:
    return probes.check_https(_at(portal, HTTPS_PORT)(reach), fqdn, context)


def _smtp(mail: Server, skip: str | None, reach: Reach, _: ssl.SSLContext) -> Outcome:
    if skip:
        return probes.skipped(skip)
    return probes.check_smtp(_at(mail, SMTP_PORT)(reach), mail.fqdn)


def _imaps(mail: Server, skip: str | None, reach: Reach, context: ssl.SSLContext) -> Outcome:
    if skip:
        return probes.skipped(skip)
    return probes.check_imaps(_at(mail, IMAPS_PORT)(reach), mail.fqdn, context)


def _loopback(gateway: str, address: str, reach: Reach, _: ssl.SSLContext) -> Outcome:
    if reach.ping(gateway, address):
        return probes.passed(f"answers ping from {reach.vantage}")
    return probes.failed(f"no reply to ping from {reach.vantage}")


def build_targets(facts: ProvinceFacts) -> list[Target]:
    found: list[Target] = []
    primary = facts.primary
    for other in facts.name_servers[1:] or (primary,):
        found.append(
            Target(
                "dns.serial",
                "dns",
                None,
                other.host,
                f"{facts.domain} SOA @{primary.host},{other.host}",
                partial(_serials, facts.domain, primary, other),
            )
        )
    dkim_name = f"{facts.dkim_selector}._domainkey.{facts.mail_domain}"
    for server in facts.name_servers:
        found.append(
            Target(
                "mail.dkim",
                "mail",
                None,
                server.host,
                f"{dkim_name} TXT @{server.host}",
                partial(_dkim, server, dkim_name, facts.mail_skip),
            )
        )
    if facts.mail is not None:
        mail = facts.mail
        found.append(
            Target(
                "mail.smtp",
                "mail",
                None,
                mail.host,
                f"{mail.fqdn}:{SMTP_PORT} banner",
                partial(_smtp, mail, facts.mail_skip),
            )
        )
        found.append(
            Target(
                "mail.imaps",
                "mail",
                None,
                mail.host,
                f"{mail.fqdn}:{IMAPS_PORT} TLS banner",
                partial(_imaps, mail, facts.mail_skip),
            )
        )
    for commune in facts.communes:
        found.extend(_commune_targets(facts, commune))
    return found


def _commune_targets(facts: ProvinceFacts, commune: Commune) -> list[Target]:
    found: list[Target] = []
    code = commune.code
    expected = facts.portal.address if facts.portal else None
    for server in facts.name_servers:
        found.append(
            Target(
                "dns.name",
                "dns",
                code,
                server.host,
                f"{commune.portal_fqdn} A @{server.host}",
                partial(_address, server, commune.portal_fqdn, expected),
            )
        )
        if facts.mail is not None:
            found.append(
                Target(
                    "mail.mx",
                    "mail",
                    code,
                    server.host,
                    f"{commune.mail_domain} MX @{server.host}",
                    partial(_mx, server, commune.mail_domain, facts.mail.fqdn),
                )
            )
        if commune.dkim_selector:
            name = f"{commune.dkim_selector}._domainkey.{commune.mail_domain}"
            found.append(
                Target(
                    "mail.dkim",
                    "mail",
                    code,
                    server.host,
                    f"{name} TXT @{server.host}",
                    partial(_dkim, server, name, facts.mail_skip),
                )
            )
    if facts.portal is not None:
        found.append(
            Target(
                "portals.https",
                "portals",
                code,
                facts.portal.host,
                f"https://{commune.portal_fqdn}/",
                partial(_https, facts.portal, commune.portal_fqdn),
            )
        )
    for site, address in commune.loopbacks:
        found.append(
            Target(
                "network.loopback",
                "network",
                code,
                commune.gateway,
                f"{address} ({site} loopback)",
                partial(_loopback, commune.gateway, address),
            )
        )
    return found


def select(
    targets: Sequence[Target], view: InventoryView, facts: ProvinceFacts, limit: str | None
) -> list[Target]:
    """Ansible-style --limit: a commune's results when its gateway (or its label, or code) matches,
    a server's when its host does; the province-wide results whenever anything is selected, since
    every commune depends on them."""
    if not limit:
        return list(targets)
    communes = {c.code: c for c in facts.communes}
    kept_communes = {
        code for code, c in communes.items() if matches_pattern(view, c.gateway, limit, (c.label, c.code))
    }
    kept_hosts = {t.host for t in targets if t.host and matches_pattern(view, t.host, limit)}
    selected = [
        t for t in targets if (t.commune is not None and (t.commune in kept_communes or t.host in kept_hosts))
    ]
    if not selected and not kept_hosts:
        raise UserError(f"--limit {limit}: matches no commune and no host checked here")
    return [t for t in targets if t.commune is None] + selected
