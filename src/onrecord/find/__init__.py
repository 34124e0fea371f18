"""Finding: an article's text, parsed by spaCy, becomes its attributed statements.

Parse (:mod:`.nlp`), find cue, source and content (:mod:`.attribution` with :mod:`.quotes`,
:mod:`.phrases`, :mod:`.cues`, :mod:`.spans`; :mod:`.tagger` in the default and accurate
modes), enrich (:mod:`.speakers` resolves who, :mod:`.context` adds when, where, to whom,
about what and, with :mod:`.acts`, the speech act), all within a time budget per article
(:mod:`.budget`). :mod:`.pipeline` strings these together over a stream of articles.

The only part of the package that loads spaCy and onnxruntime; it writes nothing.
"""
