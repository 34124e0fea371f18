"""The record: the SQLite database of articles, statements and speakers, and reading it back.

:mod:`.store` holds the schema, its migrations and the writes; :mod:`.identity` groups
speaker names into entities across articles; :mod:`.dedup` clusters reports of one
statement; :mod:`.query` is the read side (search, facets, timelines, exports), which loads
neither the parser nor MinHash.
"""
