"""Reading: sources (files, folders, stdin; text, HTML, JSON Lines, WARC, gzip) become
:class:`~onrecord.model.Article` objects with their original text untouched, page leftovers
marked as ranges to skip, publication dates as ISO dates, or a one-line
:class:`~onrecord.model.Problem` for a source that cannot be used.

Knows nothing of parsing or storing; needs neither spaCy nor a database.
"""
