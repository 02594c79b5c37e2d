"""A reconciliation decision "Usulkan perbaikan" opens the household's DTSEN proposal (issue 15, items 3 and 4), or
links to the one it has open; a refused file row without a household cannot be proposed from the page."""

import pytest
from django.urls import reverse

from audit.models import ChangeLog
from coordination.models import DtsenProposal
from coordination.services import dtsen_propose
from core.errors import DomainError
from imports.models import Bucket, ReconciliationDecision
from imports.reconcile import reconciliation_decide
from tests.imports.test_reconcile import household, import_two_lists, queries, start_from_batch_page
from tests.pageforms import page_forms

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_lists(client_as, supervisor):
    return import_two_lists(client_as, supervisor)


def row_form(client, reconciliation, bucket: str, key: str | None = None):
    """The decision form of the one row (or the row with this key) the page shows for a bucket."""
    page = client.get(reverse("imports:reconciliation", args=[reconciliation.pk]), {"bucket": bucket})
    forms = [
        form
        for form in page_forms(page)
        if form.method == "post" and "decision" in form.names() and (key is None or dict(form.data())["key"] == key)
    ]
    assert len(forms) == 1, forms
    return forms[0]


def options(form, name: str = "proposal") -> tuple[list[str], list[str]]:
    """(every option, the selected ones) of a select on the page."""
    (control,) = [control for control in form.controls if control.name == name]
    return [value for value, _selected in control.options], [value for value, selected in control.options if selected]


def test_proposing_a_correction_of_a_family_that_left_desil_1_opens_a_change_proposal(two_lists, cast):
    client, batch = two_lists
    reconciliation = start_from_batch_page(client, batch)
    left = reconciliation.rows.get(bucket=Bucket.LEFT)
    url = reverse("imports:reconciliation", args=[reconciliation.pk])
    form = row_form(client, reconciliation, "left")
    offered, chosen = options(form)
    assert chosen == ["change:circumstances"]  # from the bucket
    assert {"change:identity", "removal:moved", "removal:died"} <= set(offered) and "new:not_listed" not in offered
    form["decision"] = "propose"
    form["reason"] = "Kepala keluarga sakit menahun sejak Agustus; penghasilan hilang"
    answer = form.submit(client, follow=True)

    proposal = DtsenProposal.objects.get()
    assert f"Keputusan dicatat; usulan DTSEN #{proposal.pk} dibuka" in answer.text
    assert (proposal.household_id, proposal.kind, proposal.reason, proposal.state) == (
        left.household_id,
        "change",
        "circumstances",
        "submitted",
    )
    assert proposal.description.startswith("Kepala keluarga sakit menahun sejak Agustus")
    assert "DTSEN per 01/10/2026" in proposal.description and "Keluar dari desil 1" in proposal.description
    decision = ReconciliationDecision.objects.get()
    assert (decision.decision, decision.proposal) == ("propose", proposal)
    # The proposal's own "create" entry, in the case history, by the supervisor who decided.
    (entry,) = ChangeLog.objects.for_case(left.household_id).filter(
        content_type__model="dtsenproposal", object_id=proposal.pk
    )
    assert (entry.action, entry.actor) == ("create", cast["supervisor"])

    # The row says which proposal, linked to its page; the page reads no more queries for it.
    page = client.get(url, {"bucket": "left"}).text
    link = reverse("coordination:proposal", args=[proposal.pk])
    assert f'href="{link}" data-testid="proposal"' in page and f"Usulan #{proposal.pk}" in page
    assert queries(client, url) == 10
    assert client.get(link).status_code == 200


def test_a_household_with_an_open_proposal_is_linked_to_it_not_proposed_twice(two_lists):
    """Family 4 is both "missing" and "mismatch" (its October row was refused): proposing on both rows gives one
    proposal, linked from both."""
    client, batch = two_lists
    reconciliation = start_from_batch_page(client, batch)
    four = f"hh-{household(4).pk}"
    form = row_form(client, reconciliation, "missing", key=four)
    form["decision"] = "propose"
    form["proposal"] = "removal:moved"
    form["reason"] = "Perlu dicek: tidak ada di daftar Oktober"
    form.submit(client)
    (proposal,) = DtsenProposal.objects.all()

    form = row_form(client, reconciliation, "mismatch", key=four)
    assert options(form)[1] == ["change:identity"]
    form["decision"] = "propose"
    form["reason"] = "NIK di berkas rusak (angka Excel)"
    form["proposal"] = "change:identity"  # not opened: the open proposal stays what it is
    answer = form.submit(client, follow=True)
    assert f"sudah punya usulan DTSEN yang belum diputuskan (usulan #{proposal.pk})" in answer.text
    assert "tidak dibuka usulan kedua" in answer.text
    assert DtsenProposal.objects.get() == proposal and proposal.reason == "moved"
    assert set(ReconciliationDecision.objects.values_list("bucket", "proposal")) == {
        (Bucket.MISSING, proposal.pk),
        (Bucket.MISMATCH, proposal.pk),
    }
    # The form of a row linked to a proposal shows that proposal's kind and reason.
    assert options(row_form(client, reconciliation, "mismatch", key=four))[1] == ["removal:moved"]


