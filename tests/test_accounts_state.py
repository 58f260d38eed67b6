"""Issued usernames: stable under reordering, never reissued, leavers disabled; the contribution."""

from __future__ import annotations

import random
import stat
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from controller.accounts.accounts_state import COMMUNE, AccountsState
from controller.accounts.reconcile import apply_staff
from controller.accounts.staff import StaffRow
from controller.cli import main
from controller.errors import Diagnostics

FIXTURE = Path(__file__).parent / "fixtures" / "import" / "small.csv"
SECRET = "test-person-key-secret"
PEOPLE = [
    ("22918", "Nguyễn Quang Vinh", "Chủ tịch"),
    ("22918", "Nguyễn Quốc Vinh", "Văn thư"),
    ("22918", "Nguyễn Quang Vinh", "Kế toán"),  # a namesake with another job: another person
    ("22918", "Nguyễn Thanh Phương", "Chuyên viên"),
    ("22918", "Trần Thị Đào", "Cán bộ CNTT"),
    ("22924", "Nguyễn Quang Vinh", "Chủ tịch"),  # another commune: no suffix
    ("22924", "Tôn Nữ Thị Hà", "Phó chủ tịch"),
]


def rows_of(people: list[tuple[str, str, str]]) -> list[StaffRow]:
    return [
        StaffRow(line=index + 2, unit=u, full_name=n, position=p) for index, (u, n, p) in enumerate(people)
    ]


def issue(state: AccountsState, people: list[tuple[str, str, str]]) -> AccountsState:
    diagnostics = Diagnostics()
    new = apply_staff(
        state,
        rows_of(people),
        COMMUNE,
        path=Path("s.csv"),
        diagnostics=diagnostics,
        date="2025-07-01",
        password=lambda: "x",
    )
    assert not diagnostics
    return new.state


def usernames(state: AccountsState) -> dict[str, tuple[str, str]]:
    return {account.key: (account.uid, account.status) for account in state.accounts}


def test_homonyms_get_numbered_in_one_commune_only() -> None:
    state = issue(AccountsState(secret=SECRET), PEOPLE)
    by_unit = sorted((a.unit, a.uid) for a in state.accounts)
    assert (
        ("22918", "vinhnq") in by_unit and ("22918", "vinhnq2") in by_unit and ("22918", "vinhnq3") in by_unit
    )
    assert ("22924", "vinhnq") in by_unit and ("22924", "vinhnq2") not in by_unit
    assert ("22918", "daott") in by_unit and ("22924", "hatnt") in by_unit


@settings(max_examples=40, deadline=None)
@given(st.permutations(PEOPLE))
def test_the_order_of_the_list_does_not_change_any_username(order: list[tuple[str, str, str]]) -> None:
    reordered = issue(AccountsState(secret=SECRET), list(order))
    assert usernames(reordered) == usernames(issue(AccountsState(secret=SECRET), PEOPLE))


@settings(max_examples=30, deadline=None)
@given(st.permutations(PEOPLE), st.randoms(use_true_random=False))
def test_issued_usernames_survive_later_lists_in_any_order(order, rnd: random.Random) -> None:
    first = issue(AccountsState(secret=SECRET), PEOPLE[:4])
    later = issue(first, list(order))
    for key, (uid, _) in usernames(first).items():
        assert usernames(later)[key][0] == uid


def test_leaver_is_disabled_and_the_name_is_never_reissued() -> None:
    state = issue(AccountsState(secret=SECRET), PEOPLE)
    phuong = next(a for a in state.accounts if a.uid == "phuongnt")
    without = [p for p in PEOPLE if p[1] != "Nguyễn Thanh Phương"]
    state = issue(state, without)
    assert next(a for a in state.accounts if a.key == phuong.key).status == "disabled"
    # A new namesake arrives: the old username stays with the leaver.
    newcomer = ("22918", "Nguyễn Thanh Phương", "Phó chủ tịch")
    state = issue(state, [*without, newcomer])
    assert {a.uid for a in state.accounts if a.unit == "22918" and "phuongnt" in a.uid} == {
        "phuongnt",
        "phuongnt2",
    }
    assert next(a for a in state.accounts if a.key == phuong.key).uid == "phuongnt"
    # The leaver comes back: same username, enabled again.
    state = issue(state, [*without, newcomer, PEOPLE[3]])
    back = next(a for a in state.accounts if a.key == phuong.key)
    assert (back.uid, back.status) == ("phuongnt", "active")


def test_units_not_in_the_list_are_left_alone() -> None:
    state = issue(AccountsState(secret=SECRET), PEOPLE)
    state = issue(state, [p for p in PEOPLE if p[0] == "22924"])
    assert all(a.status == "active" for a in state.accounts)


def test_a_username_override_cannot_take_an_issued_name() -> None:
    state = issue(AccountsState(secret=SECRET), PEOPLE)
    diagnostics = Diagnostics()
    row = StaffRow(line=9, unit="22918", full_name="Y Phương Niê", position="X", username="phuongnt")
    apply_staff(
        state,
        [*rows_of(PEOPLE), row],
        COMMUNE,
        path=Path("s.csv"),
        diagnostics=diagnostics,
        date="2025-07-02",
        password=lambda: "x",
    )
    assert [str(d) for d in diagnostics] == [
        "s.csv:9: username 'phuongnt' was already issued in this unit and is never reissued"
    ]


