"""Input limits: how much of a file mergectl reads before refusing it (exit 3, FILE or FILE:LINE).

Every limit is far above what the real country needs, so only a broken or hostile file
reaches one. Measured with `mergectl import` and `mergectl inventory` of every province
(vietnamadminunits 1.0.4):

- largest `mapping.yml`: Hà Nội, 151 KB, 11,727 YAML nodes, lines of at most 98 characters,
  nested 6 deep; the 34 provinces' files together: 2.2 MB;
- `province.yml` as written by import: 7 KB; filled in for Hà Nội (two sites per commune,
  a MAC per room, the line of every old unit, every issued e-doc code) about 200 KB;
- largest file mergectl writes and reads back: Hà Nội's
  `group_vars/merger_records/old_units.yml`, 354 KB (30,365 YAML events, 5 deep);
- mapping CSV of Hà Nội (export-csv): 74 KB; a staff list of a whole province
  with every optional column, estimated: about 1.1 MB (7,500 people of 150 bytes);
  `bench/bench_accounts.py --people 20000`: 0.9 MB.

Reading is bounded before parsing: the size is checked on `stat` (a 47 MB file is refused
without being read), at most the limit is ever read (pipes, growing files), and devices
such as `/dev/zero` are refused outright. YAML is then checked event by event, before any
node or Python object is built (`controller.yamlguard`): nesting depth and the number of
nodes aliases would add when expanded (an alias bomb of a few hundred bytes expands to
billions of nodes).
"""

from __future__ import annotations

KIB = 1024
MIB = 1024 * KIB

# What an accepted file costs grows with its size (about 55 MB of memory per MiB of YAML:
# nodes, line index and data), so the limits stay within a few hundred MB at most;
# bench/bench_inputs.py measures them.
# province.yml: 20x a fully filled-in Hà Nội (at the limit: about 3 s, 220 MB).
PROVINCE_YML_MAX_BYTES = 4 * MIB
# mapping.yml and the mapping CSV: 26x the largest province, and every province's
# mapping in one file (2.2 MB) would still be read and refused for what it is.
MAPPING_MAX_BYTES = 4 * MIB
# One staff list: 7x a whole province's staff.
STAFF_CSV_MAX_BYTES = 8 * MIB
# One survey sheet (`mergectl survey import`): the largest is an equipment register of a whole
# province, estimated for Hà Nội (about 610 old units and districts, ten items each, 200 bytes a
# row): 1.2 MB; 4 MiB leaves 3x, and the sheet is read and validated whole before anything is written.
SURVEY_CSV_MAX_BYTES = 4 * MIB
# One sheet of HQ addresses and contacts: two rows per commune, about 100 KB for the 336 sites
# of Hồ Chí Minh City with every column filled; 20x that.
HQ_SITES_CSV_MAX_BYTES = 2 * MIB
# Files mergectl writes itself and reads back (state/, generated group_vars): 45x the largest.
GENERATED_YAML_MAX_BYTES = 16 * MIB

# Any line of any text input: real lines are under 200 characters; this leaves room for a
# long flow-style list on one line (about 7,000 e-doc codes in `edoc.issued: [...]`).
LINE_MAX_BYTES = 64 * KIB

# Nesting of YAML collections: real files nest 6 deep. Also keeps libyaml's recursive
# composer far from the C stack limit (it crashes at about 100,000 levels).
YAML_MAX_DEPTH = 64
# Nodes that aliases (`*name`) may add when expanded, beyond the nodes written in the file.
# mergectl writes no aliases; a hand-written anchor for a repeated site needs a few dozen.
YAML_ALIAS_MAX_NODES = 100_000
