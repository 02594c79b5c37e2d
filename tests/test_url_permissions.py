"""Every URL × every role × GET/POST: who gets the page, who is refused, who is sent to sign in."""

import pytest
from django.urls import reverse
from django.utils import timezone

from api.services import token_issue
from coordination.models import DtsenProposal, GraduationProposal, ResponsibilityRule
from coordination.services import (
    assessment_record,
    dtsen_decide,
    dtsen_mark_entered,
    dtsen_propose,
    dtsen_record_muskel,
)
from dashboard.quarterly import Quarter
from dashboard.services import quarterly_report
from households.models import PovertyLine
from imports.models import ImportBatch, Reconciliation
from jobs import files
from jobs.models import Job
from jobs.services import job_publish
from tests.factories import InterventionFactory, PersonFactory, VisitFactory, opd
from tests.recorded import recorded

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "dinsos_caseworker", "disnaker_caseworker", "supervisor", "admin"]
CASEWORK = {"dinsos_caseworker": 200, "disnaker_caseworker": 200, "supervisor": 200, "admin": 403}
EVERYONE = {"dinsos_caseworker": 200, "disnaker_caseworker": 200, "supervisor": 200, "admin": 200}
DINSOS_VISIT = {"dinsos_caseworker": 200, "disnaker_caseworker": 403, "supervisor": 200, "admin": 403}
DISNAKER_INTERVENTION = {"dinsos_caseworker": 403, "disnaker_caseworker": 200, "supervisor": 200, "admin": 403}
GET_ONLY = {"dinsos_caseworker": 405, "disnaker_caseworker": 405, "supervisor": 405, "admin": 405}
SEARCH_REDIRECT = {"dinsos_caseworker": 302, "disnaker_caseworker": 302, "supervisor": 302, "admin": 302}
ADMIN_ONLY = {"dinsos_caseworker": 403, "disnaker_caseworker": 403, "supervisor": 403, "admin": 200}
ADMIN_POST = {"dinsos_caseworker": 403, "disnaker_caseworker": 403, "supervisor": 403, "admin": 200}
OVERSIGHT = {"dinsos_caseworker": 403, "disnaker_caseworker": 403, "supervisor": 200, "admin": 200}
CASEWORK_REVEAL = {"dinsos_caseworker": 200, "disnaker_caseworker": 200, "supervisor": 200, "admin": 403}
SUPERVISOR_ONLY = {"dinsos_caseworker": 403, "disnaker_caseworker": 403, "supervisor": 200, "admin": 403}
ADDRESSED = {"dinsos_caseworker": 403, "disnaker_caseworker": 200, "supervisor": 200, "admin": 403}
POST_ONLY = {"dinsos_caseworker": 405, "disnaker_caseworker": 405, "supervisor": 405, "admin": 405}
OWNER_JOB = {"dinsos_caseworker": 404, "disnaker_caseworker": 200, "supervisor": 200, "admin": 404}
ADMIN_POST_ONLY = {**POST_ONLY, "dinsos_caseworker": 403, "disnaker_caseworker": 403, "supervisor": 403}

