"""The ways terms come in and go out besides a TOML pack: CSV and Markdown in; Anki, Markdown,
JSON, TOML and the review log out.

Every reader ends in the records the TOML loader produces (``Pack``, ``Term``, ``Link``), so the
store's import path and its checks against other packs are the same whatever the file was. This
module holds what the readers share: how a format is named, how a file is read (a regular file,
under the pack size cap, UTF-8, errors at ``file:line``), and how a slug and a default summary are
derived from a name and a definition.
"""