# --- through the CLI, with the inventory contribution ---


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    out = tmp_path / "ws"
    assert main(["import", "--csv", str(FIXTURE), "-o", str(out)]) == 0
    staff = tmp_path / "muine.csv"
    staff.write_text(
        "commune_code,full_name,position,role,phone,staff_id\n"
        "22918,Nguyễn Thanh Phương,Chuyên viên,staff,0912345678,\n"
        "22918,Nguyễn Quang Vinh,Cán bộ CNTT,it_officer,,\n"
        "22924,Trần Thị Đào,Cán bộ CNTT,it_officer,,\n"
        "22918,Lê Văn Thành,Chánh văn phòng,staff,,CC-001\n",
        encoding="utf-8",
    )
    assert main(["accounts", "import", str(out), "--staff", str(staff)]) == 0
    old = tmp_path / "old.csv"
    old.write_text(
        "district,full_name,position,successor_code,staff_id\n"
        "Thành phố Phan Thiết,Lê Văn Thành,Chánh văn phòng,22918,CC-001\n"
        "Thành phố Phan Thiết,Phạm Văn Tâm,Văn thư,22924,\n",
        encoding="utf-8",
    )
    assert main(["accounts", "import", str(out), "--staff", str(old), "--old-district"]) == 0
    assert main(["inventory", str(out)]) == 0
    return out


def test_contribution_carries_what_the_roles_need_and_no_personal_data(workspace: Path) -> None:
    plain = (workspace / "group_vars" / "all" / "accounts.yml").read_text(encoding="utf-8")
    accounts = yaml.safe_load(plain)
    mails = {a["mail"]: a for a in accounts["accounts_list"]}
    assert mails["phuongnt@muine.lamdong.gov.vn"]["enabled"] is True
    assert mails["vinhnq@muine.lamdong.gov.vn"]["role"] == "it_officer"
    # An old district account is disabled and forwards to the same person's new account (staff_id),
    # or to the successor's IT officer when the person has none.
    assert mails["thanhlv@phanthiet.binhthuan.gov.vn"] == {
        "uid": "thanhlv",
        "unit": "phanthiet-binhthuan",
        "retired": True,
        "mail": "thanhlv@phanthiet.binhthuan.gov.vn",
        "enabled": False,
        "role": "staff",
        "forward_to": "thanhlv@muine.lamdong.gov.vn",
    }
    assert mails["tampv@phanthiet.binhthuan.gov.vn"]["forward_to"] == "daott@phuthuy.lamdong.gov.vn"
    assert {"from": "muine.phanthiet.binhthuan.gov.vn", "to": "muine.lamdong.gov.vn"} in accounts[
        "accounts_domain_forwards"
    ]
    for path in [*workspace.rglob("*.yml"), *workspace.rglob("*.csv")]:
        if path.parent.name == "staff" or path.suffix == ".csv":
            continue
        text = path.read_text(encoding="utf-8")
        assert "Nguyễn" not in text and "0912345678" not in text, path


def test_vault_files_decrypt_with_the_workspace_password_and_are_stable(workspace: Path) -> None:
    from controller.accounts.vault import decrypt, vault

    password_file = workspace / ".vault-pass"
    assert stat.S_IMODE(password_file.stat().st_mode) == 0o600
    vault_file = workspace / "group_vars" / "directory_servers" / "accounts.vault.yml"
    before = vault_file.read_text(encoding="utf-8")
    loader = type("L", (yaml.SafeLoader,), {})
    loader.add_constructor("!vault", lambda loader, node: loader.construct_scalar(node))
    ciphertext = yaml.load(before, Loader=loader)["accounts_secrets_vault"]
    secrets = yaml.safe_load(decrypt(vault(workspace), ciphertext))
    assert secrets["phuongnt@muine.lamdong.gov.vn"]["cn"] == "Nguyễn Thanh Phương"
    assert secrets["phuongnt@muine.lamdong.gov.vn"]["sn"] == "Nguyễn"
    assert len(secrets["phuongnt@muine.lamdong.gov.vn"]["password"]) == 16
    assert main(["inventory", str(workspace)]) == 0
    assert vault_file.read_text(encoding="utf-8") == before  # re-render: not re-encrypted


def test_list_hides_personal_data_unless_revealed(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["accounts", "list", str(workspace), "--commune", "22918"]) == 0
    out = capsys.readouterr().out
    assert "phuongnt" in out and "Nguyễn" not in out
    assert main(["accounts", "list", str(workspace), "--reveal"]) == 0
    assert "Nguyễn Thanh Phương" in capsys.readouterr().out


def test_failed_import_leaves_the_state_untouched(workspace: Path, tmp_path: Path) -> None:
    before = (workspace / "state" / "accounts.yml").read_bytes()
    bad = tmp_path / "bad.csv"
    bad.write_text("commune_code,full_name,position\n22918,,X\n", encoding="utf-8")
    assert main(["accounts", "import", str(workspace), "--staff", str(bad)]) == 3
    assert (workspace / "state" / "accounts.yml").read_bytes() == before