def test_a_missing_family_is_proposed_for_removal_or_a_change_as_the_supervisor_chooses(two_lists):
    client, batch = two_lists
    reconciliation = start_from_batch_page(client, batch)
    missing = reconciliation.rows.get(bucket=Bucket.MISSING)
    form = row_form(client, reconciliation, "missing")
    assert options(form)[1] == [""]  # no default: removal or change, the supervisor knows which
    form["decision"] = "propose"
    form["reason"] = "Keluarga pindah ke Kabupaten Katingan sejak Juni"
    answer = form.submit(client, follow=True)
    assert "Pilih jenis usulan" in answer.text
    assert not DtsenProposal.objects.exists() and not ReconciliationDecision.objects.exists()

    form = row_form(client, reconciliation, "missing")
    form["decision"] = "propose"
    form["reason"] = "Keluarga pindah ke Kabupaten Katingan sejak Juni"
    form["proposal"] = "removal:moved"
    form.submit(client)
    proposal = DtsenProposal.objects.get()
    assert (proposal.household_id, proposal.kind, proposal.reason) == (missing.household_id, "removal", "moved")
    assert "Di registri, tidak ada di daftar" in proposal.description


def test_a_refused_row_without_a_household_cannot_be_proposed_from_the_page(two_lists):
    client, batch = two_lists
    reconciliation = start_from_batch_page(client, batch)
    refused = reconciliation.rows.get(bucket=Bucket.MISMATCH, household__isnull=True)
    page = client.get(reverse("imports:reconciliation", args=[reconciliation.pk]), {"bucket": "mismatch"}).text
    assert "belum punya rumah tangga di registri, jadi perbaikannya tidak dapat diusulkan dari sini" in page
    form = row_form(client, reconciliation, "mismatch", key=refused.key)
    assert "proposal" not in form.names()
    assert [c.disabled for c in form.controls if c.name == "decision" and c.value == "propose"] == [True]
    form.force("decision", "propose")  # sent anyway
    form["reason"] = "Perbaiki NIK"
    answer = form.submit(client, follow=True)
    assert "tidak dapat diusulkan dari sini" in answer.text
    assert not DtsenProposal.objects.exists() and not ReconciliationDecision.objects.exists()


def test_a_mismatch_of_a_household_proposes_an_identity_correction_by_default(two_lists, supervisor):
    client, batch = two_lists
    reconciliation = start_from_batch_page(client, batch)
    moved = f"hh-{household(6).pk}"
    decided = reconciliation_decide(
        reconciliation=reconciliation,
        bucket=Bucket.MISMATCH,
        key=moved,
        decision="propose",
        reason="Alamat dan kelurahan perlu dicek ke Dukcapil",
        actor=supervisor,
    )
    assert decided.opened
    proposal = decided.decision.proposal
    assert (proposal.kind, proposal.reason) == ("change", "identity")


def test_changing_the_decision_away_from_proposing_unlinks_the_proposal_and_leaves_it_open(two_lists, supervisor):
    client, batch = two_lists
    reconciliation = start_from_batch_page(client, batch)
    left = reconciliation.rows.get(bucket=Bucket.LEFT)
    decided = reconciliation_decide(
        reconciliation=reconciliation, bucket=left.bucket, key=left.key, decision="propose", reason="Cek ulang",
        actor=supervisor,
    )  # fmt: skip
    proposal = decided.decision.proposal
    again = reconciliation_decide(
        reconciliation=reconciliation, bucket=left.bucket, key=left.key, decision="keep", reason="Sudah sesuai",
        actor=supervisor,
    )  # fmt: skip
    assert again.decision.pk == decided.decision.pk and again.decision.proposal is None and not again.opened
    proposal.refresh_from_db()
    assert proposal.is_open  # a proposal is decided on its own page, with its Muskel
    logged = ChangeLog.objects.filter(object_id=again.decision.pk, content_type__model="reconciliationdecision")
    assert logged.latest("id").changes["proposal"] == [f"Usulan DTSEN #{proposal.pk}", None]


def test_an_open_proposal_wins_over_the_kind_chosen_and_a_new_family_is_not_proposed_from_a_list(two_lists, supervisor):
    client, batch = two_lists
    reconciliation = start_from_batch_page(client, batch)
    left = reconciliation.rows.get(bucket=Bucket.LEFT)
    dtsen_propose(
        household=left.household, actor=supervisor, kind="change", reason="moved", description="Pindah"
    )  # an open proposal from the case file: linked, whatever is chosen here
    decided = reconciliation_decide(
        reconciliation=reconciliation, bucket=left.bucket, key=left.key, decision="propose", reason="Cek",
        actor=supervisor, proposal_kind="removal", proposal_reason="died",
    )  # fmt: skip
    assert not decided.opened and decided.decision.proposal.reason == "moved"
    with pytest.raises(DomainError, match="perubahan data atau penghapusan"):
        missing = reconciliation.rows.get(bucket=Bucket.MISSING)
        reconciliation_decide(
            reconciliation=reconciliation, bucket=missing.bucket, key=missing.key, decision="propose",
            reason="Cek", actor=supervisor, proposal_kind="new", proposal_reason="not_listed",
        )  # fmt: skip
