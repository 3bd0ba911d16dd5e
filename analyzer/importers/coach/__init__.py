"""Layouts people keep in spreadsheets rather than an app's export: `generic` (any table whose
header names a date and an exercise; its field readers in `fields`, per-set column groups in
`per_set`, set positions in `set_order`), `wide` (a reps/weight column pair per session), and
`mapping` (which importer reads a file mapped with `--columns`, and the advice for a file no
importer recognises).
"""
