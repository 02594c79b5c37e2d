"""Field work without signal (issue 17), on a 360 px phone in Debian's Chromium: the caseload taken onto the
phone, entries recorded offline (`context.set_offline(True)`), the page reloaded without signal, and the entries
sent when the signal returns — each applied once, a stale one kept as a conflict with both versions, a refused
one kept and shown, everything wiped on sign-out, on deactivation and after its keeping date.

These tests need the server part of the contract (notes: OFFLINE_CONTRACT.md): the caseload endpoint
`GET /api/v1/offline/caseload/`, `POST /api/v1/assessments/` and the `X-Recorded-Offline-At` provenance.
"""

import datetime
import re
import tempfile
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from audit.models import ChangeLog
from coordination.models import Assessment
from households.models import Household, Visit
from interventions.models import Intervention, Program
from interventions.services import intervention_transition
from tests.browser.conftest import PHONE, screenshot, sign_in
from tests.browser.test_accessibility import SMALL_TARGETS, axe_problems
from tests.factories import opd

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "demo-palangka"
OPEN = [Intervention.Status.PLANNED, Intervention.Status.IN_PROGRESS]
# The closing note's screenshots (also under test-artifacts/ with the others).
SHOTS = Path(tempfile.gettempdir()) / "offline-shots"
# What the phone keeps: the database, and the stored app shell.
STORED = """async () => ({
  databases: (await indexedDB.databases()).map(db => db.name),
  caches: await caches.keys(),
})"""
# The service worker controls the page and has stored the field page for use without signal.
SHELL_READY = """async () => {
  if (!navigator.serviceWorker.controller) return false;
  for (const name of await caches.keys()) {
    if (await (await caches.open(name)).match('/offline/')) return true;
  }
  return false;
}"""


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    screenshot(page, f"offline-{name}")


def open_field_page(page) -> None:
    page.goto("/my-work/")
    page.get_by_role("link", name="Bawa ke lapangan (offline)").click()
    page.wait_for_url("**/offline/")
    expect(page.locator("[data-offline-app][data-ready=yes]")).to_be_attached()


def take_kelurahan(page, name: str = "Kameloh Baru") -> None:
    page.get_by_label("Satu kelurahan").check()
    page.get_by_label("Kelurahan", exact=True).select_option(label=name)
    page.get_by_role("button", name="Bawa ke ponsel").click()
    expect(page.get_by_test_id("carried-summary")).to_contain_text("rumah tangga di ponsel ini sejak")
    # Ready for no signal: the service worker controls the page (it claims it once active) and holds the shell.
    page.wait_for_function(SHELL_READY, polling=200, timeout=15_000)


def open_household(page, household: Household) -> None:
    page.get_by_label("Cari nama kepala keluarga atau alamat").fill(household.head_name)
    page.locator(f"a[href='#/rumah/{household.pk}']").click()
    expect(page.get_by_role("heading", level=2, name=household.head_name)).to_be_visible()


def go_offline(page) -> None:
    page.context.set_offline(True)
    expect(page.locator("[data-net-badge]")).to_have_text("Tanpa sinyal")


def go_online(page) -> None:
    page.context.set_offline(False)
    expect(page.locator("[data-net-badge]")).to_have_text("Ada sinyal")


def sign_out(page) -> None:
    menu = page.get_by_role("button", name="Petugas Dinsos · Dinsos")
    if not menu.is_visible():
        page.get_by_role("button", name="Buka menu").click()
        page.locator("#mainnav.collapse.show").wait_for()
    menu.click()
    page.get_by_role("button", name="Keluar").click()


def kameloh_household() -> Household:
    return Household.objects.filter(kelurahan__name="Kameloh Baru", archived_at__isnull=True).order_by("id").first()


