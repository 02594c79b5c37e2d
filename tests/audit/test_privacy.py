"""Personal data: masked by default, revealed on request and recorded, never in URLs; the audit viewer."""

import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessLog, ChangeLog
from households.models import Household, Person
from households.services import household_archive, household_change_status, person_update
from interventions.models import Intervention
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

SIXTEEN_DIGITS = re.compile(r"(?<!\d)\d{16}(?!\d)")


def caseworker_pages(household: Household) -> list[str]:
    person = household.members.first()
    visit = household.visits.first()
    intervention = Intervention.objects.filter(opd__short_name="Disnaker").first()
    pages = [
        reverse("home"),
        reverse("cases:registry"),
        reverse("cases:registry") + f"?kelurahan={household.kelurahan_id}&sort=head",
        reverse("cases:detail", args=[household.pk]),
        reverse("cases:my_work"),
        reverse("households:create"),
        reverse("households:edit", args=[household.pk]),
        reverse("households:status", args=[household.pk]),
        reverse("households:member_add", args=[household.pk]),
        reverse("households:member_edit", args=[person.pk]),
        reverse("households:member_move", args=[person.pk]),
        reverse("households:visit_add", args=[household.pk]),
        reverse("interventions:create", args=[household.pk]),
        reverse("interventions:bulk"),
        reverse("interventions:bulk") + "?extreme_poor=false",
        reverse("interventions:list"),
        reverse("dashboard:index"),
        reverse("coordination:inbox"),
        reverse("coordination:consolidation"),
    ]
    if visit:
        pages.append(reverse("households:visit_edit", args=[visit.pk]))
    if intervention:
        pages += [
            reverse("interventions:status", args=[intervention.pk]),
            reverse("interventions:edit", args=[intervention.pk]),
        ]
    return pages


def test_no_page_a_caseworker_opens_shows_a_full_nik_or_kk_of_the_demo(demo, client):
    niks = set(Person.objects.exclude(nik="").values_list("nik", flat=True))
    kks = set(Household.objects.exclude(no_kk="").values_list("no_kk", flat=True))
    assert len(niks) > 60
    client.force_login(client_user("disnaker"))
    # A search by NIK finds the household but does not echo the number into the page or the URL.
    target_nik = sorted(niks)[0]
    searched = client.post(reverse("cases:registry"), {"q": target_nik}, follow=True)
    assert searched.context["page_obj"].paginator.count == 1
    for household in Household.objects.all()[:6]:
        for url in caseworker_pages(household):
            response = client.get(url)
            assert response.status_code == 200, url
            found = set(SIXTEEN_DIGITS.findall(response.text))
            assert not found & (niks | kks), (url, found & (niks | kks))
    for url in (reverse("cases:registry_export"), reverse("interventions:export")):
        for kind in ("csv", "xlsx"):
            body = b"".join(client.get(url, {"format": kind}).streaming_content)
            if kind == "xlsx":
                from openpyxl import load_workbook

                sheet = load_workbook(io.BytesIO(body), read_only=True).active
                body = "\n".join(str(cell) for r in sheet.iter_rows(values_only=True) for cell in r).encode()
            found = set(SIXTEEN_DIGITS.findall(body.decode("utf-8-sig")))
            assert not found & (niks | kks), (url, kind)
    text = searched.content.decode()
    found = set(SIXTEEN_DIGITS.findall(text.replace(f'value="{target_nik}"', "")))
    assert not found & niks


def client_user(username: str):
    from accounts.models import User

    return User.objects.get(username=username)


def test_a_reveal_shows_the_number_and_writes_exactly_one_access_row(client_as, dinsos_caseworker):
    person = PersonFactory()
    client = client_as("dinsos_caseworker")
    page = client.get(reverse("cases:detail", args=[person.household_id]))
    assert person.nik not in page.text and f"{person.nik[:4]}••••••••{person.nik[-4:]}" in page.text
    response = client.post(
        reverse("households:reveal_nik", args=[person.pk]), HTTP_X_REVEAL="inline", REMOTE_ADDR="10.1.2.3"
    )
    assert response.status_code == 200
    assert person.nik in response.text and "<html" not in response.text
    assert response["Cache-Control"] == "no-store"
    entry = AccessLog.objects.get()
    assert (entry.actor, entry.kind, entry.field, entry.object_id, entry.case_id, entry.ip_address) == (
        dinsos_caseworker,
        "reveal",
        "nik",
        person.pk,
        person.household_id,
        "10.1.2.3",
    )


def test_a_reveal_without_javascript_gets_a_page(client_as):
    person = PersonFactory()
    response = client_as("supervisor").post(reverse("households:reveal_kk", args=[person.household_id]))
    assert person.household.no_kk in response.text and "<html" in response.text
    assert AccessLog.objects.get().field == "no_kk"


def test_admins_cannot_reveal(client_as):
    person = PersonFactory()
    assert client_as("admin").post(reverse("households:reveal_nik", args=[person.pk])).status_code == 403
    assert not AccessLog.objects.exists()


