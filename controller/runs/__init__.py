"""The status store: what every `mergectl apply` did, per host and task, in DIR/state/runs.sqlite.

Written event by event while a run goes (recorder), so a run stopped by Ctrl-C or a killed
process is known up to where it stopped; read by `mergectl runs`, `apply --resume` and the
progress report (history). docs/runs.md describes the tables.
"""
