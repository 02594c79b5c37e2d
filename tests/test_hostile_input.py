"""Whatever an edited URL carries, a list answers with a page or a refusal: never a 500 (issue 11, item 8).

The fuzz test takes every parameterless URL from the URLconf and, for each, the parameters a user can send
it: those of the FilterSet or form its view declares, plus what its rendered page sends back (the fields of
its GET and search forms, the keys of its links to itself, `page`). Each parameter gets a fixed hostile
corpus as a supervisor, a shorter one as a caseworker, and the full one as the admin where only the admin
may look. Every URL with an id is asked for ids beyond what the database stores. Hypothesis adds random
text on the main lists.
"""

import datetime
import io
import re
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlsplit

import pytest
from django import forms
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django_filters.fields import BaseCSVField
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from accounts.filters import UserFilter
from audit.filters import AccessLogFilter, ChangeLogFilter
from audit.models import AccessLog
from cases.filters import HouseholdFilter
from coordination.filters import ReferralFilter
from coordination.forms import ConsolidationFilterForm
from coordination.services import assessment_record
from dashboard.forms import DashboardFilterForm
from households.services import person_update
from interventions.filters import InterventionFilter, PersonFilter
from interventions.services import intervention_record, intervention_transition
from tests.factories import PersonFactory, ProgramFactory, VisitFactory, kelurahan, opd
from tests.recorded import recorded

pytestmark = pytest.mark.django_db

OUR_APPS = {
    "accounts", "cases", "households", "interventions", "audit", "imports", "coordination", "dashboard", "jobs",
}  # fmt: skip
ANSWERS = {200, 302, 400, 403, 404, 405}
CORPUS = [
    "abc",
    "99999999999999999999999",
    "9223372036854775808",
    "²",
    "١٢",
    "1e400",
    "1.5",
    " ",
    "\x00",
    "' OR 1=1--",
    "<script>alert(1)</script>",
    "ÿ" * 5000,
    "2024-13-45",
    "9999-12-31",
    "0001-01-01",
    ["1", "abc"],  # the same key twice
]
# For fixed choices (Django's own check), the caseworker, and pages whose only parameter is `page`.
SHORT = ["abc", "9223372036854775808", "²", "0001-01-01"]
# With an export or print switch on: the export and the print version read the same filter form as the page
# (which gets the whole corpus), so a wrong type and a number past 64 bits show they refuse like the page.
SWITCHED = ["abc", "9223372036854775808"]
SWITCHES = ("format", "print", "full")
HUGE_IDS = [2**63 - 1, 2**63, 10**30]

# The FilterSet or form each list declares (the rendered page shows only some of them: the inbox's place
# filters come from the dashboard's links).
DECLARED = {
    "cases:registry": HouseholdFilter,
    "cases:registry_export": HouseholdFilter,
    "interventions:list": InterventionFilter,
    "interventions:export": InterventionFilter,
    "interventions:bulk": PersonFilter,
    "audit:changes": ChangeLogFilter,
    "audit:access": AccessLogFilter,
    "coordination:inbox": ReferralFilter,
    "coordination:consolidation": ConsolidationFilterForm,
    "accounts:user_list": UserFilter,
    "dashboard:index": DashboardFilterForm,
    "dashboard:cohort": DashboardFilterForm,
}


def _patterns(resolver: URLResolver | None = None, namespace: str = ""):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, entry.namespace or namespace)
        elif isinstance(entry, URLPattern) and entry.name and (namespace in OUR_APPS or entry.name == "home"):
            yield (f"{namespace}:{entry.name}" if namespace else entry.name), entry.pattern.converters


LIST_URLS = sorted(name for name, converters in _patterns() if not converters)
ID_URLS = sorted(name for name, converters in _patterns() if list(converters) == ["pk"])


class _SentBack(HTMLParser):
    """The parameter names a page sends back to itself: its GET and search forms' fields, its links' keys."""

    def __init__(self, path: str):
        super().__init__()
        self.path, self.names, self.in_form, self.switches = path, {"page"}, False, set()

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attrs = dict(attrs)
        if tag == "form":
            to_self = urlsplit(attrs.get("action") or self.path).path == self.path
            self.in_form = to_self and (attrs.get("method", "get").lower() == "get" or attrs.get("role") == "search")
        elif tag in ("input", "select", "textarea") and self.in_form and attrs.get("name"):
            self.names.add(attrs["name"])
        elif tag == "a" and attrs.get("href"):
            link = urlsplit(attrs["href"])
            if link.path in ("", self.path):
                for key, value in parse_qsl(link.query, keep_blank_values=True):
                    self.names.add(key)
                    if key in SWITCHES:  # an export or print of this page
                        self.switches.add((key, value))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.in_form = False


