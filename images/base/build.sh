#!/usr/bin/env bash
# Builds the production base image of the Integration Centre's VMs from Debian packages
# only: debootstrap (minbase) of Debian 12 with the cloud kernel, systemd, cloud-init
# (NoCloud), sshd and the QEMU guest agent, written into a partitioned disk that boots
# with GRUB from its MBR, converted to a compressed qcow2.
#
# No loop device, no mount, no chroot of our own: the filesystem is made from the folder
# by `mkfs.ext4 -d` directly at the partition's offset in the disk file, and GRUB's
# boot.img and core.img are written into the MBR and the gap before the partition with
# dd (what grub-install would do on a real disk). So it runs wherever debootstrap does.
#
# Output folder CACHE/<hash>/ (the hash covers the recipe, this script, files/ and the
# package versions; a second run only prints the folder):
#   mergectl-debian12-<hash>.qcow2   the base image (VM disks are overlays of it)
#   vmlinuz, initrd.img              its kernel, for direct kernel boot and the KVM probe
#   manifest.txt                     versions, sizes, build time, sha256
# CACHE/current points at the newest build.
# usage: images/base/build.sh [CACHE_DIR]   (default /var/cache/mergectl/base-image)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${1:-${MERGECTL_BASE_IMAGE_CACHE:-/var/cache/mergectl/base-image}}
# shellcheck source=recipe.conf
. "$here/recipe.conf"

fail() { echo "base image: $*" >&2; exit "${2:-1}"; }
for tool in debootstrap apt-cache mkfs.ext4 sfdisk grub-mkimage qemu-img; do
  command -v "$tool" >/dev/null || fail "$tool is missing; run scripts/setup.sh (grub-pc-bin, qemu-utils, fdisk, debootstrap)" 3
done
grub_dir=/usr/lib/grub/i386-pc
[ -f "$grub_dir/boot.img" ] || fail "$grub_dir/boot.img is missing; apt-get install grub-pc-bin" 3
[ "$(id -u)" = 0 ] || fail "debootstrap needs root" 3

versions=$(for package in "$KERNEL" cloud-init; do
  printf '%s %s\n' "$package" "$(apt-cache policy "$package" | sed -n 's/^ *Candidate: //p')"; done)
