import datetime
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.selectors import tallied_totals
from households.models import Household, Kecamatan
from households.services import visit_log
from interventions.services import intervention_record, intervention_transition
from tests.factories import HouseholdFactory, InterventionFactory, PersonFactory, ProgramFactory, kelurahan, opd

pytestmark = pytest.mark.django_db

URL = reverse("cases:registry")


def listed(client, **params) -> set[int]:
    """The households the registry lists for these filters; a search is posted, as the page does."""
    text = params.pop("q", None)
    if text is not None:
        response = client.post(f"{URL}?{urlencode(params, doseq=True)}", {"q": text}, follow=True)
    else:
        response = client.get(URL, params)
    assert response.status_code == 200
    return {household.pk for household in response.context["page_obj"]}


@pytest.fixture
def client(client_as):
    return client_as("disnaker_caseworker")


def household_with_head(name: str, **kwargs) -> Household:
    household = HouseholdFactory(**kwargs)
    PersonFactory(household=household, full_name=name)
    household.refresh_from_db()  # the summary (head, members) follows the member's registration
    return household


def test_total_is_visible_and_pages_hold_25(client):
    for _ in range(30):
        HouseholdFactory()
    response = client.get(URL)
    assert response.context["page_obj"].paginator.count == 30
    assert len(response.context["page_obj"]) == 25
    assert '<strong data-testid="registry-total">30</strong>' in response.text
    assert len(client.get(URL, {"page": 2}).context["page_obj"]) == 5


def test_filters_by_kecamatan_kelurahan_and_priority_locus(client):
    kameloh = HouseholdFactory(kelurahan=kelurahan("Kameloh Baru"))
    menteng = HouseholdFactory(kelurahan=kelurahan("Menteng"))
    assert listed(client, kelurahan=kelurahan("Menteng").pk) == {menteng.pk}
    assert listed(client, kecamatan=kelurahan("Kameloh Baru").kecamatan_id) == {kameloh.pk}
    assert listed(client, priority="true") == {kameloh.pk}
    assert listed(client, priority="false") == {menteng.pk}


def test_filters_by_status_and_desil(client):
    extreme = HouseholdFactory(status="extreme_poor", desil=1)
    poor = HouseholdFactory(status="poor", desil=3)
    graduated = HouseholdFactory(status="graduated", desil=2)
    assert listed(client, status="poor") == {poor.pk}
    assert listed(client, status=["poor", "graduated"]) == {poor.pk, graduated.pk}
    assert listed(client, desil=1) == {extreme.pk}


def test_filters_no_delivery_visits_and_overdue_follow_ups(client, supervisor):
    served, waiting, stale = (household_with_head(n) for n in ("Ani", "Budi", "Cici"))
    today = timezone.localdate()
    program = ProgramFactory(opd=opd("Disnaker"))
    intervention = intervention_record(program=program, person=served.members.get(), recorded_by=supervisor)
    intervention_transition(intervention=intervention, status="delivered", delivered_on=today, actor=supervisor)
    visit_log(household=served, caseworker=supervisor, purpose="monitoring", visited_on=today)
    visit_log(
        household=stale,
        caseworker=supervisor,
        purpose="monitoring",
        visited_on=today - datetime.timedelta(days=40),
        next_follow_up_on=today - datetime.timedelta(days=5),
    )
    assert listed(client, no_delivery="1") == {waiting.pk, stale.pk}
    assert listed(client, not_visited="1") == {waiting.pk, stale.pk}
    assert listed(client, overdue="1") == {stale.pk}


def test_filters_by_opd_and_programme_that_intervened(client, supervisor):
    trained, fed = household_with_head("Ani"), household_with_head("Budi")
    training = ProgramFactory(opd=opd("Disnaker"))
    food = ProgramFactory(opd=opd("Dinsos"))
    intervention_record(program=training, person=trained.members.get(), recorded_by=supervisor)
    intervention_record(program=food, person=fed.members.get(), recorded_by=supervisor)
    cancelled = intervention_record(program=training, person=fed.members.get(), recorded_by=supervisor)
    intervention_transition(intervention=cancelled, status="cancelled", cancel_reason="Salah", actor=supervisor)
    assert listed(client, opd=opd("Disnaker").pk) == {trained.pk}
    assert listed(client, program=food.pk) == {fed.pk}


@pytest.mark.parametrize("query", ["siti", "SITI", "Sïtï", "aminah", "ti Ami"])
def test_search_finds_member_names_partially_ignoring_case_and_accents(client, query):
    household = household_with_head("Budi Santoso")
    PersonFactory(household=household, full_name="Siti Aminah", relation="pasangan", sex="P")
    household_with_head("Joko Widodo")
    assert listed(client, q=query) == {household.pk}


def test_search_finds_by_nik_kk_address_and_number(client):
    household = household_with_head("Budi Santoso", address="Jl. Mahir Mahar No. 7", no_kk="6271041111110001")
    other = household_with_head("Joko Widodo")
    nik = household.members.get().nik
    assert listed(client, q=nik) == {household.pk}
    assert listed(client, q=f"{nik[:4]} {nik[4:8]} {nik[8:]}") == {household.pk}
    assert listed(client, q="6271041111110001") == {household.pk}
    assert listed(client, q="mahir mahar") == {household.pk}
    assert listed(client, q=str(other.pk)) == {other.pk}


def test_sorting_by_head_name_both_ways(client):
    for name in ("Citra", "Agus", "Bayu"):
        household_with_head(name)
    heads = [h.head_name for h in client.get(URL, {"sort": "head"}).context["page_obj"]]
    assert heads == ["Agus", "Bayu", "Citra"]
    heads = [h.head_name for h in client.get(URL, {"sort": "-head"}).context["page_obj"]]
    assert heads == ["Citra", "Bayu", "Agus"]


