"""A built wheel works on its own: installed in a fresh virtualenv outside the repository it analyses,
reports (notes and templates) and starts the app.

The wheel is built from a copy of the package sources (nothing else of the
repository) with ``pip wheel --no-build-isolation``, so no build tool is
downloaded. It is installed with ``--no-deps`` into a new virtualenv whose only
other import path is the test environment's site-packages (added by a ``.pth``
line, which does not run that folder's own ``.pth`` files, so an editable
install of posturecheck there stays invisible): posturecheck itself can come
only from the wheel, its dependencies come already installed. Resolving the
dependencies from the index is pip's job and is not repeated here.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from posturecheck.education.loader import all_notes
from posturecheck.pose.landmarker import BUNDLED_MODEL_SHA256
from tests.app_server import running_app
from tests.media import WALK_CLIP

ROOT = Path(__file__).resolve().parents[1]
# What the wheel is built from: the package and the files pyproject.toml names.
BUILD_SOURCES = ("pyproject.toml", "README.md", "posturecheck")


def _run(argv: list[str], cwd: Path, env: dict[str, str], timeout: float = 600) -> str:
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{argv[:3]} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A virtualenv with the freshly built wheel installed: its bin folder and an environment to run it in."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    source.mkdir()
    for name in BUILD_SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(ROOT / name, source / name)
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    env["HOME"] = str(work)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check"]
    _run([*pip, "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(work), str(source)], work, env)
    (wheel,) = work.glob("posturecheck-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        assert "posturecheck/pose/models/pose_landmarker_full.task" in archive.namelist()

    venv = work / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], work, env)
    python = venv / "bin" / "python"
    site = Path(
        _run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], work, env).strip()
    )
    base_paths = {sysconfig.get_path("purelib"), sysconfig.get_path("platlib")}
    (site / "test_environment_packages.pth").write_text("\n".join(sorted(base_paths)) + "\n")
    _run([*pip, "--python", str(python), "install", "-q", "--no-deps", "--no-index", str(wheel)], work, env)
    return venv / "bin", env


@pytest.mark.slow
def test_the_installed_package_is_the_wheels_not_the_source_tree(
    installed: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    bin_dir, env = installed
    where = _run(
        [str(bin_dir / "python"), "-c", "import posturecheck; print(posturecheck.__file__)"], tmp_path, env
    )
    assert Path(where.strip()).is_relative_to(bin_dir.parent)


@pytest.mark.slow
def test_the_wheel_analyses_a_clip_and_reports_it_outside_the_repository(
    installed: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    bin_dir, env = installed
    clip = shutil.copy(WALK_CLIP, tmp_path / "walk.mp4")
    results = tmp_path / "results"
    _run(
        [
            str(bin_dir / "posturecheck"),
            "analyze",
            str(clip),
            "--out",
            str(results),
            "--no-video",
            "--quiet",
            "--csv",
            str(results / "walk.csv"),
            "--export",
            "trc,mot,c3d",
        ],
        tmp_path,
        env,
    )
    summary = (results / "walk.summary.json").read_text()
    assert BUNDLED_MODEL_SHA256 in summary
    assert (results / "walk.csv").stat().st_size > 0
    for fmt in ("trc", "mot", "c3d"):  # C3D: the ezc3d dependency is there
        assert (results / f"walk.person1.{fmt}").stat().st_size > 0
    _run([str(bin_dir / "posturecheck"), "report", str(results)], tmp_path, env)
    html = (results / "report.html").read_text(encoding="utf-8")
    stylesheet = (ROOT / "posturecheck/reports/render/templates/report.css").read_text(encoding="utf-8")
    assert max(stylesheet.splitlines(), key=len) in html  # the template's stylesheet, inlined
    assert any(note.title in html for note in all_notes())  # an educational note


@pytest.mark.slow
def test_the_wheel_starts_the_app(installed: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    bin_dir, env = installed
    with running_app([str(bin_dir / "posturecheck"), "app"], tmp_path, env) as app:
        pass  # serving: the health endpoint answered
    assert "Traceback" not in app.output
    # The first page and the notes of the Learn page, run from the installed package.
    script = (
        "from streamlit.testing.v1 import AppTest\n"
        "from posturecheck.app.launch import APP_SCRIPT\n"
        "at = AppTest.from_file(str(APP_SCRIPT), default_timeout=120)\n"
        "at.run()\n"
        "assert not at.exception, at.exception\n"
        "from posturecheck.education.loader import all_notes\n"
        "print(len(all_notes()))\n"
    )
    notes = _run([str(bin_dir / "python"), "-c", script], tmp_path, env)
    assert int(notes.strip().splitlines()[-1]) == len(all_notes())