# (url name, which object's pk, expected for GET, expected for POST with an empty form)
URLS = [
    ("cases:registry", None, EVERYONE, SEARCH_REDIRECT),
    ("cases:detail", "household", EVERYONE, GET_ONLY),
    ("cases:my_work", None, CASEWORK, {**GET_ONLY, "admin": 403}),
    # The field app (issue 17): its page, and the check it makes before sending (an admin's casework "ended").
    ("cases:offline", None, CASEWORK, {**GET_ONLY, "admin": 403}),
    ("cases:offline_session", None, CASEWORK, {**GET_ONLY, "admin": 403}),
    ("households:create", None, CASEWORK, CASEWORK),
    ("households:edit", "household", CASEWORK, CASEWORK),
    ("households:status", "household", CASEWORK, CASEWORK),
    ("households:member_add", "household", CASEWORK, CASEWORK),
    ("households:member_edit", "person", CASEWORK, CASEWORK),
    ("households:member_move", "person", CASEWORK, CASEWORK),
    ("households:visit_add", "household", CASEWORK, CASEWORK),
    ("households:visit_edit", "visit", DINSOS_VISIT, DINSOS_VISIT),
    ("interventions:create", "household", CASEWORK, CASEWORK),
    ("interventions:create_delivered", "household", CASEWORK, CASEWORK),
    ("interventions:edit", "intervention", DISNAKER_INTERVENTION, DISNAKER_INTERVENTION),
    ("interventions:status", "intervention", DISNAKER_INTERVENTION, DISNAKER_INTERVENTION),
    ("interventions:bulk", None, CASEWORK, CASEWORK),
    ("households:reveal_nik", "person", POST_ONLY, CASEWORK_REVEAL),
    ("households:reveal_kk", "household", POST_ONLY, CASEWORK_REVEAL),
    ("households:archive", "household", SUPERVISOR_ONLY, SUPERVISOR_ONLY),
    ("audit:changes", None, OVERSIGHT, {**GET_ONLY, "dinsos_caseworker": 403, "disnaker_caseworker": 403}),
    ("audit:access", None, OVERSIGHT, {**GET_ONLY, "dinsos_caseworker": 403, "disnaker_caseworker": 403}),
    # Administration
    ("accounts:admin_home", None, ADMIN_ONLY, ADMIN_ONLY),
    ("accounts:opd_list", None, ADMIN_ONLY, ADMIN_ONLY),
    ("accounts:opd_create", None, ADMIN_ONLY, ADMIN_POST),
    ("accounts:opd_edit", "opd", ADMIN_ONLY, ADMIN_POST),
    ("accounts:user_list", None, ADMIN_ONLY, ADMIN_ONLY),
    ("accounts:user_create", None, ADMIN_ONLY, ADMIN_POST),
    ("accounts:user_edit", "user", ADMIN_ONLY, ADMIN_POST),
    ("accounts:user_reset_link", "user", ADMIN_POST_ONLY, ADMIN_POST),
    ("accounts:user_unlock", "user", ADMIN_POST_ONLY, {**ADMIN_POST, "admin": 302}),
    ("interventions:program_list", None, ADMIN_ONLY, ADMIN_ONLY),
    ("interventions:program_create", None, ADMIN_ONLY, ADMIN_POST),
    ("interventions:program_edit", "program", ADMIN_ONLY, ADMIN_POST),
    ("households:poverty_lines", None, ADMIN_ONLY, ADMIN_ONLY),
    ("households:poverty_line_create", None, ADMIN_ONLY, ADMIN_POST),
    ("households:poverty_line_edit", "poverty_line", ADMIN_ONLY, ADMIN_POST),
    ("households:kelurahan_list", None, ADMIN_ONLY, {**ADMIN_POST, "admin": 404}),
    # Imports (supervisors and admins) and exports (everyone; full numbers: supervisors)
    ("imports:list", None, OVERSIGHT, OVERSIGHT),
    ("imports:upload", None, OVERSIGHT, OVERSIGHT),
    ("imports:template", None, OVERSIGHT, OVERSIGHT),
    ("imports:detail", "batch", OVERSIGHT, OVERSIGHT),
    ("imports:errors", "batch", OVERSIGHT, OVERSIGHT),
    (
        "imports:confirm",
        "batch",
        {**POST_ONLY, "dinsos_caseworker": 403, "disnaker_caseworker": 403},
        {**OVERSIGHT, "supervisor": 302, "admin": 302},
    ),
    (
        "imports:cancel",
        "batch",
        {**POST_ONLY, "dinsos_caseworker": 403, "disnaker_caseworker": 403},
        {**OVERSIGHT, "supervisor": 302, "admin": 302},
    ),
    # Reconciliation of a list: supervisors and admins read, compute and download it; only supervisors decide.
    ("imports:reconciliations", None, OVERSIGHT, {**OVERSIGHT, "supervisor": 405, "admin": 405}),
    (
        "imports:reconciliation_start",
        None,
        {**POST_ONLY, "dinsos_caseworker": 403, "disnaker_caseworker": 403},
        {**OVERSIGHT, "supervisor": 302, "admin": 302},  # an empty form: back to the lists, with a message
    ),
    (
        "imports:batch_reconcile",
        "batch",
        {**POST_ONLY, "dinsos_caseworker": 403, "disnaker_caseworker": 403},
        {**OVERSIGHT, "supervisor": 302, "admin": 302},  # a batch not yet applied: back to it, with a message
    ),
    ("imports:reconciliation", "reconciliation", OVERSIGHT, {**OVERSIGHT, "supervisor": 405, "admin": 405}),
    (
        "imports:reconciliation_decide",
        "reconciliation",
        {**POST_ONLY, "dinsos_caseworker": 403, "disnaker_caseworker": 403},
        {**SUPERVISOR_ONLY, "supervisor": 302},  # an empty form: back to the page, with a message
    ),
    (
        "imports:reconciliation_export",
        "reconciliation",
        {**POST_ONLY, "dinsos_caseworker": 403, "disnaker_caseworker": 403},
        {**OVERSIGHT, "supervisor": 302, "admin": 302},  # to the export's job
    ),
    ("cases:registry_export", None, EVERYONE, GET_ONLY),
    # Coordination: the referral is addressed to Disnaker
    ("coordination:assess", "household", CASEWORK, CASEWORK),
    ("coordination:propose", "household", CASEWORK, CASEWORK),
    ("coordination:inbox", None, CASEWORK, GET_ONLY),
    ("coordination:referral", "referral", EVERYONE, GET_ONLY),
    ("coordination:accept", "referral", POST_ONLY, {**ADDRESSED, "disnaker_caseworker": 302, "supervisor": 302}),
    ("coordination:decline", "referral", POST_ONLY, {**ADDRESSED, "disnaker_caseworker": 302, "supervisor": 302}),
    ("coordination:assign", "referral", POST_ONLY, {**ADDRESSED, "disnaker_caseworker": 302, "supervisor": 302}),
    ("coordination:reassign", "referral", POST_ONLY, SUPERVISOR_ONLY),  # an empty form is shown again, with errors
    ("coordination:fulfil", "referral", ADDRESSED, ADDRESSED),
    ("coordination:consolidation", None, EVERYONE, GET_ONLY),
    ("coordination:graduations", None, SUPERVISOR_ONLY, {**SUPERVISOR_ONLY, "supervisor": 405}),
    ("coordination:decide", "proposal", POST_ONLY, {**SUPERVISOR_ONLY, "supervisor": 302}),
    ("coordination:rules", None, ADMIN_ONLY, ADMIN_ONLY),
    # DTSEN proposals: casework proposes and records the Muskel, supervisors decide and download for SIKS-NG.
    ("coordination:proposal_create", "household", CASEWORK, CASEWORK),
    ("coordination:proposals", None, EVERYONE, GET_ONLY),
    ("coordination:proposal_muskel_many", None, CASEWORK, CASEWORK),
    ("coordination:proposal_workbook", None, SUPERVISOR_ONLY, {**SUPERVISOR_ONLY, "supervisor": 405}),
    ("coordination:proposal", "dtsen_proposal", EVERYONE, GET_ONLY),
    ("coordination:proposal_muskel", "dtsen_proposal", CASEWORK, CASEWORK),
    ("coordination:proposal_ground_check", "dtsen_proposal", CASEWORK, CASEWORK),
    ("coordination:proposal_decide", "dtsen_proposal", SUPERVISOR_ONLY, SUPERVISOR_ONLY),
    ("coordination:proposal_minutes", "dtsen_proposal", EVERYONE, GET_ONLY),
    # Marking an approved proposal as typed into SIKS-NG, confirmed on its own page (an empty form: the page again,
    # asking for the tick), and taking back a mark set by mistake (an empty form: asks for the reason).
    ("coordination:proposal_entered", "approved_proposal", SUPERVISOR_ONLY, SUPERVISOR_ONLY),
    ("coordination:proposal_entered_undo", "entered_proposal", SUPERVISOR_ONLY, SUPERVISOR_ONLY),
    ("dashboard:index", None, EVERYONE, GET_ONLY),
    ("dashboard:cohort", None, EVERYONE, GET_ONLY),
    # The quarterly report: supervisors and admins make it (on the queue) and print it. The count as of a date
    # sent empty: the quarterly page again, with the error on the date field.
    ("dashboard:official_at", None, {**OVERSIGHT, "supervisor": 405, "admin": 405}, OVERSIGHT),
    ("dashboard:quarterly", None, OVERSIGHT, {**OVERSIGHT, "supervisor": 405, "admin": 405}),
    (
        "dashboard:quarterly_make",
        "quarter",
        {**OVERSIGHT, "supervisor": 405, "admin": 405},
        {**OVERSIGHT, "supervisor": 302, "admin": 302},
    ),
    ("dashboard:quarterly_print", "quarter", OVERSIGHT, {**OVERSIGHT, "supervisor": 405, "admin": 405}),
    ("dashboard:check", None, {**SUPERVISOR_ONLY, "supervisor": 405}, {**SUPERVISOR_ONLY, "supervisor": 302}),
    (
        "dashboard:recount",
        None,
        {**OVERSIGHT, "supervisor": 405, "admin": 405},
        {**OVERSIGHT, "supervisor": 302, "admin": 302},
    ),
    ("coordination:rule_edit", "rule", ADMIN_ONLY, ADMIN_POST),
    ("interventions:list", None, EVERYONE, GET_ONLY),
    ("interventions:export", None, EVERYONE, GET_ONLY),
    # Background jobs: the job is Disnaker's caseworker's; supervisors oversee; nobody else sees it at all.
    ("jobs:list", None, EVERYONE, GET_ONLY),
    ("jobs:detail", "job", OWNER_JOB, GET_ONLY),
    ("jobs:status", "job", OWNER_JOB, GET_ONLY),
    ("jobs:download", "job", OWNER_JOB, GET_ONLY),
    ("jobs:retry", "job", POST_ONLY, {**OWNER_JOB, "disnaker_caseworker": 302, "supervisor": 302}),
    # API tokens: admins only (the API itself has its own matrix, tests/api/test_api_permissions.py).
    ("api:token_list", None, ADMIN_ONLY, ADMIN_POST_ONLY),
    ("api:token_create", None, ADMIN_ONLY, ADMIN_POST),
    ("api:token_revoke", "api_token", ADMIN_POST_ONLY, {**ADMIN_POST, "admin": 302}),
]