def planned_intervention(opd_name: str, statuses=OPEN, kelurahan: str = "Kameloh Baru") -> Intervention:
    return (
        Intervention.objects.filter(
            household__kelurahan__name=kelurahan,
            program__opd__short_name=opd_name,
            status__in=statuses,
            household__archived_at__isnull=True,
        )
        .select_related("household", "program", "person")
        .order_by("id")
        .first()
    )


def record_delivery_of(page, intervention: Intervention, amount: str = "") -> None:
    page.get_by_role("link", name="Catat penyaluran").click()
    expect(page.get_by_role("heading", name="Catat penyaluran")).to_be_visible()
    page.locator(f"#delivery-iv-{intervention.pk}").check()
    if amount:
        page.get_by_label("Nilai tersalurkan (Rp, tidak wajib)").fill(amount)
    page.get_by_role("button", name="Simpan di ponsel").click()
    expect(page.get_by_text("Disimpan di ponsel.")).to_be_visible()


def test_visit_assessment_and_delivery_recorded_offline_land_once_after_a_reload_and_a_lost_answer(demo, new_page):
    target = planned_intervention("Dinsos")
    household = target.household
    member = household.members.filter(status="active").order_by("id").first()
    visits_before = household.visits.count()
    page = new_page(PHONE)
    sign_in(page, "dinsos", PASSWORD)
    open_field_page(page)
    assert axe_problems(page) == []
    take_kelurahan(page)
    expect(page.get_by_test_id("carried-summary")).to_contain_text(
        f"{Household.objects.filter(kelurahan__name='Kameloh Baru').count()} rumah tangga"
    )

    go_offline(page)
    open_household(page, household)
    # A visit with a follow-up date.
    page.get_by_role("link", name="Catat kunjungan").click()
    page.get_by_label("Tujuan").select_option(label="Pemantauan")
    page.get_by_label("Temuan").fill("Atap bocor, anak sudah sekolah lagi.")
    page.get_by_label("Tindak lanjut berikutnya (tidak wajib)").fill(
        (timezone.localdate() + datetime.timedelta(days=14)).isoformat()
    )
    page.get_by_role("button", name="Simpan di ponsel").click()
    expect(page.get_by_text("Disimpan di ponsel.")).to_be_visible()
    # A needs assessment: one household need, one of a member.
    page.get_by_role("link", name="Asesmen kebutuhan").click()
    page.get_by_role("checkbox", name="Tidak ada air bersih").check()
    page.get_by_label("Catatan: Tidak ada air bersih").fill("Air sungai")
    page.locator(f"#need-no_documents\\:{member.pk}").check()
    page.get_by_role("button", name="Simpan di ponsel").click()
    expect(page.get_by_text("Disimpan di ponsel.")).to_be_visible()
    # The delivery of the planned intervention of the caseworker's own OPD.
    record_delivery_of(page, target, amount="600000")

    # Reloaded without signal: the service worker serves the page, the entries are still on the phone.
    page.reload()
    expect(page.locator("[data-offline-app][data-ready=yes]")).to_be_attached()
    page.goto("/offline/#/")
    expect(page.get_by_test_id("queue-summary")).to_have_text("3 catatan menunggu dikirim")
    assert page.get_by_test_id("queue-list").locator("li").count() == 3
    # Any other page asked for without signal: the field page answers, under its own address.
    page.goto("/my-work/")
    expect(page.locator("[data-offline-app][data-ready=yes]")).to_be_attached()
    expect(page).to_have_url(re.compile(r"/offline/$"))
    expect(page.get_by_test_id("queue-summary")).to_have_text("3 catatan menunggu dikirim")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.evaluate(SMALL_TARGETS) == []
    shot(page, "queue-360")
    assert household.visits.count() == visits_before  # nothing has left the phone

    # The answer to the first send is lost on the way back (the server has applied it).
    lost = []

    def lose_answer(route):
        if not lost:
            lost.append(route.fetch())
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route("**/api/v1/visits/", lose_answer)
    go_online(page)
    expect(page.get_by_test_id("sync-status")).to_contain_text("Server tidak terjangkau")
    assert lost and lost[0].status == 201
    assert household.visits.count() == visits_before + 1
    expect(page.get_by_test_id("queue-summary")).to_have_text("3 catatan menunggu dikirim")
    # Sent again (same Idempotency-Key): the server recognises it; then the other two go.
    page.get_by_role("button", name="Kirim sekarang").click()
    expect(page.get_by_test_id("sync-status")).to_have_text("Semua catatan terkirim.")
    expect(page.get_by_test_id("queue-summary")).to_have_text("Tidak ada catatan yang menunggu dikirim.")
    page.get_by_role("button", name="Kirim sekarang").click(force=True)  # nothing left to send: disabled

    # Each exactly once on the case file.
    assert household.visits.count() == visits_before + 1
    visit = household.visits.get(findings="Atap bocor, anak sudah sekolah lagi.")
    assert visit.next_follow_up_on == timezone.localdate() + datetime.timedelta(days=14)
    assessment = Assessment.objects.get(household=household, assessed_by__username="dinsos")
    assert sorted((r.need, r.person_id) for r in assessment.referrals.all()) == sorted(
        [("no_clean_water", None), ("no_documents", member.pk)]
    )
    target.refresh_from_db()
    assert target.status == Intervention.Status.DELIVERED and target.amount == 600000
    # Where it came from, on the change log: recorded offline at, sent at (the server part's provenance).
    assert ChangeLog.objects.for_object(visit).get().source.startswith("offline · dicatat")
    page.goto(f"/households/{household.pk}/")
    expect(page.get_by_test_id(f"visit-{visit.pk}")).to_contain_text("Atap bocor, anak sudah sekolah lagi.")


