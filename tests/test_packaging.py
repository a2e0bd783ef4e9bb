"""`pip install .` gives a service that runs anywhere: built, installed and served for real.

The wheel is built without network (no build isolation), installed into a fresh virtualenv
that borrows this one's dependencies through a .pth file, and run from an empty folder far
from the checkout: migrate, load the demo, serve the home page and an error page.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

import pytest
import requests
from bs4 import BeautifulSoup

from tests.helpers import PROJECT_ROOT, one, parse
from tests.instances_helpers import clean_environment
from tests.servers import free_port

#: What a wheel is built from (everything else in the checkout stays out of the build).
SOURCES = (
    "petitions",
    "templates",
    "static",
    "migrations",
    "pyproject.toml",
    "setup.py",
    "README.md",
)


def run(command: list[str], cwd: Path, env: dict[str, str]) -> str:
    done = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, f"{command} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout + done.stderr


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a virtualenv with the wheel of this checkout installed in it."""
    root = tmp_path_factory.mktemp("packaging")
    source = root / "source"
    source.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in SOURCES:
        origin = PROJECT_ROOT / name
        if origin.is_dir():
            shutil.copytree(origin, source / name, ignore=ignore)
        else:
            shutil.copy(origin, source / name)
    env = clean_environment()
    env.pop("PYTHONPATH", None)
    run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            str(source),
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(root / "dist"),
            "-q",
        ],
        root,
        env,
    )
    [wheel] = (root / "dist").glob("petitions-*.whl")

    venv = root / "venv"
    run([sys.executable, "-m", "venv", "--without-pip", str(venv)], root, env)
    python = venv / "bin" / "python"
    site = run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], root, env
    ).strip()
    # The dependencies (and pip) come from this virtualenv; the petitions in it (an editable
    # install of the checkout) is not activated, as .pth files of an added path are not run.
    (Path(site) / "borrowed.pth").write_text(sysconfig.get_path("purelib") + "\n")
    run([str(python), "-m", "pip", "install", "--no-deps", "-q", str(wheel)], root, env)
    return venv


def test_the_installed_package_migrates_loads_the_demo_and_serves_pages(
    installed: Path, tmp_path: Path
) -> None:
    workdir = tmp_path / "somewhere-else"
    workdir.mkdir()
    env = clean_environment(DATABASE_URL=f"sqlite:///{workdir / 'petitions.sqlite'}")
    env.pop("PYTHONPATH", None)
    env.pop("SECRET_KEY", None)  # development: the key is made once into ./instance/
    python = str(installed / "bin" / "python")

    where = run([python, "-c", "import petitions; print(petitions.__file__)"], workdir, env)
    assert str(installed) in where, where
    run([str(installed / "bin" / "petitions"), "db", "upgrade"], workdir, env)
    loaded = run([str(installed / "bin" / "petitions"), "demo-data"], workdir, env)
    assert "Loaded the demo case" in loaded
    assert (workdir / "instance" / "secret_key").exists(), "the instance folder is the cwd's"

    port = free_port()
    log = (tmp_path / "gunicorn.log").open("wb")
    server = subprocess.Popen(
        [
            python,
            "-m",
            "gunicorn",
            "-c",
            "python:petitions.gunicorn_conf",
            "-w",
            "1",
            "-b",
            f"127.0.0.1:{port}",
            "petitions.wsgi:app",
        ],
        cwd=workdir,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 20
        while True:
            try:
                home = requests.get(f"{base}/", timeout=5)
                break
            except requests.ConnectionError:
                assert server.poll() is None, (tmp_path / "gunicorn.log").read_text()
                assert time.monotonic() < deadline, "gunicorn did not answer within 20 s"
                time.sleep(0.1)
        missing = requests.get(f"{base}/no/such/page", timeout=5)
        stylesheet = BeautifulSoup(home.text, "html.parser").find("link", rel="stylesheet")
        assert stylesheet is not None
        css = requests.get(f"{base}{stylesheet['href']}", timeout=5)
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()

    assert home.status_code == 200
    assert "Ales Bialiatski" in one(parse(home), "main").text
    assert missing.status_code == 404
    assert "Page not found" in one(parse(missing), "title").text
    assert css.status_code == 200
    served_log = (tmp_path / "gunicorn.log").read_text()
    assert "TemplateNotFound" not in served_log
    # The installed settings' when_ready hook warmed the app before forking the worker.
    assert "warmed before fork: " in served_log
    assert os.path.isdir(workdir / "instance")
