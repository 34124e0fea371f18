"""onrecord: who said what, to whom, when and where, from news articles.

>>> import onrecord
>>> for s in onrecord.extract('"We will win," Putin said.'):
...     print(s.speaker.name, s.cue.text, s.content_text)
Putin said "We will win,"
"""

from .model import Article, Cue, Speaker, Statement
from .pipeline import extract

__all__ = ["Article", "Cue", "Speaker", "Statement", "extract"]
__version__ = "0.1.0"
