#!/bin/sh
# Decides the libvirt domain type for this host's VMs and records it in STATE_DIR/domain_type.
# /dev/kvm alone proves nothing (a paravirtual KVM can open and still hang guests at
# boot), so when a probe kernel is given, a throwaway KVM guest must print MARKER on its
# serial console within TIMEOUT seconds; otherwise QEMU software emulation is used.
# usage: kvm-probe.sh STATE_DIR URI KERNEL INITRD MARKER TIMEOUT
set -u
state_dir=$1 uri=$2 kernel=$3 initrd=$4 marker=$5 timeout=$6
mkdir -p "$state_dir"
log="$state_dir/probe.log"
decide() { echo "$1" >"$state_dir/domain_type"; echo "$(date -u +%FT%TZ) $1: $2" >>"$log"; echo "$1: $2"; exit 0; }

[ -c /dev/kvm ] || decide qemu "no /dev/kvm"
if [ -z "$kernel" ]; then
  grep -Eq '(vmx|svm)' /proc/cpuinfo || decide qemu "/dev/kvm present but the CPU shows no vmx/svm and no probe kernel was given"
  decide kvm "/dev/kvm present and the CPU shows vmx/svm (no boot probe kernel given)"
fi
console="$state_dir/probe-console.log"
rm -f "$console"
name="mergectl-kvm-probe-$$"
xml="$state_dir/probe.xml"
cat >"$xml" <<XML
<domain type='kvm'>
  <name>$name</name>
  <memory unit='MiB'>256</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type><kernel>$kernel</kernel><initrd>$initrd</initrd>
    <cmdline>console=ttyS0 panic=-1</cmdline></os>
  <on_poweroff>destroy</on_poweroff><on_reboot>destroy</on_reboot><on_crash>destroy</on_crash>
  <devices><serial type='file'><source path='$console'/><target port='0'/></serial></devices>
</domain>
XML
virsh -c "$uri" create "$xml" >/dev/null 2>"$state_dir/probe-error.log" ||
  decide qemu "a KVM guest could not start: $(tr '\n' ' ' <"$state_dir/probe-error.log")"
elapsed=0
while [ "$elapsed" -lt "$timeout" ]; do
  if grep -q "$marker" "$console" 2>/dev/null; then
    virsh -c "$uri" destroy "$name" >/dev/null 2>&1
    decide kvm "a KVM guest reached its init in about $elapsed s"
  fi
  sleep 1
  elapsed=$((elapsed + 1))
done
virsh -c "$uri" destroy "$name" >/dev/null 2>&1
last_line=$(tail -n1 "$console" 2>/dev/null | tr -d '\r')
# A guest that started and printed nothing is the hang seen with paravirtual KVM.
decide qemu "a KVM guest started but did not reach its init within $timeout s (${last_line:+last console line: $last_line}${last_line:-it printed nothing on its console})"