def test_a_delivery_of_an_intervention_a_supervisor_changed_meanwhile_is_a_conflict_with_both_versions(demo, new_page):
    target = planned_intervention("Dinsos", statuses=[Intervention.Status.PLANNED])
    base_version = target.version
    page = new_page(PHONE)
    sign_in(page, "dinsos", PASSWORD)
    open_field_page(page)
    take_kelurahan(page)
    go_offline(page)
    open_household(page, target.household)
    record_delivery_of(page, target, amount="600000")

    # Meanwhile, at the office, the supervisor moves the same intervention on.
    intervention_transition(
        intervention=target,
        status=Intervention.Status.IN_PROGRESS,
        actor=User.objects.get(username="supervisor"),
        expected_version=base_version,
    )
    target.refresh_from_db()
    assert target.version == base_version + 1

    go_online(page)
    expect(page.get_by_test_id("queue-summary")).to_contain_text("1 catatan perlu diperiksa")
    page.get_by_role("link", name="Periksa").first.click()
    problem = page.get_by_test_id("entry-problem")
    expect(problem).to_contain_text("sudah diubah")
    compare = page.get_by_test_id("entry-compare")
    expect(compare).to_be_visible()
    status_row = compare.locator("tr", has=page.get_by_role("rowheader", name="Status", exact=True))
    expect(status_row).to_contain_text("Tersalurkan")  # the phone's
    expect(status_row).to_contain_text("Sedang berjalan")  # the server's
    version_row = compare.locator("tr", has=page.get_by_role("rowheader", name="Versi", exact=True))
    expect(version_row).to_contain_text(str(base_version))
    expect(version_row).to_contain_text(str(base_version + 1))
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert axe_problems(page) == []
    assert page.evaluate(SMALL_TARGETS) == []
    shot(page, "conflict-360")
    # Nothing was overwritten: the supervisor's change stands.
    target.refresh_from_db()
    assert target.status == Intervention.Status.IN_PROGRESS

    # The caseworker has seen both and sends it on the newest version: both changes are in the history.
    page.get_by_role("button", name="Kirim ulang dengan versi terbaru").click()
    expect(page.locator("#entry-state")).to_contain_text("Terkirim")
    target.refresh_from_db()
    assert target.status == Intervention.Status.DELIVERED and target.version == base_version + 2
    history = list(ChangeLog.objects.for_object(target).select_related("actor").order_by("id"))[-2:]
    assert [change.actor.username for change in history] == ["supervisor", "dinsos"]
    assert all("status" in change.changes for change in history)