@pytest.fixture
@recorded
def objects(cast):
    person = PersonFactory()
    return {
        "household": person.household,
        "person": person,
        "visit": VisitFactory(household=person.household, caseworker=cast["dinsos_caseworker"]),
        "intervention": InterventionFactory(person=person, program__opd=opd("Disnaker")),
        "opd": opd("PUPR"),
        "user": cast["disnaker_caseworker"],
        "program": InterventionFactory(person=person, program__opd=opd("Dinsos")).program,
        "poverty_line": PovertyLine.objects.first(),
        "batch": ImportBatch.objects.create(file_name="p3ke.xlsx", uploaded_by=cast["supervisor"], content=b"x"),
        "reconciliation": Reconciliation.objects.create(source="dtsen", as_of="2026-10-01"),
        "referral": assessment_record(
            household=person.household, actor=cast["dinsos_caseworker"], needs=[("no_work", person, "")]
        )[1][0],
        "proposal": GraduationProposal.objects.create(
            household=person.household, basis="expenditure", proposed_by=cast["dinsos_caseworker"]
        ),
        "dtsen_proposal": dtsen_propose(
            household=person.household,
            actor=cast["dinsos_caseworker"],
            kind="change",
            reason="identity",
            description="NIK kepala keluarga salah satu angka",
        ),
        "approved_proposal": approved_proposal(cast),
        "entered_proposal": approved_proposal(cast, entered=True),
        "rule": ResponsibilityRule.objects.get(need="no_work"),
        "quarter": made_quarter(cast["supervisor"]),
        "job": finished_job(cast["disnaker_caseworker"]),
        "api_token": token_issue(actor=cast["admin"], name="SIMPUS", opd=opd("Disnaker"), scope="read")[0],
    }


