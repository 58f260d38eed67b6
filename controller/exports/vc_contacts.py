"""`mergectl export vc-contacts DIR [--lang vi|en]`: who to call at each commune's meeting rooms.

For the video-conference provider: per new commune, its government-block room (at the People's
Committee HQ) and its Party-block room (at the Party committee HQ; both rooms at the one HQ of a
commune in shared_hq), with that HQ's postal address and contact as province.yml and the HQ
sites register (`mergectl sites import`) have them. Whatever is not known yet is written as
missing, so the list shows what is still to collect.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from controller.allocate import validated_inputs
from controller.csvwrite import write_csv
from controller.hq_sites import register as hq_register
from controller.hq_sites.register import HqSite
from controller.hq_sites.words import MISSING, hq_words
from controller.province import VC_ROOMS, SiteSpec
from controller.workspace import Workspace

NAME = "vc-contacts"
HELP = "contact points per commune and meeting room (gov, party) for the video-conference provider (CSV)"
LANGUAGES = ("vi", "en")
FILE_NAME = "vc-contacts.csv"

COLUMNS = {
    "vi": {"commune_code": "Mã xã", "commune": "Tên xã", "room": "Phòng họp", "hq": "Trụ sở",
           "postal_address": "Địa chỉ", "contact_name": "Người liên hệ", "contact_phone": "Điện thoại",
           "contact_email": "Thư điện tử", "note": "Ghi chú"},
    "en": {"commune_code": "Commune code", "commune": "Commune", "room": "Meeting room", "hq": "HQ",
           "postal_address": "Postal address", "contact_name": "Contact", "contact_phone": "Phone",
           "contact_email": "E-mail", "note": "Note"},
}
ROOMS = {
    "vi": {"gov": "Phòng họp trực tuyến khối chính quyền", "party": "Phòng họp trực tuyến khối Đảng"},
    "en": {"gov": "government block meeting room", "party": "Party block meeting room"},
}
NO_SITE = {"vi": "(chưa có trụ sở trong province.yml sites)", "en": "(no such HQ in province.yml sites)"}


def _site_of_room(sites: list[SiteSpec], room: str) -> SiteSpec | None:
    """The government room is at the People's Committee's HQ, the Party's at the Party committee's."""
    return next((site for site in sites if site.people_committee), None) if room == "gov" else next(
        (site for site in sites if site.party_committee), None)


@dataclass(frozen=True)
class RoomContact:
    """One meeting room of a commune, the HQ it is in and what the register knows of that HQ."""

    code: str
    commune: str
    room: str
    site: SiteSpec | None
    postal_address: str
    known: HqSite | None

    @property
    def has_contact(self) -> bool:
        return bool(self.known and (self.known.contact_name or self.known.contact_phone
                                    or self.known.contact_email))


def room_contacts(workspace: Workspace) -> list[RoomContact]:
    """Every room of every new commune (government, Party), in commune-code order."""
    inputs = validated_inputs(workspace)  # the HQ sites register is checked with it
    mapping, province = inputs.mapping, inputs.province
    register, _ = hq_register.load(workspace, mapping, province)
    found = []
    for code in sorted(mapping.new_units):
        sites = province.sites_of(code)
        for room in VC_ROOMS:
            site = _site_of_room(sites, room)
            found.append(RoomContact(
                code, mapping.new_units[code].name, room, site,
                hq_register.address_of(province, register, code, site) if site else "",
                register.get((code, site.name)) if site else None,
            ))
    return found


def export(workspace_dir: Path, out_dir: Path, lang: str = "vi") -> list[Path]:
    missing = MISSING[lang]
    rows = []
    for room in room_contacts(Workspace(workspace_dir)):
        known, site = room.known, room.site
        values = {
            "commune_code": room.code,
            "commune": room.commune,
            "room": ROOMS[lang][room.room],
            "hq": hq_words(site.hq_of, lang) if site else NO_SITE[lang],
            "postal_address": room.postal_address or missing,
            "contact_name": (known.contact_name if known else "") or missing,
            "contact_phone": (known.contact_phone if known else "") or missing,
            "contact_email": (known.contact_email if known else "") or missing,
            "note": known.note if known else "",
        }
        rows.append({COLUMNS[lang][name]: value for name, value in values.items()})
    return [write_csv(Path(out_dir) / FILE_NAME, list(COLUMNS[lang].values()), rows)]
