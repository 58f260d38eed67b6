"""Salted person keys, the migration of unsalted (version 1) state, and staff ids added later."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from pathlib import Path
from typing import Any

import pytest
import yaml

from controller.accounts import accounts_state
from controller.accounts.vault import decrypt, encrypt, vault
from controller.cli import main
from controller.names import fold

FIXTURE = Path(__file__).parent / "fixtures" / "import" / "small.csv"
HEADER = "commune_code,full_name,position,role,staff_id\n"
STAFF = (
    "22918,Nguyễn Thanh Phương,Chuyên viên,staff,\n"
    "22918,Nguyễn Quang Vinh,Cán bộ CNTT,it_officer,\n"
    "22918,Nguyễn Quang Vinh,Kế toán,staff,\n"
    "22918,Lê Văn Thành,Chánh văn phòng,staff,CC-001\n"
    "22918,Y Khuê Niê,Chuyên viên,staff,\n"
    "22924,Trần Thị Đào,Cán bộ CNTT,it_officer,\n"
)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    out = tmp_path / "ws"
    assert main(["import", "--csv", str(FIXTURE), "-o", str(out)]) == 0
    return out


def import_list(workspace: Path, tmp_path: Path, body: str, *extra: str, name: str = "staff.csv") -> int:
    staff = tmp_path / name
    staff.write_text(body, encoding="utf-8")
    return main(["accounts", "import", str(workspace), "--staff", str(staff), *extra])


def plain(workspace: Path) -> dict[str, Any]:
    return yaml.safe_load((workspace / accounts_state.STATE_FILE).read_text(encoding="utf-8"))


def secret_doc(workspace: Path) -> dict[str, Any]:
    text = (workspace / accounts_state.SECRETS_FILE).read_text(encoding="ascii")
    return yaml.safe_load(decrypt(vault(workspace), text))


def uids(workspace: Path) -> dict[tuple[str, str], str]:
    """(unit, uid) -> status."""
    return {(a["unit"], a["uid"]): a["status"] for a in plain(workspace)["accounts"]}


# --- version 1, written as the code before this change wrote it -------------------------------


def v1_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


def v1_words(text: str) -> list[str]:
    normal = re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()
    return [fold(word) for word in normal.split(" ") if fold(word)]


def downgrade_to_v1(workspace: Path) -> None:
    """Rewrite a workspace's accounts as version 1 did: unsalted keys, no secret, no staff_id kept."""
    state = plain(workspace)
    secret = secret_doc(workspace)
    people: dict[str, dict[str, str]] = {}
    for account in state["accounts"]:
        record = secret["people"][account["key"]]
        staff_id = record.pop("staff_id", "")
        person = f"id:{staff_id}" if staff_id else "name:" + " ".join(v1_words(record["full_name"]))
        identity = f"{account['unit']}|{person}"
        if not staff_id:
            identity += "|" + " ".join(v1_words(record["position"]))
        account["key"] = v1_digest(f"{account['kind']}|{identity}")
        account["person"] = v1_digest(person)
        people[account["key"]] = record
    state["version"] = 1
    text = yaml.safe_dump(state, allow_unicode=True)
    (workspace / accounts_state.STATE_FILE).write_text(text, encoding="utf-8")
    document = {"people": people, "services": secret["services"]}
    (workspace / accounts_state.SECRETS_FILE).write_text(
        encrypt(vault(workspace), yaml.safe_dump(document, allow_unicode=True)), encoding="ascii"
    )


# --- tests ---------------------------------------------------------------------------------------


def test_keys_are_salted_with_a_secret_kept_only_in_the_vault(workspace: Path, tmp_path: Path) -> None:
    assert import_list(workspace, tmp_path, HEADER + STAFF) == 0
    state, secret = plain(workspace), secret_doc(workspace)
    assert state["version"] == 2
    assert re.fullmatch(r"[0-9a-f]{64}", secret["person_key_secret"])
    text = (workspace / accounts_state.STATE_FILE).read_text(encoding="utf-8")
    assert secret["person_key_secret"] not in text and "legacy_key" not in text
    # The dictionary attack of the issue: digests of folded names no longer appear.
    for account in state["accounts"]:
        record = secret["people"][account["key"]]
        assert account["person"] != v1_digest("name:" + " ".join(v1_words(record["full_name"])))
        name = " ".join(v1_words(record["full_name"]))
        assert account["key"] != v1_digest(f"commune|{account['unit']}|name:{name}")


