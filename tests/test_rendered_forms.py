"""Every form page carries every field its form needs, and forms save when sent as the page renders them.

The first version's household and member edits never saved in a browser: the page left out the hidden
version field, while the tests posted it by hand. Here nothing is posted that the page did not render.
"""

import pytest
from django import forms
from django.test.utils import ContextList
from django.urls import reverse

from households.models import Household, Person
from tests.pageforms import nested_forms, page_form, page_forms
from tests.test_url_permissions import URLS, objects, url_for  # noqa: F401 - `objects` is a fixture

pytestmark = pytest.mark.django_db

# A role that may open each page (the first that gets a 200 in the permission matrix).
PREFERENCE = ["supervisor", "disnaker_caseworker", "dinsos_caseworker", "admin"]
FORM_PAGES = [
    (name, target, next(role for role in PREFERENCE if get.get(role) == 200))
    for name, target, get, _post in URLS
    if any(get.get(role) == 200 for role in PREFERENCE)
]


def posted_forms(context) -> list[forms.BaseForm]:
    """The forms (and formsets' forms) a view handed to its template."""
    found: dict[int, forms.BaseForm] = {}
    # The test client's ContextList, one Context per rendered template; a page of one template gives its Context.
    for layer in context if isinstance(context, ContextList) else [context]:
        for value in layer.flatten().values():
            if isinstance(value, forms.BaseForm):
                found[id(value)] = value
            elif isinstance(value, forms.BaseFormSet):
                found.update({id(form): form for form in [value.management_form, *value.forms]})
    return list(found.values())


@pytest.mark.parametrize(("name", "target", "role"), FORM_PAGES, ids=[p[0] for p in FORM_PAGES])
def test_every_post_form_on_a_page_renders_every_field_of_its_form(client_as, objects, name, target, role):  # noqa: F811
    response = client_as(role).get(url_for(name, target, objects))
    assert response.status_code == 200
    if response.get("Content-Type", "").startswith("text/html") is False:
        return  # a download, not a page
    assert not nested_forms(response), f"{name}: a <form> inside a form ends the page's form early in a browser"
    rendered = [f for f in page_forms(response) if f.method == "post"]
    for form in rendered:
        assert form.buttons, f"{name}: a form posting to {form.action or 'this page'} has no submit button inside it"
    # Submit buttons count: a decision form sends its choice as the pressed button's value.
    sent = [f.names() | {b.name for b in f.buttons} for f in rendered]
    for form in posted_forms(response.context):
        expected = {form.add_prefix(field) for field in form.fields}
        best = max(sent, key=lambda names: len(expected & names), default=set())
        if len(expected & best) * 2 < len(expected):
            continue  # a GET filter form (a search box may share a name with it), or one this page does not post
        missing = expected - best
        assert not missing, f"{name}: {type(form).__name__} is missing {sorted(missing)} on the page"


def test_the_crawl_covers_the_forms_that_lost_their_hidden_fields(client_as, objects):  # noqa: F811
    covered = {name for name, _target, _role in FORM_PAGES}
    assert {"households:create", "households:edit", "households:member_add", "households:member_edit"} <= covered
    response = client_as("supervisor").get(reverse("households:edit", args=[objects["household"].pk]))
    assert any("version" in form.fields for form in posted_forms(response.context))


def test_household_edit_saves_what_the_rendered_form_sends(client_as, objects):  # noqa: F811
    household = objects["household"]
    client = client_as("supervisor")
    form = page_form(client.get(reverse("households:edit", args=[household.pk])))
    form["address"] = "Jl. Mahir Mahar Gg. Baru No. 7"
    response = form.submit(client)
    assert response.status_code == 302, response.content.decode()[:2000]
    household.refresh_from_db()
    assert household.address == "Jl. Mahir Mahar Gg. Baru No. 7"
    assert household.no_kk  # the masked number left empty keeps the stored one


def test_member_edit_saves_what_the_rendered_form_sends(client_as, objects):  # noqa: F811
    person = objects["person"]
    client = client_as("dinsos_caseworker")
    form = page_form(client.get(reverse("households:member_edit", args=[person.pk])))
    form["occupation"] = "Nelayan"
    response = form.submit(client)
    assert response.status_code == 302, response.content.decode()[:2000]
    person.refresh_from_db()
    assert person.occupation == "Nelayan"
    assert person.nik


def test_sending_the_same_registration_form_twice_registers_one_household(client_as, cast):
    client = client_as("dinsos_caseworker")
    form = page_form(client.get(reverse("households:create")))
    form["kelurahan"] = str(Household._meta.get_field("kelurahan").related_model.objects.get(name="Kameloh Baru").pk)
    form["address"] = "Jl. Kameloh Ujung"
    form["members-0-full_name"] = "Maria Ulfah"
    form["members-0-sex"] = "P"
    form["members-0-relation"] = "kepala"
    before = Household.objects.count()
    first = form.submit(client)
    assert first.status_code == 302, first.content.decode()[:2000]
    second = form.submit(client)
    assert second.status_code == 302
    assert second.url == first.url
    assert Household.objects.count() == before + 1


def test_sending_the_same_add_member_form_twice_adds_one_member(client_as, objects):  # noqa: F811
    household = objects["household"]
    client = client_as("dinsos_caseworker")
    form = page_form(client.get(reverse("households:member_add", args=[household.pk])))
    form["full_name"] = "Rahmat Hidayat"
    form["sex"] = "L"
    before = Person.objects.filter(household=household).count()
    assert form.submit(client).status_code == 302
    assert form.submit(client).status_code == 302
    assert Person.objects.filter(household=household).count() == before + 1


def test_a_form_without_its_version_says_why_it_was_not_saved(client_as, objects):  # noqa: F811
    """Should a page ever lose the hidden version again, the user is told, not shown the same page silently."""
    household = objects["household"]
    client = client_as("supervisor")
    form = page_form(client.get(reverse("households:edit", args=[household.pk])))
    form.controls = [c for c in form.controls if c.name != "version"]
    form["address"] = "Jl. Hilang"
    response = form.submit(client)
    assert response.status_code == 200
    assert "Data belum disimpan" in response.text
    assert "Muat ulang halaman" in response.text
    assert 'value="Jl. Hilang"' in response.text  # what was typed is kept
    household.refresh_from_db()
    assert household.address != "Jl. Hilang"


def test_sending_the_same_new_account_form_twice_creates_one_account_and_goes_where_the_first_did(
    client_as,
    objects,  # noqa: F811
):
    from accounts.models import User

    client = client_as("admin")
    form = page_form(client.get(reverse("accounts:user_create")))
    form["username"] = "pendamping.baru"
    form["first_name"] = "Sari"
    form["password"] = "kata-sandi-sementara-1"
    form["opd"] = str(objects["opd"].pk)
    first = form.submit(client)
    assert first.status_code == 302, first.text
    again = form.submit(client)
    assert again.status_code == 302
    assert again["Location"] == first["Location"]
    assert User.objects.filter(username="pendamping.baru").count() == 1
