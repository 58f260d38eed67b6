#!/usr/bin/env bash
# Assembles the Ansible collection vngov.mergectl from this repository's folders and builds its
# tarball with `ansible-galaxy collection build`. The repository keeps its layout (roles/, library/,
# filter_plugins/, ... at the top, where ansible.cfg, Molecule and the lab use them); the collection
# is a copy in the layout Galaxy, AWX and ansible-navigator expect.
#
#   scripts/build-collection.sh                assemble build/collection/ansible_collections/vngov/mergectl
#                                              and build dist/vngov-mergectl-VERSION.tar.gz
#   scripts/build-collection.sh --tree DIR     assemble into DIR/ansible_collections/vngov/mergectl instead
#   scripts/build-collection.sh --no-tarball   assemble only
#   scripts/build-collection.sh --sanity       assemble into a temporary folder and run `ansible-test
#                                              sanity` on it (scripts/test.sh's step `collection`)
#
# What goes where (files are copied unchanged, but the collection's playbooks and roles call the
# product's own filters and modules by their FQCN, see below):
#   collection/galaxy.yml, README.md, meta/,
#   tests/ (ansible-test's ignore lists)     ->  galaxy.yml, README.md, meta/, tests/
#   LICENSE                                  ->  LICENSE
#   roles/ (not old_district_seed: lab data) ->  roles/
#   playbooks/*.yml (not playbooks/lab/)     ->  playbooks/
#   library/*.py                             ->  plugins/modules/
#   module_utils/*.py                        ->  plugins/module_utils/
#   filter_plugins/*.py                      ->  plugins/filter/
#   strategy_plugins/*.py                    ->  plugins/strategy/
#   controller/names.py                      ->  plugins/plugin_utils/names.py (the one copy of the naming
#                                                rules; the filters import it from there in the collection)
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
export PATH="$repo/.venv/bin:$PATH"

namespace=vngov name=mergectl
# Roles and playbooks that exist for the lab only stay out of the product's collection.
lab_roles=(old_district_seed)
# ansible-test sanity's tests that are left out, each with its reason (docs/testing.md):
#   none need the network: the venvs ansible-test makes come from PyPI, which CI reaches.
skipped_sanity_tests=()

tree_root=$repo/build/collection tarball=1 sanity=0 output=$repo/dist
while [ $# -gt 0 ]; do
  case "$1" in
    --tree) tree_root=$(realpath -m "${2:?--tree needs a folder}"); shift 2 ;;
    --no-tarball) tarball=0; shift ;;
    --output) output=$(realpath -m "${2:?--output needs a folder}"); shift 2 ;;
    --sanity) sanity=1; tarball=0; shift ;;
    -h|--help) sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "build-collection.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

if [ "$sanity" = 1 ]; then
  # ansible-test lists a collection's files with git when a .git is found at or above it, and build/
  # is git-ignored: a temporary folder outside the repository makes it take every file.
  tree_root=$(mktemp -d "${TMPDIR:-/tmp}/mergectl-collection.XXXXXX")
  trap 'rm -rf "$tree_root"' EXIT
fi

dest=$tree_root/ansible_collections/$namespace/$name
rm -rf "$dest"
mkdir -p "$dest"/{meta,roles,playbooks,plugins/{modules,module_utils,filter,strategy,plugin_utils}}

cp collection/galaxy.yml collection/README.md LICENSE "$dest/"
cp collection/meta/*.yml "$dest/meta/"
cp -R collection/tests "$dest/"
for role in roles/*/; do
  role=$(basename "$role")
  [[ " ${lab_roles[*]} " == *" $role "* ]] && continue
  cp -R "roles/$role" "$dest/roles/"
done
cp playbooks/*.yml "$dest/playbooks/"
cp library/*.py "$dest/plugins/modules/"
cp module_utils/*.py "$dest/plugins/module_utils/"
cp filter_plugins/*.py "$dest/plugins/filter/"
cp strategy_plugins/*.py "$dest/plugins/strategy/"
cp controller/names.py "$dest/plugins/plugin_utils/names.py"
find "$dest" \( -name __pycache__ -o -name '*.pyc' \) -prune -exec rm -rf {} +
# The one change made to copied files: the collection's playbooks and roles call the product's own
# filters and modules by their FQCN ({{ x | vngov.mergectl.mergectl_dns_plan(...) }},
# vngov.mergectl.bind_zone:). Ansible finds a filter by its short name only through ansible.cfg's
# filter_plugins, never inside a collection; and Mitogen looks a module up by the name the task
# gives, without the role's collection.
python3 - "$dest" "$namespace.$name" <<'PY'
import ast, pathlib, re, sys

dest, fqcn = pathlib.Path(sys.argv[1]), sys.argv[2]
filters = set()
for source in pathlib.Path("filter_plugins").glob("*.py"):
    for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
        if isinstance(node, ast.FunctionDef) and node.name == "filters":
            for inner in ast.walk(node):
                if isinstance(inner, ast.Dict):
                    filters |= {key.value for key in inner.keys if isinstance(key, ast.Constant)}
modules = {path.stem for path in pathlib.Path("library").glob("*.py")}
if not filters or not modules:
    sys.exit("build-collection.sh: found no filter or module names in filter_plugins/ and library/")
filter_call = re.compile(r"(\|\s*)(" + "|".join(sorted(filters)) + r")\b(?!\.)")
module_task = re.compile(r"^(\s*(?:- )?)(" + "|".join(sorted(modules)) + r"):(?=\s|$)", re.MULTILINE)
for path in [*dest.glob("playbooks/*.yml"), *dest.glob("roles/**/*.yml"), *dest.glob("roles/**/*.j2")]:
    text = path.read_text(encoding="utf-8")
    qualified = filter_call.sub(lambda m: f"{m.group(1)}{fqcn}.{m.group(2)}", text)
    if path.suffix == ".yml":
        qualified = module_task.sub(lambda m: f"{m.group(1)}{fqcn}.{m.group(2)}:", qualified)
    if qualified != text:
        path.write_text(qualified, encoding="utf-8")
        print(f"  {path.relative_to(dest)}: the product's filters and modules called by their FQCN")
PY
echo "assembled $dest"

if [ "$tarball" = 1 ]; then
  mkdir -p "$output"
  ansible-galaxy collection build --force --output-path "$output" "$dest"
fi

if [ "$sanity" = 1 ]; then
  python=$(python3 -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
  skips=()
  for test in "${skipped_sanity_tests[@]}"; do skips+=(--skip-test "$test"); done
  # ansible-test keeps each test's pinned tools (pylint, voluptuous, ...) in virtualenvs of its own
  # under ~/.ansible/test, made once from PyPI and reused: HOME points into .cache/ so they stay in
  # this checkout and out of the product's .venv. Their pip comes from our get-pip stand-in.
  export HOME=$repo/.cache/ansible-test-home
  pip_version=$(sed -n "s/^ *pip='\([0-9.]*\)',.*/\1/p" "$(python3 -c 'import ansible_test, os; print(os.path.dirname(ansible_test.__file__))')/_internal/python_requirements.py")
  get_pip=$HOME/.ansible/test/cache/get_pip_${pip_version//./_}.py
  mkdir -p "$(dirname "$get_pip")"
  cp "$repo/scripts/ansible-test-get-pip.py" "$get_pip"
  cd "$dest"
  ansible-test sanity --python "$python" --color no "${skips[@]}"
fi
