"""The install is reproducible: requirements.lock pins every dependency pyproject declares."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _name(requirement: str) -> str:
    """``"pandera[polars]>=0.24,<1"`` → ``"pandera"`` (PEP 503 normalised)."""
    match = re.match(r"[A-Za-z0-9._-]+", requirement.strip())
    assert match, requirement
    return re.sub(r"[-_.]+", "-", match.group(0)).lower()


def _lock() -> dict[str, str]:
    pins: dict[str, str] = {}
    for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            assert version, f"requirements.lock: {line!r} is not pinned with =="
            pins[_name(name)] = version.split(";")[0].strip()
    return pins


def _declared() -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return [*project["dependencies"], *project["optional-dependencies"]["dev"]]


def test_lock_pins_every_declared_dependency() -> None:
    pins = _lock()
    missing = [req for req in _declared() if _name(req) not in pins]
    assert missing == [], f"not in requirements.lock (run scripts/update_lock.sh): {missing}"


def test_every_dependency_has_a_major_upper_bound() -> None:
    # packaging is the one left open: a stable, backward-compatible API used for version checks only.
    unbounded = [req for req in _declared() if "<" not in req and _name(req) != "packaging"]
    assert unbounded == []


def test_duckdb_shell_is_the_python_package_version() -> None:
    pins = _lock()
    assert pins["duckdb-cli"] == pins["duckdb"]


def test_unused_dagster_duckdb_is_not_installed_by_the_project() -> None:
    assert "dagster-duckdb" not in _lock()


def test_setup_and_demo_install_no_system_packages() -> None:
    # the browser of the report-rendering tests is the test setup's business (scripts/test_browser.sh)
    for script in ("scripts/setup.sh", "scripts/demo.sh"):
        text = (ROOT / script).read_text(encoding="utf-8")
        assert "apt-get install" not in text and "chromium" not in text.replace("Installs no system packages", "")
    assert "test_browser.sh" in (ROOT / "scripts/test.sh").read_text(encoding="utf-8")


def test_readme_examples_use_folders_the_quick_start_creates() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "--landing data/landing" not in readme
    assert "../shared/" not in readme
