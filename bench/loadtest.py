"""Load test (issue 14, item 2): signed-in users following real journeys, for locust.

Run it through `bench/loadtest_run.py` (seeded database, gunicorn on 127.0.0.1, lock-wait logging, summary), or
against a server already running on this machine:

    .venv/bin/locust -f bench/loadtest.py --headless -u 50 -r 10 -t 60s --host http://127.0.0.1:8000

The statistics are reset once the last user has signed in, so they hold the journeys only.

Caseworkers (Dinsos and Disnaker accounts, 3 of every 4 users): the registry (a random page, or one kelurahan),
a case file picked from it, and in `LOADTEST_WRITE_SHARE` of their journeys (default 0.43, which makes about 10 %
of all requests writes) the visit form, filled and sent with the token and CSRF field it carries, then the case
file again. Supervisors: the dashboard, one of its drill-down links into the registry, then that list's next
page. No pause between journeys unless `LOADTEST_WAIT` says so ("1-3": 1 to 3 s; the requests of a journey go
back to back), so 50 users keep the server busy the way the closed-loop baseline of issue 14 did. Only a
loopback host is accepted.
"""

from __future__ import annotations

import os
import random
import re
import sys
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from locust import FastHttpUser, between, constant, events, task

sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchserver  # noqa: E402

CASE_FILE = re.compile(r'href="(/households/\d+/)"')
VISIT_FORM = re.compile(r'href="(/households/\d+/visits/new/)"')
DRILL_DOWN = re.compile(r'href="(/households/\?[^"]+)"')
NEXT_PAGE = re.compile(r'href="(\?[^"]*page=\d+[^"]*)"')
KELURAHAN_OPTION = re.compile(r'<option value="(\d+)"')
WRITE_SHARE = float(os.environ.get("LOADTEST_WRITE_SHARE", "0.43"))
_wait = os.environ.get("LOADTEST_WAIT", "0")
WAIT = between(*map(float, _wait.split("-"))) if "-" in _wait else constant(float(_wait))
PURPOSES = ["monitoring", "follow_up", "verification", "other"]


@events.test_start.add_listener
def loopback_only(environment, **_kwargs):
    host = urlsplit(environment.host or "").hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit(f"refusing to load-test {environment.host!r}: only 127.0.0.1 on this machine")


def unescape(url: str) -> str:
    return url.replace("&amp;", "&")


class SignedIn(FastHttpUser):
    abstract = True
    wait_time = WAIT
    accounts: tuple[str, ...] = ()
    signed_in = 0

    def on_start(self) -> None:
        page = self.client.get("/accounts/login/", name="sign in: form")
        form = benchserver.login_form(page.text, self.host + "/accounts/login/")
        form["username"] = random.choice(self.accounts)
        form["password"] = benchserver.PASSWORD
        with self.client.post(
            urlsplit(form.target()).path,
            data=urlencode(form.data()),
            headers={"Content-Type": "application/x-www-form-urlencoded", "Referer": self.host + "/accounts/login/"},
            allow_redirects=False,
            catch_response=True,
            name="sign in: send",
        ) as response:
            if response.status_code != 302 or "/accounts/login" in response.headers.get("Location", ""):
                response.failure(f"sign-in refused ({response.status_code})")
        SignedIn.signed_in += 1
        runner = self.environment.runner
        if runner is not None and SignedIn.signed_in == runner.target_user_count:
            # Signing in hashes a password (~0.3 s of a worker): measure the journeys from here on.
            runner.stats.reset_all()
            print("ALL SIGNED IN", flush=True)


class Caseworker(SignedIn):
    weight = 3
    accounts = ("dinsos", "disnaker")
    kelurahan: list[str] = []

    @task
    def registry_case_file_visit(self) -> None:
        if self.kelurahan and random.random() < 0.5:
            registry = self.client.get(f"/households/?kelurahan={random.choice(self.kelurahan)}", name="registry")
        else:
            registry = self.client.get(f"/households/?page={random.randint(1, 40)}", name="registry")
        if not Caseworker.kelurahan:
            select = registry.text.split('name="kelurahan"', 1)[-1].split("</select>", 1)[0]
            Caseworker.kelurahan = KELURAHAN_OPTION.findall(select)
        files = CASE_FILE.findall(registry.text or "")
        if not files:
            return
        case_file = self.client.get(random.choice(files), name="case file")
        if random.random() >= WRITE_SHARE:
            return
        links = VISIT_FORM.findall(case_file.text or "")
        if not links:
            return
        page = self.client.get(links[0], name="visit form")
        from tests.pageforms import forms_in

        form = next(f for f in forms_in(page.text, self.host + links[0]) if "purpose" in f.names())
        form["purpose"] = random.choice(PURPOSES)
        # Findings differ per visit: the same visit sent twice (household, caseworker, day, purpose, findings)
        # is refused as a resubmission, by design.
        form["findings"] = f"Kunjungan uji beban {random.getrandbits(48):x}: kondisi rumah tangga dipantau."
        with self.client.post(
            links[0],
            data=urlencode(form.data()),
            headers={"Content-Type": "application/x-www-form-urlencoded", "Referer": self.host + links[0]},
            allow_redirects=False,
            catch_response=True,
            name="visit: send (write)",
        ) as response:
            if response.status_code != 302:
                response.failure(f"visit not recorded ({response.status_code})")
                return
            target = urlsplit(response.headers["Location"])
        self.client.get(target.path + (f"?{target.query}" if target.query else ""), name="case file")


class Supervisor(SignedIn):
    weight = 1
    accounts = ("supervisor",)

    @task
    def dashboard_drill_down(self) -> None:
        dashboard = self.client.get("/dashboard/", name="dashboard")
        links = DRILL_DOWN.findall(dashboard.text or "")
        if not links:
            return
        listing = self.client.get(unescape(random.choice(links)), name="drill-down (registry)")
        pages = [unescape(p) for p in NEXT_PAGE.findall(listing.text or "")]
        following = [p for p in pages if re.search(r"[?&]page=2(&|$)", p)] or pages
        if following:
            self.client.get("/households/" + following[0], name="registry: next page")
