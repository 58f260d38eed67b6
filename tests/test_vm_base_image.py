"""The VMs' base image recipe (images/base/) and, when one has been built, its disk layout.

The layout checks read the built qcow2 the way a BIOS would: the MBR must carry GRUB's
boot code, the partition table and the boot signature, and GRUB's core image must sit
in the gap before the one partition, where boot.img looks for it.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

IMAGES = Path(__file__).resolve().parent.parent / "images" / "base"
CACHE = Path(os.environ.get("MERGECTL_BASE_IMAGE_CACHE", "/var/cache/mergectl/base-image"))
GRUB_BOOT_IMG = Path("/usr/lib/grub/i386-pc/boot.img")


def recipe() -> dict[str, str]:
    values: dict[str, str] = {}
    for line in (IMAGES / "recipe.conf").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            values[name] = " ".join(shlex.split(value))
    return values


def test_recipe_has_what_a_cloud_init_guest_needs() -> None:
    values = recipe()
    packages = set(values["INCLUDE"].split(","))
    assert {
        "systemd-sysv",
        "cloud-init",
        "openssh-server",
        "qemu-guest-agent",
        "cloud-guest-utils",
    } <= packages
    assert values["KERNEL"] in {"linux-image-cloud-amd64", "linux-image-amd64"}
    assert values["SUITE"] == "bookworm"
    assert values["VARIANT"] == "minbase"
    assert int(values["DISK_GIB"]) >= 1


def test_cloud_init_reads_only_the_nocloud_seed_and_renders_for_networkd() -> None:
    config = yaml.safe_load((IMAGES / "files" / "90-mergectl.cfg").read_text(encoding="utf-8"))
    # No metadata-service datasource: a VM must never probe the network for one.
    assert config["datasource_list"] == ["NoCloud", "None"]
    assert config["system_info"]["network"]["renderers"] == ["networkd"]
    assert config["locale"] == "C.UTF-8"


def test_grub_boots_the_root_by_uuid_on_the_serial_console() -> None:
    grub = (IMAGES / "files" / "grub.cfg").read_text(encoding="utf-8")
    assert grub.count("@ROOT_UUID@") == 2
    assert "linux /vmlinuz root=UUID=@ROOT_UUID@" in grub
    assert "initrd /initrd.img" in grub
    assert "console=ttyS0" in grub


def built_image() -> Path | None:
    current = CACHE / "current"
    images = sorted(current.glob("*.qcow2")) if current.is_dir() else []
    return images[0] if len(images) == 1 else None


needs_image = pytest.mark.skipif(
    built_image() is None or shutil.which("qemu-img") is None,
    reason=f"no base image built in {CACHE}/current (images/base/build.sh) or no qemu-img",
)


@pytest.fixture(scope="module")
def first_mib(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    image = built_image()
    assert image is not None
    out = tmp_path_factory.mktemp("mbr") / "head.raw"
    subprocess.run(
        ["qemu-img", "dd", "-f", "qcow2", "-O", "raw", "bs=512", "count=2048", f"if={image}", f"of={out}"],
        check=True,
        capture_output=True,
    )
    return out.read_bytes()


@needs_image
def test_image_is_named_by_its_recipe_hash_and_sized_by_the_recipe() -> None:
    image = built_image()
    assert image is not None
    folder = image.parent.resolve()
    assert image.name == f"{recipe()['IMAGE_NAME']}-{folder.name}.qcow2"
    info = json.loads(
        subprocess.run(
            ["qemu-img", "info", "--output=json", str(image)], check=True, capture_output=True, text=True
        ).stdout
    )
    assert info["format"] == "qcow2"
    assert info["virtual-size"] == int(recipe()["DISK_GIB"]) * 1024**3
    assert "backing-filename" not in info
    for companion in ("vmlinuz", "initrd.img", "manifest.txt"):
        assert (folder / companion).stat().st_size > 0


@needs_image
def test_mbr_has_grub_one_bootable_linux_partition_and_the_signature(first_mib: bytes) -> None:
    mbr = first_mib[:512]
    assert mbr[510:512] == b"\x55\xaa"
    if GRUB_BOOT_IMG.exists():
        assert mbr[:440] == GRUB_BOOT_IMG.read_bytes()[:440]
    entry = mbr[446:462]
    assert entry[0] == 0x80, "partition 1 is not marked bootable"
    assert entry[4] == 0x83, "partition 1 is not a Linux partition"
    start_lba = int.from_bytes(entry[8:12], "little")
    sectors = int.from_bytes(entry[12:16], "little")
    assert start_lba == 2048
    # One partition to the end of the disk, so growpart can extend it into a larger VM disk.
    assert start_lba + sectors == int(recipe()["DISK_GIB"]) * 1024**3 // 512
    assert mbr[462:510] == bytes(48), "only one partition expected"


@needs_image
def test_grub_core_image_follows_the_mbr(first_mib: bytes) -> None:
    # GRUB's diskboot.img starts core.img; grub-mkimage fills its block list with the
    # core's length, which must fit in the gap before the partition at sector 2048.
    core = first_mib[512:]
    assert core[:2] != b"\x00\x00"
    blocklist = core[512 - 12 : 512]
    start, length = int.from_bytes(blocklist[0:8], "little"), int.from_bytes(blocklist[8:10], "little")
    assert start == 2, "the rest of core.img must follow its first sector"
    assert 0 < length < 2047 - 1
