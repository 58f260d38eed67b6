#!/usr/bin/env bash
# THE main job on the embedded default (README, first command): set the machine up, import
# the real Bình Thuận -> Lâm Đồng mapping, validate it, render the inventory, plan, bring up
# a lab slice of 2 communes, run the site playbook against it, check it as the control node would
# (`mergectl check`, against the lab's containers) and from each commune's LAN client what a PC
# there can reach and resolve, and say where everything is.
# A step whose verb or playbook is missing is a failure, never a skip: the steps after it
# still run, and the demo exits non-zero at the end naming what is missing. Only the
# steps that need a lab that did not come up are skipped (its failure is already counted).
#
#   scripts/demo.sh [DIR]        DIR defaults to work/lamdong (git-ignored)
#   COMMUNES=3 scripts/demo.sh   a bigger lab slice
# The lab is left running; the last line prints the command that removes it.
set -uo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo" || exit 1
workspace=${1:-work/lamdong}
communes=${COMMUNES:-2}
export PATH="$repo/.venv/bin:$PATH"

names=() results=() times=() missing_steps=()
record() { names+=("$1"); results+=("$2"); times+=("$3"); }
run() {  # $1 = step name, rest = command
  local name=$1 start rc; shift
  printf '\n==> %s: %s\n' "$name" "$*"
  start=$(date +%s)
  "$@"; rc=$?
  local took=$(( $(date +%s) - start ))
  if [ "$rc" = 0 ]; then record "$name" ok "$took"; else record "$name" "FAILED (exit $rc)" "$took"; fi
  return "$rc"
}
skip() { printf '\n==> %s: skipped (%s)\n' "$1" "$2"; record "$1" "skipped: $2" 0; }
missing() {  # $1 = step name, $2 = what is missing: the demo no longer shows what it claims to
  printf '\n==> %s: MISSING (%s)\n' "$1" "$2" >&2
  record "$1" "MISSING: $2" 0; missing_steps+=("$1 ($2)")
}
has_verb() { mergectl "$1" --help >/dev/null 2>&1; }

total_start=$(date +%s)
run setup scripts/setup.sh || { echo "demo: setup failed; nothing else can run" >&2; exit 1; }

run import mergectl import --province "Lâm Đồng" --only-old-province "Bình Thuận" -o "$workspace" ||
  { echo "demo: import failed" >&2; exit 1; }
run validate mergectl validate "$workspace" || { echo "demo: the workspace is not valid (above)" >&2; exit 1; }
# Staff of the lab's two communes and of their old district (testbed/demo/): usernames,
# directory entries and mailboxes for the mail play; the district's accounts stay disabled.
run "accounts" mergectl accounts import "$workspace" --staff testbed/demo/staff-communes.csv ||
  { echo "demo: staff list import failed" >&2; exit 1; }
run "old district accounts" mergectl accounts import "$workspace" --old-district --staff testbed/demo/staff-old-districts.csv ||
  { echo "demo: old district staff import failed" >&2; exit 1; }
if has_verb inventory; then
  run inventory mergectl inventory "$workspace" || { echo "demo: inventory failed" >&2; exit 1; }
else
  missing inventory "no 'mergectl inventory' verb"; echo "demo: no inventory, no lab" >&2; exit 1
fi
# Secrets an operator keeps in Ansible Vault: the demo makes throwaway random ones for a
# fresh workspace (never replacing existing ones), so the site playbook can run in the lab.
demo_secrets() {
  local pass="$workspace/.vault-pass" dns_vault="$workspace/group_vars/dns_servers/vault.yml"
  if [ ! -f "$pass" ]; then (umask 077 && head -c 32 /dev/urandom | base64 >"$pass"); echo "wrote $pass"; fi
  if [ ! -f "$dns_vault" ]; then
    mkdir -p "$(dirname "$dns_vault")"
    {
      echo "---"
      echo "# Made by scripts/demo.sh for the lab: a random TSIG key for zone transfers."
      ansible-vault encrypt_string --vault-password-file "$pass" --name vault_dns_tsig_secret \
        "$(head -c 32 /dev/urandom | base64)" 2>/dev/null
    } >"$dns_vault" && echo "wrote $dns_vault"
  fi
}
run "demo secrets" demo_secrets

