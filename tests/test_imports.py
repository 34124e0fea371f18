"""The read side (the query commands, ``onrecord serve``) starts without the parser: a web
worker is a fraction of the memory and start-up time of the pipeline."""

from __future__ import annotations

import subprocess
import sys


def test_the_read_side_does_not_load_spacy():
    code = (
        "import sys, onrecord, onrecord.cli, onrecord.record.query, onrecord.record.store, onrecord.web.app\n"
        "print(sorted(m for m in ('spacy', 'onnxruntime', 'datasketch') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_extract_is_still_at_the_top_of_the_package():
    code = "import onrecord; print(onrecord.extract.__module__)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "onrecord.find.pipeline"