grep -q '(none)\| $' <<<"$versions" && fail "cannot resolve package versions ($versions); run apt-get update" 3
tag=$( { cat "$here/recipe.conf" "$here/build.sh" "$here"/files/*; echo "$versions"; } | sha256sum | cut -c1-12)
out="$cache/$tag"
image="$IMAGE_NAME-$tag.qcow2"
if [ -f "$out/manifest.txt" ]; then
  ln -sfn "$tag" "$cache/current"
  echo "$out"
  exit 0
fi

# The mirror this machine's apt already uses, so the build works wherever apt does.
mirror=${MERGECTL_DEBIAN_MIRROR:-$(awk '/^URIs:/ && $2 !~ /security/ {print $2; exit} /^deb / && $2 !~ /security/ {print $2; exit}' \
  /etc/apt/sources.list.d/debian.sources /etc/apt/sources.list 2>/dev/null || true)}
[ -n "$mirror" ] || fail "no Debian mirror found in /etc/apt sources; set MERGECTL_DEBIAN_MIRROR" 3

start=$(date +%s)
mkdir -p "$cache/debs"
work=$(mktemp -d /var/tmp/mergectl-base-image.XXXXXX)
trap 'rm -rf "$work"' EXIT
rootfs="$work/rootfs"
echo "base image: debootstrap $SUITE ($VARIANT) from $mirror" >&2
# --cache-dir keeps the .debs between builds: a recipe change re-downloads only what changed.
debootstrap --variant="$VARIANT" --include="$INCLUDE,$KERNEL" --cache-dir="$cache/debs" \
  "$SUITE" "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 || {
  cp "$rootfs/debootstrap/debootstrap.log" "$cache/debootstrap-failed.log" 2>/dev/null || true
  tail -20 "$work/debootstrap.log" >&2; fail "debootstrap failed (log above; dpkg's in $cache/debootstrap-failed.log)"; }
debootstrapped=$(date +%s)

kver=$(find "$rootfs/boot" -name 'vmlinuz-*' -printf '%f\n' | sed 's/^vmlinuz-//' | sort -V | tail -n1)
if [ -z "$kver" ] || [ ! -f "$rootfs/boot/initrd.img-$kver" ]; then
  fail "no kernel/initramfs in the image (see the kernel's postinst)"
fi

# Each VM must get its own identity at first boot: machine-id from systemd, host keys and
# hostname from cloud-init.
: >"$rootfs/etc/machine-id"
rm -f "$rootfs/var/lib/dbus/machine-id" "$rootfs"/etc/ssh/ssh_host_* "$rootfs/etc/hostname"
root_uuid=$(cat /proc/sys/kernel/random/uuid)
printf 'UUID=%s / ext4 errors=remount-ro 0 1\n' "$root_uuid" >"$rootfs/etc/fstab"
install -m 0644 "$here/files/90-mergectl.cfg" "$rootfs/etc/cloud/cloud.cfg.d/90-mergectl.cfg"
install -m 0644 "$here/files/01-mergectl-nodoc" "$rootfs/etc/dpkg/dpkg.cfg.d/01-mergectl-nodoc"
printf 'deb %s %s main\ndeb %s %s-updates main\ndeb %s %s-security main\n' \
  "$mirror" "$SUITE" "$mirror" "$SUITE" "${mirror%/debian}/debian-security" "$SUITE" >"$rootfs/etc/apt/sources.list"
printf 'APT::Install-Recommends "false";\n' >"$rootfs/etc/apt/apt.conf.d/90mergectl"
# cloud-init renders the seed's network-config for systemd-networkd (files/90-mergectl.cfg).
systemctl --root="$rootfs" enable systemd-networkd.service >/dev/null 2>&1
# What dpkg.cfg.d/01-mergectl-nodoc keeps out of later installs, removed from this one.
find "$rootfs/usr/share/doc" -mindepth 1 ! -name copyright ! -type d -delete
rm -rf "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* "$rootfs"/var/cache/apt/*.bin \
  "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*_Packages "$rootfs"/var/log/*.log
find "$rootfs/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name locale.alias -exec rm -rf {} +

# GRUB reads its modules and config from the root filesystem; core.img (below) only
# needs enough to find them.
mkdir -p "$rootfs/boot/grub/i386-pc"
cp "$grub_dir"/*.mod "$grub_dir"/*.lst "$rootfs/boot/grub/i386-pc/"
sed "s/@ROOT_UUID@/$root_uuid/g" "$here/files/grub.cfg" >"$rootfs/boot/grub/grub.cfg"
rootfs_mib=$(du -sm "$rootfs" | cut -f1)

# The disk: an MBR with one partition from 1 MiB to the end (growpart can extend it),
# the ext4 filesystem written straight into it from the folder.
disk="$work/disk.raw"
truncate -s "${DISK_GIB}G" "$disk"
printf 'label: dos\nstart=2048, type=83, bootable\n' | sfdisk --quiet "$disk"
mkfs.ext4 -q -F -L root -U "$root_uuid" -d "$rootfs" -E offset=1048576 \
  "$disk" "$(( DISK_GIB * 1024 - 1 ))M" >"$work/mkfs.log" 2>&1 || { cat "$work/mkfs.log" >&2; fail "mkfs.ext4 failed"; }
grub-mkimage -O i386-pc -o "$work/core.img" -p '(hd0,msdos1)/boot/grub' \
  biosdisk part_msdos ext2 search_fs_uuid normal linux configfile serial terminal echo test boot
core_sectors=$(( ($(stat -c %s "$work/core.img") + 511) / 512 ))
[ "$core_sectors" -lt 2047 ] || fail "GRUB core.img ($core_sectors sectors) does not fit before the partition"
# boot.img's code only (440 bytes): the partition table after it stays. It loads core.img
# from sector 1, which is where boot.img and core.img expect it by default.
dd if="$grub_dir/boot.img" of="$disk" bs=440 count=1 conv=notrunc status=none
dd if="$work/core.img" of="$disk" bs=512 seek=1 conv=notrunc status=none

mkdir -p "$out.tmp"
qemu-img convert -c -O qcow2 "$disk" "$out.tmp/$image"
cp "$rootfs/boot/vmlinuz-$kver" "$out.tmp/vmlinuz"
cp "$rootfs/boot/initrd.img-$kver" "$out.tmp/initrd.img"
{
  echo "image $image"
  echo "suite $SUITE ($VARIANT), kernel $kver, root UUID $root_uuid"
  echo "$versions"
  echo "packages $(dpkg-query --admindir="$rootfs/var/lib/dpkg" -W -f='${Package}\n' | wc -l)"
  echo "rootfs ${rootfs_mib} MiB, virtual disk ${DISK_GIB} GiB, qcow2 $(( $(stat -c %s "$out.tmp/$image") / 1048576 )) MiB"
  echo "sha256 $(sha256sum "$out.tmp/$image" | cut -d' ' -f1)"
  echo "built $(date -u +%FT%TZ) in $(( $(date +%s) - start )) s (debootstrap $(( debootstrapped - start )) s)"
} >"$out.tmp/manifest.txt"
rm -rf "$out" && mv "$out.tmp" "$out"
ln -sfn "$tag" "$cache/current"
cat "$out/manifest.txt" >&2
echo "$out"
