"""Where a mapping comes from: the bundled national dataset or a province's CSV.

Every source turns its input into `Row`s (one per old unit -> new unit pair,
with the location it was read from) and `rows.build_mapping` applies the same
rules to all of them, so import and validate report the same messages.
"""
