"""The field app's shell (issue 17): the service worker at /sw.js, the web app manifest and its icons, what every
page of a casework account links, and the sign-out answer that empties the browser."""

import json
import struct
from pathlib import Path
from urllib.parse import urljoin

import pytest
from django.templatetags.static import static
from django.urls import reverse

from poverty import views
from tests.pageforms import page_forms
from tests.test_csrf_failure import sign_in

ROOT = Path(__file__).resolve().parent.parent
STATIC = ROOT / "static"


def test_the_service_worker_is_served_at_the_root_with_the_shell_it_stores(client, db):
    response = client.get("/sw.js")  # anyone: the browser checks it for updates signed in or not
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Cache-Control"] == "no-cache"
    first, source = response.text.split("\n", 1)
    shell = json.loads(first.removeprefix("self.OFFLINE_SHELL = ").removesuffix(";"))
    assert shell["page"] == reverse("cases:offline")
    assert static("js/offline.js") in shell["assets"] and static("css/offline.css") in shell["assets"]
    assert all((STATIC / name).is_file() for name in views.SHELL_STATIC)
    assert source == (STATIC / "js" / "sw.js").read_text(encoding="utf-8")
    assert reverse("service_worker") == "/sw.js"


def test_the_service_workers_version_follows_the_shells_contents():
    files = views._shell_files()
    changed = ((files[0][0], files[0][1] + 1, files[0][2]), *files[1:])
    assert views._fingerprint(files) == views._fingerprint(files)
    # The same contents under a new time: the same version (nothing to download again).
    assert views._fingerprint(changed) == views._fingerprint(files)
    assert len(views._fingerprint(files)) == 16


def test_the_service_worker_stores_no_api_answer_and_no_other_page():
    source = (STATIC / "js" / "sw.js").read_text(encoding="utf-8")
    # Only two things are ever put in Cache Storage: the shell's static files (addAll) and the field page.
    assert source.count("cache.put(") == 1 and "cache.put(SHELL.page" in source
    assert source.count("addAll(") == 1 and "addAll(SHELL.assets)" in source


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_the_manifest_makes_the_field_page_an_installable_app():
    manifest_url = static("manifest.webmanifest")
    manifest = json.loads((STATIC / "manifest.webmanifest").read_text(encoding="utf-8"))
    assert urljoin(manifest_url, manifest["start_url"]) == reverse("cases:offline")
    assert urljoin(manifest_url, manifest["scope"]) == "/"
    assert manifest["display"] == "standalone" and manifest["lang"] == "id"
    sizes = {}
    for icon in manifest["icons"]:
        path = STATIC / urljoin("/", icon["src"]).lstrip("/")
        assert path.is_file(), icon["src"]
        if icon["type"] == "image/png":
            width, height = png_size(path)
            assert icon["sizes"] == f"{width}x{height}"
            sizes.setdefault(icon["purpose"], set()).add(width)
    assert {192, 512} <= sizes["any"] and 512 in sizes["maskable"]


@pytest.mark.parametrize("role", ["dinsos_caseworker", "supervisor"])
def test_casework_pages_link_the_manifest_and_the_offline_store(client_as, role):
    html = client_as(role).get(reverse("home")).text
    assert f'<link rel="manifest" href="{static("manifest.webmanifest")}">' in html
    assert f'src="{static("js/offline-store.js")}"' in html and 'data-service-worker="/sw.js"' in html
    assert "data-sign-out" in html


@pytest.mark.parametrize("role", ["anonymous", "admin"])
def test_pages_without_casework_carry_none_of_it(client_as, role):
    client = client_as(role)
    html = client.get(reverse("home") if role == "admin" else reverse("accounts:login")).text
    assert "manifest" not in html and "offline-store.js" not in html


def test_signing_out_tells_the_browser_to_clear_what_the_field_app_keeps(client, dinsos_caseworker):
    sign_in(client, dinsos_caseworker)
    [logout] = [form for form in page_forms(client.get(reverse("home"))) if form.action == reverse("accounts:logout")]
    response = logout.submit(client)
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "storage"'
