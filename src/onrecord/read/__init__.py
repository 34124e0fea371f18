"""Reading: sources (files, folders, stdin; text, HTML, JSON Lines, WARC, gzip) become
:class:`~onrecord.model.Article` objects with their original text untouched, page leftovers
marked as ranges to skip, publication dates as ISO dates, or a one-line
:class:`~onrecord.model.Problem` for a source that cannot be used.

:mod:`.sources` is the way in (:func:`~.sources.read_paths`; URLs through fsspec in
:mod:`.remote`; files of many articles read in parts, for a cluster's tasks, in
:mod:`.parts`); one module per format
(:mod:`.article` for plain text, :mod:`.html`, :mod:`.jsonl`, :mod:`.warc`), with
:mod:`.text` (decoding, refusals), :mod:`.dates`, :mod:`.metadata` (metadata files) and
:mod:`.clean` (page leftovers, headline, printed date and outlet).

Knows nothing of parsing or storing; needs neither spaCy nor a database.
"""
