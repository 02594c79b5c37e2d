"""Every API endpoint × role × method: who is answered, who is refused (401 without credentials, 403 for a role
the rule table refuses, 405 for a method the endpoint lacks), and guessed ids answer 404."""

import pytest
from django.urls import reverse

from coordination.services import assessment_record
from tests.factories import InterventionFactory, PersonFactory, VisitFactory, opd
from tests.recorded import recorded

pytestmark = pytest.mark.django_db

ROLES = ["dinsos_caseworker", "disnaker_caseworker", "supervisor", "admin"]


def every(code):
    return dict.fromkeys(ROLES, code)


READ = every(200)
NO_METHOD = every(405)
# An empty body: the casework roles reach validation (400); admins are refused first.
CASEWORK_EMPTY = {**every(400), "admin": 403}
CASEWORK_OK = {**every(200), "admin": 403}
ADDRESSED_OK = {"dinsos_caseworker": 403, "disnaker_caseworker": 200, "supervisor": 200, "admin": 403}
ADDRESSED_EMPTY = {"dinsos_caseworker": 403, "disnaker_caseworker": 400, "supervisor": 400, "admin": 403}
REVEAL = {**every(200), "admin": 403}

# (url name, object, method, body?, If-Match?, expected per role)
ENDPOINTS = [
    ("api:kecamatan-list", None, "get", None, False, READ),
    ("api:kecamatan-list", None, "post", {}, False, NO_METHOD),
    ("api:kecamatan-detail", "kecamatan", "get", None, False, READ),
    ("api:kelurahan-list", None, "get", None, False, READ),
    ("api:kelurahan-detail", "kelurahan", "get", None, False, READ),
    ("api:kelurahan-detail", "kelurahan", "patch", {}, False, NO_METHOD),
    ("api:opd-list", None, "get", None, False, READ),
    ("api:opd-detail", "opd", "get", None, False, READ),
    ("api:program-list", None, "get", None, False, READ),
    ("api:program-detail", "program", "get", None, False, READ),
    ("api:program-list", None, "post", {}, False, NO_METHOD),
    ("api:household-list", None, "get", None, False, READ),
    ("api:household-list", None, "post", {}, False, CASEWORK_EMPTY),
    ("api:household-detail", "household", "get", None, False, READ),
    ("api:household-detail", "household", "patch", {}, True, CASEWORK_OK),
    ("api:household-detail", "household", "delete", None, False, NO_METHOD),
    ("api:household-add-member", "household", "post", {}, False, CASEWORK_EMPTY),
    ("api:person-detail", "person", "get", None, False, READ),
    ("api:person-detail", "person", "patch", {}, True, CASEWORK_OK),
    ("api:person-detail", "person", "delete", None, False, NO_METHOD),
    ("api:visit-list", None, "get", None, False, READ),
    ("api:visit-list", None, "post", {}, False, CASEWORK_EMPTY),
    ("api:visit-detail", "visit", "get", None, False, READ),
    ("api:visit-detail", "visit", "patch", {}, False, NO_METHOD),
    ("api:assessment-list", None, "get", None, False, READ),
    ("api:assessment-detail", "assessment", "get", None, False, READ),
    ("api:assessment-list", None, "post", {}, False, CASEWORK_EMPTY),
    ("api:referral-list", None, "get", None, False, READ),
    ("api:referral-detail", "referral", "get", None, False, READ),
    ("api:referral-accept", "referral", "post", None, False, ADDRESSED_OK),
    ("api:referral-decline", "referral", "post", {}, False, ADDRESSED_EMPTY),
    ("api:referral-fulfil", "referral", "post", {}, False, ADDRESSED_EMPTY),
    ("api:intervention-list", None, "get", None, False, READ),
    ("api:intervention-list", None, "post", {}, False, CASEWORK_EMPTY),
    ("api:intervention-detail", "intervention", "get", None, False, READ),
    ("api:intervention-transition", "intervention", "post", {}, True, ADDRESSED_EMPTY),
    ("api:intervention-detail", "intervention", "delete", None, False, NO_METHOD),
    # The offline client's caseload: casework only; without a kelurahan or `mine` it says what to choose (400).
    ("api:offline-caseload?mine=1", None, "get", None, False, CASEWORK_OK),
    ("api:offline-caseload?kelurahan=kelurahan", None, "get", None, False, CASEWORK_OK),
    ("api:offline-caseload", None, "get", None, False, CASEWORK_EMPTY),
    ("api:offline-caseload?mine=1", None, "post", {}, False, NO_METHOD),
    ("api:schema", None, "get", None, False, READ),
    ("api:docs", None, "get", None, False, READ),
]


