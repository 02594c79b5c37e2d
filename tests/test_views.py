"""The first screens: login, logout, home for each role, language switch."""

import datetime

import pytest
from django.template import Context, Template
from django.urls import reverse

from core.templatetags.core_tags import rupiah
from tests.conftest import ROLES
from tests.factories import TEST_PASSWORD, InterventionFactory, PersonFactory, UserFactory, opd

pytestmark = pytest.mark.django_db


def test_anonymous_user_is_sent_to_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_login_page_speaks_indonesian(client):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert "Nama pengguna" in response.text and "Kata sandi" in response.text
    assert 'lang="id"' in response.text


def test_login_with_wrong_password_shows_an_indonesian_message(client, dinsos_caseworker):
    response = client.post(reverse("accounts:login"), {"username": "cw_dinsos", "password": "salah-sekali-123"})
    assert response.status_code == 200
    assert "Nama pengguna atau kata sandi salah" in response.text
    assert "_auth_user_id" not in client.session


def test_login_then_home_shows_opd_and_role(client, disnaker_caseworker):
    response = client.post(
        reverse("accounts:login"), {"username": "cw_disnaker", "password": TEST_PASSWORD}, follow=True
    )
    assert response.status_code == 200
    assert "Dinas Tenaga Kerja" in response.text
    assert "Pendamping" in response.text


def test_staff_of_a_deactivated_opd_cannot_sign_in(client):
    user = UserFactory(username="lama", opd=opd("PUPR"))
    user.opd.is_active = False
    user.opd.save()
    client.post(reverse("accounts:login"), {"username": "lama", "password": TEST_PASSWORD})
    assert "_auth_user_id" not in client.session


def test_deactivating_an_opd_ends_its_users_sessions(client, disnaker_caseworker):
    client.force_login(disnaker_caseworker)
    assert client.get(reverse("home")).status_code == 200
    disnaker_caseworker.opd.is_active = False
    disnaker_caseworker.opd.save()
    assert client.get(reverse("home")).status_code == 302


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"])
def test_home_renders_for_every_role_with_the_city_counts(client_as, cast, role):
    PersonFactory.create_batch(3)
    client = client_as(role)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert response.context["city"]["ep_persons"] == 3
    assert cast[role].opd.name in response.text
    assert cast[role].get_role_display() in response.text


def test_home_uses_a_bounded_number_of_queries(client_as, django_assert_max_num_queries):
    for _ in range(20):
        InterventionFactory(status="delivered", delivered_on="2024-03-01", amount=1_250_000)
    client = client_as("supervisor")
    # session, user, 5 aggregates, navigation, savepoints and the session save
    with django_assert_max_num_queries(13):
        response = client.get(reverse("home"))
    assert response.context["work"]["delivered_amount"] == 25_000_000
    assert "Rp 25.000.000" in response.text


def test_caseworker_home_counts_only_their_opds_interventions(client_as):
    InterventionFactory(program__opd=opd("Disnaker"))
    InterventionFactory(program__opd=opd("Dinsos"))
    response = client_as("disnaker_caseworker").get(reverse("home"))
    assert response.context["work"]["planned"] == 1
    response = client_as("supervisor").get(reverse("home"))
    assert response.context["work"]["planned"] == 2


def test_logout_is_post_only_and_ends_the_session(client_as):
    client = client_as("supervisor")
    assert client.get(reverse("accounts:logout")).status_code == 405
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("home")).status_code == 302


def test_the_interface_switches_to_english(client_as):
    client = client_as("supervisor")
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get(reverse("home"))
    assert 'lang="en"' in response.text
    assert "extreme-poor persons" in response.text
    assert "Sign out" in response.text


def test_rupiah_formatting():
    assert rupiah(1_250_000) == "Rp 1.250.000"
    assert rupiah(0) == "Rp 0"
    assert rupiah(None) == "—"


def test_dates_render_as_day_month_year(client_as):
    rendered = Template("{{ d|date:'SHORT_DATE_FORMAT' }} {{ d }}").render(Context({"d": datetime.date(2024, 1, 31)}))
    assert rendered == "31/01/2024 31/01/2024"
