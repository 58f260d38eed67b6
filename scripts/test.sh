#!/usr/bin/env bash
# THE test command (README, CI): set up the machine, then lint and test everything:
#   ruff, pytest (tests/), yamllint, ansible-lint --profile production, shellcheck,
#   ansible-test sanity on the assembled collection vngov.mergectl (collection),
#   and every Molecule scenario under molecule/ (testbed first).
# It keeps going after a failure and exits non-zero if any step failed.
#
#   scripts/test.sh                      everything (what CI runs)
#   scripts/test.sh --only molecule:dns  one step; comma-separated, or a prefix: --only molecule
#   scripts/test.sh --skip-setup         skip scripts/setup.sh (developers who just ran it)
#   scripts/test.sh --list               print the steps and exit
#   MERGECTL_MITOGEN=0 scripts/test.sh   every Ansible run with Ansible's own strategy, not Mitogen
# Logs of every step go to .cache/test-logs/<step>.log; a failed step prints its tail. Artefacts
# for a person to look at (the report's screenshots in Chromium) go to .cache/test-artefacts/.
# Ansible runs through Mitogen (strategy_plugins/mergectl_linear.py); the roles must not depend on
# it, so the steps no-mitogen:* run the testbed and one role scenario again with it switched off.
set -uo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo" || exit 1

only="" skip_setup=0 list_only=0
while [ $# -gt 0 ]; do
  case "$1" in
    --only) only=${2:?--only needs a step name, e.g. molecule:testbed}; shift 2 ;;
    --only=*) only=${1#--only=}; shift ;;
    --skip-setup) skip_setup=1; shift ;;
    --list) list_only=1; shift ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "test.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

