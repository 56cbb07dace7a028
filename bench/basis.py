"""The "vorige versie" variant (BENCH_BASIS=<git revision>): the same pages served by another revision of the project
on the same database, in the same run, so a code change is shown with its before and after from one run.

The revision is unpacked with `git archive` into the run's work directory and served by the same .venv, with its
own collectstatic (the manifest names differ between revisions) and the built static/vendor of this checkout (not in
git). Both versions must read the same schema: when the revision's migration files differ from this checkout's, the
variant is skipped with the reason (its pages could fail or measure a different database).
"""

import io
import os
import subprocess
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout  # noqa: S603,S607


def is_migration(path: str) -> bool:
    parts = path.split("/")
    return len(parts) >= 3 and parts[-2] == "migrations" and parts[-1].endswith(".py")


def current_migrations(root: Path = ROOT) -> set[str]:
    """This checkout's migration files as they are on disk (uncommitted ones count: they are what runs)."""
    return {str(p.relative_to(root)) for p in root.glob("*/migrations/*.py")}


def revision_migrations(rev: str) -> set[str]:
    return {p for p in _git("ls-tree", "-r", "--name-only", rev).splitlines() if is_migration(p)}


def skip_reason(current: set[str], basis: set[str], rev: str) -> str | None:
    """None when both versions have the same migration files; otherwise why the variant is not measured, naming a
    few of the files that differ."""
    only_here, only_there = sorted(current - basis), sorted(basis - current)
    if not (only_here or only_there):
        return None

    def few(names: list[str]) -> str:
        shown = ", ".join(name.rsplit("/", 1)[-1] for name in names[:3])
        return shown + (f" en {len(names) - 3} meer" if len(names) > 3 else "")

    parts = ([f"alleen hier: {few(only_here)}"] if only_here else []) + (
        [f"alleen in {rev}: {few(only_there)}"] if only_there else [])
    return f"de migraties van {rev} verschillen van de huidige ({'; '.join(parts)})"


def short(rev: str) -> str:
    try:
        return _git("rev-parse", "--short", rev).strip()
    except subprocess.CalledProcessError:
        return rev


def variant(rev: str) -> dict:
    """The variant's row for bench/varianten.py: measured from a tree prepared later, or `niet` with the reason."""
    name = f"vorige versie ({short(rev)})"
    try:
        basis = revision_migrations(rev)
    except (subprocess.CalledProcessError, FileNotFoundError):
        return {"naam": name, "niet": f"revisie {rev} niet gevonden in git (een kloon zonder geschiedenis?)"}
    return {"naam": name, "basis": rev, "niet": skip_reason(current_migrations(), basis, rev)}


def prepare(rev: str, work: Path) -> dict:
    """Unpack `rev` under `work`, link the built static/vendor and collect its static files; returns what
    national.start_gunicorn needs to serve it (its directory and its STATIC_ROOT)."""
    tree, static = work / "basis", work / "basis-static"
    tree.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(["git", "archive", rev], cwd=ROOT, capture_output=True, check=True).stdout  # noqa: S603,S607
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(tree, filter="data")
    vendor = (ROOT / "static" / "vendor").resolve()
    if vendor.is_dir() and not (tree / "static" / "vendor").exists():
        (tree / "static" / "vendor").symlink_to(vendor)
    env = {**os.environ, "BENCH_STATIC_ROOT": str(static)}
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"], cwd=tree, env=env,  # noqa: S603
                   check=True)
    return {"cwd": tree, "env": {"BENCH_STATIC_ROOT": str(static)}}
