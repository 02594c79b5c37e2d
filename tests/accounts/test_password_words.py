"""The sign-in and password pages speak the app's words ("kata sandi", "Anda"), and a forced password change
ends on a page with a next step."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from tests.factories import UserFactory, opd
from tests.pageforms import page_form

pytestmark = pytest.mark.django_db

DJANGO_WORDS = [
    "Sandi lama",
    "Sandi baru",
    "Sandi anda",
    "sandi umum",
    "Konfirmasi sandi",
    "atau sedikit",
    "Dua bidang sandi",
]


def text_of(response) -> str:
    html = re.sub(r"(?s)<script.*?</script>|<style.*?</style>", "", response.content.decode())
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def assert_app_words(response) -> None:
    shown = text_of(response)
    for words in DJANGO_WORDS:
        assert words not in shown, f"Django's own wording {words!r} on {response.wsgi_request.path}"


def test_the_password_change_page_says_kata_sandi_lama_baru_and_ulangi(client_as):
    client = client_as("dinsos_caseworker")
    page = client.get(reverse("accounts:password_change"))
    shown = text_of(page)
    assert "Kata sandi lama" in shown and "Kata sandi baru" in shown and "Ulangi kata sandi baru" in shown
    assert_app_words(page)
    form = page_form(page)
    form["old_password"] = "salah-sekali"
    form["new_password1"] = "12345678901"
    form["new_password2"] = "12345678902"
    refused = form.submit(client)
    assert refused.status_code == 200
    assert "Kata sandi lama salah" in text_of(refused)
    assert "Kedua isian kata sandi baru tidak sama" in text_of(refused)
    assert_app_words(refused)


def test_a_weak_new_password_is_refused_in_the_apps_words(client_as, dinsos_caseworker):
    dinsos_caseworker.set_password("Lama-sekali-2026")
    dinsos_caseworker.save()
    client = client_as("dinsos_caseworker")
    form = page_form(client.get(reverse("accounts:password_change")))
    form["old_password"] = "Lama-sekali-2026"
    form["new_password1"] = form["new_password2"] = "12345678901"
    refused = form.submit(client)
    assert "Kata sandi tidak boleh hanya angka." in text_of(refused)
    assert_app_words(refused)


def test_the_login_and_new_account_pages_use_the_apps_words(client_as):
    assert_app_words(Client().get(reverse("accounts:login")))
    page = client_as("admin").get(reverse("accounts:user_create"))
    assert_app_words(page)
    assert "Paling banyak 150 karakter" in text_of(page)


def test_the_reset_links_page_uses_the_apps_words(client, dinsos_caseworker):
    from accounts.services import user_password_reset_path

    page = client.get(user_password_reset_path(dinsos_caseworker), follow=True)
    assert "Ulangi kata sandi baru" in text_of(page)
    assert_app_words(page)
    form = page_form(page)
    form["new_password1"] = form["new_password2"] = "1234567890123"
    refused = form.submit(client)
    assert "Kata sandi tidak boleh hanya angka." in text_of(refused)
    assert_app_words(refused)


def test_after_a_forced_password_change_the_page_offers_the_next_step(client):
    UserFactory(username="nakes1", opd=opd("Dinsos"), role="caseworker", must_change_password=True)
    user = User.objects.get(username="nakes1")
    user.set_password("Sementara-2026!")
    user.save()
    client.force_login(user)
    assert client.get(reverse("cases:registry")).url == reverse("accounts:password_change")
    form = page_form(client.get(reverse("accounts:password_change")))
    form["old_password"] = "Sementara-2026!"
    form["new_password1"] = form["new_password2"] = "Kameloh-Baru-2026"
    done = form.submit(client, follow=True)
    assert done.status_code == 200
    assert "Akun Anda siap dipakai" in text_of(done)
    assert_app_words(done)
    next_step = re.search(r'<a class="btn btn-success[^"]*" href="([^"]+)" data-next-step>([^<]+)</a>', done.text)
    assert next_step is not None
    assert next_step.group(1) == reverse("cases:my_work")
    assert client.get(next_step.group(1)).status_code == 200  # no longer sent back to the password page