# Scenarios: testbed first (if the base is broken nothing else can pass), then the
# rest by name; scenarios that boot VMs or hypervisors last, being the slowest.
discover_scenarios() {
  local dir name light=() heavy=()
  for dir in molecule/*/; do
    name=$(basename "$dir")
    [ "$name" = _shared ] || [ "$name" = testbed ] || [ ! -f "$dir/molecule.yml" ] && continue
    if [[ $name =~ (hypervisor|libvirt|kvm|vm) ]]; then heavy+=("$name"); else light+=("$name"); fi
  done
  [ -f molecule/testbed/molecule.yml ] && echo testbed
  printf '%s\n' "${light[@]}" "${heavy[@]}" | sed '/^$/d'
}

steps=(ruff pytest yamllint ansible-lint shellcheck collection)
while read -r scenario; do steps+=("molecule:$scenario"); done < <(discover_scenarios)
# Without Mitogen: the base, and the scenario where a reload race once hid behind the slower
# default strategy (roles/portal/handlers/main.yml).
no_mitogen_scenarios=(testbed portal)
if [ "${MERGECTL_MITOGEN:-1}" != 0 ]; then
  for scenario in "${no_mitogen_scenarios[@]}"; do steps+=("no-mitogen:$scenario"); done
fi

selected() {  # $1 = step name; true when --only is empty or names it (exactly or as a prefix)
  local want
  [ -z "$only" ] && return 0
  IFS=, read -ra wanted <<<"$only"
  for want in "${wanted[@]}"; do
    [ "$1" = "$want" ] || [[ $1 == "$want":* ]] && return 0
  done
  return 1
}

if [ "$list_only" = 1 ]; then printf '%s\n' setup "${steps[@]}"; exit 0; fi
chosen=()
for step_name in "${steps[@]}"; do selected "$step_name" && chosen+=("$step_name"); done
if [ ${#chosen[@]} -eq 0 ] && [ "$only" != setup ]; then
  echo "test.sh: --only '$only' matches no step; the steps are:" >&2; printf '  %s\n' "${steps[@]}" >&2; exit 2
fi

logs=$repo/.cache/test-logs
artefacts=$repo/.cache/test-artefacts
mkdir -p "$logs" "$artefacts"
export MERGECTL_TEST_ARTEFACTS=$artefacts
export PATH="$repo/.venv/bin:$PATH"
export ANSIBLE_FORCE_COLOR=false PY_COLORS=0 NO_COLOR=1

names=() results=() times=()
run_step() {  # $1 = step name, rest = command; records result and time
  local name=$1; shift
  local log="$logs/${name//:/-}.log" start rc status
  printf '==> %-32s ' "$name"
  start=$(date +%s)
  "$@" >"$log" 2>&1
  rc=$?
  local took=$(( $(date +%s) - start ))
  case "$rc" in
    0) status=passed ;;
    *) status=failed ;;
  esac
  # pytest exits 5 when it collects no tests: nothing to fail, say so.
  if [ "$name" = pytest ] && [ "$rc" = 5 ]; then status=passed; echo "(no tests collected)" >>"$log"; fi
  printf '%s (%d s)\n' "$status" "$took"
  if [ "$status" = failed ]; then
    echo "---- last lines of $log ----"
    tail -n 60 "$log"
    echo "----"
  fi
  names+=("$name"); results+=("$status"); times+=("$took")
}

lint_shell() {
  if ! command -v shellcheck >/dev/null; then echo "shellcheck is not installed (scripts/setup.sh installs it)"; return 1; fi
  local files=()
  # Tracked and not-yet-committed shell scripts alike (a fresh clone has only the former).
  mapfile -t files < <({ git ls-files --cached --others --exclude-standard -- '*.sh'; echo .ci/run; } | sort -u)
  echo "shellcheck ${files[*]}"
  shellcheck -x -P SCRIPTDIR "${files[@]}"
}

run_molecule() {  # $1 = scenario
  molecule test -s "$1"
}

run_molecule_without_mitogen() {  # $1 = scenario
  MERGECTL_MITOGEN=0 molecule test -s "$1"
}

if [ "${MERGECTL_MITOGEN:-1}" = 0 ]; then
  echo "Ansible strategy: Ansible's own linear (MERGECTL_MITOGEN=0)"
else
  echo "Ansible strategy: Mitogen (MERGECTL_MITOGEN=0 switches it off)"
fi
total_start=$(date +%s)
if [ "$skip_setup" = 0 ]; then
  run_step setup scripts/setup.sh
  if [ "${results[0]}" = failed ]; then
    echo "setup failed: nothing else can run"; echo "0 passed, 1 failed"; exit 1
  fi
fi

for step_name in "${chosen[@]}"; do
  case "$step_name" in
    ruff) run_step ruff ruff check . ;;
    pytest) run_step pytest pytest -q -p no:cacheprovider tests ;;
    yamllint) run_step yamllint yamllint . ;;
    ansible-lint) run_step ansible-lint ansible-lint --offline --profile production roles playbooks ;;
    shellcheck) run_step shellcheck lint_shell ;;
    collection) run_step collection scripts/build-collection.sh --sanity ;;
    molecule:*) run_step "$step_name" run_molecule "${step_name#molecule:}" ;;
    no-mitogen:*) run_step "$step_name" run_molecule_without_mitogen "${step_name#no-mitogen:}" ;;
  esac
done

passed=0 failed=0
echo
printf '%-34s %-7s %6s\n' STEP RESULT SECONDS
for i in "${!names[@]}"; do
  printf '%-34s %-7s %6d\n' "${names[$i]}" "${results[$i]}" "${times[$i]}"
  if [ "${results[$i]}" = passed ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
done
printf '%-34s %-7s %6d\n' total "" $(( $(date +%s) - total_start ))
echo "$passed passed, $failed failed"
shopt -s nullglob
shots=("$artefacts"/*.png)
if [ ${#shots[@]} -gt 0 ]; then echo "screenshots to look at: ${shots[*]}"; fi
[ "$failed" = 0 ]
