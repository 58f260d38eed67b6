"""`mergectl accounts import|list`: staff lists -> issued usernames (state/accounts.yml + vault)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from controller.accounts import accounts_state, preview
from controller.accounts.person_keys import migrate, new_secret
from controller.accounts.reconcile import Outcome, apply_staff, mass_disables
from controller.accounts.staff import read_staff
from controller.accounts.vault import new_password, password_path
from controller.errors import Diagnostics, InvalidInput, Refused, UserError
from controller.model import Mapping
from controller.names import normalize
from controller.workspace import Workspace


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "accounts",
        help="import staff lists and issue mail/directory usernames",
        description="Issue usernames from staff lists (given name + initials, homonyms numbered). "
        "A username is never changed nor reissued; people who leave are disabled, never deleted.",
        epilog="example: mergectl accounts import inventories/lamdong --staff staff/muine.csv",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    verbs = parser.add_subparsers(dest="accounts_verb", metavar="ACTION", required=True)
    imp = verbs.add_parser("import", help="apply a staff list (complete list of every unit it mentions)")
    imp.add_argument("workspace", type=Path, metavar="DIR")
    imp.add_argument("--staff", type=Path, required=True, metavar="FILE.csv", help="staff list (UTF-8 CSV)")
    imp.add_argument(
        "--old-district",
        action="store_true",
        help="the list holds old districts' staff (accounts kept disabled, mail forwarded)",
    )
    imp.add_argument(
        "--dry-run",
        action="store_true",
        help="check and print the table it would write (commune, full name, username, action); write nothing",
    )
    imp.add_argument("--json", action="store_true", help="print that table (and the summary) as JSON")
    imp.add_argument(
        "--allow-disable",
        action="store_true",
        help="apply a list that disables more than 30 %% (and at least 3) of a commune's enabled accounts",
    )
    imp.set_defaults(handler=run_import)
    lst = verbs.add_parser("list", help="list issued usernames (no personal data unless --reveal)")
    lst.add_argument("workspace", type=Path, metavar="DIR")
    lst.add_argument("--commune", metavar="CODE", help="only this unit (commune code)")
    lst.add_argument(
        "--reveal",
        action="store_true",
        help="also print full names and initial passwords (to hand accounts over)",
    )
    lst.set_defaults(handler=run_list)


def district_index(mapping: Mapping) -> tuple[dict[str, str], dict[str, set[str]]]:
    """Old district code / folded name -> key "province|name" ("" when a name is ambiguous),
    and each district key's successor communes."""
    index: dict[str, str] = {}
    successors: dict[str, set[str]] = {}
    for district in mapping.old_districts():
        key = f"{district.province}|{district.name}"
        if district.code:
            index[district.code] = key
        folded = normalize(district.name).casefold()
        index[folded] = "" if folded in index and index[folded] != key else key
    for unit in mapping.new_units.values():
        for succession in unit.formed_from:
            old = mapping.old_units.get(succession.old_code)
            if old is not None:
                successors.setdefault(f"{old.district.province}|{old.district.name}", set()).add(unit.code)
    return index, successors


