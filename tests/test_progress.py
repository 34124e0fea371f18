"""Progress on stderr: ingest and extract know their total where it is cheap to count (so the
bar shows the time left), evaluate shows a bar too; every bar hides where stderr is no
terminal."""

from __future__ import annotations

import io
import json

import pytest
from click.testing import CliRunner

from onrecord import cli
from onrecord.cli import main

GOOD = "Mayor Lisa Grant said on Monday that the new bridge would open in May.\n"


class Bar:
    """Stands in for the tqdm bar: what it was given, how far it got."""

    made: list[Bar] = []

    def __init__(self, label, total=None, unit=" articles"):
        self.label, self.total, self.n, self.closed = label, total, 0, False
        Bar.made.append(self)

    def update(self, n: int = 1) -> None:
        self.n += n

    def close(self) -> None:
        self.closed = True


@pytest.fixture()
def bars(monkeypatch):
    Bar.made = []
    monkeypatch.setattr(cli, "_progress", Bar)
    return Bar.made


def test_count_sources(tmp_path):
    (tmp_path / "in" / "sub").mkdir(parents=True)
    for name in ("a.txt", "b.html", "sub/c.txt.gz", "metadata.csv", ".hidden.txt", "x.pdf"):
        (tmp_path / "in" / name).write_bytes(b"x")
    assert cli._count_sources([str(tmp_path / "in")]) == 3
    assert cli._count_sources([str(tmp_path / "in"), str(tmp_path / "missing")]) == 3
    (tmp_path / "one.txt").write_text(GOOD)
    assert cli._count_sources([str(tmp_path / "one.txt"), str(tmp_path / "in")]) == 4
    (tmp_path / "many.jsonl").write_text("{}\n")
    (tmp_path / "w.warc.gz").write_bytes(b"")
    for unknown in ("many.jsonl", "w.warc.gz"):
        assert cli._count_sources([str(tmp_path / "in"), str(tmp_path / unknown)]) is None
    assert cli._count_sources(["-"]) is None


def test_ingest_bar_has_a_total_and_reaches_it(bars, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(GOOD)
    (folder / "b.txt").write_text(GOOD.replace("Monday", "Friday"))
    (folder / "empty.txt").write_text("")
    result = CliRunner().invoke(main, ["ingest", str(folder), "--db", str(tmp_path / "p.db")])
    assert result.exit_code == 0, result.output
    [bar] = bars
    assert (bar.total, bar.n, bar.closed) == (3, 3, True)


def test_ingest_from_a_jsonl_file_has_no_total(bars, tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps({"text": GOOD}) + "\n")
    result = CliRunner().invoke(main, ["ingest", str(path), "--db", str(tmp_path / "p.db")])
    assert result.exit_code == 0, result.output
    [bar] = bars
    assert (bar.total, bar.n) == (None, 1)


def test_extract_shows_progress(bars, tmp_path):
    (tmp_path / "a.txt").write_text(GOOD)
    (tmp_path / "b.txt").write_text(GOOD.replace("Monday", "Friday"))
    result = CliRunner().invoke(main, ["extract", str(tmp_path), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    assert len(result.stdout.splitlines()) == 2
    [bar] = bars
    assert (bar.label, bar.total, bar.n, bar.closed) == ("extracting", 2, 2, True)


def test_evaluate_shows_progress(bars, tmp_path):
    (tmp_path / "text").mkdir()
    (tmp_path / "attributions").mkdir()
    for name in ("a", "b"):
        (tmp_path / "text" / f"{name}.txt").write_text(GOOD, encoding="utf-8")
        (tmp_path / "attributions" / f"{name}_x.ann").write_text(
            "T1\tSource 0 16\tMayor Lisa Grant\nT2\tCue 17 21\tsaid\n"
            "E1\tAttribution:T2 Cue:T2 Source:T1\n",
            encoding="utf-8",
        )
    result = CliRunner().invoke(main, ["evaluate", str(tmp_path), "--json", "--fast"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["documents"] == 2
    [bar] = bars
    assert (bar.label, bar.total, bar.n, bar.closed) == ("evaluating", 2, 2, True)


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_real_bar_shows_the_total_on_a_terminal_and_hides_elsewhere(monkeypatch):
    screen = Terminal()
    monkeypatch.setattr("sys.stderr", screen)
    bar = cli._progress("ingesting", 4)
    bar.update()
    bar.refresh()
    assert "1/4" in screen.getvalue() and "<" in screen.getvalue()  # done/total, time left
    bar.close()
    quiet = io.StringIO()
    monkeypatch.setattr("sys.stderr", quiet)
    bar = cli._progress("ingesting", 4)
    bar.update()
    bar.close()
    assert quiet.getvalue() == ""
