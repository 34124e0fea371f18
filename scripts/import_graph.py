"""The package's import graph, read from the source: which module imports which, cycles, and
what the read side loads.

Every ``import`` and ``from ... import`` inside ``src/onrecord`` counts, at module level or
inside a function, and under ``if TYPE_CHECKING`` too (marked ``typing``): an import inside a
function still ties the two modules together, it only runs later. Importing ``a.b.c`` also
imports the packages ``a`` and ``a.b`` (their ``__init__``), so those are edges as well,
except the packages that hold the importing module (they are always loaded first).

    python scripts/import_graph.py              # modules, lines, levels, edges, cycles
    python scripts/import_graph.py --packages   # the same between sub-packages
    python scripts/import_graph.py --importtime onrecord.web.app onrecord.cli
                                                # python -X importtime: what each one loads

Exits with 1 when there is a cycle.
"""

from __future__ import annotations

import argparse
import ast
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = "onrecord"
# what the read side (query, web, the query commands) must start without
HEAVY = ("spacy", "onnxruntime", "datasketch", "thinc", "tokenizers", "dateparser")


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    where: str  # "module" | "function" | "typing"
    line: int


def modules(src: Path = SRC) -> dict[str, Path]:
    """{dotted name: file} of every module of the package (``pkg/__init__.py`` is ``pkg``)."""
    out = {}
    for path in sorted((src / PACKAGE).rglob("*.py")):
        parts = list(path.relative_to(src).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def _resolve(name: str, importer: str, is_package: bool, level: int) -> str:
    """The absolute name of a relative import ``level`` dots up from ``importer``."""
    if not level:
        return name
    base = importer.split(".")
    if not is_package:
        base = base[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join(base + ([name] if name else []))


def _typing_lines(tree: ast.Module) -> set[int]:
    """Line numbers of statements under ``if TYPE_CHECKING:``."""
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for sub in node.body:
                for inner in ast.walk(sub):
                    if hasattr(inner, "lineno"):
                        lines.add(inner.lineno)
    return lines


def _function_lines(tree: ast.Module) -> set[int]:
    """Line numbers of statements inside a function or method."""
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for inner in ast.walk(node):
                if hasattr(inner, "lineno") and inner is not node:
                    lines.add(inner.lineno)
    return lines


def edges(mods: dict[str, Path] | None = None) -> list[Edge]:
    """Every import of one module of the package by another."""
    mods = mods if mods is not None else modules()
    out: list[Edge] = []
    for name, path in mods.items():
        tree = ast.parse(path.read_text(), str(path))
        typing, inside = _typing_lines(tree), _function_lines(tree)
        is_package = path.name == "__init__.py"
        for node in ast.walk(tree):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = _resolve(node.module or "", name, is_package, node.level)
                targets = [base]
                # ``from pkg import sub``: the submodule itself
                targets += [f"{base}.{a.name}" for a in node.names if f"{base}.{a.name}" in mods]
            else:
                continue
            where = (
                "typing"
                if node.lineno in typing
                else "function"
                if node.lineno in inside
                else "module"
            )
            for target in targets:
                if not (target == PACKAGE or target.startswith(PACKAGE + ".")):
                    continue
                parts = target.split(".")
                chain = [".".join(parts[:i]) for i in range(1, len(parts) + 1)]
                for hit in chain:
                    if hit not in mods or hit == name:
                        continue
                    if name.startswith(hit + "."):  # a package holding the importer
                        continue
                    out.append(Edge(name, hit, where, node.lineno))
    return sorted(set(out), key=lambda e: (e.source, e.target, e.line))


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one node (or with a self-loop)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1 or v in graph.get(v, ()):
                found.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def graph_of(found: list[Edge], nodes, of=lambda name: name) -> dict[str, set[str]]:
    """{node: nodes it imports}; ``of`` maps a module to its node (e.g. its sub-package)."""
    graph: dict[str, set[str]] = {of(n): set() for n in nodes}
    for e in found:
        a, b = of(e.source), of(e.target)
        if a != b:
            graph[a].add(b)
    return graph


def levels(graph: dict[str, set[str]]) -> dict[str, int]:
    """Each node's import level: 0 imports nothing of the package, else one more than the
    highest level it imports (meaningless inside a cycle, where it stops)."""
    memo: dict[str, int] = {}

    def level(v: str, path: frozenset) -> int:
        if v in memo:
            return memo[v]
        deps = [w for w in graph.get(v, ()) if w not in path]
        memo[v] = 1 + max((level(w, path | {w}) for w in deps), default=-1)
        return memo[v]

    return {v: level(v, frozenset({v})) for v in graph}


def package_of(name: str) -> str:
    """The sub-package a module belongs to (``onrecord.record.store`` -> ``record``), or its
    own short name for a module at the top of the package (``model``, ``cli``)."""
    parts = name.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def importtime(module: str) -> tuple[float, list[str]]:
    """``python -X importtime -c 'import module'``: the cumulative seconds of the import and
    the heavy third-party packages (:data:`HEAVY`) it loaded."""
    run = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {module}"],
        capture_output=True,
        text=True,
        check=True,
    )
    total, loaded = 0.0, set()
    for line in run.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        _, cumulative, name = (part.strip() for part in line[len("import time:") :].split("|"))
        if not cumulative.isdigit():
            continue
        top = name.strip().split(".")[0]
        if top in HEAVY:
            loaded.add(top)
        if name == module:
            total = int(cumulative) / 1e6
    return total, sorted(loaded)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--packages", action="store_true", help="the graph between packages")
    parser.add_argument("--importtime", nargs="+", metavar="MODULE", help="what each loads")
    args = parser.parse_args()
    if args.importtime:
        for module in args.importtime:
            seconds, heavy = importtime(module)
            print(f"{module:28} {seconds:6.2f} s  heavy: {', '.join(heavy) or 'none'}")
        return 0
    mods = modules()
    found = edges(mods)
    if args.packages:
        graph = graph_of(found, mods, package_of)
    else:
        graph = graph_of(found, mods)
    depth = levels(graph)
    for node in sorted(graph, key=lambda n: (depth[n], n)):
        lines = ""
        if not args.packages:
            lines = f"{len(mods[node].read_text().splitlines()):5d}"
        print(f"{depth[node]:2d} {lines} {node:32} -> {', '.join(sorted(graph[node])) or '-'}")
    if not args.packages:
        late = [e for e in found if e.where != "module"]
        if late:
            print("\nimports inside functions or under TYPE_CHECKING:")
        for e in late:
            print(f"  {e.source}:{e.line} -> {e.target} ({e.where})")
    found_cycles = cycles(graph)
    print(f"\n{len(graph)} nodes, {max(depth.values()) + 1} levels, cycles: ", end="")
    print("; ".join(" <-> ".join(c) for c in found_cycles) or "none")
    return 1 if found_cycles else 0


if __name__ == "__main__":
    sys.exit(main())
