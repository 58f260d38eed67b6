"""The data lines ordered from the operator and the old ones to end (plan 2495 §1.2).

`orders` puts together what the operator is asked: a new line per HQ site (its address and
contact from `controller.hq_sites`, its link and loopback from the allocation, the old line
it keeps), and the old units' and districts' lines no site keeps (the rule of
`mergectl export lines-to-return`), each with the status `register` records in
`DIR/registers/lines.yml` (`mergectl lines set`), against the plan's dates. `progress` is its
part of the weekly report; `words` its vocabulary in the lists' languages.
"""