def test_invalid_filter_values_show_a_message_instead_of_failing(client):
    HouseholdFactory()
    response = client.get(URL, {"kelurahan": "999999", "desil": "9"})
    assert response.status_code == 200
    assert "tidak valid" in response.text


def query_count(client, **params) -> int:
    text = params.pop("q", "")
    url = client.post(f"{URL}?{urlencode(params)}", {"q": text}).url
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_query_count_does_not_grow_with_rows(client, django_assert_max_num_queries):
    for _ in range(5):
        household_with_head("Ani")
    few = query_count(client, q="ani", no_delivery="1", opd=opd("Dinsos").pk)
    for _ in range(45):
        household_with_head("Ani")
    assert query_count(client, q="ani", no_delivery="1", opd=opd("Dinsos").pk) == few
    kameloh = kelurahan("Kameloh Baru").pk
    # session, user, filter choices (4), the chosen kelurahan, count, page, navigation, savepoints, session save
    with django_assert_max_num_queries(16):
        client.get(URL, {"kelurahan": kameloh, "sort": "-visited"})


def test_search_words_never_appear_in_the_url(client):
    household = household_with_head("Budi Santoso")
    other = HouseholdFactory()
    nik = household.members.get().nik
    response = client.post(f"{URL}?kelurahan={household.kelurahan_id}", {"q": nik})
    assert response.status_code == 302
    assert nik not in response.url and "Budi" not in response.url
    assert f"kelurahan={household.kelurahan_id}" in response.url
    assert {h.pk for h in client.get(response.url).context["page_obj"]} == {household.pk}
    # A q typed into the URL is ignored.
    assert {h.pk for h in client.get(URL, {"q": nik}).context["page_obj"]} == {household.pk, other.pk}


def test_archived_households_are_hidden_unless_asked_for(client, supervisor):
    from households.services import household_archive, household_change_status

    kept, archived = HouseholdFactory(), HouseholdFactory()
    household_change_status(household=archived, status="moved", reason="Pindah ke Kapuas", actor=supervisor)
    household_archive(household=archived, actor=supervisor, reason="Pindah kota")
    assert listed(client) == {kept.pk}
    assert listed(client, archived="only") == {archived.pk}
    assert listed(client, archived="all") == {kept.pk, archived.pk}


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"status": "extreme_poor"},
        {"status": "graduated"},
        {"status": ["extreme_poor", "graduated"]},
        {"kelurahan": "Kameloh Baru"},
        {"kelurahan": "Kameloh Baru", "status": "extreme_poor"},
        {"kecamatan": "Rakumpit", "status": "graduated"},
        {"priority": "true"},
        {"status": "proposed"},
    ],
)
def test_totals_from_the_tallies_equal_the_listed_rows(client, demo, params):
    if "kelurahan" in params:
        params["kelurahan"] = kelurahan(params["kelurahan"]).pk
    if "kecamatan" in params:
        params["kecamatan"] = Kecamatan.objects.get(name=params["kecamatan"]).pk
    response = client.get(URL, params)
    rows = response.context["filter"].qs
    assert tallied_totals(response.context["filter"]) is not None  # the fast path answered
    extreme_poor = rows.filter(status="extreme_poor")
    assert response.context["persons"] == {
        "households": rows.count(),
        "extreme_poor": sum(extreme_poor.values_list("extreme_poor_count", flat=True)),
        "served": sum(extreme_poor.values_list("served_count", flat=True)),
        "pending": sum(rows.filter(status="proposed").values_list("extreme_poor_count", flat=True)),
    }
    assert response.context["page_obj"].paginator.count == rows.count()


def test_other_filters_count_the_rows_themselves(client):
    HouseholdFactory(desil=1)
    HouseholdFactory(desil=2)
    response = client.get(URL, {"desil": 1})
    assert tallied_totals(response.context["filter"]) is None
    assert response.context["page_obj"].paginator.count == 1


def test_filtering_by_status_asks_for_no_distinct_rows(client):
    """Status is a column of the household: nothing to de-duplicate. DISTINCT over every column made PostgreSQL
    read and sort all of a kelurahan's matching households for one page, and again for its count (issue 14)."""
    HouseholdFactory(status="extreme_poor")
    with CaptureQueriesContext(connection) as queries:
        found = listed(client, status=["extreme_poor", "poor"], fell_back=1)
    assert found == set()
    household_queries = [q["sql"] for q in queries if '"households_household"' in q["sql"]]
    assert household_queries and not any("DISTINCT" in sql for sql in household_queries)


def test_a_household_with_many_matching_members_and_interventions_is_listed_once(client):
    """Without DISTINCT every other filter must not multiply rows: a household column, a to-one join, a subquery
    (search) or EXISTS (OPD, programme). Two members match the search, two interventions the programme."""
    household = HouseholdFactory(status="extreme_poor")
    budi = PersonFactory(household=household, full_name="Budi Satu")
    PersonFactory(household=household, full_name="Budi Dua", relation="anak")
    first = InterventionFactory(person=budi)
    InterventionFactory(person=budi, program=first.program)
    filters = {
        "status": ["extreme_poor", "poor"],
        "opd": first.opd_id,
        "program": first.program_id,
        "kecamatan": household.kelurahan.kecamatan_id,
    }
    response = client.post(f"{URL}?{urlencode(filters, doseq=True)}", {"q": "budi"}, follow=True)
    page = response.context["page_obj"]
    assert [h.pk for h in page.object_list] == [household.pk] and page.paginator.count == 1
