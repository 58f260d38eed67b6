"""Exports for parties outside the product (the video-conference provider, the Government
Cipher Committee, the document-exchange platform, vendors of iDesk/TTHC).

Each module here exposes:
    NAME: str            -- the word after `mergectl export`
    HELP: str            -- one line for --help
    export(workspace_dir: pathlib.Path, out_dir: pathlib.Path) -> list[pathlib.Path]
and, for a list people read rather than a machine format,
    LANGUAGES = ("vi", "en")  -- export(..., lang="vi") gets `mergectl export --lang` (Vietnamese default)
and is discovered by `controller.commands.export`; files are written atomically and
input problems raise `controller.errors.InvalidInput`.
"""