if has_verb plan; then run plan mergectl plan "$workspace"; else missing plan "no 'mergectl plan' verb"; fi
# What the province asks of outside parties (issue 19): the sheets the districts and departments
# fill in (what exists; both HQs' addresses), and the lines to order from the operator.
outside_parties() {
  mergectl survey template "$workspace" && mergectl sites template "$workspace" &&
    mergectl export line-orders "$workspace"
}
if has_verb survey && has_verb sites; then
  run "outside parties" outside_parties
else
  missing "outside parties" "no 'mergectl survey' or 'mergectl sites' verb"
fi

lab_ok=0
if has_verb lab; then
  run "lab up" mergectl lab up "$workspace" --communes "$communes" && lab_ok=1
else
  missing "lab up" "no 'mergectl lab' verb"
fi
if [ "$lab_ok" = 0 ] && [ -f "$workspace/lab/hosts.yml" ]; then
  # containers are up but a later step of 'lab up' (seeding) failed: the site can still run
  echo "demo: 'lab up' reported a problem (above); the lab's containers are up, going on"
  lab_ok=1
fi
if ! has_verb apply; then
  missing "apply site (lab)" "no 'mergectl apply' verb"
elif [ ! -f playbooks/site.yml ]; then
  missing "apply site (lab)" "no playbooks/site.yml"
elif [ "$lab_ok" = 1 ]; then
  run "apply site (lab)" mergectl apply "$workspace" --lab --playbook site
else
  skip "apply site (lab)" "the lab did not come up"
fi
# `mergectl check` from this machine against the lab's containers (both name servers' answers and
# serials, MX, DKIM, portals over HTTPS with the lab's CA, SMTP/IMAPS, the gateways' loopbacks),
# then from each lab client: its lease, every new commune name through its gateway's resolver,
# the core's loopback and the gateway's policy (docs/lab.md, "Lab check"); exit 5 on any FAIL.
if [ "$lab_ok" = 1 ]; then
  run "lab check" mergectl lab check "$workspace"
else
  skip "lab check" "the lab did not come up"
fi
# The Thursday report as the Department receives it: one self-contained HTML page (Vietnamese),
# built from the runs above and the last check, with the map of the communes and the plan's dates.
if has_verb report; then
  run report mergectl report "$workspace" --format html -o "$workspace/reports/bao-cao-tien-do.html"
else
  missing report "no 'mergectl report' verb"
fi

printf '\n%-22s %-44s %7s\n' STEP RESULT SECONDS
failed=0
for i in "${!names[@]}"; do
  printf '%-22s %-44s %7d\n' "${names[$i]}" "${results[$i]}" "${times[$i]}"
  [[ ${results[$i]} == FAILED* || ${results[$i]} == MISSING* ]] && failed=$((failed + 1))
done
printf '%-22s %-44s %7d\n' total "" $(( $(date +%s) - total_start ))
cat <<MSG

workspace (inventory, state):  $workspace/
plans and reports:             $workspace/reports/
playbook runs (summary.json):  $(find "$workspace/reports/runs" -mindepth 1 -maxdepth 1 -type d 2>/dev/null | sort | tail -1)
lab overlay:                   $workspace/lab/hosts.yml   (status: mergectl lab status $workspace)
last check (lab check):        $workspace/state/check.json
progress report (HTML, vi):    $workspace/reports/bao-cao-tien-do.html
the lab is still running; remove it with:
  mergectl lab down $workspace
MSG
if [ ${#missing_steps[@]} -gt 0 ]; then
  echo "demo: FAILED: ${#missing_steps[@]} step(s) could not run because what they need is missing:" >&2
  printf '  %s\n' "${missing_steps[@]}" >&2
fi
[ "$failed" = 0 ] || { echo "demo: $failed step(s) failed or missing (table above)" >&2; exit 1; }