def test_edit_forms_never_show_the_stored_number_and_empty_keeps_it(client_as):
    person = PersonFactory()
    client = client_as("dinsos_caseworker")
    url = reverse("households:member_edit", args=[person.pk])
    form_page = client.get(url)
    assert person.nik not in form_page.text
    form = form_page.context["form"]
    values = {name: form[name].value() for name in form.fields}
    values = {k: ("" if v is None else v) for k, v in values.items() if v is not False}
    values["occupation"] = "Petani"
    assert client.post(url, values).status_code == 302
    stored = Person.objects.get(pk=person.pk)
    assert (stored.nik, stored.occupation) == (person.nik, "Petani")


def test_history_views_mask_numbers(client_as, supervisor):
    person = PersonFactory()
    person_update(person=person, actor=supervisor, expected_version=person.version, nik="6271041203859876")
    response = client_as("supervisor").get(reverse("audit:changes"))
    assert "6271041203859876" not in response.text and "6271••••••••9876" in response.text
    export = client_as("supervisor").get(reverse("audit:changes"), {"format": "csv"})
    body = b"".join(export.streaming_content).decode()
    assert "6271041203859876" not in body and "6271••••••••9876" in body


def test_audit_viewer_filters_by_user_kind_record_and_date_and_records_its_export(
    client_as, supervisor, dinsos_caseworker
):
    person = PersonFactory()
    person_update(person=person, actor=supervisor, expected_version=person.version, occupation="Nelayan")
    client_as("dinsos_caseworker").post(reverse("households:reveal_nik", args=[person.pk]))
    viewer = client_as("supervisor")
    by_user = viewer.get(reverse("audit:changes"), {"actor": supervisor.pk}).context["page_obj"]
    assert [entry.actor for entry in by_user] == [supervisor]
    by_record = viewer.get(reverse("audit:changes"), {"case_id": person.household_id}).context["page_obj"]
    assert by_record.paginator.count == 4  # registered: household, its P3KE ranking and member; then the edit
    today = timezone.localtime(by_record[0].at).date().isoformat()
    assert (
        viewer.get(reverse("audit:changes"), {"date_from": today, "date_to": today}).context["page_obj"].paginator.count
        == 4
    )
    assert viewer.get(reverse("audit:changes"), {"date_to": "2020-01-01"}).context["page_obj"].paginator.count == 0
    access = viewer.get(reverse("audit:access"), {"kind": "reveal"}).context["page_obj"]
    assert [entry.actor for entry in access] == [dinsos_caseworker]
    export = viewer.get(reverse("audit:access"), {"kind": "reveal", "format": "csv"})
    rows = b"".join(export.streaming_content).decode().splitlines()
    assert len(rows) == 2 and "cw_dinsos" in rows[1]
    exported = AccessLog.objects.get(kind="export")
    assert exported.actor == supervisor and exported.detail["rows"] == 1


def test_nobody_can_change_or_delete_the_audit_trail_through_the_app(client_as, supervisor):
    person = PersonFactory()
    person_update(person=person, actor=supervisor, expected_version=person.version, occupation="Nelayan")
    logged = ChangeLog.objects.count()
    viewer = client_as("admin")
    assert viewer.post(reverse("audit:changes"), {"delete": "1"}).status_code == 405
    assert viewer.post(reverse("audit:access")).status_code == 405
    assert ChangeLog.objects.count() == logged


def test_supervisor_archives_a_household_that_left_and_it_leaves_lists_and_counts(client_as, supervisor):
    stays, leaves = PersonFactory(), PersonFactory()
    client = client_as("supervisor")
    url = reverse("households:archive", args=[leaves.household_id])
    refused = client.post(url, {"reason": "Tidak aktif"})
    assert "Hanya rumah tangga yang sudah graduasi, pindah, atau bubar" in refused.text
    household_change_status(household=leaves.household, status="moved", reason="Pindah ke Kapuas", actor=supervisor)
    assert client.post(url, {"reason": "Pindah ke luar kota"}).status_code == 302
    registry = client.get(reverse("cases:registry")).context["page_obj"]
    assert [h.pk for h in registry] == [stays.household_id]
    case_file = client.get(reverse("cases:detail", args=[leaves.household_id]))
    assert case_file.status_code == 200 and "Diarsipkan" in case_file.text
    assert ChangeLog.objects.for_case(leaves.household_id).filter(note__startswith="Diarsipkan").exists()
    assert client_as("dinsos_caseworker").post(url, {"reason": "x"}).status_code == 403


def test_archived_households_leave_the_active_counts(client_as, supervisor):
    person = PersonFactory()
    household_change_status(household=person.household, status="graduated", reason="Mandiri", actor=supervisor)
    client = client_as("supervisor")
    assert client.get(reverse("home")).context["city"]["graduated"] == 1
    household_archive(household=person.household, actor=supervisor, reason="Keluar dari program")
    assert client.get(reverse("home")).context["city"]["graduated"] == 0
