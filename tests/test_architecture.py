"""The areas form a tree: each imports only areas below it, and never another area's views.

The picture (README "Architecture") is checked here from the source itself, so a new import that
would tie two areas into a cycle fails the suite instead of waiting for a review.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "petitions"

#: Each area's height in the tree: an area may import only areas of a smaller height.
HEIGHT: dict[str, float] = {
    "privacy": 0,
    "accounts": 1,
    "mail": 1,
    "cases": 2,
    "defence": 2.5,  # above cases (the petitions it guards), below signing (which asks it)
    "signing": 3,
    "letters": 3.5,  # above signing (its form checks and busy answers), below about (privacy)
    "counting": 4,
    "about": 4,  # the pages about the service: read signing's erasure list, privacy's limits
    "api": 5,
    "embeds": 5,
    "bundles": 3.25,  # above signing (what it prints), below letters (which print with it)
    "exports": 5,
    "retention": 5.5,  # above what it erases (signing, letters, bundles), below manage
    "paper": 3.1,  # above signing (its rows are signatures), below bundles (which print them)
    "updates": 4.5,  # above signing (consent, signatures) and mail, below manage (writes them)
    "manage": 6,
}

#: Modules at the top of the package that assemble the app and so may import every area.
ASSEMBLY = {"__init__", "cli", "wsgi", "health"}


def _areas() -> set[str]:
    return {path.name for path in PACKAGE.iterdir() if (path / "__init__.py").exists()}


def _imported(path: Path) -> set[str]:
    """Return the dotted names of the ``petitions`` modules (and names) that ``path`` imports."""
    package = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts[:-1])
    if path.name == "__init__.py":
        package = ".".join(path.relative_to(PACKAGE.parent).parts[:-1])
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return {name for name in found if name.split(".")[0] == "petitions"}


def _edges() -> list[tuple[str, str, str]]:
    """(importing file, imported area, imported dotted name) for each import of another area."""
    edges = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).parts
        for name in _imported(path):
            target = name.split(".")
            if len(target) < 2 or target[1] not in HEIGHT:
                continue
            if len(parts) > 1 and parts[0] == target[1]:
                continue
            edges.append(("/".join(parts), target[1], name))
    return edges


def test_every_area_has_a_place_in_the_tree() -> None:
    assert _areas() == set(HEIGHT)


def test_areas_import_only_areas_below_them() -> None:
    upward = [
        f"{source} imports {name}"
        for source, area, name in _edges()
        if "/" in source and HEIGHT[area] >= HEIGHT[source.split("/")[0]]
    ]
    assert upward == []


def test_shared_modules_import_no_area_but_privacy() -> None:
    shared = [
        f"{source} imports {name}"
        for source, area, name in _edges()
        if "/" not in source and Path(source).stem not in ASSEMBLY and area != "privacy"
    ]
    assert shared == []


def test_no_area_imports_another_areas_views() -> None:
    into_views = [
        f"{source} imports {name}"
        for source, area, name in _edges()
        if "/" in source
        and ".views" in name
        and not name.startswith(f"petitions.{source.split('/')[0]}.")
    ]
    assert into_views == []


@pytest.mark.parametrize("area", sorted(HEIGHT))
def test_no_module_is_over_four_hundred_lines(area: str) -> None:
    long = {
        str(path.relative_to(PACKAGE)): length
        for path in (PACKAGE / area).rglob("*.py")
        if (length := len(path.read_text(encoding="utf-8").splitlines())) > 420
    }
    assert long == {}
