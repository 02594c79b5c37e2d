"""The production server's settings (gunicorn.conf.py, issue 14): the app is loaded before the workers fork, and what
that load made is frozen out of the garbage collector's sight."""

import gc
import runpy
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_gunicorn_started_in_the_project_reads_its_settings():
    shown = subprocess.run(
        [sys.executable, "-m", "gunicorn", "poverty.wsgi", "--print-config"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    settings = {key.strip(): value.strip() for key, _, value in (line.partition(" = ") for line in shown.splitlines())}
    assert settings["config"] == "./gunicorn.conf.py"
    assert settings["preload_app"] == "True"
    assert settings["pre_fork"] == "<pre_fork()>"


def test_before_each_fork_the_loaded_objects_are_frozen():
    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    try:
        conf["pre_fork"](server=None, worker=None)
        assert gc.get_freeze_count() > 10_000  # Django and the app, loaded by this test run
    finally:
        gc.unfreeze()
