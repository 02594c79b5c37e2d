"""The menu offers what the user can use: nothing but the password and signing out while a temporary password
must be changed, and two admin entries that say which is which."""

import re

import pytest
from django.urls import reverse

from accounts.models import Role, User
from tests.factories import UserFactory, opd
from tests.pageforms import links, page_form, page_forms

pytestmark = pytest.mark.django_db

DJANGO_ADMIN = "Data mentah (Django admin)"


def navbar(html: str) -> str:
    match = re.search(r'<nav class="navbar[^"]*">(.*?)</nav>', html, re.S)
    assert match, "the page has no navbar"
    return match.group(1)


def menu(html: str) -> dict[str, str]:
    """The navbar's menu entries: label -> URL."""
    entries = re.findall(r'<a class="nav-link text-nowrap[^"]*" href="([^"]+)"[^>]*>([^<]+)</a>', navbar(html))
    return {re.sub(r"\s+", " ", label).strip(): url for url, label in entries}


def test_while_the_password_must_change_the_menu_offers_only_the_password_and_signing_out(client):
    user = UserFactory(username="nakes2", opd=opd("Dinsos"), role=Role.CASEWORKER, must_change_password=True)
    user.set_password("Sementara-2026!")
    user.save()
    client.force_login(user)
    page = client.get(reverse("accounts:password_change"))
    assert page.status_code == 200
    assert menu(page.text) == {}
    brand, *entries = links(navbar(page.text))
    assert brand == reverse("home")
    assert set(entries) == {reverse("accounts:password_change")}
    assert [form.action for form in page_forms(page) if form.action == reverse("accounts:logout")]

    form = page_form(page)
    form["old_password"] = "Sementara-2026!"
    form["new_password1"] = form["new_password2"] = "Kameloh-Baru-2026"
    done = form.submit(client, follow=True)
    assert not User.objects.get(pk=user.pk).must_change_password
    assert menu(done.text)["Pekerjaan saya"] == reverse("cases:my_work")  # the menu is back once it is changed


def test_the_two_admin_entries_say_which_is_the_apps_and_which_is_djangos(client):
    superuser = UserFactory(username="super", opd=opd("Diskominfo"), role=Role.ADMIN, is_superuser=True, is_staff=True)
    client.force_login(superuser)
    home = client.get(reverse("accounts:admin_home"))
    entries = menu(home.text)
    assert entries["Administrasi"] == reverse("accounts:admin_home")
    assert entries[DJANGO_ADMIN] == reverse("admin:index")
    assert "Admin Django" not in home.text
    # The admin home names Django admin the same way, as one of its cards.
    card = re.search(rf'<a class="card[^"]*" href="{reverse("admin:index")}">(.*?)</a>', home.text, re.S)
    assert card and DJANGO_ADMIN in card.group(1)


def test_an_admin_who_is_not_a_superuser_is_not_offered_django_admin(client_as):
    home = client_as("admin").get(reverse("accounts:admin_home"))
    assert DJANGO_ADMIN not in home.text and reverse("admin:index") not in links(home.text)
