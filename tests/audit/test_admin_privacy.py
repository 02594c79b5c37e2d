"""Django admin keeps the personal-data promise: no full NIK / No. KK on any page, no search words in URLs,
case records for superusers only."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from audit.models import ChangeLog
from households.models import Household, Person
from households.services import household_update, person_update
from tests.factories import InterventionFactory, PersonFactory, UserFactory, VisitFactory
from tests.pageforms import find_form, submit
from tests.recorded import recorded

pytestmark = pytest.mark.django_db

SIXTEEN_DIGITS = re.compile(r"(?<!\d)\d{16}(?!\d)")
NEW_NIK = "6271041203859876"  # a valid NIK for a man born 12/03/1985, as the factories make them
CASE_MODELS = ["households.household", "households.person", "households.visit", "interventions.intervention"]
# The change log holds case history (names, old and new numbers): the same rules apply to it.
ADMIN_LISTS = [*CASE_MODELS, "audit.changelog"]


def admin_url(label: str, view: str, *args) -> str:
    return reverse("admin:{}_{}".format(label.replace(".", "_"), view), args=args)


def masked(number: str) -> str:
    return f"{number[:4]}••••••••{number[-4:]}"


@pytest.fixture
@recorded
def superuser(db):
    return UserFactory(is_superuser=True, is_staff=True, role="admin", username="super")


@pytest.fixture
@recorded
def cases(superuser):
    """Three households with members, a visit, an intervention, and history that holds old and new numbers."""
    head = PersonFactory(full_name="Rudi Hartono")
    PersonFactory(household=head.household, full_name="Siti Aminah", relation="pasangan", sex="P")
    others = [PersonFactory(full_name="Joko Susilo"), PersonFactory(full_name="Maria Ulfa", sex="P")]
    VisitFactory(household=head.household)
    InterventionFactory(person=head)
    head = person_update(person=head, actor=superuser, expected_version=head.version, occupation="Buruh")
    changed = person_update(person=others[0], actor=superuser, expected_version=others[0].version, nik=NEW_NIK)
    household = others[1].household
    household_update(household=household, actor=superuser, expected_version=household.version, no_kk="6271042001009999")
    return {"head": head, "changed": changed}


def identity_numbers() -> set[str]:
    niks = set(Person.objects.exclude(nik="").values_list("nik", flat=True))
    kks = set(Household.objects.exclude(no_kk="").values_list("no_kk", flat=True))
    old = {old for entry in ChangeLog.objects.all() for old, _new in entry.changes.values() if isinstance(old, str)}
    return niks | kks | {number for number in old if SIXTEEN_DIGITS.fullmatch(number)}


def assert_no_full_number(response, numbers: set[str]) -> None:
    assert response.status_code == 200, response.request["PATH_INFO"]
    found = set(SIXTEEN_DIGITS.findall(response.content.decode()))
    assert not found & numbers, (response.request["PATH_INFO"], found & numbers)


def test_no_django_admin_page_shows_a_full_nik_or_kk_to_the_superuser(client, superuser, cases):
    numbers = identity_numbers()
    assert len(numbers) == 9  # 4 members, 3 households, and the 2 numbers the history says were replaced
    client.force_login(superuser)
    head = cases["head"]
    pages = [reverse("admin:index")]
    pages += [admin_url(label, "changelist") for label in ADMIN_LISTS]
    pages += [admin_url("households.household", "change", h.pk) for h in Household.objects.all()]
    pages += [admin_url("households.person", "change", p.pk) for p in Person.objects.all()]
    pages += [admin_url("households.household", "add"), admin_url("households.person", "add")]
    pages += [admin_url("households.household", "delete", head.household_id)]
    pages += [admin_url("interventions.intervention", "change", head.interventions.get().pk)]
    pages += [admin_url("households.visit", "change", head.household.visits.get().pk)]
    pages += [admin_url("audit.changelog", "change", entry.pk) for entry in ChangeLog.objects.all()]
    # The raw-id lookup popups the person, visit and intervention forms open.
    pages += [admin_url("households.person", "changelist") + "?_to_field=id&_popup=1"]
    pages += [admin_url("households.household", "changelist") + "?_to_field=id&_popup=1"]
    for url in pages:
        assert_no_full_number(client.get(url), numbers)
    history = client.get(admin_url("households.person", "history", cases["changed"].pk), follow=True)
    assert_no_full_number(history, numbers)
    # The history shows that the NIK changed, masked, as the app's audit trail does.
    entry = ChangeLog.objects.for_object(cases["changed"]).get(action=ChangeLog.Action.UPDATE)
    assert masked(NEW_NIK) in client.get(admin_url("audit.changelog", "change", entry.pk)).text
    # Searches (by name, and the autocomplete JSON the admin widgets read) echo no number either.
    searched = submit(client, pages[1], find_form(client.get(pages[1]).text, "changelist-search"), q="Rudi")[1]
    assert_no_full_number(client.get(searched.url), numbers)
    for field_name in ("person", "household", "program"):
        autocomplete = client.get(
            reverse("admin:autocomplete"),
            {"app_label": "interventions", "model_name": "intervention", "field_name": field_name, "term": ""},
        )
        assert_no_full_number(autocomplete, numbers)


def test_the_change_forms_carry_no_stored_number_and_saving_them_untouched_keeps_it(client, superuser, cases):
    head = cases["head"]
    client.force_login(superuser)
    url = admin_url("households.household", "change", head.household_id)
    page = client.get(url)
    household, members = head.household, list(head.household.members.all())
    for number in [household.no_kk, *[member.nik for member in members]]:
        assert number not in page.text and masked(number) in page.text  # "Tersimpan: 6271••••••••0001 …"
    form = find_form(page.text, "household_form")
    _url, response = submit(client, url, form, button="_save", rt="007")
    assert response.status_code == 302, response.content.decode()[:2000]
    stored = Household.objects.get(pk=household.pk)
    assert (stored.rt, stored.no_kk) == ("007", household.no_kk)
    assert {m.pk: m.nik for m in stored.members.all()} == {m.pk: m.nik for m in members}
    person_url = admin_url("households.person", "change", head.pk)
    person_page = client.get(person_url)
    assert head.nik not in person_page.text
    _url, response = submit(client, person_url, find_form(person_page.text, "person_form"), "_save", occupation="Tani")
    assert response.status_code == 302
    assert Person.objects.filter(pk=head.pk, nik=head.nik, occupation="Tani").exists()


def test_a_superuser_corrects_a_nik_in_admin_without_seeing_it_and_history_masks_both(client, superuser, cases):
    head = cases["head"]
    client.force_login(superuser)
    url = admin_url("households.person", "change", head.pk)
    page = client.get(url)
    new_nik = "6271041203850042"
    _url, response = submit(client, url, find_form(page.text, "person_form"), "_save", nik="6271 0412 0385 0042")
    assert response.status_code == 302
    assert Person.objects.get(pk=head.pk).nik == new_nik
    entry = ChangeLog.objects.for_object(head).get(source="admin")
    assert entry.changes["nik"] == [head.nik, new_nik]
    shown = client.get(admin_url("audit.changelog", "change", entry.pk)).text
    assert head.nik not in shown and new_nik not in shown
    assert masked(head.nik) in shown and masked(new_nik) in shown


@pytest.mark.parametrize("label", ADMIN_LISTS)
def test_an_admin_search_with_a_nik_keeps_it_out_of_every_url_and_points_to_the_registry(
    client, superuser, cases, label
):
    client.force_login(superuser)
    nik = cases["head"].nik
    url = admin_url(label, "changelist")
    requested, response = submit(client, url, find_form(client.get(url).text, "changelist-search"), q=nik)
    assert nik not in requested
    assert response.status_code == 302 and nik not in response.url
    shown = client.get(response.url)
    assert shown.status_code == 200 and nik not in shown.text
    assert "NIK dan No. KK tidak dicari di Admin Django" in shown.text and reverse("cases:registry") in shown.text
    assert not shown.context["cl"].query


@pytest.mark.parametrize("label", ADMIN_LISTS)
def test_an_admin_search_by_name_finds_the_record_with_the_words_kept_out_of_the_url(client, superuser, cases, label):
    client.force_login(superuser)
    url = admin_url(label, "changelist") + "?o=1"
    requested, response = submit(client, url, find_form(client.get(url).text, "changelist-search"), q="Rudi Hartono")
    assert "Rudi" not in requested and response.status_code == 302
    assert "Rudi" not in response.url and "o=1" in response.url  # the sort order stays, the words do not
    shown = client.get(response.url)
    assert shown.context["cl"].query == "Rudi Hartono"
    assert shown.context["cl"].result_count >= 1
    assert all("Rudi" not in link for link in re.findall(r'href="([^"]*)"', shown.text))


def test_the_autocomplete_does_not_look_people_up_by_nik(client, superuser, cases):
    client.force_login(superuser)
    head = cases["head"]
    params = {"app_label": "interventions", "model_name": "intervention", "field_name": "person"}
    by_nik = client.get(reverse("admin:autocomplete"), {**params, "term": head.nik})
    assert by_nik.status_code == 200 and by_nik.json()["results"] == []
    by_name = client.get(reverse("admin:autocomplete"), {**params, "term": "Rudi"})
    assert by_name.json()["results"] == [{"id": str(head.pk), "text": "Rudi Hartono"}]


@pytest.mark.parametrize("role", ["admin", "supervisor"])
def test_staff_who_are_not_superusers_cannot_open_case_records_in_django_admin(client, cases, role):
    staff = UserFactory(is_staff=True, role=role)
    staff.user_permissions.set(Permission.objects.filter(content_type__app_label__in=["households", "interventions"]))
    staff.user_permissions.add(*Permission.objects.filter(content_type__app_label="audit"))
    client.force_login(staff)
    head = cases["head"]
    urls = [admin_url(label, "changelist") for label in ADMIN_LISTS]
    urls += [admin_url("households.household", "change", head.household_id)]
    urls += [admin_url("households.person", "change", head.pk), admin_url("households.person", "add")]
    for url in urls:
        assert client.get(url).status_code == 403, url
    index = client.get(reverse("admin:index"))
    assert index.status_code == 200
    assert "/admin/households/kelurahan/" in index.text  # reference data stays reachable with its permission
    for label in ADMIN_LISTS:
        assert admin_url(label, "changelist") not in index.text
    autocomplete = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "interventions", "model_name": "intervention", "field_name": "person", "term": "Rudi"},
    )
    assert autocomplete.status_code == 403


def test_a_search_typed_into_an_admin_url_is_moved_out_of_it_and_bad_keys_are_ignored(client, superuser, cases):
    client.force_login(superuser)
    url = admin_url("households.person", "changelist")
    by_number = client.get(url, {"q": cases["head"].nik, "sex__exact": "L"})
    assert by_number.status_code == 302 and by_number.url == f"{url}?sex__exact=L"
    by_name = client.get(url, {"q": "Rudi"})
    assert by_name.status_code == 302 and "Rudi" not in by_name.url and "cari=" in by_name.url
    assert client.get(by_name.url).context["cl"].result_count == 1
    unknown_key = client.get(url, {"cari": "<script>"})
    assert unknown_key.status_code == 200 and unknown_key.context["cl"].result_count == Person.objects.count()
    long = client.post(url, {"q": "x" * 5000}, follow=True)
    assert long.status_code == 200 and long.context["cl"].query == "x" * 200
    hostile = '"><script src="/x.js"></script>'
    searched = client.post(url, {"q": hostile}, follow=True)
    assert searched.status_code == 200 and searched.context["cl"].query == hostile
    assert hostile not in searched.text and "&quot;&gt;&lt;script" in searched.text
