"""The permission module, for every role: the single source of who may do what."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.functional import SimpleLazyObject

from accounts.models import User
from audit.models import ChangeLog
from core import permissions
from core.permissions import ADD, CHANGE, CHANGE_STATUS, VIEW, get_object_for, has_perm
from households.models import Household, Kelurahan, Person, Visit
from interventions.models import Intervention, Program
from tests.factories import InterventionFactory, PersonFactory, ProgramFactory, UserFactory, VisitFactory, opd
from tests.recorded import recorded

pytestmark = pytest.mark.django_db

A, DC, NC, S, AD = "anonymous", "dinsos_caseworker", "disnaker_caseworker", "supervisor", "admin"
EVERY_ROLE = {DC, NC, S, AD}


@pytest.fixture
@recorded
def objects(cast):
    """One record of each kind; the Disnaker intervention and the Dinsos caseworker's visit."""
    person = PersonFactory()
    return {
        "household": person.household,
        "person": person,
        "visit": VisitFactory(household=person.household, caseworker=cast[DC]),
        "intervention": InterventionFactory(person=person, program=ProgramFactory(opd=opd("Disnaker"))),
        "program": Program.objects.get(name="Pelatihan kerja"),
        "kelurahan": Kelurahan.objects.get(name="Kameloh Baru"),
        "user": cast[NC],
    }


# (object, action) -> roles allowed. Everything not listed is refused.
MATRIX = [
    ("household", VIEW, EVERY_ROLE),
    ("household", CHANGE, {DC, NC, S}),
    ("household", CHANGE_STATUS, {DC, NC, S}),
    ("person", VIEW, EVERY_ROLE),
    ("person", CHANGE, {DC, NC, S}),
    ("visit", VIEW, EVERY_ROLE),
    ("visit", CHANGE, {DC, S}),  # only the caseworker who logged it, and supervisors
    ("intervention", VIEW, EVERY_ROLE),
    ("intervention", CHANGE, {NC, S}),  # only the delivering OPD, and supervisors
    ("program", VIEW, EVERY_ROLE),
    ("program", CHANGE, {AD}),
    ("kelurahan", CHANGE, {AD}),
    ("user", VIEW, {AD}),
    ("user", CHANGE, {AD}),
]


@pytest.mark.parametrize("role", [A, DC, NC, S, AD])
@pytest.mark.parametrize(("name", "action", "allowed"), MATRIX, ids=[f"{n}-{a}" for n, a, _ in MATRIX])
def test_permission_matrix_on_objects(cast, objects, role, name, action, allowed):
    user = cast[role] or permissions_anonymous()
    assert has_perm(user, action, objects[name]) == (role in allowed)


CLASS_MATRIX = [
    (Household, ADD, {DC, NC, S}),
    (Person, ADD, {DC, NC, S}),
    (Visit, ADD, {DC, NC, S}),
    (ChangeLog, VIEW, {S, AD}),
]


@pytest.mark.parametrize("role", [A, DC, NC, S, AD])
@pytest.mark.parametrize(
    ("model", "action", "allowed"), CLASS_MATRIX, ids=[f"{m.__name__}-{a}" for m, a, _ in CLASS_MATRIX]
)
def test_permission_matrix_on_models(cast, role, model, action, allowed):
    assert has_perm(cast[role] or permissions_anonymous(), action, model) == (role in allowed)


@pytest.mark.parametrize(
    ("role", "program_opd", "allowed"),
    [
        (DC, "Dinsos", True),
        (DC, "Disnaker", False),
        (NC, "Disnaker", True),
        (NC, "Dinsos", False),
        (S, "Disnaker", True),
        (AD, "Dinsos", False),
        (A, "Dinsos", False),
    ],
)
def test_caseworkers_record_interventions_only_for_their_own_opd(cast, role, program_opd, allowed):
    program = Program.objects.filter(opd__short_name=program_opd).first()
    assert has_perm(cast[role] or permissions_anonymous(), ADD, Intervention, obj=program) == allowed


def test_inactive_user_has_no_rights(objects):
    user = UserFactory(role="supervisor", is_active=False)
    assert not has_perm(user, VIEW, objects["household"])


def test_user_of_a_deactivated_opd_has_no_rights(objects, dinsos_caseworker):
    dinsos_caseworker.opd.is_active = False
    dinsos_caseworker.opd.save()
    assert not has_perm(dinsos_caseworker, VIEW, objects["household"])


@pytest.mark.parametrize("role", [A, DC, NC, S, AD])
@pytest.mark.parametrize(("name", "action", "allowed"), MATRIX, ids=[f"{n}-{a}" for n, a, _ in MATRIX])
def test_the_matrix_holds_for_the_lazy_user_a_request_carries(cast, objects, role, name, action, allowed):
    lazy = SimpleLazyObject(lambda: cast[role] or permissions_anonymous())
    assert has_perm(lazy, action, objects[name]) == (role in allowed)


def test_an_inactive_user_behind_the_requests_lazy_proxy_has_no_rights(objects):
    user = UserFactory(role="supervisor", is_active=False)
    assert not has_perm(SimpleLazyObject(lambda: user), VIEW, objects["household"])


def test_unknown_action_is_refused(objects, supervisor):
    assert not has_perm(supervisor, "delete", objects["household"])


def test_get_object_for_answers_404_for_missing_or_garbage_ids(supervisor):
    for pk in (999999, "abc", None):
        with pytest.raises(Http404):
            get_object_for(supervisor, Household, pk)


def test_get_object_for_answers_404_when_the_user_may_not_see(objects):
    with pytest.raises(Http404):
        get_object_for(permissions_anonymous(), Household, objects["household"].pk)


def test_get_object_for_answers_403_when_visible_but_not_changeable(objects, dinsos_caseworker):
    with pytest.raises(PermissionDenied):
        get_object_for(dinsos_caseworker, Intervention, objects["intervention"].pk, action=CHANGE)


def test_get_object_for_returns_the_object_when_allowed(objects, disnaker_caseworker):
    found = get_object_for(disnaker_caseworker, Intervention, objects["intervention"].pk, action=CHANGE)
    assert found == objects["intervention"]


def test_role_helpers_agree_with_the_role_field(cast):
    assert permissions.is_supervisor(cast[S]) and not permissions.is_supervisor(cast[DC])
    assert permissions.is_admin(cast[AD]) and not permissions.is_admin(cast[S])
    assert permissions.is_caseworker(cast[NC]) and not permissions.is_caseworker(cast[AD])
    assert isinstance(cast[S], User)


def permissions_anonymous():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()
