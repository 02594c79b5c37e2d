"""Every URL × every role × GET/POST: who gets the page, who is refused, who is sent to sign in."""

import pytest
from django.urls import reverse

from tests.factories import InterventionFactory, PersonFactory, VisitFactory, opd

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "dinsos_caseworker", "disnaker_caseworker", "supervisor", "admin"]
CASEWORK = {"dinsos_caseworker": 200, "disnaker_caseworker": 200, "supervisor": 200, "admin": 403}
EVERYONE = {"dinsos_caseworker": 200, "disnaker_caseworker": 200, "supervisor": 200, "admin": 200}
DINSOS_VISIT = {"dinsos_caseworker": 200, "disnaker_caseworker": 403, "supervisor": 200, "admin": 403}
DISNAKER_INTERVENTION = {"dinsos_caseworker": 403, "disnaker_caseworker": 200, "supervisor": 200, "admin": 403}
GET_ONLY = {"dinsos_caseworker": 405, "disnaker_caseworker": 405, "supervisor": 405, "admin": 405}

# (url name, which object's pk, expected for GET, expected for POST with an empty form)
URLS = [
    ("cases:registry", None, EVERYONE, GET_ONLY),
    ("cases:detail", "household", EVERYONE, GET_ONLY),
    ("cases:my_work", None, CASEWORK, {**GET_ONLY, "admin": 403}),
    ("households:create", None, CASEWORK, CASEWORK),
    ("households:edit", "household", CASEWORK, CASEWORK),
    ("households:status", "household", CASEWORK, CASEWORK),
    ("households:member_add", "household", CASEWORK, CASEWORK),
    ("households:member_edit", "person", CASEWORK, CASEWORK),
    ("households:member_move", "person", CASEWORK, CASEWORK),
    ("households:visit_add", "household", CASEWORK, CASEWORK),
    ("households:visit_edit", "visit", DINSOS_VISIT, DINSOS_VISIT),
    ("interventions:create", "household", CASEWORK, CASEWORK),
    ("interventions:edit", "intervention", DISNAKER_INTERVENTION, DISNAKER_INTERVENTION),
    ("interventions:status", "intervention", DISNAKER_INTERVENTION, DISNAKER_INTERVENTION),
    ("interventions:bulk", None, CASEWORK, CASEWORK),
]


@pytest.fixture
def objects(cast):
    person = PersonFactory()
    return {
        "household": person.household,
        "person": person,
        "visit": VisitFactory(household=person.household, caseworker=cast["dinsos_caseworker"]),
        "intervention": InterventionFactory(person=person, program__opd=opd("Disnaker")),
    }


def url_for(name: str, target: str | None, objects) -> str:
    return reverse(name, args=[objects[target].pk]) if target else reverse(name)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "target", "get", "post"), URLS, ids=[u[0] for u in URLS])
def test_permission_matrix(client_as, objects, role, name, target, get, post):
    client = client_as(role)
    url = url_for(name, target, objects)
    for method, expected in (("get", get), ("post", post)):
        response = getattr(client, method)(url)
        if role == "anonymous":
            assert response.status_code == 302, (method, url)
            assert response.url.startswith(reverse("accounts:login"))
        else:
            assert response.status_code == expected[role], (method, url, role)


@pytest.mark.parametrize("role", ROLES[1:])
@pytest.mark.parametrize(("name", "target"), [(u[0], u[1]) for u in URLS if u[1]], ids=[u[0] for u in URLS if u[1]])
def test_guessed_ids_answer_404(client_as, role, name, target):
    response = client_as(role).get(reverse(name, args=[987654]))
    assert response.status_code == 404


def test_refused_post_changes_nothing(client_as, objects):
    intervention = objects["intervention"]
    response = client_as("dinsos_caseworker").post(
        reverse("interventions:status", args=[intervention.pk]), {"status": "cancelled", "cancel_reason": "iseng"}
    )
    assert response.status_code == 403
    intervention.refresh_from_db()
    assert intervention.status == "planned"
