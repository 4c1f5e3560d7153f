"""The packages under notifier/ import each other in one direction only (docs/architecture.md).

Two guards: an ast walk of every import (function-level ones included) that fails on any cycle between the
packages, naming the modules that close it; and the import-linter contracts in pyproject.toml, which pin the order
of the layers, run here so the suite enforces them without a separate CI step."""

import ast
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "notifier"


def _unit(module: str) -> str:
    """The package (or top-level module) of notifier a dotted name belongs to: notifier.web.auth -> web."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> list[tuple[str, int]]:
    """Every notifier module the file imports, anywhere in it, with the line."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == "notifier":
                found += [(f"notifier.{alias.name}", node.lineno) for alias in node.names]
            elif node.module.startswith("notifier."):
                found.append((node.module, node.lineno))
        elif isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names if alias.name.startswith("notifier.")]
    return found


def package_graph() -> dict[str, dict[str, list[str]]]:
    """unit -> imported unit -> the places ("notifier/x/y.py:12") that import it."""
    graph: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for path in sorted(PACKAGE.rglob("*.py")):
        source = _unit(_module_name(path))
        for target, line in _imports(path):
            unit = _unit(target)
            if unit != source:
                graph[source][unit].append(f"{path.relative_to(ROOT)}:{line}")
    return graph


def strongly_connected(graph: dict[str, dict[str, list[str]]]) -> list[list[str]]:
    """Tarjan's algorithm: the groups of units that reach each other (a cycle), largest first."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    counter = 0

    def visit(node: str) -> None:
        nonlocal counter
        index[node] = low[node] = counter
        counter += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, {}):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    nodes = set(graph) | {n for targets in graph.values() for n in targets}
    for node in sorted(nodes):
        if node not in index:
            visit(node)
    return sorted(groups, key=len, reverse=True)


def test_the_cycle_finder_finds_a_cycle():
    graph = {"a": {"b": ["a.py:1"]}, "b": {"c": ["b.py:1"]}, "c": {"a": ["c.py:1"]}, "d": {"a": ["d.py:1"]}}
    assert strongly_connected(graph) == [["a", "b", "c"]]
    assert strongly_connected({"a": {"b": ["a.py:1"]}}) == []


def test_no_import_cycle_between_the_packages():
    graph = package_graph()
    assert graph["web"], "the walk found no imports at all: the test would pass for nothing"
    cycles = strongly_connected(graph)
    detail = []
    for group in cycles:
        for source in group:
            for target in group:
                if target in graph.get(source, {}):
                    detail.append(f"{source} -> {target}: {', '.join(graph[source][target][:3])}")
    assert not cycles, "import cycles between notifier packages:\n" + "\n".join(detail)


def _function_level_imports(path: Path) -> list[tuple[int, bool]]:
    """(line, justified) for each import inside a function: justified when a comment stands right above the run of
    import statements it belongs to, or the import sits in a `try` that catches ImportError (optional dependency)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    tree = ast.parse("\n".join(lines))
    optional: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Try) and any(
            isinstance(h.type, ast.Name) and h.type.id in {"ImportError", "ModuleNotFoundError"} for h in node.handlers
        ):
            optional |= {n.lineno for n in ast.walk(node) if isinstance(n, ast.Import | ast.ImportFrom)}
    found = []
    for func in ast.walk(tree):
        if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for block in ast.walk(func):
            body = getattr(block, "body", None)
            if not isinstance(body, list):
                continue
            run_start = None
            for stmt in body:
                if not isinstance(stmt, ast.Import | ast.ImportFrom):
                    run_start = None
                    continue
                run_start = run_start or stmt.lineno
                above = lines[run_start - 2].strip() if run_start >= 2 else ""
                found.append((stmt.lineno, above.startswith("#") or stmt.lineno in optional))
    return found


def test_imports_inside_functions_say_why():
    unjustified = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in sorted(PACKAGE.rglob("*.py"))
        for line, justified in _function_level_imports(path)
        if not justified
    ]
    assert not unjustified, "imports inside functions without a comment saying why:\n" + "\n".join(unjustified)


def test_the_layer_contracts_hold():
    """pyproject.toml [tool.importlinter]: the order of the layers and the base modules that import no domain."""
    lint = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "broken" in result.stdout and " 0 broken" in result.stdout, result.stdout