def approved_proposal(cast, *, entered: bool = False) -> DtsenProposal:
    """A DTSEN proposal of another family, agreed by its meeting and approved (and typed into SIKS-NG)."""
    proposal = dtsen_propose(
        household=PersonFactory().household,
        actor=cast["dinsos_caseworker"],
        kind="change",
        reason="moved",
        description="Pindah RT",
    )
    dtsen_record_muskel(
        proposal=proposal,
        actor=cast["dinsos_caseworker"],
        held_on=timezone.localdate(),
        minutes_number="BA-1",
        attendees=9,
        agreed=True,
    )
    proposal = dtsen_decide(proposal=proposal, actor=cast["supervisor"], approve=True, note="Sesuai")
    return dtsen_mark_entered(proposal=proposal, actor=cast["supervisor"]) if entered else proposal


def finished_job(owner) -> Job:
    """A finished export with its file, as the worker leaves it."""
    job = Job.objects.create(owner=owner, kind="export_registry", title="Registri (CSV)", status=Job.Status.DONE)
    with files.publishing(job, "csv") as (path, written):
        path.write_text("id_rumah_tangga\n1\n")
        written.rows = 1
    job_publish(job, written, "registri.csv")
    return job


def made_quarter(supervisor) -> tuple[int, int]:
    """The last quarter, its report made: (year, quarter), the two parts of its URLs."""
    quarter = Quarter.of(timezone.localdate()).previous()
    quarterly_report(quarter=quarter, actor=supervisor)
    return (quarter.year, quarter.number)


