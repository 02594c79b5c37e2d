"""What a careless or hostile caller sends is a clear 4xx in problem details, never a 500, and changes nothing."""

import json

import pytest
from django.test import override_settings
from django.urls import reverse

from api.models import IdempotencyRecord
from audit.models import AccessLog
from households.models import Visit
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def household():
    return PersonFactory().household


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ("{bad json", 400),
        ('{"household": NaN}', 400),
        ('{"household": Infinity}', 400),
        ("[" * 100_000 + "]" * 100_000, 400),
        ('{"household": 1' + "0" * 5000 + "}", 400),
        ('{"household": 1e400, "purpose": "monitoring", "visited_on": "2026-11-29"}', 400),
        ('{"household": 99999999999999999999999, "purpose": "monitoring"}', 400),
        ('{"household": "1; DROP TABLE", "purpose": "monitoring"}', 400),
        ('{"household": true, "purpose": "monitoring"}', 400),
        ('{"household": [1], "purpose": {"a": 1}}', 400),
        ("[]", 400),
        ('"just a string"', 400),
        ("\xff\xfe", 400),
        ('{"household": 1, "visited_on": "29/13/2026", "purpose": "monitoring"}', 400),
        ('{"household": 1, "visited_on": "0001-01-01", "purpose": "monitoring"}', 400),
    ],
)
def test_malformed_bodies_are_400(api_token, household, body, status):
    response = api_token("Dinsos").post(
        reverse("api:visit-list"), body.replace('"household": 1,', f'"household": {household.pk},')
    )
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == "application/problem+json"
    assert not Visit.objects.exists()


def test_a_body_over_the_limit_is_413_before_it_is_read(api_token, household, settings):
    settings.API_MAX_BODY_BYTES = 2000
    body = json.dumps({"household": household.pk, "purpose": "monitoring", "findings": "x" * 5000})
    response = api_token("Dinsos").post(reverse("api:visit-list"), body)
    assert response.status_code == 413
    assert response.json()["title"] == "Permintaan terlalu besar"
    assert not Visit.objects.exists()


def test_other_content_types_are_415(api_token, household):
    api = api_token("Dinsos")
    response = api.client.post(
        reverse("api:visit-list"), data="household=1", content_type="application/x-www-form-urlencoded", **api.headers
    )
    assert response.status_code == 415


@pytest.mark.parametrize("key", ["", "x" * 201, "kunci dengan spasi", "\u00e9t\u00e9"])
def test_a_bad_idempotency_key_is_400(api_token, household, key):
    body = {"household": household.pk, "purpose": "monitoring", "visited_on": "2026-11-29"}
    response = api_token("Dinsos").post(reverse("api:visit-list"), body, **{"Idempotency-Key": key})
    assert response.status_code == 400
    assert not Visit.objects.exists() and not IdempotencyRecord.objects.exists()


def test_a_key_reused_for_another_request_is_422_and_a_refusal_is_not_kept(api_token, household):
    api = api_token("Dinsos")
    url = reverse("api:visit-list")
    refused = api.post(url, {"household": household.pk, "purpose": "nope"}, **{"Idempotency-Key": "k"})
    assert refused.status_code == 400 and not IdempotencyRecord.objects.exists()
    body = {"household": household.pk, "purpose": "monitoring", "visited_on": "2026-11-29"}
    assert api.post(url, body, **{"Idempotency-Key": "k"}).status_code == 201  # corrected, same key
    other = api.post(url, {**body, "findings": "lain"}, **{"Idempotency-Key": "k"})
    assert other.status_code == 422
    assert Visit.objects.count() == 1


@pytest.mark.parametrize("value", ["abc", '"-1"', '"99999999999"', "W/", '""'])
def test_a_bad_if_match_is_refused_and_changes_nothing(api_token, household, value):
    url = reverse("api:household-detail", args=[household.pk])
    response = api_token("Dinsos").patch(url, {"address": "Jl. Lain"}, **{"If-Match": value})
    assert response.status_code in (400, 409)
    household.refresh_from_db()
    assert household.address != "Jl. Lain"


@pytest.mark.parametrize(
    "query",
    [
        "?kelurahan=abc",
        "?status=nope",
        "?desil=99",
        "?cursor=%%%",
        "?page_size=abc",
        "?reveal=maybe",
        "?q=" + "9" * 5000,
    ],
)
def test_bad_list_parameters_never_500(api_token, household, query):
    response = api_token("Dinsos").get(reverse("api:household-list") + query)
    assert response.status_code in (200, 400, 404)
    if response.status_code != 200:
        assert response["Content-Type"] == "application/problem+json"


@override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "rate"}})
def test_a_token_over_its_rate_is_429(issue_token, client):
    from tests.api.conftest import Api

    _token, secret = issue_token("Dinsos", "read", rate_per_minute=3)
    api = Api(client, Authorization=f"Bearer {secret}")
    codes = [api.get(reverse("api:opd-list")).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    refused = api.get(reverse("api:opd-list"))
    assert refused["Content-Type"] == "application/problem+json" and int(refused["Retry-After"]) > 0


def test_numbers_are_masked_unless_asked_and_every_look_is_logged(api_token, household):
    person = household.members.get()
    api = api_token("Dinsos")
    url = reverse("api:household-detail", args=[household.pk])
    masked = api.get(url).json()
    assert masked["no_kk"] == f"{household.no_kk[:4]}{'•' * 8}{household.no_kk[-4:]}"
    assert masked["members"][0]["nik"] != person.nik and person.nik[-4:] in masked["members"][0]["nik"]
    assert not AccessLog.objects.exists()
    full = api.get(url + "?reveal=true").json()
    assert full["no_kk"] == household.no_kk and full["members"][0]["nik"] == person.nik
    logged = set(AccessLog.objects.values_list("field", "object_id"))
    assert logged == {("no_kk", household.pk), ("nik", person.pk)}
    listed = api.get(reverse("api:household-list") + "?reveal=1")
    assert listed.status_code == 200 and AccessLog.objects.count() == 4


@pytest.mark.parametrize("query", ["?kelurahn=1", "?foo=1", "?sort=-id"])
def test_an_unknown_parameter_is_400_not_a_wider_list(api_token, household, query):
    response = api_token("Dinsos").get(reverse("api:household-list") + query)
    assert response.status_code == 400
    assert query[1:].split("=")[0] in response.json()["errors"]


def test_the_same_key_from_another_version_is_another_request(api_token, household):
    api = api_token("Dinsos")
    url = reverse("api:household-detail", args=[household.pk])
    first = api.patch(url, {"address": "Jl. Satu"}, **{"If-Match": f'"{household.version}"', "Idempotency-Key": "x"})
    assert first.status_code == 200
    other = api.patch(url, {"address": "Jl. Satu"}, **{"If-Match": first["ETag"], "Idempotency-Key": "x"})
    assert other.status_code == 422
