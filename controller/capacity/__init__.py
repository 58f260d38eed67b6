"""Integration Centre capacity: where each iDesk/TTHC virtual machine runs.

`model` holds the value types, `placement` the pure placement algorithm,
`config` reads the `integration_centre` section of province.yml, `placement_state`
keeps `state/placement.yml`, and `placement_plan` ties them to a workspace.
"""
