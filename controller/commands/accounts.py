"""`mergectl accounts import|list|rename`: staff lists -> issued usernames (state/accounts.yml + vault)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
from pathlib import Path

from controller.accounts import accounts_state, preview, services
from controller.accounts.person_keys import migrate, new_secret
from controller.accounts.reconcile import Outcome, apply_staff, mass_disables
from controller.accounts.staff import read_staff
from controller.accounts.vault import new_password, password_path
from controller.errors import Diagnostics, InvalidInput, Refused, UserError
from controller.model import Mapping
from controller.names import normalize
from controller.tasks.officers import IT_OFFICERS_TASK, record_officers
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
    ren = verbs.add_parser(
        "rename",
        help="correct a username issued wrong and never used (the old one is quarantined)",
        description="Give an account another username, when the one issued was wrong (a name read the "
        "wrong way) and has never been used: not in a recorded run of playbooks mail/site since it was "
        "issued (refused, exit 4), and not in the rendered inventory unless --allow-rendered. The old "
        "username stays with the account and goes to the quarantine: it is never issued again.",
        epilog="example: mergectl accounts rename inventories/daklak --unit 24190 --from kdamynn "
        "--to yngongnk",
    )
    ren.add_argument("workspace", type=Path, metavar="DIR")
    ren.add_argument(
        "--unit", required=True, metavar="CODE", help="commune code (--old-district: district code or name)"
    )
    ren.add_argument("--old-district", action="store_true", help="the account is an old district's")
    ren.add_argument("--from", dest="old", required=True, metavar="USERNAME", help="the username issued")
    ren.add_argument("--to", dest="new", required=True, metavar="USERNAME", help="the username it should get")
    ren.add_argument(
        "--allow-rendered",
        action="store_true",
        help="the username is in the rendered inventory, but no playbook (mail, site) ran with it since",
    )
    ren.set_defaults(handler=run_rename)
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
        services.issue(new_state, new_password)
        names = unit_names(mapping, districts)
        refused = [] if args.allow_disable else _refusals(outcome, names)
        extra = []
        if rekeyed:
            extra.append(f"re-keyed {rekeyed} account(s) with the province's secret (usernames unchanged)")
        if args.json:
            notes = outcome.notes + extra
            document = preview.document(
                outcome.changes, names, summary, dry_run=args.dry_run, notes=notes, refused=refused
            )
            print(json.dumps(document, ensure_ascii=False, indent=2))
        else:
            if args.dry_run:
                print(preview.table(outcome.changes, names))  # the rows' notes are in its last column
            for note in extra if args.dry_run else outcome.notes + extra:
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
        named = record_officers(workspace.dir, new_state.accounts)
    if args.json:
        return 0
    print(f"{args.staff}: {summary}")
    if named:
        print(
            f"IT officer named for {len(named)} commune(s): recorded for the plan's task "
            f"{IT_OFFICERS_TASK} (mergectl tasks {workspace.dir})"
        )
    print(
        f"wrote {workspace.dir / accounts_state.STATE_FILE} and {accounts_state.SECRETS_FILE} "
        f"(vault password: {password_path(workspace.dir)})"
    )
    print(
        f"next: mergectl inventory {workspace.dir}, then ansible-playbook -i {workspace.dir} "
        f"playbooks/mail.yml --vault-password-file {password_path(workspace.dir)}"
    )
    return 0


def run_rename(args: argparse.Namespace) -> int:
    from controller.accounts.rename import RENDERED_FILE, evidence, rename
    from controller.accounts.usernames import problem
    from controller.allocate import allocate_workspace, validated_inputs
    from controller.allocate.allocations_state import load_state, save_state
    from controller.allocate.quarantine import release
    from controller.contrib.accounts import mail_address

    workspace = Workspace(args.workspace)
    inputs = validated_inputs(workspace)
    districts, _ = district_index(inputs.mapping)
    kind, unit = _unit_of(args, inputs.mapping, districts)
    wrong = problem(args.new)
    if wrong:
        raise UserError(f"--to: username {args.new!r} {wrong}")
    where = f"{'old district' if args.old_district else 'commune'} {args.unit}"
    with workspace.lock():
        state = accounts_state.load(workspace.dir)
        held = state.accounts if state else []
        account = next((a for a in held if (a.kind, a.unit, a.uid) == (kind, unit, args.old)), None)
        if state is None or account is None:
            raise UserError(f"no account {args.old!r} in {where} (mergectl accounts list {workspace.dir})")
        if args.new in state.taken(kind, unit):
            raise UserError(f"--to: {args.new!r} is, or was, issued in {where}; a username is never reissued")
        _, allocations, _ = allocate_workspace(workspace, inputs, write=False)
        mail = mail_address(account, allocations)
        seen = evidence(workspace.dir, account, mail)
        if seen.applied:
            raise Refused(
                [f"{mail or args.old} may be in use: {run} ran since it was issued" for run in seen.applied],
                "a username a run may have applied keeps its name (its mailbox and directory entry may "
                "exist); there is no flag for this",
            )
        if seen.rendered and not args.allow_rendered:
            raise Refused(
                [f"{mail or args.old} is in the rendered inventory ({RENDERED_FILE})"],
                "a playbook run by hand (ansible-playbook playbooks/mail.yml) leaves no record here; if none "
                "ran since `mergectl inventory`, give --allow-rendered",
            )
        rename(account, args.new)
        if not state.secret:
            state.secret = new_secret()
        allocation_state, problems = load_state(workspace.state_dir)
        if problems:
            raise InvalidInput(problems)
        accounts_state.save(workspace.dir, state)
        value = mail or f"{args.old} ({where})"
        reason = f"username renamed to {args.new} before first use"
        added, item = release(allocation_state, "account", value, unit, reason, dt.date.today())
        if added:
            save_state(workspace.state_dir, allocation_state)
    print(f"renamed {args.old} -> {args.new} in {where}; quarantined {item.value} (never issued again)")
    print(f"next: mergectl inventory {workspace.dir}")
    return 0


def _unit_of(args: argparse.Namespace, mapping: Mapping, districts: dict[str, str]) -> tuple[str, str]:
    if not args.old_district:
        return accounts_state.COMMUNE, args.unit
    key = districts.get(args.unit, districts.get(normalize(args.unit).casefold()))
    if not key:
        raise UserError(f"--unit: {args.unit!r} names no single old district of mapping.yml (use its code)")
    return accounts_state.OLD_DISTRICT, key


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
