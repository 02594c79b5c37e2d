"""The baseline cohort comes from the tallies; every way a baseline member's situation changes moves it, and it
always equals a recount straight from the rows (the live query the page ran before it read tallies)."""

import pytest
from django.db.models import Count, Q
from django.db.models import F as Field
from django.utils import timezone

from dashboard import derived, selectors
from dashboard.models import BaselinePerson, Tally
from dashboard.services import baseline_take
from households.models import Household
from households.services import household_archive, household_change_status, person_move
from interventions.services import intervention_record, intervention_transition
from tests.factories import HouseholdFactory, PersonFactory, ProgramFactory, kelurahan, opd

pytestmark = pytest.mark.django_db
EP = Household.Status.EXTREME_POOR
GRADUATED = Household.Status.GRADUATED
COLUMNS = ("total", "served", "graduated", "waiting", "fell_back", "other")


def recount(baseline) -> dict[int, tuple[int, ...]]:
    """Per kelurahan of the baseline: where its members stand now, joined live from persons and households."""
    still = Q(person__household__status=EP, person__household__archived_at__isnull=True)
    rows = (
        BaselinePerson.objects.filter(baseline=baseline)
        .values("kelurahan_id")
        .annotate(
            total=Count("id"),
            graduated=Count("id", filter=Q(person__household__status=GRADUATED)),
            fell_back=Count("id", filter=still & Q(person__household__fell_back_at__isnull=False)),
            served=Count("id", filter=still & Q(person__household__fell_back_at__isnull=True, person__is_served=True)),
            waiting=Count(
                "id", filter=still & Q(person__household__fell_back_at__isnull=True, person__is_served=False)
            ),
        )
        .order_by()
    )
    result = {}
    for row in rows:
        other = row["total"] - row["served"] - row["graduated"] - row["waiting"] - row["fell_back"]
        result[row["kelurahan_id"]] = (
            row["total"],
            row["served"],
            row["graduated"],
            row["waiting"],
            row["fell_back"],
            other,
        )
    return result


def on_page(baseline) -> dict[int, tuple[int, ...]]:
    rows = selectors.cohort(selectors.Filters(), baseline, selectors.kelurahan_map())
    return {row["kelurahan_id"]: tuple(row[c] for c in COLUMNS) for row in rows}


def test_the_cohort_follows_every_change_and_equals_a_recount_from_the_rows(cast, supervisor):
    worker = cast["dinsos_caseworker"]
    program = ProgramFactory(opd=opd("Dinsos"))
    kameloh, tundai = kelurahan("Kameloh Baru"), kelurahan("Danau Tundai")
    a, b, c, d = (HouseholdFactory(kelurahan=place) for place in (kameloh, kameloh, tundai, tundai))
    members = {h.pk: [PersonFactory(household=h), PersonFactory(household=h, relation="anak")] for h in (a, b, c, d)}
    baseline = baseline_take(label="Uji", actor=supervisor)
    assert on_page(baseline) == recount(baseline) == {kameloh.pk: (4, 0, 0, 4, 0, 0), tundai.pk: (4, 0, 0, 4, 0, 0)}

    # One member of a is served; b graduates; c graduates then falls back; d is archived after leaving.
    delivery = intervention_record(program=program, person=members[a.pk][0], recorded_by=worker)
    intervention_transition(intervention=delivery, status="delivered", actor=worker, delivered_on=timezone.localdate())
    household_change_status(household=b, status=GRADUATED, reason="mandiri", actor=supervisor)
    household_change_status(household=c, status=GRADUATED, reason="mandiri", actor=supervisor)
    household_change_status(household=c, status=EP, reason="jatuh lagi", actor=supervisor)
    household_change_status(household=d, status=Household.Status.MOVED, reason="pindah kota", actor=supervisor)
    household_archive(household=Household.objects.get(pk=d.pk), actor=supervisor, reason="pindah kota")
    # A baseline member of a moves into b (graduated): counted under Kameloh Baru, where the baseline saw them.
    person_move(
        person=members[a.pk][1],
        to_household=Household.objects.get(pk=b.pk),
        actor=worker,
        reason="menikah",
        relation="menantu",
    )

    expected = {kameloh.pk: (4, 1, 3, 0, 0, 0), tundai.pk: (4, 0, 0, 0, 2, 2)}
    assert recount(baseline) == expected
    assert on_page(baseline) == expected
    assert derived.check().ok


def test_a_later_baseline_is_counted_apart_and_a_wrong_cohort_tally_is_caught(cast, supervisor):
    household = HouseholdFactory(kelurahan=kelurahan("Kameloh Baru"))
    PersonFactory(household=household)
    first = baseline_take(label="Awal", actor=supervisor)
    PersonFactory(household=HouseholdFactory(kelurahan=kelurahan("Kameloh Baru")))
    second = baseline_take(label="Kedua", actor=supervisor)
    assert [row[0] for row in on_page(first).values()] == [1]
    assert [row[0] for row in on_page(second).values()] == [2]
    assert [row[0] for row in on_page(first).values()] == [1]

    Tally.objects.filter(measure="cohort_waiting", bucket=second.pk).update(n=Field("n") + 1)
    report = derived.check()
    assert not report.ok and report.counts["tallies"] == 1
