"""The shape of the house: no import runs in a circle, no module is too long to read, and only actions
change the database (see docs/architecture.md)."""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "chalkface"
MAX_LINES = 500


def product_modules() -> dict[str, Path]:
    """Every module of the product by dotted name, without migrations."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(ROOT).with_suffix("")
        if "migrations" in relative.parts:
            continue
        parts = list(relative.parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """The product modules ``name`` imports, anywhere in it (inside functions too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(tree):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(
                    package.split(".")[: len(package.split(".")) - node.level + 1] + [base]
                ).strip(".")
            targets = [f"{base}.{alias.name}" for alias in node.names] + [base]
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                out.add(target)
    return out


def app_of(module: str) -> str:
    """``chalkface.voice.views.respondent`` → ``chalkface.voice``; top-level modules are their own."""
    return ".".join(module.split(".")[:2])


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one member (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def visit(node: str) -> None:
        nonlocal counter
        index[node] = low[node] = counter
        counter += 1
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def module_graph() -> dict[str, set[str]]:
    modules = product_modules()
    known = set(modules)
    graph = {}
    for name, path in modules.items():
        # A package's face (its __init__) hands on names from its own modules; that is not a circle.
        graph[name] = {t for t in imports_of(name, path, known) if not t.startswith(f"{name}.")}
    return graph


def test_no_module_imports_itself_in_a_circle() -> None:
    assert cycles(module_graph()) == []


def test_no_app_imports_itself_in_a_circle() -> None:
    apps: dict[str, set[str]] = defaultdict(set)
    for module, targets in module_graph().items():
        apps[app_of(module)] |= {app_of(t) for t in targets if app_of(t) != app_of(module)}
    assert cycles(dict(apps)) == []


def test_a_circle_is_found_when_there_is_one() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_module_is_longer_than_500_lines() -> None:
    too_long = {
        name: n
        for name, path in product_modules().items()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert too_long == {}


# Writing to the database: only in actions (a module called actions.py, or a package actions/).
WRITES = re.compile(
    r"transaction\.atomic|\.save\(|\.objects\.(?:create|bulk_create|bulk_update|get_or_create|update_or_create)\("
    r"|\.bulk_create\(|\.bulk_update\(|\.delete\(\)|\)\.update\(|cursor\.copy\(|COPY \{"
)
# Places that write outside an actions module, and why each may.
ALLOWED: dict[str, str] = {
    "chalkface/accounts/audit.py": (
        "the audit log's append and save_changes (save one model, return its diff): helpers every action "
        "calls inside its own transaction"
    ),
    "chalkface/accounts/models.py": "the user manager's create_user, and User.save() calling its parent",
    "chalkface/register/models.py": "Supplier.save() sets its slug, then calls its parent",
    "chalkface/voice/models/submissions.py": "Response.save() and bulk_create fill the typed measure columns",
    "chalkface/workplaces/models.py": "Organisation.save() sets its slug and quintile, then calls its parent",
}


def test_only_actions_write_to_the_database() -> None:
    offenders = []
    for path in product_modules().values():
        relative = path.relative_to(ROOT).as_posix()
        if path.name == "actions.py" or "actions" in path.relative_to(PACKAGE).parts[:-1]:
            continue
        if relative in ALLOWED:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if WRITES.search(line) and not line.lstrip().startswith("#"):
                offenders.append(f"{relative}:{number}: {line.strip()}")
    assert offenders == []


def test_the_write_check_catches_a_write() -> None:
    assert WRITES.search("    Thing.objects.create(name=name)")
    assert WRITES.search("    with transaction.atomic():")
    assert WRITES.search("    found.save(update_fields=['read'])")
    assert not WRITES.search("    values.update(more)")
