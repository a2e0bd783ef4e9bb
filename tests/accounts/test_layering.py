"""Accounts sit below cases: an organizer exists before any case, so accounts never import cases."""

from __future__ import annotations

import ast
from pathlib import Path

ACCOUNTS = Path(__file__).resolve().parents[2] / "petitions" / "accounts"


def imported_modules(source: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(source.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_no_module_of_accounts_imports_an_area_above_it() -> None:
    above = ("petitions.cases", "petitions.signing", "petitions.manage", "petitions.embeds")
    for source in sorted(ACCOUNTS.glob("*.py")):
        wrong = sorted(name for name in imported_modules(source) if name.startswith(above))
        assert not wrong, f"{source.name} imports {wrong}"