def fixed_choice(name: str, param: str) -> bool:
    """A declared field with fixed choices: Django checks it before any of our code reads it."""
    declared = DECLARED.get(name)
    field = (
        (declared().form if hasattr(declared, "base_filters") else declared()).fields.get(param) if declared else None
    )
    custom = (forms.ModelChoiceField, BaseCSVField)  # a query, or our own parsing
    return isinstance(field, forms.ChoiceField | forms.NullBooleanField) and not isinstance(field, custom)


def parameters(client: Client, name: str) -> tuple[set[str], set[tuple[str, str]]] | None:
    """What a user can send this URL: the parameter names, and the export or print switches the page offers.
    None when this user may not open it."""
    url = reverse(name)
    response = client.get(url)
    if response.status_code != 200:
        return None
    declared = DECLARED.get(name)
    names = set(getattr(declared, "base_filters", None) or getattr(declared, "base_fields", {}))
    if "html" in response["Content-Type"]:
        parser = _SentBack(url)
        parser.feed(response.content.decode())
        return names | parser.names - {"csrfmiddlewaretoken", "submission_token"}, parser.switches
    if declared:  # an export of a list
        return names | {"format", "full"}, {("format", "xlsx")}
    return set(), set()  # a file that reads no parameter (the import template)


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
@recorded
def case_data(cast):
    """A little of everything the lists show: a household with a member, a visit, an intervention delivered
    and one planned, a referral, a change and a reveal in the audit trail."""
    person = PersonFactory(household__kelurahan=kelurahan("Kameloh Baru"))
    VisitFactory(household=person.household, caseworker=cast["dinsos_caseworker"])
    program = ProgramFactory(opd=opd("Dinsos"))
    delivered = intervention_record(program=program, person=person, recorded_by=cast["dinsos_caseworker"])
    intervention_transition(
        intervention=delivered, status="delivered", delivered_on=timezone.localdate(), actor=cast["dinsos_caseworker"]
    )
    intervention_record(program=program, person=person, recorded_by=cast["dinsos_caseworker"])
    assessment_record(household=person.household, actor=cast["dinsos_caseworker"], needs=[("no_work", person, "")])
    person_update(person=person, actor=cast["supervisor"], expected_version=person.version, occupation="Nelayan")
    revealer = Client()
    revealer.force_login(cast["dinsos_caseworker"])
    revealer.post(reverse("households:reveal_nik", args=[person.pk]))
    return person


def client_for(user) -> Client:
    client = Client(raise_request_exception=False)  # a 500 is recorded, so the test lists every one
    client.force_login(user)
    return client


def problem(response) -> str | None:
    """What is wrong with an answer to hostile input, if anything."""
    content = body(response)
    if response.status_code not in ANSWERS:
        return f"status {response.status_code}"
    if len(content) > 1_000_000:
        return f"{len(content)} bytes"
    if b"<script>alert(1)</script>" in content:
        return "echoed unescaped"
    return None


def shown(value) -> object:
    return value[:20] + "…" if isinstance(value, str) and len(value) > 20 else value


@pytest.mark.parametrize("name", LIST_URLS)
def test_list_parameters_survive_hostile_values(cast, case_data, name):
    """Each parameter of the URL alone with each hostile value (and with the page's export or print switch):
    no 500, no megabyte page, nothing echoed unescaped."""
    url, failures, fuzzed = reverse(name), [], False
    for role in ("supervisor", "dinsos_caseworker", "admin"):
        client = client_for(cast[role])
        sendable = parameters(client, name)
        if sendable is None or (role == "admin" and fuzzed):
            continue  # refused before any parameter is read; the admin only where the others may not look
        fuzzed, (params, switches) = True, sendable
        thorough = role != "dinsos_caseworker" and params != {"page"}
        for param in sorted(params):
            tries = [{param: value} for value in (CORPUS if thorough and not fixed_choice(name, param) else SHORT)]
            tries += [{param: value, key: on} for key, on in switches if key != param for value in SWITCHED]
            for query in tries:
                if wrong := problem(client.get(url, query)):
                    failures.append((role, {k: shown(v) for k, v in query.items()}, wrong))
        if name == "cases:registry":  # a search is POSTed, then the list is read with its key
            for value in CORPUS if thorough else SHORT:
                posted = client.post(url, {"q": value})
                if wrong := problem(posted) or problem(client.get(posted.url)):
                    failures.append((role, {"POST q": shown(value)}, wrong))
    assert failures == []
    assert fuzzed or name not in DECLARED


@pytest.mark.parametrize("name", ID_URLS)
def test_ids_beyond_what_the_database_stores_answer_404(cast, name):
    for role in ("supervisor", "admin"):
        client = client_for(cast[role])
        for pk in HUGE_IDS:
            url = reverse(name, args=[pk])
            for method in ("get", "post"):
                response = getattr(client, method)(url)
                assert response.status_code in (403, 404, 405), (role, method, url, response.status_code)