def test_a_delivery_of_an_intervention_cancelled_meanwhile_is_said_plainly_and_can_become_a_new_delivery(
    demo, new_page
):
    target = planned_intervention("Dinsos", statuses=[Intervention.Status.PLANNED])
    household = target.household
    page = new_page(PHONE)
    sign_in(page, "dinsos", PASSWORD)
    open_field_page(page)
    take_kelurahan(page)
    go_offline(page)
    open_household(page, household)
    record_delivery_of(page, target, amount="250000")
    # Meanwhile, at the office, the supervisor cancels it.
    intervention_transition(
        intervention=target,
        status=Intervention.Status.CANCELLED,
        actor=User.objects.get(username="supervisor"),
        cancel_reason="Penerima pindah domisili.",
    )

    go_online(page)
    # The green "sent when there is signal" gives way to the conflict.
    notice = page.locator("#offline-notice")
    expect(notice).to_contain_text("perlu diperiksa")
    expect(notice).not_to_contain_text("Dikirim otomatis")
    # The phone's copy of the household now knows it is closed: it is no longer offered for a delivery.
    page.get_by_role("link", name="Catat penyaluran").click()
    expect(page.get_by_role("heading", name="Catat penyaluran")).to_be_visible()
    expect(page.locator(f"#delivery-iv-{target.pk}")).to_have_count(0)
    page.go_back()
    page.get_by_test_id("hh-entries").get_by_role("link", name="Periksa").click()
    problem = page.get_by_test_id("entry-problem")
    expect(problem).to_contain_text("Intervensi ini sudah dibatalkan di server pada")
    expect(problem).to_contain_text("Penerima pindah domisili.")
    expect(problem).not_to_contain_text("versi terbaru")
    expect(page.get_by_role("button", name="Kirim ulang dengan versi terbaru")).to_be_hidden()
    expect(page.get_by_role("link", name="Ubah")).to_be_hidden()
    expect(page.get_by_role("button", name="Buang")).to_be_visible()

    before = Intervention.objects.filter(household=household, program=target.program).count()
    page.get_by_role("button", name="Catat sebagai penyaluran baru").click()
    expect(page.locator("#entry-state")).to_contain_text("Terkirim")
    target.refresh_from_db()
    assert target.status == Intervention.Status.CANCELLED
    created = Intervention.objects.filter(household=household, program=target.program).exclude(pk=target.pk)
    assert created.count() == before  # one more besides the cancelled one
    new = created.order_by("-id").first()
    assert new.status == Intervention.Status.DELIVERED and new.person_id == target.person_id
    assert new.amount == 250000 and new.delivered_on == timezone.localdate()


