"""The embedded default (a SQLite file, `make run`) holds a small office saving at the same moment.

The server runs in its own process on a fresh SQLite file whatever DATABASE_URL the suite runs on,
since the file database is what is under test; caseworkers sign in and save through the pages.
"""

import http.cookiejar
import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import closing
from pathlib import Path

import pytest

from tests.pageforms import form_fields

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "kantor-kecil-2024"
CASEWORKERS = 4
SAVES = 20

SETUP = f"""
from accounts.models import Role
from tests.factories import HouseholdFactory, UserFactory, opd
for n in range({CASEWORKERS}):
    user = UserFactory(username=f"pendamping{{n}}", opd=opd("Dinsos"), role=Role.CASEWORKER)
    user.set_password({PASSWORD!r})
    user.save()
print(HouseholdFactory().pk)
"""


class Browser:
    """One person's browser: own cookies, no automatic redirects (the test reads the 302)."""

    class _NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    def __init__(self, base: str):
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), self._NoRedirect)

    def open(self, path: str, data: dict[str, str] | None = None) -> tuple[int, str, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body)  # noqa: S310 - always http://127.0.0.1
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.headers.get("Location", ""), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Location", ""), error.read().decode(errors="replace")

    def form(self, path: str, field: str) -> dict[str, str]:
        status, _, page = self.open(path)
        assert status == 200, (path, status)
        return form_fields(page, field)

    def copy(self) -> "Browser":
        """A second tab of the same browser (shares the signed-in session)."""
        other = Browser(self.base)
        for cookie in self.cookies:
            other.cookies.set_cookie(cookie)
        return other


def run_together(work, count: int) -> None:
    threads = [threading.Thread(target=work, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def file_server(tmp_path):
    """`manage.py runserver` (what `make run` serves) on a migrated SQLite file with caseworkers and one household."""
    env = {k: v for k, v in os.environ.items() if k not in {"HTTPS", "ALLOWED_HOSTS", "DEBUG", "TRUSTED_PROXIES"}}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    env["DEBUG"] = "1"  # as `make run` sets it (static files from the app folders, no collectstatic)
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    setup = subprocess.run(
        [*manage, "shell", "-v0", "-c", SETUP], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    household_id = int(setup.stdout.split()[-1])
    port = free_port()
    log = (tmp_path / "server.log").open("w")
    server = subprocess.Popen(
        [*manage, "runserver", "--noreload", f"127.0.0.1:{port}"], cwd=ROOT, env=env, stdout=log, stderr=log
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, "the server did not start"
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}", household_id, tmp_path / "db.sqlite3"
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


def test_twenty_caseworkers_saving_visits_at_once_on_the_sqlite_file_all_succeed(file_server):
    base, household_id, database = file_server
    sessions: list[Browser] = []
    sign_ins: list[int] = []

    def sign_in(n: int) -> None:
        browser = Browser(base)
        form = browser.form("/accounts/login/", "username")
        form.update(username=f"pendamping{n}", password=PASSWORD)
        status, _, _ = browser.open("/accounts/login/", form)
        sign_ins.append(status)
        sessions.append(browser)

    run_together(sign_in, CASEWORKERS)
    assert sign_ins == [302] * CASEWORKERS, sign_ins

    path = f"/households/{household_id}/visits/new/"
    start = threading.Barrier(SAVES)
    results: list[tuple[int, str]] = []

    def save_visit(n: int) -> None:
        browser = sessions[n % CASEWORKERS].copy()
        form = browser.form(path, "submission_token")
        form.update(purpose="monitoring", findings=f"Kunjungan serentak {n}")
        start.wait(timeout=60)
        status, location, _ = browser.open(path, form)
        results.append((status, location))

    run_together(save_visit, SAVES)

    case_file = f"/households/{household_id}/"
    statuses = sorted(status for status, _ in results)
    assert statuses == [302] * SAVES, statuses
    assert all(location.startswith(case_file) for _, location in results), results
    with closing(sqlite3.connect(database)) as db:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        saved = db.execute("SELECT count(*) FROM households_visit WHERE household_id = ?", [household_id]).fetchone()
    assert saved == (SAVES,)
