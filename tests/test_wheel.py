"""The package as a user installs it: a wheel built from the sources, installed into a fresh
virtual environment, run from an empty folder far from the checkout."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

from .conftest import ROOT


def _sources(into: Path) -> Path:
    """A copy of what a wheel is built from (no build outputs, no databases), so that the
    build writes nothing into the shared checkout."""
    tree = into / "onrecord-src"
    tree.mkdir()
    for name in ("pyproject.toml", "README.md", "NOTICE"):
        if (ROOT / name).exists():
            shutil.copy(ROOT / name, tree / name)
    shutil.copytree(
        ROOT / "src",
        tree / "src",
        ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", "*.db*"),
    )
    return tree


def test_demo_runs_from_an_installed_wheel(tmp_path):
    wheels = tmp_path / "wheels"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "-q",
            "-w",
            str(wheels),
            str(_sources(tmp_path)),
        ],
        check=True,
        timeout=600,
    )
    (wheel,) = wheels.glob("onrecord-*.whl")
    env_dir = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(env_dir)], check=True)
    python = env_dir / "bin" / "python"
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    # the dependencies: this environment's packages, after the new one's own
    Path(site, "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--no-deps",
            "-q",
            str(wheel),
        ],
        check=True,
        timeout=300,
    )
    empty = tmp_path / "elsewhere"
    empty.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "ONRECORD_DB")}
    where = subprocess.run(
        [str(python), "-c", "import onrecord; print(onrecord.__file__)"],
        cwd=empty,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert where.startswith(site), where  # the wheel's copy, not the checkout's
    result = subprocess.run(
        [str(env_dir / "bin" / "onrecord"), "demo"],
        cwd=empty,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    assert "Vladimir Putin" in result.stdout
    assert "5 articles" in result.stdout
    assert (empty / "onrecord-demo.db").exists()