def test_taking_another_kelurahan_asks_first_and_keeps_unsent_entries(demo, new_page):
    household = kameloh_household()
    carried = Household.objects.filter(kelurahan__name="Kameloh Baru").count()
    page = new_page(PHONE)
    sign_in(page, "dinsos", PASSWORD)
    open_field_page(page)
    take_kelurahan(page)
    go_offline(page)
    open_household(page, household)
    page.get_by_role("link", name="Tambah catatan").click()
    expect(page.get_by_role("heading", name="Tambah catatan")).to_be_visible()
    # Spaces only: refused on the page, beside the field.
    page.get_by_label("Catatan", exact=True).fill("   ")
    page.get_by_role("button", name="Simpan di ponsel").click()
    expect(page.locator("#note-text-error")).to_have_text("Catatan tidak boleh kosong atau hanya spasi.")
    # Empty: the browser's bubble, and a message beside the field too.
    page.get_by_label("Catatan", exact=True).fill("")
    page.get_by_role("button", name="Simpan di ponsel").click()
    expect(page.locator("#note-text-error")).to_have_text("Isian ini wajib diisi.")
    assert page.get_by_label("Catatan", exact=True).get_attribute("required") is not None
    page.get_by_label("Catatan", exact=True).fill("Ibu sedang ke ladang.")
    expect(page.locator("#note-text-error")).to_have_count(0)
    page.get_by_role("button", name="Simpan di ponsel").click()
    expect(page.get_by_text("Disimpan di ponsel.")).to_be_visible()
    # Editing it: the title says so.
    page.get_by_test_id("hh-entries").get_by_role("link", name="Lihat atau ubah").click()
    page.get_by_role("link", name="Ubah").click()
    expect(page.get_by_role("heading", name="Ubah catatan")).to_be_visible()
    page.goto("/offline/#/")

    page.route("**/offline/session/", lambda route: route.abort())  # keep the note unsent for this test
    go_online(page)
    page.get_by_label("Kelurahan", exact=True).select_option(label="Menteng")
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name="Bawa ke ponsel").click()
    expect(page.get_by_test_id("carried-summary")).to_contain_text("(Kameloh Baru)")
    assert asked and f"{carried} rumah tangga" in asked[0] and "1 catatan yang belum terkirim" in asked[0]
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Bawa ke ponsel").click()
    expect(page.get_by_test_id("carried-summary")).to_contain_text("(Menteng)")
    expect(page.get_by_test_id("queue-summary")).to_have_text("1 catatan menunggu dikirim")


def test_an_entry_for_another_opds_programme_is_refused_and_kept_until_discarded(demo, new_page):
    household = kameloh_household()
    program = Program.objects.get(name="Pendaftaran PBI-JK (BPJS Kesehatan)")
    page = new_page(PHONE)
    sign_in(page, "dinsos", PASSWORD)
    open_field_page(page)
    take_kelurahan(page)
    go_offline(page)
    open_household(page, household)
    page.get_by_role("link", name="Catat penyaluran").click()
    page.get_by_label("Program OPD saya yang belum direncanakan").check()
    page.get_by_label("Program", exact=True).select_option(label=program.name)
    page.get_by_label("Penerima").select_option(index=0)
    page.get_by_role("button", name="Simpan di ponsel").click()
    expect(page.get_by_text("Disimpan di ponsel.")).to_be_visible()
    # While the phone is in the field, the programme is handed to another OPD.
    Program.objects.filter(pk=program.pk).update(opd=opd("Disnaker"))

    interventions_before = Intervention.objects.filter(household=household).count()
    go_online(page)
    page.goto("/offline/#/")
    expect(page.get_by_test_id("queue-summary")).to_contain_text("1 catatan perlu diperiksa")
    expect(page.get_by_test_id("queue-list")).to_contain_text("OPD lain")
    page.get_by_role("link", name="Periksa").first.click()
    expect(page.get_by_test_id("entry-problem")).to_contain_text("OPD lain")
    assert Intervention.objects.filter(household=household).count() == interventions_before
    # Still on the phone after a reload; discarded only on purpose, after confirming.
    page.reload()
    expect(page.get_by_test_id("entry-problem")).to_contain_text("OPD lain")
    page.get_by_role("button", name="Buang").click()
    page.get_by_role("button", name="Batal").click()
    expect(page.get_by_test_id("entry-problem")).to_be_visible()
    page.get_by_role("button", name="Buang").click()
    page.get_by_role("button", name="Ya, buang").click()
    expect(page.get_by_text("Catatan dibuang.")).to_be_visible()
    page.goto("/offline/#/")
    expect(page.get_by_test_id("queue-summary")).to_have_text("Tidak ada catatan yang menunggu dikirim.")


