"""Layering rules of issue #10, checked on the source: a domain package imports no front end, no storage;
no module of `bot` takes part in an import cycle.

The domain declares what it needs as Protocols in its `ports.py`; `bot.storage` and the Discord adapter
implement them and `bot.app` wires them in. An import in the wrong direction would compile and pass every
behaviour test, so it is caught here, by reading each module's imports with `ast` (including imports inside
functions and `if TYPE_CHECKING:` blocks, which are dependencies all the same).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

BOT = Path(__file__).resolve().parent.parent / "bot"

# package -> the top-level names (and their submodules) none of its modules may import
CORE = ("discord", "sqlalchemy", "bot.storage")
FORBIDDEN = {
    "bot.corpus": CORE,
    "bot.search": CORE,
    "bot.answer": CORE,
    "bot.conversation": CORE,
    "bot.digest": CORE,
    "bot.readinggroup": CORE,
    "bot.sources": CORE,
    "bot.additions": CORE,
    "bot.following": CORE,
    "bot.storage": ("discord",),
}


def imported_modules(path: Path, module: str) -> set[str]:
    """Every module `path` (the module named `module`) imports, relative imports resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                parent = ".".join([*base, node.module] if node.module else base)
            else:
                parent = node.module or ""
            found.add(parent)
            found.update(f"{parent}.{alias.name}" for alias in node.names)  # `from bot import storage`
    return found