def url_for(name: str, target: str | None, objects) -> str:
    if target is None:
        return reverse(name)
    value = objects[target]
    return reverse(name, args=value if isinstance(value, tuple) else [value.pk])


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "target", "get", "post"), URLS, ids=[u[0] for u in URLS])
def test_permission_matrix(client_as, objects, role, name, target, get, post):
    client = client_as(role)
    url = url_for(name, target, objects)
    for method, expected in (("get", get), ("post", post)):
        response = getattr(client, method)(url)
        if role == "anonymous":
            assert response.status_code == 302, (method, url)
            assert response.url.startswith(reverse("accounts:login"))
        else:
            assert response.status_code == expected[role], (method, url, role)


@pytest.mark.parametrize("role", ROLES[1:])
@pytest.mark.parametrize(
    ("name", "get", "post"), [(u[0], u[2], u[3]) for u in URLS if u[1]], ids=[u[0] for u in URLS if u[1]]
)
def test_guessed_ids_answer_404_to_those_who_may_use_the_page(client_as, role, name, get, post):
    """A made-up id tells nothing: 404 for whoever may use the page, the usual refusal for others."""
    client = client_as(role)
    url = reverse(name, args=[987654, 1] if name.startswith("dashboard:quarterly") else [987654])
    method = "get" if get[role] != 405 else "post"
    expected = get[role] if method == "get" else post[role]
    response = getattr(client, method)(url)
    if expected in (200, 302):
        assert response.status_code == 404
    else:  # refused either way: by role before the lookup (403) or because there is nothing (404)
        assert response.status_code in (404, expected)


def test_refused_post_changes_nothing(client_as, objects):
    intervention = objects["intervention"]
    response = client_as("dinsos_caseworker").post(
        reverse("interventions:status", args=[intervention.pk]), {"status": "cancelled", "cancel_reason": "iseng"}
    )
    assert response.status_code == 403
    intervention.refresh_from_db()
    assert intervention.status == "planned"