def test_an_entry_edited_after_a_send_whose_answer_was_lost_keeps_both_versions(demo, new_page):
    """The first send reached the server but its answer did not come back; the caseworker then edited the entry.
    The phone asks again with the first key: the server has that version, so the edit is not sent as if it were
    the same entry (which would be refused, or lost). Both versions are shown; the edit goes as a new record."""
    household = kameloh_household()
    visits_before = household.visits.count()
    page = new_page(PHONE)
    sign_in(page, "dinsos", PASSWORD)
    open_field_page(page)
    take_kelurahan(page)
    go_offline(page)
    open_household(page, household)
    page.get_by_role("link", name="Catat kunjungan").click()
    page.get_by_label("Tujuan").select_option(label="Pemantauan")
    page.get_by_label("Temuan").fill("Versi pertama.")
    page.get_by_role("button", name="Simpan di ponsel").click()
    expect(page.get_by_text("Disimpan di ponsel.")).to_be_visible()

    def lose_answer(route):
        route.fetch()
        route.abort("connectionreset")

    page.route("**/api/v1/visits/", lose_answer)
    go_online(page)
    expect(page.get_by_test_id("sync-status")).to_contain_text("Server tidak terjangkau")
    page.unroute("**/api/v1/visits/")
    assert household.visits.count() == visits_before + 1

    # Edited while the first send's fate is unknown to the phone.
    go_offline(page)
    page.get_by_test_id("hh-entries").get_by_role("link", name="Lihat atau ubah").click()
    page.get_by_role("link", name="Ubah").click()
    page.get_by_label("Temuan").fill("Versi kedua, diperbaiki.")
    page.get_by_role("button", name="Simpan di ponsel").click()
    expect(page.get_by_text("Perubahan disimpan di ponsel.")).to_be_visible()

    go_online(page)
    page.get_by_test_id("hh-entries").get_by_role("link", name="Periksa").click()
    expect(page.get_by_test_id("entry-problem")).to_contain_text("sudah diterima server")
    findings = page.get_by_test_id("entry-compare").locator("tr", has=page.get_by_role("rowheader", name="Temuan"))
    expect(findings).to_contain_text("Versi kedua, diperbaiki.")
    expect(findings).to_contain_text("Versi pertama.")
    assert household.visits.count() == visits_before + 1

    page.get_by_role("button", name="Kirim perubahan sebagai catatan baru").click()
    expect(page.locator("#entry-state")).to_contain_text("Terkirim")
    assert sorted(household.visits.filter(findings__startswith="Versi").values_list("findings", flat=True)) == [
        "Versi kedua, diperbaiki.",
        "Versi pertama.",
    ]


def test_a_delivery_refused_as_already_given_in_its_period_is_recorded_once_confirmed(demo, new_page):
    given = (
        Intervention.objects.filter(
            household__kelurahan__name="Kameloh Baru",
            program__name="Pendaftaran PBI-JK (BPJS Kesehatan)",
            person__isnull=False,
            household__archived_at__isnull=True,
        )
        .exclude(status=Intervention.Status.CANCELLED)
        .select_related("person", "household")
        .first()
    )
    before = Intervention.objects.filter(person=given.person, program=given.program).count()
    page = new_page(PHONE)
    sign_in(page, "dinsos", PASSWORD)
    open_field_page(page)
    take_kelurahan(page)
    go_offline(page)
    open_household(page, given.household)
    page.get_by_role("link", name="Catat penyaluran").click()
    page.get_by_label("Program OPD saya yang belum direncanakan").check()
    page.get_by_label("Program", exact=True).select_option(label=given.program.name)
    page.get_by_label("Penerima").select_option(label=given.person.full_name)
    page.get_by_role("button", name="Simpan di ponsel").click()
    expect(page.get_by_text("Disimpan di ponsel.")).to_be_visible()

    go_online(page)
    page.get_by_test_id("hh-entries").get_by_role("link", name="Periksa").click()
    expect(page.get_by_test_id("entry-problem")).to_contain_text("sudah pernah dicatat")
    assert Intervention.objects.filter(person=given.person, program=given.program).count() == before
    page.get_by_role("button", name="Kirim ulang: catat walaupun sudah ada pada periode ini").click()
    expect(page.locator("#entry-state")).to_contain_text("Terkirim")
    assert Intervention.objects.filter(person=given.person, program=given.program).count() == before + 1


