"""Admins manage OPDs and accounts in the app's own screens; sign-in is protected."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import Opd, User
from audit.models import ChangeLog
from interventions.models import Program
from interventions.services import intervention_record
from tests.factories import PersonFactory, UserFactory, opd
from tests.pageforms import page_form

pytestmark = pytest.mark.django_db

PASSWORD = "uji-kata-sandi-123"


def sign_in(client: Client, username: str, password: str):
    return client.post(reverse("accounts:login"), {"username": username, "password": password}, REMOTE_ADDR="10.0.0.5")


def test_admin_creates_an_opd_and_a_caseworker_who_must_change_the_password(client_as):
    admin = client_as("admin")
    response = admin.post(
        reverse("accounts:opd_create"), {"name": "Dinas Kesehatan", "short_name": "Dinkes", "is_active": "on"}
    )
    assert response.status_code == 302
    dinkes = Opd.objects.get(short_name="Dinkes")
    response = admin.post(
        reverse("accounts:user_create"),
        {
            "username": "nakes1",
            "first_name": "Rina",
            "last_name": "Sehat",
            "email": "rina@dinkes.go.id",
            "opd": dinkes.pk,
            "role": "caseworker",
            "password": "Sementara-2026!",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="nakes1")
    assert (user.opd, user.role, user.must_change_password) == (dinkes, "caseworker", True)
    assert ChangeLog.objects.filter(content_type__model="user", object_id=user.pk, action="create").exists()

    newcomer = Client()
    assert sign_in(newcomer, "nakes1", "Sementara-2026!").status_code == 302
    response = newcomer.get(reverse("cases:registry"))
    assert response.status_code == 302 and response.url == reverse("accounts:password_change")
    response = newcomer.post(
        reverse("accounts:password_change"),
        {"old_password": "Sementara-2026!", "new_password1": "Kameloh-Baru-2026", "new_password2": "Kameloh-Baru-2026"},
    )
    assert response.status_code == 302
    assert newcomer.get(reverse("cases:registry")).status_code == 200
    user.refresh_from_db()
    assert not user.must_change_password


def test_a_short_or_common_password_is_refused_in_indonesian(client_as):
    response = client_as("admin").post(
        reverse("accounts:user_create"),
        {"username": "baru", "opd": opd("Dinsos").pk, "role": "caseworker", "password": "pendek1"},
    )
    assert response.status_code == 200
    assert "terlalu pendek" in response.text and "10 karakter" in response.text
    assert not User.objects.filter(username="baru").exists()


def test_a_deactivated_opds_users_cannot_sign_in_and_its_records_stay_readable(client_as, disnaker_caseworker):
    person = PersonFactory()
    intervention_record(
        program=Program.objects.get(name="Pelatihan kerja"), person=person, recorded_by=disnaker_caseworker
    )
    disnaker = opd("Disnaker")
    admin = client_as("admin")
    form = page_form(admin.get(reverse("accounts:opd_edit", args=[disnaker.pk])))
    form["is_active"] = False
    assert form.submit(admin).status_code == 302
    disnaker.refresh_from_db()
    assert not disnaker.is_active
    refused = Client()
    sign_in(refused, "cw_disnaker", PASSWORD)
    assert "_auth_user_id" not in refused.session
    supervisor = Client()
    supervisor.force_login(UserFactory(role="supervisor"))
    assert "Pelatihan kerja" in supervisor.get(reverse("cases:detail", args=[person.household_id])).text


def test_deactivating_a_user_ends_their_sessions_at_once(client_as, cast):
    worker = Client()
    worker.force_login(cast["dinsos_caseworker"])
    assert worker.get(reverse("cases:registry")).status_code == 200
    account = cast["dinsos_caseworker"]
    admin = client_as("admin")
    form = page_form(admin.get(reverse("accounts:user_edit", args=[account.pk])), containing="is_active")
    form["is_active"] = False
    assert form.submit(admin).status_code == 302
    account.refresh_from_db()
    assert not account.is_active
    response = worker.get(reverse("cases:registry"))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def test_an_admin_cannot_deactivate_their_own_account(client_as, city_admin):
    admin = client_as("admin")
    form = page_form(admin.get(reverse("accounts:user_edit", args=[city_admin.pk])), containing="is_active")
    form["is_active"] = False
    response = form.submit(admin)
    assert "tidak dapat menonaktifkan akun Anda sendiri" in response.text
    city_admin.refresh_from_db()
    assert city_admin.is_active


def test_the_one_time_reset_link_works_once(client_as, cast):
    account = cast["disnaker_caseworker"]
    response = client_as("admin").post(reverse("accounts:user_reset_link", args=[account.pk]))
    link = re.search(r"http://testserver(/accounts/password/reset/[^<\s]+)", response.text).group(1)
    user_client = Client()
    form_page = user_client.get(link, follow=True)
    assert form_page.context["validlink"]
    set_url = form_page.redirect_chain[-1][0]
    response = user_client.post(set_url, {"new_password1": "Link-Baru-2026!", "new_password2": "Link-Baru-2026!"})
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.check_password("Link-Baru-2026!")
    assert not Client().get(link, follow=True).context["validlink"]


def test_password_reset_by_email(client, cast):
    account = cast["dinsos_caseworker"]
    client.post(reverse("accounts:password_reset"), {"email": account.email})
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/" in mail.outbox[0].body
    assert mail.outbox[0].to == [account.email]


def test_lockout_after_repeated_failures_and_admin_unlock(client_as, settings, cast):
    attacker = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(attacker, "cw_dinsos", "salah-salah-salah")
    response = sign_in(Client(), "cw_dinsos", PASSWORD)  # right password, still locked (by username)
    assert response.status_code == 429
    assert "Terlalu banyak percobaan masuk" in response.text
    admin = client_as("admin")
    edit = admin.get(reverse("accounts:user_edit", args=[cast["dinsos_caseworker"].pk]))
    assert "Buka kunci masuk" in edit.text
    admin.post(reverse("accounts:user_unlock", args=[cast["dinsos_caseworker"].pk]))
    person = Client()
    assert sign_in(person, "cw_dinsos", PASSWORD).status_code == 302
    assert "_auth_user_id" in person.session


def test_lockout_per_address_across_usernames(settings, db):
    attacker = Client()
    for index in range(settings.AXES_FAILURE_LIMIT):
        sign_in(attacker, f"tebak{index}", "salah-salah-salah")
    UserFactory(username="korban", password=PASSWORD)
    assert sign_in(Client(), "korban", PASSWORD).status_code == 429  # same address 10.0.0.5
    other_address = Client().post(
        reverse("accounts:login"), {"username": "korban", "password": PASSWORD}, REMOTE_ADDR="10.0.0.9"
    )
    assert other_address.status_code == 302


def test_sessions_expire_after_30_minutes_idle_and_at_browser_close(settings):
    # The idle timeout itself (and that a page view does not write the session): tests/accounts/test_session_refresh.py
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
