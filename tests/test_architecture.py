"""Layering rules of issue #10, checked on the source: a domain package imports no front end, no storage.

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