def test_signing_out_wipes_the_caseload_and_the_stored_shell_after_warning_of_unsent_entries(demo, new_page):
    household = kameloh_household()
    page = new_page(PHONE)
    sign_in(page, "dinsos", PASSWORD)
    open_field_page(page)
    take_kelurahan(page)
    go_offline(page)
    open_household(page, household)
    page.get_by_role("link", name="Tambah catatan").click()
    page.get_by_label("Catatan", exact=True).fill("Keluarga pindah sementara ke rumah orang tua.")
    page.get_by_role("button", name="Simpan di ponsel").click()
    expect(page.get_by_text("Disimpan di ponsel.")).to_be_visible()
    stored = page.evaluate(STORED)
    assert stored["databases"] == ["pkr-offline"] and stored["caches"]

    # Without signal the sign-out cannot reach the server: it is put off, and nothing on the phone is wiped.
    with page.expect_event("dialog") as told:
        page.once("dialog", lambda dialog: dialog.accept())
        sign_out(page)
    assert "Tidak ada sinyal" in told.value.message
    expect(page.locator("[data-offline-app][data-ready=yes]")).to_be_attached()
    assert page.evaluate(STORED) == stored

    # Signing out asks first: the note has not been sent. "Stay" keeps everything.
    page.route("**/offline/session/", lambda route: route.abort())  # keep the note unsent for this test
    page.context.set_offline(False)
    page.once("dialog", lambda dialog: dialog.dismiss())
    with page.expect_event("dialog") as asked:
        sign_out(page)
    assert "belum terkirim" in asked.value.message
    expect(page.locator("[data-offline-app][data-ready=yes]")).to_be_attached()  # stayed
    assert page.evaluate(STORED)["databases"] == ["pkr-offline"]

    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation(url="**/accounts/login/"):
        sign_out(page)
    expect(page.get_by_role("button", name="Masuk")).to_be_visible()
    stored = page.evaluate(STORED)
    assert stored == {"databases": [], "caches": []}
    assert page.evaluate("async () => (await navigator.serviceWorker.getRegistrations()).length") == 0
    assert not Visit.objects.filter(findings__startswith="Keluarga pindah sementara").exists()


def test_the_sign_out_answer_alone_clears_the_browser(demo, new_page):
    """Clear-Site-Data from the server, without the page's script (say it failed): the same empty browser."""
    page = new_page(PHONE)
    sign_in(page, "dinsos", PASSWORD)
    open_field_page(page)
    take_kelurahan(page)
    assert page.evaluate(STORED)["databases"] == ["pkr-offline"]
    with page.expect_navigation(url="**/accounts/login/"):
        page.evaluate(
            """() => {
              const form = document.querySelector('form[data-sign-out]');
              form.dataset.wiped = 'yes';  // the script steps aside
              HTMLFormElement.prototype.submit.call(form);
            }"""
        )
    expect(page.get_by_role("button", name="Masuk")).to_be_visible()
    assert page.evaluate(STORED) == {"databases": [], "caches": []}
    assert page.evaluate("async () => (await navigator.serviceWorker.getRegistrations()).length") == 0


