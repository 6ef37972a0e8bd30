"""Page sets for bench/pages.py: one module per feature with

    def populate(size: int, people) -> list[tuple[str, str, str]]

which bulk-inserts ``size`` rows into the bound, migrated database and returns
[(page_name, path, role)]: the runner loads ``path`` signed in as ``people.accounts[role]``.
"""
