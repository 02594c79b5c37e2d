"""Django admin (for superusers) opens every model's list, search and form."""

import pytest
from django.contrib import admin
from django.urls import reverse

from dashboard import derived, tallies
from dashboard.models import Tally
from tests.factories import InterventionFactory, PersonFactory, UserFactory, VisitFactory, kelurahan
from tests.pageforms import page_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True, role="admin"))
    InterventionFactory()
    VisitFactory()
    return client


@pytest.mark.parametrize("model", list(admin.site._registry), ids=lambda m: m._meta.label)
def test_every_admin_changelist_search_and_add_form_opens(superuser_client, model):
    info = (model._meta.app_label, model._meta.model_name)
    assert superuser_client.get(reverse("admin:{}_{}_changelist".format(*info))).status_code == 200
    # Case models move a typed-in search to the session first (search words stay out of URLs).
    searched = superuser_client.get(reverse("admin:{}_{}_changelist".format(*info)), {"q": "Budi"}, follow=True)
    assert searched.status_code == 200
    model_admin = admin.site._registry[model]
    if model_admin.has_add_permission(type("R", (), {"user": UserFactory(is_superuser=True, is_staff=True)})()):
        assert superuser_client.get(reverse("admin:{}_{}_add".format(*info))).status_code == 200


def test_caseworker_cannot_open_django_admin(client, dinsos_caseworker):
    client.force_login(dinsos_caseworker)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302


def test_a_household_moved_in_django_admin_moves_on_the_dashboard(superuser_client):
    household = PersonFactory().household
    url = reverse("admin:households_household_change", args=[household.pk])
    form = page_form(superuser_client.get(url))  # the admin's change form as rendered, inlines and all
    form.force("kelurahan", kelurahan("Kalampangan").pk)  # picked in the autocomplete, which fetches its options
    response = form.submit(superuser_client, button="_save")
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert derived.check().ok
    moved = Tally.objects.get(measure=tallies.Measure.EP_HOUSEHOLDS, kelurahan=kelurahan("Kalampangan"))
    assert moved.n == 1
