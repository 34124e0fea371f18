"""The layout holds: no import circle, between modules or between packages, and the read side
(the query commands, ``onrecord serve``) starts without the parser: a web worker is a
fraction of the memory and start-up time of the pipeline."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("import_graph", ROOT / "scripts/import_graph.py")
graph = importlib.util.module_from_spec(_spec)
sys.modules["import_graph"] = graph  # (its dataclass looks its module up)
_spec.loader.exec_module(graph)

# the stages in flow order, faces last: a package imports only packages before it
ORDER = ["model", "read", "find", "record", "evaluate", "__init__", "web", "cli"]


def test_no_module_imports_itself_through_others():
    mods = graph.modules()
    assert graph.cycles(graph.graph_of(graph.edges(mods), mods)) == []


def test_packages_import_only_earlier_stages():
    mods = graph.modules()
    packages = graph.graph_of(graph.edges(mods), mods, graph.package_of)
    assert set(packages) == set(ORDER)
    backwards = {(a, b) for a, deps in packages.items() for b in deps}
    backwards = {(a, b) for a, b in backwards if ORDER.index(b) > ORDER.index(a)}
    assert backwards == set()


def test_the_read_side_does_not_load_spacy():
    code = (
        "import sys, onrecord, onrecord.cli, onrecord.record.query, onrecord.record.store\n"
        "import onrecord.web.app, onrecord.read.sources\n"
        "print(sorted(m for m in ('spacy', 'onnxruntime', 'datasketch') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_importtime_sees_the_same():
    for module in ("onrecord.web.app", "onrecord.cli", "onrecord.record.query"):
        assert graph.importtime(module)[1] == [], module


def test_extract_is_still_at_the_top_of_the_package():
    code = "import onrecord; print(onrecord.extract.__module__)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "onrecord.find.pipeline"


def test_extract_stays_the_function_once_the_find_package_is_loaded():
    code = (
        "import onrecord.find.pipeline, onrecord\n"
        "from onrecord import extract\n"
        "print(callable(extract), callable(onrecord.extract))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True True"