@pytest.fixture
@recorded
def objects(cast):
    person = PersonFactory()
    household = person.household
    assessment, referrals, _skipped = assessment_record(
        household=household, actor=cast["dinsos_caseworker"], needs=[("no_work", person, "")]
    )
    intervention = InterventionFactory(person=person, program__opd=opd("Disnaker"))
    return {
        "household": household,
        "person": person,
        "kelurahan": household.kelurahan,
        "kecamatan": household.kelurahan.kecamatan,
        "opd": opd("Disnaker"),
        "program": intervention.program,
        "visit": VisitFactory(household=household, caseworker=cast["dinsos_caseworker"]),
        "assessment": assessment,
        "referral": referrals[0],
        "intervention": intervention,
    }


def _url(name, target, objects, pk=None):
    """`name` may carry a query string; a value naming an object (`?kelurahan=kelurahan`) becomes its id."""
    name, _sep, query = name.partition("?")
    if query:
        key, _eq, value = query.partition("=")
        query = f"?{key}={objects[value].pk if value in objects else value}"
    if target is None:
        return reverse(name) + query
    return reverse(name, args=[pk if pk is not None else objects[target].pk]) + query


def _headers(target, objects, if_match):
    if not if_match:
        return {}
    objects[target].refresh_from_db()
    return {"If-Match": f'"{objects[target].version}"'}


@pytest.mark.parametrize(("name", "target", "method", "body", "if_match", "expected"), ENDPOINTS)
@pytest.mark.parametrize("role", ROLES)
def test_api_permission_matrix(api_as, objects, role, name, target, method, body, if_match, expected):
    api = api_as(role)
    response = api.call(method, _url(name, target, objects), body, **_headers(target, objects, if_match))
    assert response.status_code == expected[role], (method, name, role, response.content[:300])
    if response.status_code >= 400:
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["status"] == response.status_code


@pytest.mark.parametrize(("name", "target", "method", "body", "if_match", "expected"), ENDPOINTS[:-1])
def test_api_without_credentials_answers_401(client, objects, name, target, method, body, if_match, expected):
    from tests.api.conftest import Api

    response = Api(client).call(method, _url(name, target, objects), body)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["title"] == "Belum dikenali"


def test_the_docs_page_sends_the_anonymous_to_sign_in(client):
    response = client.get(reverse("api:docs"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


DETAIL = [entry for entry in ENDPOINTS if entry[1] is not None and entry[5] is not NO_METHOD]


@pytest.mark.parametrize(("name", "target", "method", "body", "if_match", "expected"), DETAIL)
@pytest.mark.parametrize("role", ROLES)
def test_api_guessed_ids_answer_404(api_as, objects, role, name, target, method, body, if_match, expected):
    """A made-up id tells nothing: 404 for whoever may use the endpoint; refused roles may get 403 first."""
    api = api_as(role)
    headers = {"If-Match": '"1"'} if if_match else {}
    response = api.call(method, _url(name, target, objects, pk=987654), body, **headers)
    if expected[role] in (200, 400):
        assert response.status_code == 404, (name, role)
    else:
        assert response.status_code in (403, 404), (name, role)


@pytest.mark.parametrize("role", ROLES)
def test_reveal_is_for_casework_only(api_as, objects, role):
    response = api_as(role).get(reverse("api:household-detail", args=[objects["household"].pk]) + "?reveal=true")
    assert response.status_code == REVEAL[role]


def test_the_matrix_covers_every_api_route():
    """A new endpoint cannot slip in without its rows here."""
    from django.urls import get_resolver

    names = {
        f"api:{name}"
        for name in get_resolver().namespace_dict["api"][1].reverse_dict
        if isinstance(name, str) and not name.startswith("token_") and name not in ("not_found",)
    }
    names = {name for name in names if not name.endswith("-list") or True}
    covered = {entry[0].partition("?")[0] for entry in ENDPOINTS}
    assert names - covered == set()