def run_import(args: argparse.Namespace) -> int:
    workspace = Workspace(args.workspace)
    mapping = workspace.load_mapping()
    diagnostics = Diagnostics()
    districts, successors = district_index(mapping)
    rows = read_staff(
        args.staff,
        diagnostics,
        district_mode=args.old_district,
        commune_codes=set(mapping.new_units),
        districts=districts,
        district_successors=successors,
    )
    if diagnostics:
        raise InvalidInput(diagnostics)
    with workspace.lock():
        state = accounts_state.load(workspace.dir) or accounts_state.AccountsState()
        if not state.secret:
            state.secret = new_secret()  # the first import, or the first since keys are salted
        rekeyed = migrate(state, rows)
        kind = accounts_state.OLD_DISTRICT if args.old_district else accounts_state.COMMUNE
        outcome = apply_staff(
            state,
            rows,
            kind,
            path=args.staff,
            diagnostics=diagnostics,
            date=accounts_state.today(),
            password=new_password,
        )
        if diagnostics:
            raise InvalidInput(diagnostics)
        new_state, summary = outcome.state, outcome.summary
        for service in ("mail", "master"):
            new_state.services.setdefault(service, new_password())
        names = unit_names(mapping, districts)
        refused = [] if args.allow_disable else _refusals(outcome, names)
        notes = list(outcome.notes)
        if rekeyed:
            notes.append(f"re-keyed {rekeyed} account(s) with the province's secret (usernames unchanged)")
        if args.json:
            document = preview.document(
                outcome.changes, names, summary, dry_run=args.dry_run, notes=notes, refused=refused
            )
            print(json.dumps(document, ensure_ascii=False, indent=2))
        else:
            if args.dry_run:
                print(preview.table(outcome.changes, names))
            for note in notes:
                print(note)
        if refused:
            raise Refused(
                refused,
                "a list is the complete staff of every commune it mentions: check that it is, "
                "then give --allow-disable",
            )
        if args.dry_run:
            if not args.json:
                print(f"dry run: {summary}; nothing written")
            return 0
        accounts_state.save(workspace.dir, new_state)
    if args.json:
        return 0
    print(f"{args.staff}: {summary}")
    print(
        f"wrote {workspace.dir / accounts_state.STATE_FILE} and {accounts_state.SECRETS_FILE} "
        f"(vault password: {password_path(workspace.dir)})"
    )
    print(
        f"next: mergectl inventory {workspace.dir}, then ansible-playbook -i {workspace.dir} "
        f"playbooks/mail.yml --vault-password-file {password_path(workspace.dir)}"
    )
    return 0


def unit_names(mapping: Mapping, districts: dict[str, str]) -> dict[str, str]:
    """Unit key -> name as the tables show it: new communes by code, old districts by their key."""
    names = {code: unit.name for code, unit in mapping.new_units.items()}
    for key in districts.values():
        if key:
            names[key] = key.split("|", 1)[-1]
    return names


def _refusals(outcome: Outcome, names: dict[str, str]) -> list[str]:
    return [
        f"commune {unit} ({names.get(unit, '?')}): the list would disable {disabled} of its {enabled} "
        f"enabled accounts ({100 * disabled // max(enabled, 1)} %)"
        for unit, enabled, disabled in mass_disables(outcome.disabling)
    ]


def run_list(args: argparse.Namespace) -> int:
    workspace = Workspace(args.workspace)
    workspace.require()
    if args.reveal and not password_path(workspace.dir).exists():
        raise UserError(f"{password_path(workspace.dir)}: no vault password file, cannot reveal")
    readable = args.reveal or password_path(workspace.dir).exists()
    state = accounts_state.load(workspace.dir) if readable else None
    if state is None:
        state = _load_plain(workspace.dir)
    rows = [account for account in state.accounts if not args.commune or account.unit == args.commune]
    rows.sort(key=lambda account: (account.kind, account.unit, account.uid))
    header = ["kind", "unit", "username", "role", "status", "issued"]
    if args.reveal:
        header += ["full_name", "initial_password"]
    print("\t".join(header))
    for account in rows:
        fields = [account.kind, account.unit, account.uid, account.role, account.status, account.issued]
        if args.reveal:
            person = state.people.get(account.key, {})
            fields += [person.get("full_name", ""), person.get("initial_password", "")]
        print("\t".join(fields))
    return 0


def _load_plain(directory: Path) -> accounts_state.AccountsState:
    import yaml

    path = directory / accounts_state.STATE_FILE
    if not path.exists():
        return accounts_state.AccountsState()
    raw = yaml.load(path.read_text(encoding="utf-8"), Loader=accounts_state._Loader) or {}
    accounts = [accounts_state.Account(**entry) for entry in raw.get("accounts") or []]
    return accounts_state.AccountsState(accounts=accounts)
