"""onrecord: who said what, to whom, when and where, from news articles.

>>> import onrecord
>>> for s in onrecord.extract('"We will win," Putin said.'):
...     print(s.speaker.name, s.cue.text, s.content_text)
Putin said "We will win,"
"""

from .model import Article, Cue, Speaker, Statement

__all__ = ["Article", "Cue", "Speaker", "Statement", "extract"]
__version__ = "0.1.0"


def __getattr__(name: str):
    """``onrecord.extract`` is imported on first use: the pipeline loads spaCy, which the
    read side (``onrecord serve``, the query commands) does without."""
    if name == "extract":
        from .find.pipeline import extract

        return extract
    raise AttributeError(f"module 'onrecord' has no attribute {name!r}")
