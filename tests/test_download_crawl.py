"""Every download button of every page, for every member of the cast.

The crawl starts at the home page and follows the links the pages render (one page per view and format), on the
demo city plus a household named like formulas and an import with rows to fix. Every link marked `data-download`
must give a file of the type it promises that opens in a spreadsheet program and runs no formula; a download the
role is not shown must be refused to it, and nothing but a marked link may answer with a file."""

from collections import deque
from html.parser import HTMLParser
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
from django.test import Client
from django.urls import Resolver404, resolve, reverse

from coordination.services import assessment_record
from core import permissions
from households.models import Household
from households.services import household_register
from tests.conftest import ROLES
from tests.downloads import download
from tests.factories import kelurahan
from tests.imports.helpers import csv_bytes, row
from tests.imports.helpers import upload as upload_file
from tests.test_url_permissions import URLS

MATRIX = {name: get for name, _target, get, _post in URLS}  # view -> role -> status of a GET

pytestmark = pytest.mark.django_db

NOT_CRAWLED = ("/admin/", "/static/")  # Django's own admin, and files


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[tuple[str, bool]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append((attrs["href"], "data-download" in attrs))


def links_on(page: str, html: str) -> list[tuple[str, bool]]:
    """(url, marked as a download) for every link of the page to a page of this site."""
    parser = _Links()
    parser.feed(html)
    found = []
    for href, is_download in parser.links:
        url = urlsplit(urljoin(page, href))
        if url.scheme or url.netloc or not url.path.startswith("/") or url.path.startswith(NOT_CRAWLED):
            continue
        found.append((url.path + (f"?{url.query}" if url.query else ""), is_download))
    return found


def view_of(url: str) -> str:
    return resolve(urlsplit(url).path).view_name


def kind_of(url: str) -> tuple[str, str, bool]:
    """What a download is, whatever the filters it carries: its view, its format, full numbers or not."""
    query = parse_qs(urlsplit(url).query)
    return view_of(url), query.get("format", ["xlsx"])[-1], query.get("full", [""])[-1] == "1"


def crawl(client: Client, role: str) -> tuple[set[str], list[str]]:
    """Download links found on the pages the role reaches, and what went wrong on the way."""
    queue, visited, downloads, problems = deque([reverse("home")]), [], set(), []
    while queue:
        url = queue.popleft()
        try:
            view = view_of(url)
        except Resolver404:
            problems.append(f"link to nowhere: {url}")
            continue
        # One visit per view, and per format: a download of a page's own view (?format=xlsx) is visited too.
        page = (view, parse_qs(urlsplit(url).query).get("format"))
        if page in visited:
            continue
        visited.append(page)
        response = client.get(url)
        if response.has_header("Content-Disposition"):
            problems.append(f"{url} gives a file, but the link to it is not marked data-download")
        elif response.status_code in (301, 302):
            queue.append(response.url)
        elif response.status_code == 403 and MATRIX.get(view, {}).get(role) == 403:
            pass  # a link to a page the permission table refuses this role: not followed
        elif response.status_code != 200:
            problems.append(f"{url} answers {response.status_code}")
        elif response["Content-Type"].startswith("text/html"):
            for link, is_download in links_on(url, response.text):
                if is_download:
                    downloads.add(link)
                else:
                    queue.append(link)
    return downloads, problems


def may_download(role: str, user, url: str) -> bool:
    """What the permission table says, and who may have the full numbers."""
    if user is None:
        return False
    view, _format, full = kind_of(url)
    if full and not permissions.has_perm(user, permissions.EXPORT_FULL, Household):
        return False
    return MATRIX[view][role] == 200


@pytest.fixture
def city(demo, supervisor):
    """The demo city, a household named like formulas with a referral, and an import with rows to fix."""
    household = household_register(
        actor=supervisor,
        kelurahan=kelurahan("Kameloh Baru"),
        address="-2+3",
        members=[{"full_name": '=HYPERLINK("http://evil.example/","klik")', "sex": "L", "relation": "kepala"}],
    )
    assessment_record(household=household, actor=supervisor, needs=[("no_work", household.members.get(), "")])
    client = Client()
    client.force_login(supervisor)
    upload = csv_bytes([row(), row(nama="@SUM(1)", nik="12", id_keluarga_p3ke="P3KE-T-2", no_kk="6271042001000002")])
    upload_file(client, upload, "p3ke.csv")


# What the crawl must reach, so that it cannot pass by finding nothing (the links themselves come from the pages).
EVERYONE = {("cases:registry_export", "xlsx", False), ("cases:registry_export", "csv", False),
            ("interventions:export", "xlsx", False), ("interventions:export", "csv", False),
            ("coordination:consolidation", "xlsx", False), ("dashboard:index", "xlsx", False)}  # fmt: skip
OVERSIGHT = {("audit:changes", "csv", False), ("audit:access", "csv", False), ("imports:template", "xlsx", False),
             ("imports:errors", "xlsx", False)}  # fmt: skip
FULL_NUMBERS = {("cases:registry_export", "xlsx", True), ("interventions:export", "xlsx", True)}
SUPERVISORS = {("coordination:proposal_workbook", "xlsx", False)}  # the SIKS-NG workbook (full NIKs)
SHOWN = {
    "anonymous": set(),
    "dinsos_caseworker": EVERYONE,
    "disnaker_caseworker": EVERYONE,
    "supervisor": EVERYONE | OVERSIGHT | FULL_NUMBERS | SUPERVISORS,
    # Admins may open the consolidation matrix, but only the referral inbox, which is not theirs, links to it.
    "admin": EVERYONE - {("coordination:consolidation", "xlsx", False)} | OVERSIGHT,
}


def test_every_download_button_of_every_page_gives_a_safe_file_to_every_role(city, cast):
    clients, shown, problems = {}, {}, []
    for role in ROLES:
        clients[role] = Client(raise_request_exception=False)  # a server error is one more problem to list
        if cast[role] is not None:
            clients[role].force_login(cast[role])
        shown[role], found = crawl(clients[role], role)
        problems += [f"{role}: {problem}" for problem in found]
        kinds = {kind_of(url) for url in shown[role]}
        if kinds != SHOWN[role]:
            problems.append(f"{role}: shown {sorted(kinds)}, expected {sorted(SHOWN[role])}")
    # Every download any role is shown, fetched by every role: a safe file where the permission table allows it
    # (always where the role is shown it), a refusal elsewhere.
    for url in sorted(set().union(*shown.values())):
        for role in ROLES:
            response = clients[role].get(url)
            if may_download(role, cast[role], url):
                try:
                    file = download(response)
                    assert file.kind == kind_of(url)[1], "the file is of the format the link names"
                    assert file.runnable() == [], file.runnable()
                except AssertionError as error:
                    problems.append(f"{role}: {url}: {str(error).splitlines()[0]}")
            elif url in shown[role]:
                problems.append(f"{role}: {url} is shown to this role, which may not have it")
            elif not (
                response.status_code == 403
                or (role == "anonymous" and response.url.startswith(reverse("accounts:login")))
            ):
                problems.append(f"{role}: {url} answers {response.status_code}, not a refusal")
    assert not problems, "\n".join(problems)
