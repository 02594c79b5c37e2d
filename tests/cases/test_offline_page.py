"""The field page (`cases:offline`) and its session check, as the server renders them (the phone's behaviour is
tested in tests/browser/test_offline.py)."""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Opd, User
from cases.offline import page_config
from coordination.models import NEED_SCOPE, Need
from tests.factories import HouseholdFactory, PersonFactory
from tests.pageforms import page_form

pytestmark = pytest.mark.django_db

PAGE = reverse("cases:offline")
SESSION = reverse("cases:offline_session")


def config_of(response) -> dict:
    match = re.search(r'<script id="offline-config" type="application/json">(.*?)</script>', response.text, re.S)
    assert match, "the page carries its configuration as a JSON block"
    return json.loads(match.group(1))


def test_my_work_offers_the_field_page(client_as):
    response = client_as("dinsos_caseworker").get(reverse("cases:my_work"))
    assert f'href="{PAGE}"' in response.text
    assert "Bawa ke lapangan (offline)" in response.text


def test_the_field_page_carries_addresses_rules_and_words_but_no_case_data(client_as, dinsos_caseworker):
    person = PersonFactory(full_name="Nama Yang Tidak Boleh Ada")
    response = client_as("dinsos_caseworker").get(PAGE)
    assert response.status_code == 200
    config = config_of(response)
    assert config["user"]["id"] == dinsos_caseworker.pk
    assert config["urls"]["caseload"] == "/api/v1/offline/caseload/"
    assert config["urls"]["visits"] == reverse("api:visit-list")
    assert config["urls"]["transition"] == "/api/v1/interventions/987654321/transition/"
    assert config["urls"]["session"] == SESSION
    assert config["note_purpose"] == "other"
    assert {need["code"] for need in config["needs"]} == set(Need.values)
    water = next(need for need in config["needs"] if need["code"] == "no_clean_water")
    school = next(need for need in config["needs"] if need["code"] == "child_out_of_school")
    assert water["household"] is True and (school["min_age"], school["max_age"]) == (7, 18)
    assert school["household"] is NEED_SCOPE[Need.CHILD_OUT_OF_SCHOOL].household
    assert config["text"]["queue_pending"] == "{count} catatan menunggu dikirim"
    # Stored by the service worker for use without signal: nothing of any household is in it.
    assert person.full_name not in response.text and person.household.address not in response.text
    assert person.household.kelurahan.name in response.text  # the kelurahan to choose from
    # CSP: the JSON block is data, not a script; the page's script is a file.
    assert "<script>" not in response.text and " style=" not in response.text
    assert 'src="/static/js/offline.js"' in response.text


def test_the_field_page_leaves_the_next_pages_messages_alone(client_as):
    """The service worker may fetch the field page between a save and the page its message is meant for."""
    client = client_as("dinsos_caseworker")
    household = HouseholdFactory()
    form = page_form(client.get(reverse("households:visit_add", args=[household.pk])))
    form["purpose"] = "monitoring"
    saved = form.submit(client)
    assert saved.status_code == 302
    assert "Kunjungan dicatat." not in client.get(PAGE).text
    assert "Kunjungan dicatat." in client.get(saved.url).text


def test_the_session_check_gives_a_fresh_csrf_token_to_casework(client_as, supervisor):
    response = client_as("supervisor").get(SESSION)
    assert response.status_code == 200
    body = response.json()
    assert body["state"] == "ok" and body["user"] == supervisor.pk and len(body["csrf"]) == 64
    assert response["Cache-Control"] == "no-store"


def test_the_session_check_sends_a_signed_out_browser_to_sign_in(client):
    response = client.get(SESSION)
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def test_the_session_check_tells_a_deactivated_account_its_casework_ended(client_as, dinsos_caseworker):
    client = client_as("dinsos_caseworker")
    User.objects.filter(pk=dinsos_caseworker.pk).update(is_active=False)
    response = client.get(SESSION)
    assert response.status_code == 403 and response.json() == {"state": "ended"}


def test_the_session_check_tells_a_closed_opds_staff_and_an_admin_their_casework_ended(client_as, dinsos_caseworker):
    assert client_as("admin").get(SESSION).json() == {"state": "ended"}
    client = client_as("dinsos_caseworker")
    Opd.objects.filter(pk=dinsos_caseworker.opd_id).update(is_active=False)
    assert client.get(SESSION).status_code == 403


def test_page_config_words_are_all_filled_in(dinsos_caseworker):
    config = page_config(dinsos_caseworker)
    assert all(isinstance(text, str) and text for text in config["text"].values())


def test_the_field_page_reads_in_a_fixed_number_of_queries(client_as):
    client = client_as("dinsos_caseworker")
    client.get(PAGE)  # the session's first-minute refresh out of the way

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(PAGE).status_code == 200
        return len(captured)

    few = queries()
    for _ in range(3):
        PersonFactory()  # case data is not on this page, whatever its size
    assert queries() == few <= 8
