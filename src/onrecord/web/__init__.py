"""The web front end: ``onrecord serve`` (pages and a JSON API over the record)."""

from .app import create_app

__all__ = ["create_app"]
