"""The outside judges of pages: axe-core (accessibility, in Chromium) and the Nu HTML validator.

Both come from package.json (`make judges`, which `make test` runs: `npm ci`); the Nu validator
needs Java. tests/test_outside_judges.py runs them on every page of the site, the journeys run
axe-core on each page a person meets on their phone. Missing tools fail the test saying what is
missing; ``PETITIONS_SKIP_JUDGES=1`` skips it instead, on purpose only.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page

from tests.helpers import PROJECT_ROOT

NODE_MODULES = PROJECT_ROOT / "node_modules"
AXE = NODE_MODULES / "axe-core" / "axe.min.js"
VNU = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"

#: A short run's JVM: compile little (C1 only; its deeper frames need a larger stack) and
#: collect garbage on one thread, so the one validation starts fast on a busy machine.
JVM_OPTIONS = ("-XX:TieredStopAtLevel=1", "-Xss8m", "-XX:+UseSerialGC")


@dataclass
class Judged:
    """One page as a person saw it: where, in which language, and what it was served as."""

    name: str
    language: str
    url: str
    html: str
    violations: list[dict[str, Any]] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.name} [{self.language}] {self.url}"


def missing_judges(need_java: bool = True) -> str | None:
    """Return what is missing to run the judges (None when nothing is)."""
    missing = [str(path) for path in ((AXE, VNU) if need_java else (AXE,)) if not path.is_file()]
    if need_java and shutil.which("java") is None:
        missing.append("java (Debian: default-jre-headless; `make system-deps`)")
    return ", ".join(missing) or None


def require_judges(need_java: bool = True) -> None:
    """Fail (or skip, when PETITIONS_SKIP_JUDGES=1 asks for it) unless the judges are here."""
    missing = missing_judges(need_java)
    if missing is None:
        return
    reason = f"outside judges missing: {missing}"
    if os.environ.get("PETITIONS_SKIP_JUDGES") == "1":
        pytest.skip(f"{reason} (PETITIONS_SKIP_JUDGES=1)")
    pytest.fail(
        f"{reason}. Install them with `make judges` (npm ci from package-lock.json), "
        "or set PETITIONS_SKIP_JUDGES=1 to skip this test on purpose.",
        pytrace=False,
    )


def load_axe(context: BrowserContext) -> None:
    """Load axe-core into every page the context opens from now on.

    An init script runs before the page's own scripts and outside its CSP (the pages allow no
    inline script, and page.add_script_tag() adds one); added once, it is also about twice as
    fast here as sending the 650 kB to the browser again for every page.
    """
    context.add_init_script(path=str(AXE))


def run_axe(page: Page, name: str, excluded: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """Run every axe-core rule (best practices too) but ``excluded`` (rule: reason)."""
    assert page.evaluate("typeof axe") == "object", f"axe-core did not load in {name}"
    rules = {rule: {"enabled": False} for rule in excluded or {}}
    found = page.evaluate(
        "(rules) => axe.run(document, {rules, resultTypes: ['violations']})", rules
    )
    violations: list[dict[str, Any]] = found["violations"]
    return violations


def describe_axe(page: Judged) -> list[str]:
    """Describe each element each axe-core violation found: page, rule, element, help."""
    lines = []
    for violation in page.violations:
        for node in violation["nodes"]:
            lines.append(
                f"axe {page.label}: {violation['id']} ({violation['impact']}): "
                f"{violation['help']} at {' '.join(map(str, node['target']))}: {node['html']}"
                f" [{violation['helpUrl']}]"
            )
    return lines


def run_nu(pages: list[Judged], folder: Path) -> list[str]:
    """Validate every page's served HTML in one Java run (it is slow to start); describe
    each error."""
    java = shutil.which("java")
    assert java is not None, "require_judges() first"
    files: dict[str, Judged] = {}
    for number, page in enumerate(pages):
        slug = "".join(c if c.isalnum() else "-" for c in page.name)
        path = folder / f"{number:03d}-{slug}-{page.language}.html"
        path.write_text(page.html, encoding="utf-8")
        files[str(path.resolve())] = page
    done = subprocess.run(
        [java, *JVM_OPTIONS, "-jar", str(VNU), "--format", "json", "--verbose"]
        + ["--exit-zero-always", *files],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    # --verbose names each file checked on stdout: a file it could not read is left out
    # silently, and would pass as a page without errors.
    assert done.stdout.split() == list(files), done.stdout + done.stderr
    problems = []
    for message in json.loads(done.stderr)["messages"]:
        if message["type"] == "info":
            continue  # warnings and notes: advice, not errors
        url = message.get("url", "?")  # file:/tmp/…/000-home-en.html
        judged = files.get(url.removeprefix("file:"))
        where = judged.label if judged else url
        problems.append(
            f"Nu {where}: line {message.get('lastLine', '?')}: {message['message']}"
            f" in {message.get('extract', '').strip()!r}"
        )
    return problems