def modules_of(package: str) -> list[tuple[str, Path]]:
    folder = BOT.parent.joinpath(*package.split("."))
    if folder.with_suffix(".py").is_file():  # a single-module package such as bot.answer
        return [(package, folder.with_suffix(".py"))]
    found = []
    for path in sorted(folder.rglob("*.py")):
        parts = path.relative_to(BOT.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found.append((name, path))
    return found


def is_within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


CASES = [
    pytest.param(package, module, path, id=module)
    for package in FORBIDDEN
    for module, path in modules_of(package)
]


@pytest.mark.parametrize(("package", "module", "path"), CASES)
def test_domain_modules_import_no_front_end_and_no_storage(package: str, module: str, path: Path) -> None:
    wrong = sorted(
        name
        for name in imported_modules(path, module)
        if any(is_within(name, forbidden) for forbidden in FORBIDDEN[package])
    )
    assert wrong == [], f"{module} imports {', '.join(wrong)}; declare a port in {package}.ports instead"


def test_every_package_checked_has_modules() -> None:
    """A renamed package must not turn the check above into a silent no-op."""
    for package in FORBIDDEN:
        assert modules_of(package), package


def test_the_check_sees_imports_in_every_form(tmp_path: Path) -> None:
    source = tmp_path / "sample.py"
    source.write_text(
        "import discord.ui\n"
        "from sqlalchemy import select\n"
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from bot import storage\n"
        "def f():\n"
        "    from ..storage.database import Database\n"
    )
    found = imported_modules(source, "bot.digest.sample")
    assert {"discord.ui", "sqlalchemy", "bot.storage", "bot.storage.database"} <= found


# --- no import cycles ------------------------------------------------------------------------------------
# Issue #10: the process entry point (`bot.serve`) builds the client and hands it its cogs, so no module
# of `bot` needs one that needs it back. Only imports that run when a module is imported count: those at
# module level (inside module-level `if`/`try`/`with` and class bodies too), not those inside functions or
# under `if TYPE_CHECKING:`, which Python never executes.


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _import_time_statements(body: list[ast.stmt]) -> list[ast.Import | ast.ImportFrom]:
    found: list[ast.Import | ast.ImportFrom] = []
    for node in body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.append(node)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            continue
        elif isinstance(node, ast.If) and _is_type_checking(node.test):
            found += _import_time_statements(node.orelse)
        else:
            for field in ("body", "orelse", "finalbody", "handlers"):
                inner = getattr(node, field, None)
                if isinstance(inner, list):
                    found += _import_time_statements([n for n in inner if isinstance(n, ast.stmt)])
                    for handler in inner:
                        if isinstance(handler, ast.ExceptHandler):
                            found += _import_time_statements(handler.body)
    return found


def import_time_graph(modules: dict[str, Path]) -> dict[str, set[str]]:
    """module -> the modules of `modules` it imports when it is imported (relative imports resolved;
    `from a import b` is an edge to `a.b` when that is a module, else to `a`)."""
    graph: dict[str, set[str]] = {}
    for module, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        edges: set[str] = set()
        for node in _import_time_statements(tree.body):
            if isinstance(node, ast.Import):
                edges.update(alias.name for alias in node.names)
                continue
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                parent = ".".join([*base, node.module] if node.module else base)
            else:
                parent = node.module or ""
            for alias in node.names:
                child = f"{parent}.{alias.name}"
                edges.add(child if child in modules else parent)
        graph[module] = {name for name in edges if name in modules and name != module}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import cycle as [a, b, …, a], or [] when the graph is acyclic (iterative depth-first search)."""
    state: dict[str, str] = {}  # "open" while on the current path, then "done"
    for root in sorted(graph):
        if root in state:
            continue
        path = [root]
        state[root] = "open"
        stack = [iter(sorted(graph[root]))]
        while stack:
            step = next(stack[-1], None)
            if step is None:
                stack.pop()
                state[path.pop()] = "done"
            elif state.get(step) == "open":
                return [*path[path.index(step) :], step]
            elif step not in state:
                state[step] = "open"
                path.append(step)
                stack.append(iter(sorted(graph.get(step, ()))))
    return []


def bot_modules() -> dict[str, Path]:
    return dict(modules_of("bot"))


def test_bot_has_no_import_cycle() -> None:
    cycle = find_cycle(import_time_graph(bot_modules()))
    assert cycle == [], "import cycle: " + " -> ".join(cycle)


def test_the_cycle_check_sees_what_runs_at_import_time(tmp_path: Path) -> None:
    """A cycle through module-level imports is found; one closed only under TYPE_CHECKING or inside a
    function is not a cycle; and the real graph has the edges this restructuring relies on."""
    (tmp_path / "pkg").mkdir()
    files = {
        "pkg.a": "from pkg import b\n",
        "pkg.b": "import pkg.c\n",
        "pkg.c": "from .a import thing\n",
        "pkg.d": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg import e\n",
        "pkg.e": "import pkg.d\ndef f():\n    from pkg import e\n",
    }
    modules = {}
    for name, source in files.items():
        path = tmp_path / (name.replace(".", "/") + ".py")
        path.write_text(source)
        modules[name] = path
    graph = import_time_graph(modules)
    assert graph == {
        "pkg.a": {"pkg.b"},
        "pkg.b": {"pkg.c"},
        "pkg.c": {"pkg.a"},
        "pkg.d": set(),
        "pkg.e": {"pkg.d"},
    }
    assert find_cycle(graph) == ["pkg.a", "pkg.b", "pkg.c", "pkg.a"]
    graph["pkg.c"] = set()
    assert find_cycle(graph) == []

    real = import_time_graph(bot_modules())
    assert "bot.discord_adapter.client" in real["bot.serve"]
    assert "bot.discord_adapter.readinggroup.cog" in real["bot.serve"]


FEATURES = ("bot.discord_adapter.papers", "bot.discord_adapter.digest", "bot.discord_adapter.readinggroup")


def test_the_client_imports_no_feature() -> None:
    """The client is handed its cogs (`bot.serve.wire`); it imports no feature package, not even inside a
    function or for the type checker — that lazy import was how `client` and `cogs` imported each other."""
    client = BOT / "discord_adapter" / "client.py"
    wrong = sorted(
        name
        for name in imported_modules(client, "bot.discord_adapter.client")
        if any(is_within(name, feature) for feature in FEATURES)
    )
    assert wrong == []
