"""The Python API as docs/python-api.md shows it: its examples run, and print what it says;
keywords the API does not take are refused; a text without a date is not dated by today."""

from __future__ import annotations

import contextlib
import io
import re

import pytest

from onrecord.find.pipeline import META_KEYS, extract_many

from .conftest import ROOT

DOC = ROOT / "docs" / "python-api.md"


def _blocks() -> list[tuple[str, str | None]]:
    """(code, the output the doc shows for it, or None) for each Python block of the doc: a
    ``text`` block right after a Python block is what that block prints."""
    fenced = re.findall(r"```(\w+)\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    out = []
    for i, (lang, body) in enumerate(fenced):
        if lang != "python":
            continue
        after = fenced[i + 1] if i + 1 < len(fenced) else None
        out.append((body, after[1] if after and after[0] == "text" else None))
    return out


def test_the_documented_examples_run_and_print_what_the_doc_says():
    blocks = _blocks()
    assert len(blocks) >= 10
    assert sum(expected is not None for _, expected in blocks) >= 8
    namespace: dict = {}
    for code, expected in blocks:
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            exec(compile(code, str(DOC), "exec"), namespace)
        if expected is not None:
            assert printed.getvalue() == expected, code


@pytest.fixture()
def extract():
    from onrecord import extract

    return extract


def test_unknown_keywords_are_refused_with_the_accepted_ones(extract):
    with pytest.raises(TypeError, match=r"'pubished'.*it takes clean_text, mode, published"):
        extract("Lisa Grant said the bridge would open.", pubished="2024-03-14")
    with pytest.raises(TypeError, match=r"extract_many\(\).*'outlett'.*check_language"):
        extract_many(["Lisa Grant said the bridge would open."], outlett="Herald")
    assert set(META_KEYS) == {"published", "title", "outlet", "url", "path"}


def test_accepted_keywords_reach_the_article(extract):
    [s] = extract(
        "Mayor Lisa Grant said on Tuesday that the new bridge would open in May.",
        published="2024-03-14",
        outlet="Herald",
        title="Bridge",
        url="https://example.org/bridge",
        path="bridge.txt",
    )
    assert (s.said_on.date, s.said_on.text) == ("2024-03-12", "on Tuesday")


def test_a_text_without_a_date_is_not_dated_by_today(extract):
    [s] = extract("Mayor Lisa Grant said on Tuesday that the new bridge would open in May.")
    assert s.said_on is None
    [s] = extract("Mayor Lisa Grant said on Tuesday, May 2, 2023, that the bridge would open.")
    assert s.said_on.date == "2023-05-02"  # a date written whole still counts
