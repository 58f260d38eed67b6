"""The HQ sites' postal addresses and contacts that the districts send (plan 2495 §1.2).

`mergectl sites template DIR` writes the sheet to fill (one row per commune and site),
`mergectl sites import DIR FILE.csv` checks a filled sheet and merges it into
`DIR/registers/hq-sites.yml` (module `register`, read by the line-order and
video-conference contact exports); `csvfile` reads the sheet, `words` names whose HQ a
site is in the lists' languages.
"""
