import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from coordination.services import graduation_propose
from households.models import Household
from households.services import household_register, household_update, person_move, person_update, visit_log
from interventions.models import Program
from interventions.services import intervention_record, intervention_transition
from tests.factories import kelurahan, opd

pytestmark = pytest.mark.django_db


def register(actor, members: int = 2):
    rows = [
        {
            "full_name": "Budi Santoso",
            "sex": "L",
            "birth_date": datetime.date(1980, 1, 2),
            "relation": "kepala",
            "nik": "6271040201800001",
        }
    ]
    for index in range(1, members):
        rows.append(
            {
                "full_name": f"Anak {index}",
                "sex": "P",
                "birth_date": datetime.date(2010, 1, index),
                "relation": "anak",
                "nik": f"62710441011000{index + 1:02d}",
            }
        )
    return household_register(actor=actor, kelurahan=kelurahan("Kameloh Baru"), address="Jl. Kameloh", members=rows)


def test_case_file_shows_members_with_age_and_interventions_grouped_by_opd(client_as, supervisor):
    household = register(supervisor)
    head = household.members.get(relation="kepala")
    training = Program.objects.get(name="Pelatihan kerja")
    food = Program.objects.get(name="BPNT/Sembako")
    delivered = intervention_record(program=training, person=head, recorded_by=supervisor)
    intervention_transition(
        intervention=delivered, status="delivered", delivered_on=timezone.localdate(), actor=supervisor
    )
    intervention_record(program=food, household=household, recorded_by=supervisor, amount=600_000)
    response = client_as("dinsos_caseworker").get(reverse("cases:detail", args=[household.pk]))
    assert response.status_code == 200
    rows = {row.person.full_name: row for row in response.context["member_rows"]}
    assert [opd.short_name for opd, _ in rows["Budi Santoso"].by_opd] == ["Disnaker"]
    assert rows["Budi Santoso"].delivered and not rows["Anak 1"].delivered
    assert f"{head.age} tahun" in response.text
    assert "Pelatihan kerja" in response.text and "Tersalurkan" in response.text
    assert "Rp 600.000" in response.text  # the household-level food aid
    assert "Belum ada intervensi untuk anggota ini." in response.text


def test_a_member_who_moved_in_brings_their_interventions_and_the_old_household_keeps_its_own(client_as, supervisor):
    old_home = register(supervisor)
    aunt = {"full_name": "Sari", "sex": "P", "birth_date": datetime.date(1975, 5, 6), "relation": "kepala"}
    place = kelurahan("Danau Tundai")
    new_home = household_register(actor=supervisor, kelurahan=place, address="Jl. Lain", members=[aunt])
    child = old_home.members.get(full_name="Anak 1")
    training = Program.objects.get(name="Pelatihan kerja")
    intervention_record(program=training, person=child, recorded_by=supervisor)
    intervention_record(program=Program.objects.get(name="BPNT/Sembako"), household=old_home, recorded_by=supervisor)
    person_move(person=child, to_household=new_home, actor=supervisor, reason="Ikut saudara")
    client = client_as("dinsos_caseworker")

    joined = client.get(reverse("cases:detail", args=[new_home.pk])).context
    rows = {row.person.full_name: row for row in joined["member_rows"]}
    assert [[i.program.name for i in items] for _, items in rows["Anak 1"].by_opd] == [["Pelatihan kerja"]]
    assert joined["household_interventions"] == []  # the old household's food aid stays there
    left = client.get(reverse("cases:detail", args=[old_home.pk])).context
    assert "Anak 1" not in {row.person.full_name for row in left["member_rows"]}
    assert [i.program.name for i in left["household_interventions"]] == ["BPNT/Sembako"]


def test_a_pending_graduation_proposal_is_shown_with_who_proposed_it_and_not_offered_again(client_as, supervisor):
    household = register(supervisor)
    version = Household.objects.get(pk=household.pk).version
    household_update(household=household, actor=supervisor, expected_version=version, expenditure_per_capita=450_000)
    url = reverse("cases:detail", args=[household.pk])
    client = client_as("dinsos_caseworker")
    assert "Usulkan graduasi" in client.get(url).text
    with CaptureQueriesContext(connection) as without:
        client.get(url)
    graduation_propose(household=household, actor=supervisor, basis="expenditure")
    with CaptureQueriesContext(connection) as pending:
        page = client.get(url)
    assert page.context["pending_proposal"].proposed_by == supervisor
    text = " ".join(page.text.split())
    assert f"Diusulkan graduasi {timezone.localdate():%d/%m/%Y} oleh {supervisor}" in text
    assert "menunggu keputusan supervisor Dinas Sosial" in text
    assert "Usulkan graduasi" not in text
    assert len(pending) == len(without) + 1  # the proposal, with who proposed it, read only now


def test_case_file_lists_visits_newest_first_and_masks_nik_in_history(client_as, supervisor):
    household = register(supervisor)
    today = timezone.localdate()
    visit_log(
        household=household, caseworker=supervisor, purpose="assessment", visited_on=today - datetime.timedelta(days=9)
    )
    visit_log(household=household, caseworker=supervisor, purpose="monitoring", visited_on=today, findings="Atap bocor")
    head = household.members.get(relation="kepala")
    person_update(person=head, actor=supervisor, expected_version=head.version, nik="6271040201800009")
    response = client_as("disnaker_caseworker").get(reverse("cases:detail", args=[household.pk]))
    visits = list(response.context["visits"])
    assert [v.purpose for v in visits] == ["monitoring", "assessment"]
    assert "6271040201800009" not in response.text
    assert "6271••••••••0009" in response.text
    assert "Atap bocor" in response.text


def test_text_with_html_is_shown_escaped(client_as, supervisor):
    household = register(supervisor)
    visit_log(household=household, caseworker=supervisor, purpose="monitoring", findings="<script>alert('x')</script>")
    response = client_as("supervisor").get(reverse("cases:detail", args=[household.pk]))
    assert "<script>alert" not in response.text
    assert "&lt;script&gt;alert" in response.text


def count_queries(client, household) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("cases:detail", args=[household.pk])).status_code == 200
    return len(queries)


def test_query_count_does_not_grow_with_members_interventions_and_visits(
    client_as, supervisor, django_assert_max_num_queries
):
    client = client_as("disnaker_caseworker")
    small = register(supervisor, members=2)
    big = household_register(
        actor=supervisor,
        kelurahan=kelurahan("Danau Tundai"),
        address="Jl. Danau",
        members=[
            {
                "full_name": f"Orang {i}",
                "sex": "L",
                "birth_date": datetime.date(1990, 1, i + 1),
                "relation": "kepala" if i == 0 else "anak",
            }
            for i in range(8)
        ],
    )
    programs = list(Program.objects.filter(opd__in=[opd("Disnaker"), opd("Dinsos"), opd("DP3APPKB")], target="person"))
    for person in big.members.all():
        for program in programs[:4]:
            intervention_record(program=program, person=person, recorded_by=supervisor)
    for number in range(5):
        visit_log(household=big, caseworker=supervisor, purpose="monitoring", findings=f"Pemantauan ke-{number}")
    few = count_queries(client, small)
    assert count_queries(client, big) == few
    with django_assert_max_num_queries(19):
        client.get(reverse("cases:detail", args=[big.pk]))
