"""`mergectl check`: the acceptance check from the control node against the hosts (docs/check.md).

targets.py says what to check (from the rendered inventory), reach.py how the control node
reaches an address (directly; the lab maps plan addresses to its containers), probes.py asks
the services, runner.py runs the probes in parallel, results.py and table.py keep and show
what they found.
"""