@pytest.mark.parametrize("value", CORPUS)
def test_recording_an_intervention_for_a_person_named_in_the_url(client_as, case_data, value):
    """The case file links to the form with ?person=<id>; an edited one still shows the form."""
    url = reverse("interventions:create", args=[case_data.household_id])
    assert client_as("dinsos_caseworker").get(url, {"person": value}).status_code == 200


def declared_parameters() -> list[tuple[str, str]]:
    pairs = []
    for name, declared in DECLARED.items():
        fields = getattr(declared, "base_filters", None) or declared.base_fields
        pairs += [(name, param) for param in fields if not name.endswith("export")]
    return pairs


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,  # the same examples on every run: a failure is reproducible, never a flaky build
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    target=st.sampled_from(declared_parameters()),
    value=st.text(max_size=40) | st.integers().map(str) | st.dates().map(datetime.date.isoformat),
)
def test_random_text_in_a_declared_filter_never_fails(cast, target, value):
    name, param = target
    client = client_for(cast["supervisor"] if name != "accounts:user_list" else cast["admin"])
    response = client.get(reverse(name), {param: value})
    assert problem(response) is None, (name, param, value)


# The review's URLs, one by one.


def shows_filter_error(response, *words: str) -> bool:
    text = re.sub(r"\s+", " ", response.content.decode())
    return response.status_code == 200 and "Saringan tidak valid" in text and all(word in text for word in words)


@pytest.mark.parametrize("params", [{"kelurahan": "abc"}, {"opd": "abc"}, {"kelurahan": "²"}])
def test_consolidation_with_a_filter_that_is_no_id_explains_it_and_lists_nobody(client_as, case_data, params):
    response = client_as("supervisor").get(reverse("coordination:consolidation"), params)
    assert shows_filter_error(response)
    assert response.context["matrix"] == []
    xlsx = client_as("supervisor").get(reverse("coordination:consolidation"), {**params, "format": "xlsx"})
    assert shows_filter_error(xlsx)


@pytest.mark.parametrize(
    "params",
    [
        {"kelurahan": "99999999999999999999999"},
        {"kecamatan": "99999999999999999999999"},
        {"opd": "²"},
        {"kelurahan": "²"},
        {"status": "bogus"},
    ],
)
@pytest.mark.parametrize("role", ["supervisor", "disnaker_caseworker"])
def test_inbox_with_an_impossible_filter_explains_it_and_lists_nothing(client_as, case_data, role, params):
    client = client_as(role)
    assert len(client.get(reverse("coordination:inbox"), {"status": "all"}).context["page_obj"]) == 1
    response = client.get(reverse("coordination:inbox"), params)
    if role != "supervisor" and "opd" in params:  # a caseworker's inbox is their own OPD's: no OPD to choose
        assert response.status_code == 200 and "Saringan tidak valid" not in response.text
        return
    assert shows_filter_error(response)
    assert list(response.context["page_obj"]) == [] and response.context["counts"]["open"] == 0


def test_inbox_still_narrows_by_the_dashboards_place_and_overdue_links(client_as, case_data):
    client = client_as("supervisor")
    inbox = reverse("coordination:inbox")
    here = {"kelurahan": kelurahan("Kameloh Baru").pk, "status": "all"}
    assert len(client.get(inbox, here).context["page_obj"]) == 1
    assert len(client.get(inbox, {**here, "kelurahan": kelurahan("Danau Tundai").pk}).context["page_obj"]) == 0
    assert len(client.get(inbox, {**here, "overdue": "1", "status": "open"}).context["page_obj"]) == 0
    assert len(client.get(inbox, {**here, "opd": opd("Disnaker").pk}).context["page_obj"]) == 1
    assert len(client.get(inbox, {**here, "opd": opd("Dinsos").pk}).context["page_obj"]) == 0


@pytest.mark.parametrize("search", ["²", "#²", "²" * 16, "١٢", "\x00"])
def test_registry_search_for_odd_digits_answers_with_a_list(client_as, case_data, search):
    client = client_as("supervisor")
    posted = client.post(reverse("cases:registry"), {"q": search})
    assert posted.status_code == 302
    response = client.get(posted.url)
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == 0


def test_registry_search_by_number_still_finds_the_household(client_as, case_data):
    client = client_as("supervisor")
    posted = client.post(reverse("cases:registry"), {"q": f"#{case_data.household_id}"})
    assert [h.pk for h in client.get(posted.url).context["page_obj"]] == [case_data.household_id]


