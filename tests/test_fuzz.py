"""The ingest survives hostile inputs: one small case of every family of ``tests/hostile.py``
(fixed seed), in a few batched runs of the real command beside two good articles.

Each run must end in time, print no traceback, stay under the memory bound, store both good
articles and exit 0. When a batch fails, its cases run again (halves, then alone) so that
the message names the cases that fail. ``scripts/fuzz.py`` runs the same check with
thousands of larger cases.
"""

from __future__ import annotations

import os
import random

import pytest

from tests import hostile

SEED = 20240607
TIMEOUT = 60  # seconds for one case alone; a batch gets 3 s more a case
SPECS = hostile.generate(SEED, len(hostile.FAMILIES), big=False)  # one case of each family
GROUPS = hostile.batches(SPECS, size=(len(SPECS) + 1) // 2)  # two batches, --metadata alone
IDS = [
    g[0].family if g[0].alone else f"batch{sum(len(h) > 1 for h in GROUPS[:i])}"
    for i, g in enumerate(GROUPS)
]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    path = tmp_path_factory.mktemp("fuzz")
    yield path
    hostile.remove_tree(path)


def _explain(outcome: hostile.Outcome, cases: list[hostile.Case], workdir) -> str:
    """The failing cases of a failed run, each with its recipe and the tail of its stderr."""
    if len(cases) == 1:
        found = hostile.Isolated(alone=[outcome])
    else:
        found = hostile.isolate(cases, workdir, failed=outcome, timeout=TIMEOUT, max_runs=12)
    recipes = {c.name: c.recipe for c in cases}
    lines = [f"{len(cases)} case(s) in {outcome.seconds:.0f} s: {'; '.join(outcome.failures)}"]
    for o in found.alone:
        lines.append(f"- {o.names[0]} ({recipes[o.names[0]]}): {'; '.join(o.failures)}")
        lines.append("    " + o.tail(6).replace("\n", "\n    "))
    for o in found.together:
        lines.append(f"- only together: {', '.join(o.names)}: {'; '.join(o.failures)}")
    if found.untried:
        lines.append(f"- not rerun (limit of reruns): {', '.join(found.untried)}")
    return "\n".join(lines)


def _check(specs: list[hostile.Spec], workdir) -> hostile.Outcome:
    cases = [c for c in (s.build() for s in specs) if not c.unavailable]
    assert cases
    outcome = hostile.run(cases, workdir, timeout=TIMEOUT + 3 * (len(cases) - 1))
    assert outcome.ok, _explain(outcome, cases, workdir)
    hostile.cleanup(outcome)
    return outcome


@pytest.mark.parametrize("group", GROUPS, ids=IDS)
def test_hostile_inputs_are_survived(group, workdir):
    _check(group, workdir)


def test_every_family_is_in_the_suite():
    assert sorted(s.family for s in SPECS) == sorted(hostile.FAMILIES)
    assert sorted(s.name for g in GROUPS for s in g) == sorted(s.name for s in SPECS)
    assert len(GROUPS) <= 4  # a handful of runs
    assert all(sum(s.exclusive for s in g) <= 1 for g in GROUPS)


def test_the_issue_classes_are_all_there():
    names = set(hostile.FAMILIES)
    for family in (
        "speaker_chain", "quote_storm", "paragraph_storm", "gz_bomb", "long_text", "fifo",
        "vanish", "sidecar", "metadata_option", "text_dates", "jsonl_fields", "utf16",
        "foreign", "warc_bad", "empty",
    ):  # fmt: skip
        assert family in names


def test_cases_are_deterministic_from_the_seed(tmp_path):
    for spec in hostile.generate(3, 2 * len(hostile.FAMILIES), big=False):
        a, b = spec.build(), spec.build()
        assert (a.recipe, a.files, a.paths, a.args, a.stdin) == (
            b.recipe,
            b.files,
            b.paths,
            b.args,
            b.stdin,
        )
    other = hostile.generate(4, len(hostile.FAMILIES), big=False)
    recipes = [s.build().recipe for s in hostile.generate(3, len(hostile.FAMILIES), big=False)]
    assert recipes != [s.build().recipe for s in other]


def test_names_give_back_the_same_case():
    spec = random.Random(1).choice(SPECS)
    again = hostile.parse_name(spec.name, big=False)
    assert again == spec and again.build().recipe == spec.build().recipe


def test_large_sizes_are_larger():
    small = hostile.Spec("paragraph_storm", 1, 0, big=False).build()
    large = hostile.Spec("paragraph_storm", 1, 0, big=True).build()
    assert len(large.files[0][1]) > 3 * len(small.files[0][1])


def test_the_check_sees_a_hang_and_lost_articles(workdir):
    """The harness itself: a run cut short fails as a hang, and a run that stores nothing
    (an unknown option) fails for the lost good articles and its exit status."""
    case = hostile.Case("plain", "plain", "a seed article", [("a.txt", b"Just text.\n")])
    hung = hostile.run([case], workdir, timeout=0.3)
    assert not hung.ok and hung.kind == "hang" and hung.returncode is None
    hostile.cleanup(hung)
    bad = hostile.Case("bad", "bad", "an unknown option", args=("--no-such-option",))
    refused = hostile.run([bad], workdir, timeout=TIMEOUT)
    assert any(f.startswith("lost") for f in refused.failures)
    assert any(f.startswith("exit: status 2") for f in refused.failures)
    hostile.cleanup(refused)


def test_isolation_names_the_culprits(tmp_path, monkeypatch):
    """Halves, then each case alone: a case that fails, and a case that passes in a group but
    is too slow alone (a group of n may take n times the limit), are both named; a pair that
    fails only together is named as a pair."""
    cases = [hostile.Case(f"c{i}", "f", "r") for i in range(12)]

    def fake(group, workdir, *, timeout, slack=3.0, **kw):
        names = {c.name for c in group}
        if names == {"c2"}:
            return hostile.Outcome(["c2"], timeout, 0, None, "", ["hang: no end"])
        failures = ["traceback: X"] if "c7" in names or {"c9", "c11"} <= names else []
        return hostile.Outcome(sorted(names), 200 if "c2" in names else 5, 0, 0, "", failures)

    monkeypatch.setattr(hostile, "run", fake)
    found = hostile.isolate(cases, tmp_path, failed=fake(cases, tmp_path, timeout=120), timeout=120)
    assert sorted(o.names[0] for o in found.alone) == ["c2", "c7"]
    assert [set(o.names) >= {"c9", "c11"} for o in found.together] == [True]
    assert not found.untried


def test_error_line_is_the_exception_of_the_last_traceback():
    stderr = (
        'skipped x: empty\nTraceback (most recent call last):\n  File "a.py", line 1\n'
        "    raise ValueError('first')\nValueError: first\n\nDuring handling...\n"
        "Traceback (most recent call last):\n  File \"b.py\", line 2\nKeyError: 'second'\n"
    )
    assert hostile.error_line(stderr) == "KeyError: 'second'"
    assert hostile.error_line("just a line\n") == "just a line"


def test_trees_beyond_path_max_are_removed(tmp_path):
    folder = tmp_path / "deep"
    folder.mkdir()
    hostile.nest(folder, 20, "x" * 250, "a.txt", b"text")  # 5,000 characters of path
    os.chmod(folder / ("x" * 250), 0)
    hostile.remove_tree(folder)
    assert not folder.exists()


def test_a_refused_metadata_file_is_clean_but_only_when_nothing_is_stored(workdir):
    """A --metadata file the ingest refuses outright (one error line, exit 1, nothing stored)
    passes; the same refusal from a case that may not refuse fails."""
    meta = ("../../meta.jsonl", b'["0_good_a.txt"]\n')  # a list where a record belongs
    args = ("--metadata", "{case}/../../meta.jsonl")
    may = hostile.Case("m", "m", "a list record", [meta], args=args, refusal="Error: --metadata ")
    outcome = hostile.run([may], workdir, timeout=TIMEOUT)
    assert outcome.ok and outcome.returncode == 1, outcome.failures
    hostile.cleanup(outcome)
    may_not = hostile.Case("n", "n", "a list record", [meta], args=args)
    outcome = hostile.run([may_not], workdir, timeout=TIMEOUT)
    assert any(f.startswith("exit: status 1: Error: --metadata") for f in outcome.failures)
    assert any(f.startswith("lost") for f in outcome.failures)
    hostile.cleanup(outcome)
