"""The reading-group core stays behind its ports: no module under `bot/readinggroup` imports discord,
sqlalchemy or `bot.storage` (issue #10). It declares what it needs in `bot/readinggroup/ports.py`;
storage and the Discord adapter depend on it, never the other way round.

The imports are read with `ast`, not by importing the modules, so a lazy import inside a function counts
too, and so does `import sqlalchemy.orm` or `from bot import storage`.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORE = ROOT / "bot" / "readinggroup"
FORBIDDEN = ("discord", "sqlalchemy", "bot.storage")


def module_name(path: Path) -> str:
    """`bot.readinggroup.slots` for bot/readinggroup/slots.py (a package is its `__init__`)."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(source: str, package: str) -> set[str]:
    """Every module `source` imports, made absolute against `package` (the package the module is in);
    `from a import b` counts as both `a` and `a.b`, since `b` may be a module."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            origin = node.module or ""
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                origin = ".".join([*base, origin] if origin else base)
            found.add(origin)
            found.update(f"{origin}.{alias.name}" for alias in node.names)
    return found


def is_forbidden(module: str) -> bool:
    return any(module == name or module.startswith(f"{name}.") for name in FORBIDDEN)


CORE_MODULES = sorted(CORE.rglob("*.py"))


def test_the_core_has_modules_to_check() -> None:
    assert CORE / "ports.py" in CORE_MODULES
    assert len(CORE_MODULES) > 10


@pytest.mark.parametrize("path", CORE_MODULES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_a_core_module_imports_no_discord_sqlalchemy_or_storage(path: Path) -> None:
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    imports = imported_modules(path.read_text(encoding="utf-8"), package)
    offending = sorted(m for m in imports if is_forbidden(m))
    assert offending == [], f"{name} imports {', '.join(offending)}"


def test_the_check_sees_every_way_of_importing() -> None:
    source = (
        "import discord.ui\n"
        "from sqlalchemy.ext.asyncio import AsyncSession\n"
        "from bot import storage\n"
        "from ..storage import database\n"
        "from . import slots\n"
        "def later():\n"
        "    from bot.storage.readinggroup_repo import store\n"
    )
    imports = imported_modules(source, "bot.readinggroup")
    assert "bot.readinggroup.slots" in imports
    assert sorted(m for m in imports if is_forbidden(m)) == [
        "bot.storage",
        "bot.storage.database",
        "bot.storage.readinggroup_repo",
        "bot.storage.readinggroup_repo.store",
        "discord.ui",
        "sqlalchemy.ext.asyncio",
        "sqlalchemy.ext.asyncio.AsyncSession",
    ]