def test_a_deactivated_account_finds_its_phone_wiped_at_the_next_contact(demo, new_page):
    household = kameloh_household()
    page = new_page(PHONE)
    sign_in(page, "dinsos", PASSWORD)
    open_field_page(page)
    take_kelurahan(page)
    go_offline(page)
    open_household(page, household)
    page.get_by_role("link", name="Tambah catatan").click()
    page.get_by_label("Catatan", exact=True).fill("Catatan dari akun yang dinonaktifkan.")
    page.get_by_role("button", name="Simpan di ponsel").click()
    expect(page.get_by_text("Disimpan di ponsel.")).to_be_visible()
    User.objects.filter(username="dinsos").update(is_active=False)

    go_online(page)
    expect(page.get_by_text("Semua data lapangan dihapus dari ponsel ini.")).to_be_visible()
    assert page.evaluate(STORED) == {"databases": [], "caches": []}
    assert not Visit.objects.filter(findings__startswith="Catatan dari akun").exists()


def test_an_ended_session_keeps_the_entries_until_the_caseworker_signs_in_again(demo, new_page):
    household = kameloh_household()
    page = new_page(PHONE)
    sign_in(page, "dinsos", PASSWORD)
    open_field_page(page)
    take_kelurahan(page)
    go_offline(page)
    open_household(page, household)
    page.get_by_role("link", name="Tambah catatan").click()
    page.get_by_label("Catatan", exact=True).fill("Dicatat saat sesi sudah habis.")
    page.get_by_role("button", name="Simpan di ponsel").click()
    expect(page.get_by_text("Disimpan di ponsel.")).to_be_visible()
    page.context.clear_cookies()  # 30 minutes idle: the session is over

    go_online(page)
    expect(page.get_by_text("Sesi Anda sudah berakhir.")).to_be_visible()
    page.goto("/offline/#/")
    expect(page.get_by_test_id("queue-summary")).to_have_text("1 catatan menunggu dikirim")
    page.goto("/accounts/login/?next=/offline/")
    page.get_by_label("Nama pengguna").fill("dinsos")
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url("**/offline/")
    expect(page.get_by_test_id("sync-status")).to_have_text("Semua catatan terkirim.")
    assert Visit.objects.filter(household=household, findings="Dicatat saat sesi sudah habis.").count() == 1


def test_past_its_keeping_date_the_caseload_leaves_the_phone(demo, new_page):
    page = new_page(PHONE)
    sign_in(page, "dinsos", PASSWORD)
    open_field_page(page)
    take_kelurahan(page)
    page.evaluate(
        """() => new Promise(resolve => {
          const open = indexedDB.open('pkr-offline');
          open.onsuccess = () => {
            const tx = open.result.transaction('meta', 'readwrite');
            const meta = tx.objectStore('meta');
            meta.get('caseload').onsuccess = event => {
              const value = event.target.result;
              value.expires_at = new Date(Date.now() - 60000).toISOString();
              meta.put(value);
            };
            tx.oncomplete = () => { open.result.close(); resolve(); };
          };
        })"""
    )
    page.reload()
    expect(page.get_by_text("sudah lewat masa simpannya")).to_be_visible()
    expect(page.get_by_test_id("carried-summary")).to_have_text("Belum ada data rumah tangga di ponsel ini.")
    count = page.evaluate(
        """() => new Promise(resolve => {
          const open = indexedDB.open('pkr-offline');
          open.onsuccess = () => {
            const request = open.result.transaction('households').objectStore('households').count();
            request.onsuccess = () => { open.result.close(); resolve(request.result); };
          };
        })"""
    )
    assert count == 0


def test_the_field_app_is_installable(demo, new_page):
    page = new_page(PHONE)
    sign_in(page, "dinsos", PASSWORD)
    open_field_page(page)
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=15_000)
    cdp = page.context.new_cdp_session(page)
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["errors"] == []
    problems = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    # Playwright's contexts are incognito windows, where nothing installs; nothing else stands in the way.
    assert [problem["errorId"] for problem in problems if problem["errorId"] != "in-incognito"] == []
