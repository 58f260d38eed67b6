"""The survey of what exists before the merger (plans 114 and 2495, I.2: "rà soát, đánh giá chi
tiết hiện trạng"): registers the departments fill in, per old unit, of portals, video-conference
endpoints, data lines, mail domains, e-ID codes and video-conference equipment.

One job per module: `kinds` (the registers, their columns and how a value is read), `holders`
(old units and districts as rows name them, and their successors), `records` (a record and
the checks of a row and of a register), `store` (the registers in DIR/registers/survey/),
`context` and `conflicts` (what a survey must agree with: province.yml, the planned e-ID codes),
`template` and `importer` (the sheets out and in), `edoc` (the codes the allocation must not
plan), `registers` (every register of a workspace, checked), `gaps` (what each new commune
still lacks), `report` and `texts` (the list handed to officials, Vietnamese or English),
`progress` (the section of the weekly progress report).
"""