@pytest.mark.parametrize("params", [{"age_min": "5000"}, {"age_max": "5000"}, {"age_min": "-1"}, {"age_min": "1.5"}])
def test_bulk_recording_with_an_impossible_age_explains_it_and_lists_nobody(client_as, case_data, params):
    response = client_as("dinsos_caseworker").get(reverse("interventions:bulk"), params)
    assert shows_filter_error(response, "Umur")
    assert response.context["page_obj"].paginator.count == 0


def test_bulk_recording_by_age_still_works(client_as, case_data):
    client = client_as("dinsos_caseworker")
    age = case_data.age
    listed = client.get(reverse("interventions:bulk"), {"age_min": age, "age_max": age, "extreme_poor": "false"})
    assert [p.pk for p in listed.context["page_obj"]] == [case_data.pk]
    older = client.get(reverse("interventions:bulk"), {"age_min": age + 1, "extreme_poor": "false"})
    assert older.context["page_obj"].paginator.count == 0


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"period_to": "9999-12-31"}, ["Tanggal paling akhir"]),
        ({"period_to": "0001-01-01"}, ["Tanggal paling awal 01/01/2015"]),
        ({"period_from": "0001-01-01"}, ["Tanggal paling awal 01/01/2015"]),
        ({"period_from": "9999-12-31"}, ["Tanggal paling akhir"]),
        ({"kelurahan": "abc"}, ["Kelurahan"]),
    ],
)
@pytest.mark.parametrize("name", ["dashboard:index", "dashboard:cohort"])
def test_dashboard_period_out_of_range_is_explained_in_a_small_page(client_as, case_data, name, params, words):
    for extra in ({}, {"print": "1"}, {"format": "xlsx"}):
        response = client_as("supervisor").get(reverse(name), {**params, **extra})
        assert shows_filter_error(response, *words)
        assert len(response.content) < 200_000


def test_dashboard_widest_period_allowed_stays_small(client_as, case_data):
    client = client_as("supervisor")
    response = client.get(reverse("dashboard:index"), {"period_from": "2015-01-01"})
    assert response.status_code == 200 and "Saringan tidak valid" not in response.text
    assert len(response.context["trend"]) <= 12 * (timezone.localdate().year - 2015 + 1)
    assert len(response.content) < 500_000


@pytest.mark.parametrize("value", ["9223372036854775808", "abc", "²"])
def test_user_list_with_an_impossible_opd_explains_it_and_lists_nobody(client_as, value):
    response = client_as("admin").get(reverse("accounts:user_list"), {"opd": value})
    assert shows_filter_error(response, "OPD")
    assert list(response.context["page_obj"]) == []


def test_user_list_still_filters_by_opd_and_role(client_as, cast):
    listed = client_as("admin").get(reverse("accounts:user_list"), {"opd": opd("Disnaker").pk, "role": "caseworker"})
    assert [u.username for u in listed.context["page_obj"]] == ["cw_disnaker"]


@pytest.mark.parametrize(
    "params", [{"case_id": "9223372036854775808"}, {"object_id": "1e400"}, {"case_id": "1.5"}, {"source": "\x00"}]
)
def test_audit_trail_with_an_impossible_filter_explains_it_and_exports_nothing(client_as, case_data, params):
    client = client_as("supervisor")
    response = client.get(reverse("audit:changes"), params)
    assert shows_filter_error(response)
    assert response.context["page_obj"].paginator.count == 0
    assert shows_filter_error(client.get(reverse("audit:changes"), {**params, "format": "csv"}))


@pytest.mark.parametrize(
    ("name", "list_name"), [("cases:registry_export", "cases:registry"), ("interventions:export", "interventions:list")]
)
def test_export_with_an_impossible_filter_goes_back_to_the_list_that_explains_it(client_as, case_data, name, list_name):
    client = client_as("supervisor")
    response = client.get(reverse(name), {"kelurahan": "abc", "format": "xlsx", "junk": "\x00"}, follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse(list_name) + "?")
    assert shows_filter_error(response, "Kelurahan")


def test_export_logs_only_the_lists_own_filters(client_as, case_data):
    client = client_as("supervisor")
    client.get(reverse("cases:registry_export"), {"kelurahan": kelurahan("Kameloh Baru").pk, "junk": "\x00"})
    assert AccessLog.objects.get(kind="export").detail["filters"] == {"kelurahan": str(kelurahan("Kameloh Baru").pk)}


def test_consolidation_excel_lists_each_household_with_its_referrals(client_as, case_data):
    """Found by the fuzz test: the download failed on the needs' (lazy) labels whenever it had a household."""
    response = client_as("supervisor").get(reverse("coordination:consolidation"), {"format": "xlsx"})
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(body(response))).active.iter_rows(values_only=True))
    assert "Usia kerja tanpa pekerjaan/penghasilan" in rows[0]
    assert rows[1][0] == case_data.household_id and "Dirujuk (1)" in rows[1]