def test_two_provinces_key_the_same_person_differently(tmp_path: Path) -> None:
    keys = []
    for name in ("a", "b"):
        out = tmp_path / name
        assert main(["import", "--csv", str(FIXTURE), "-o", str(out)]) == 0
        assert import_list(out, tmp_path, HEADER + STAFF, name=f"{name}.csv") == 0
        keys.append({a["uid"]: a["key"] for a in plain(out)["accounts"]})
    assert keys[0].keys() == keys[1].keys()
    assert all(keys[0][uid] != keys[1][uid] for uid in keys[0])


def test_unsalted_state_is_migrated_on_the_next_import_without_changing_a_username(
    workspace: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert import_list(workspace, tmp_path, HEADER + STAFF) == 0
    old = tmp_path / "old.csv"
    old.write_text(
        "district,full_name,position,successor_code,staff_id\n"
        "Thành phố Phan Thiết,Lê Văn Thành,Chánh văn phòng,22918,CC-001\n"
        "Thành phố Phan Thiết,Phạm Văn Tâm,Văn thư,22924,\n",
        encoding="utf-8",
    )
    assert main(["accounts", "import", str(workspace), "--staff", str(old), "--old-district"]) == 0
    before = uids(workspace)
    downgrade_to_v1(workspace)
    v1_keys = {a["key"] for a in plain(workspace)["accounts"]}
    capsys.readouterr()

    # The next list names commune 22924 only: every account without a staff_id is re-keyed from
    # its vault record; the staff_id person (Lê Văn Thành, CC-001) is not named, so waits.
    assert import_list(workspace, tmp_path, HEADER + "22924,Trần Thị Đào,Cán bộ CNTT,it_officer,\n") == 0
    assert "re-keyed 6 account(s) with the province's secret (usernames unchanged)" in capsys.readouterr().out
    assert uids(workspace) == before
    state = plain(workspace)
    assert state["version"] == 2 and secret_doc(workspace)["person_key_secret"]
    waiting = [a for a in state["accounts"] if a.get("legacy_key")]
    assert sorted(a["uid"] for a in waiting) == ["thanhlv", "thanhlv"]  # commune and old district account
    assert all(a["key"] in v1_keys for a in waiting)
    assert not ({a["key"] for a in state["accounts"] if not a.get("legacy_key")} & v1_keys)

    # A list that names CC-001 re-keys both of that person's accounts, which still match each other.
    assert import_list(workspace, tmp_path, HEADER + STAFF) == 0
    assert uids(workspace) == before
    state = plain(workspace)
    assert not any(a.get("legacy_key") for a in state["accounts"])
    thanh = [a for a in state["accounts"] if a["uid"] == "thanhlv"]
    assert len({a["person"] for a in thanh}) == 1
    assert main(["inventory", "-q", str(workspace)]) == 0
    rendered = yaml.safe_load((workspace / "group_vars" / "all" / "accounts.yml").read_text(encoding="utf-8"))
    forward = {a["mail"]: a.get("forward_to") for a in rendered["accounts_list"]}
    assert forward["thanhlv@phanthiet.binhthuan.gov.vn"] == "thanhlv@muine.lamdong.gov.vn"


def test_a_salted_state_without_its_secret_is_refused_not_rekeyed(workspace: Path, tmp_path: Path) -> None:
    assert import_list(workspace, tmp_path, HEADER + STAFF) == 0
    document = secret_doc(workspace)
    del document["person_key_secret"]
    (workspace / accounts_state.SECRETS_FILE).write_text(
        encrypt(vault(workspace), yaml.safe_dump(document, allow_unicode=True)), encoding="ascii"
    )
    before = (workspace / accounts_state.STATE_FILE).read_bytes()
    assert import_list(workspace, tmp_path, HEADER + STAFF) == 3
    assert (workspace / accounts_state.STATE_FILE).read_bytes() == before


def test_adding_staff_ids_keeps_everyones_account(
    workspace: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert import_list(workspace, tmp_path, HEADER + STAFF) == 0
    before = uids(workspace)
    with_ids = STAFF.replace("Chuyên viên,staff,\n", "Chuyên viên,staff,CC-101\n", 1).replace(
        "Cán bộ CNTT,it_officer,\n", "Cán bộ CNTT,it_officer,CC-102\n", 1
    ).replace("Kế toán,staff,\n", "Kế toán,staff,CC-103\n")
    capsys.readouterr()
    assert import_list(workspace, tmp_path, HEADER + with_ids, "--dry-run") == 0
    out = capsys.readouterr().out
    assert "0 username(s) issued" in out and "0 disabled" in out
    assert import_list(workspace, tmp_path, HEADER + with_ids) == 0
    assert uids(workspace) == before
    records = secret_doc(workspace)["people"]
    ids = sorted(record["staff_id"] for record in records.values() if record["staff_id"])
    assert ids == ["CC-001", "CC-101", "CC-102", "CC-103"]
    # From now on the id is the person: a new position keeps the account.
    moved = with_ids.replace("Kế toán,staff,CC-103", "Phó chủ tịch,staff,CC-103")
    assert import_list(workspace, tmp_path, HEADER + moved) == 0
    assert uids(workspace) == before


def test_two_namesakes_claiming_one_account_are_asked_which_holds_it(
    workspace: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert import_list(workspace, tmp_path, HEADER + "22918,Nguyễn Quang Vinh,Văn thư,staff,\n") == 0
    capsys.readouterr()
    body = HEADER + "22918,Nguyễn Quang Vinh,Văn thư,staff,A-1\n22918,Nguyễn Quang Vinh,Văn thư,staff,A-2\n"
    staff = tmp_path / "staff.csv"
    assert import_list(workspace, tmp_path, body) == 3
    err = capsys.readouterr().err
    assert f"{staff}:2: lines 2, 3 have the same name and position as the account 'vinhnq'" in err
    assert f"{staff}:3:" in err
    # The holder first, then the namesake: two accounts, the first one kept.
    assert import_list(workspace, tmp_path, HEADER + "22918,Nguyễn Quang Vinh,Văn thư,staff,A-1\n") == 0
    assert import_list(workspace, tmp_path, body) == 0
    assert uids(workspace) == {("22918", "vinhnq"): "active", ("22918", "vinhnq2"): "active"}


def test_a_paired_old_district_account_follows_the_staff_id(workspace: Path, tmp_path: Path) -> None:
    assert import_list(workspace, tmp_path, HEADER + "22918,Lê Văn Thành,Chánh văn phòng,staff,\n") == 0
    old = tmp_path / "old.csv"
    old.write_text(
        "district,full_name,position,successor_code\n"
        "Thành phố Phan Thiết,Lê Văn Thành,Chánh văn phòng,22918\n",
        encoding="utf-8",
    )
    assert main(["accounts", "import", str(workspace), "--staff", str(old), "--old-district"]) == 0
    assert import_list(workspace, tmp_path, HEADER + "22918,Lê Văn Thành,Chánh văn phòng,staff,CC-001\n") == 0
    state = plain(workspace)
    assert len({a["person"] for a in state["accounts"]}) == 1


def test_a_copy_made_a_second_person_by_a_zero_width_space_is_retired_by_the_migration(
    workspace: Path, tmp_path: Path
) -> None:
    """Version 1 issued `thanhphuongn` for "Nguyễn Thanh\\u200bPhương" beside `phuongnt` (the issue)."""
    body = (
        "commune_code,full_name,position,given_name\n"
        "22918,Nguyễn Thanh Phương,Chuyên viên,\n22918,Nguyễn Thanhphương,Chuyên viên,Thanhphương\n"
    )
    assert import_list(workspace, tmp_path, body) == 0
    document = secret_doc(workspace)
    for record in document["people"].values():
        if record["full_name"] == "Nguyễn Thanhphương":
            record["full_name"] = "Nguyễn Thanh\u200bPhương"  # what version 1 stored
    (workspace / accounts_state.SECRETS_FILE).write_text(
        encrypt(vault(workspace), yaml.safe_dump(document, allow_unicode=True)), encoding="ascii"
    )
    downgrade_to_v1(workspace)
    assert uids(workspace) == {("22918", "phuongnt"): "active", ("22918", "thanhphuongn"): "active"}
    # The same list, pasted again from the web form: now one person, who keeps phuongnt.
    again = HEADER + "22918,Nguyễn Thanh\u200bPhương,Chuyên viên,staff,\n"
    assert import_list(workspace, tmp_path, again) == 0
    assert uids(workspace) == {("22918", "phuongnt"): "active", ("22918", "thanhphuongn"): "disabled"}
