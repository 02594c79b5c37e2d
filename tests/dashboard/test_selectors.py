"""The dashboard reads: every page and workbook in a pinned number of queries, the same with 3 households as with
20 spread over as many kelurahan, and each selector's own count."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from coordination.services import assessment_record
from dashboard import selectors
from dashboard.services import baseline_take
from households.models import Kelurahan
from interventions.services import intervention_record, intervention_transition
from tests.factories import HouseholdFactory, PersonFactory, ProgramFactory, opd

pytestmark = pytest.mark.django_db
URL = reverse("dashboard:index")
COHORT = reverse("dashboard:cohort")


@pytest.fixture
def add_cases(cast, supervisor):
    """add_cases(n): n more extreme-poor households, each in the next kelurahan, with a member served by Disnaker
    or Dinsos and referred to Disnaker; then a new baseline, so the cohort grows too."""
    places = list(Kelurahan.objects.order_by("pk"))
    offices = [
        (ProgramFactory(opd=opd("Disnaker")), cast["disnaker_caseworker"]),
        (ProgramFactory(opd=opd("Dinsos")), cast["dinsos_caseworker"]),
    ]
    made = []

    def add(count: int) -> None:
        for _ in range(count):
            n = len(made)
            person = PersonFactory(household=HouseholdFactory(kelurahan=places[n % len(places)]))
            program, worker = offices[n % 2]
            intervention = intervention_record(program=program, person=person, recorded_by=worker, amount=100_000)
            intervention_transition(
                intervention=intervention, status="delivered", actor=worker, delivered_on=timezone.localdate()
            )
            assessment_record(
                household=person.household, actor=cast["dinsos_caseworker"], needs=[("no_work", person, "")]
            )
            made.append(person)
        baseline_take(label=f"Uji {len(made)}", actor=supervisor)

    return add


def month_ago() -> str:
    return (timezone.localdate() - datetime.timedelta(days=31)).isoformat()


@pytest.mark.parametrize(
    ("role", "url", "params", "expected_queries"),
    [
        ("supervisor", URL, {}, 11),
        ("supervisor", URL, {"period_from": month_ago(), "period_to": timezone.localdate().isoformat()}, 12),
        ("supervisor", URL, {"print": "1"}, 11),  # the printed report carries the cohort, and no menu
        ("supervisor", URL, {"format": "xlsx"}, 10),
        ("disnaker_caseworker", URL, {}, 10),
        ("supervisor", COHORT, {}, 6),
    ],
)
def test_dashboard_pages_read_in_a_fixed_number_of_queries(
    client_as, add_cases, django_assert_num_queries, role, url, params, expected_queries
):
    client = client_as(role)
    for total, more in ((3, 3), (20, 17)):
        add_cases(more)
        with django_assert_num_queries(expected_queries):
            response = client.get(url, params)
        assert response.status_code == 200
        if "format" not in params:
            rows = response.context["cohort"] if url == COHORT else response.context["places"]
            assert len(rows) == total  # a row per kelurahan


def test_the_dashboard_selector_reads_every_table_in_six_queries(add_cases, django_assert_num_queries):
    add_cases(4)
    places = selectors.kelurahan_map()
    with django_assert_num_queries(6):  # places, OPD sums, OPD medians, OPD names, baseline, trend
        data = selectors.dashboard(selectors.Filters(), places)
    assert data.headline["ep_persons"] == 4 and data.headline["baseline_persons"] == 4
    assert [(row["opd"].short_name, row["delivered"], row["received"]) for row in data.opds] == [
        ("Dinsos", 2, 0),
        ("Disnaker", 2, 4),
    ]
    assert data.trend[-1]["delivered"] == 4 and data.cohort is None


def test_a_period_costs_one_query_more_and_the_cohort_another(add_cases, django_assert_num_queries):
    add_cases(2)
    places = selectors.kelurahan_map()
    filters = selectors.Filters(period_from=timezone.localdate().replace(day=1))
    with django_assert_num_queries(8):  # the period's persons reached; the cohort
        data = selectors.dashboard(filters, places, with_cohort=True)
    assert sum(row["persons"] for row in data.opds) == 2
    assert data.cohort is not None and sum(row["total"] for row in data.cohort) == 2


def test_the_cohort_report_is_two_queries_and_none_without_valid_filters(add_cases, django_assert_num_queries):
    add_cases(2)
    places = selectors.kelurahan_map()
    with django_assert_num_queries(2):
        report = selectors.cohort_report(selectors.Filters(), places)
    assert report.baseline.label == "Uji 2" and [row["served"] for row in report.rows] == [1, 1]
    assert selectors.cohort_report(None, places).rows == []


def test_the_home_overview_is_three_queries(add_cases, django_assert_num_queries):
    add_cases(3)
    disnaker = opd("Disnaker")
    with django_assert_num_queries(3):
        numbers = selectors.overview(opd=disnaker)
    assert numbers["city"]["ep_persons"] == 3 and numbers["city"]["not_served"] == 0
    assert numbers["work"] == {"planned": 0, "delivered": 2, "delivered_amount": 200_000}
    assert sum(row["persons"] for row in numbers["by_kelurahan"]) == 3


def test_delivered_query_matches_the_chosen_period():
    start = datetime.date(2025, 1, 1)
    assert selectors.Filters(period_from=start).delivered_query() == {
        "delivered_from": "2025-01-01",
        "delivered_to": None,
    }
