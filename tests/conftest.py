"""Shared fixtures: the bundled seed articles and their extracted statements (parsed once)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "examples" / "seeds"


@pytest.fixture(scope="session")
def seed_results():
    """{file name: Result} for the five seed articles, with the bundled metadata."""
    from onrecord.ingest import read_paths
    from onrecord.pipeline import analyze

    articles = list(read_paths([str(SEEDS)]))
    return {Path(r.article.path).name: r for r in analyze(articles)}


@pytest.fixture()
def extract():
    """onrecord.extract, for small texts written in the tests."""
    from onrecord import extract as run

    return run
