"""What a caseworker's phone downloads, as production serves it (issue 13: ≤ 150 KB on a cold load, ≤ 30 KB
once the static files are cached).

`collectstatic` runs with production's storage (hashed names, gzip copies) into a temporary folder;
WhiteNoise serves the page's stylesheets and scripts from there, and the page itself comes through the
middleware stack with `Accept-Encoding: gzip`. Sizes are the bytes on the wire.
"""

import gzip
import io
from html.parser import HTMLParser

import pytest
from django.core.management import call_command
from django.test import RequestFactory, override_settings
from django.urls import reverse
from whitenoise.middleware import WhiteNoiseMiddleware

from tests.factories import PersonFactory, VisitFactory

pytestmark = pytest.mark.django_db

COLD_BUDGET = 150 * 1024
WARM_BUDGET = 30 * 1024
PRODUCTION_STATIC = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}


class Assets(HTMLParser):
    """The stylesheets, scripts and images a page makes the browser fetch."""

    def __init__(self, html: str):
        super().__init__()
        self.urls: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and attrs.get("rel") in ("stylesheet", "icon", "manifest"):
            self.urls.append(attrs["href"])
        elif tag in ("script", "img") and attrs.get("src"):
            self.urls.append(attrs["src"])


@pytest.fixture(scope="module")
def production_static(tmp_path_factory):
    root = tmp_path_factory.mktemp("staticfiles")
    with override_settings(STATIC_ROOT=root, STORAGES={"staticfiles": PRODUCTION_STATIC}):
        call_command("collectstatic", "--noinput", verbosity=0, stdout=io.StringIO())
    return root


def caseworker_pages(household, visit) -> list[str]:
    return [
        reverse("home"),
        reverse("cases:my_work"),
        reverse("cases:registry"),
        reverse("cases:detail", args=[household.pk]),
        reverse("households:visit_add", args=[household.pk]),
        reverse("households:visit_edit", args=[visit.pk]),
        reverse("coordination:assess", args=[household.pk]),
        reverse("interventions:create", args=[household.pk]),
        reverse("interventions:list"),
        reverse("coordination:inbox"),
        reverse("dashboard:index"),
    ]


def test_every_caseworker_page_fits_the_transfer_budget(client_as, dinsos_caseworker, production_static, settings):
    person = PersonFactory()
    PersonFactory(household=person.household, relation="anak")
    household = person.household
    visit = VisitFactory(household=household, caseworker=dinsos_caseworker)
    settings.STATIC_ROOT = production_static
    settings.STORAGES = {**settings.STORAGES, "staticfiles": PRODUCTION_STATIC}
    whitenoise = WhiteNoiseMiddleware(get_response=lambda request: pytest.fail(f"not a static file: {request.path}"))
    client = client_as("dinsos_caseworker")
    weights = {}
    for url in caseworker_pages(household, visit):
        page = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
        assert page.status_code == 200, url
        assert page["Content-Encoding"] == "gzip", url
        html = page.content
        assets = {}
        for asset in Assets(gzip.decompress(html).decode()).urls:
            served = whitenoise(RequestFactory().get(asset, HTTP_ACCEPT_ENCODING="gzip"))
            assert served.status_code == 200, asset
            assert "immutable" in served["Cache-Control"], asset  # a hashed name: cached for good
            assets[asset] = int(served["Content-Length"])
        weights[url] = (len(html), sum(assets.values()))
    over = {
        url: f"{(html + assets) / 1024:.0f} KB cold, {html / 1024:.0f} KB warm"
        for url, (html, assets) in weights.items()
        if html + assets > COLD_BUDGET or html > WARM_BUDGET
    }
    assert over == {}
    print("\n".join(f"{url}: {(h + a) / 1024:.1f} KB cold, {h / 1024:.1f} KB warm" for url, (h, a) in weights.items()))
