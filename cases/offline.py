"""What the field page (`cases:offline`) hands its script: addresses, the need checklist's rules, and the words
its script shows. The page is cached by the service worker and works without signal; everything personal comes
later from the caseload endpoint into the phone's IndexedDB, never into this page."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils.translation import gettext as _

from coordination.models import NEED_SCOPE, Need
from core.dates import EARLIEST, PLANNING_YEARS
from core.errors import STALE_API_ADVICE
from households.models import Kelurahan, Visit

if TYPE_CHECKING:
    from accounts.models import User

# A placeholder id in reversed addresses; the script puts the record's id in its place.
ID = 987654321
# The server refuses an entry recorded offline more than this many days ago (X-Recorded-Offline-At).
SEND_WITHIN_DAYS = 30


def api_root() -> str:
    """/api/v1/ (under the site's script prefix), from a route the API has today."""
    return reverse("api:schema").removesuffix("schema/")


def kelurahan_choices() -> list[tuple[str, list[tuple[int, str]]]]:
    """Kelurahan grouped by kecamatan, for the "take offline" choice."""
    groups: dict[str, list[tuple[int, str]]] = {}
    for kelurahan in Kelurahan.objects.select_related("kecamatan").order_by("kecamatan__name", "name"):
        groups.setdefault(kelurahan.kecamatan.name, []).append((kelurahan.pk, kelurahan.name))
    return list(groups.items())


def page_config(user: User) -> dict[str, Any]:
    api = api_root()
    return {
        "user": {"id": user.pk, "name": user.display_name, "opd": user.opd.short_name if user.opd else ""},
        "urls": {
            "caseload": f"{api}offline/caseload/",
            "visits": f"{api}visits/",
            "assessments": f"{api}assessments/",
            "interventions": f"{api}interventions/",
            "intervention": f"{api}interventions/{ID}/",
            "transition": f"{api}interventions/{ID}/transition/",
            "session": reverse("cases:offline_session"),
            "login": f"{reverse('accounts:login')}?next={reverse('cases:offline')}",
            "case_file": reverse("cases:detail", args=[ID]),
        },
        "id_placeholder": str(ID),
        "earliest": EARLIEST.isoformat(),
        "planning_years": PLANNING_YEARS,
        "send_within_days": SEND_WITHIN_DAYS,
        "purposes": [[value, str(label)] for value, label in Visit.Purpose.choices],
        "note_purpose": Visit.Purpose.OTHER.value,
        # The assessment's checklist, as the page's form offers it (coordination.models.NEED_SCOPE).
        "needs": [
            {
                "code": need.value,
                "label": str(need.label),
                "household": NEED_SCOPE[need].household,
                "min_age": NEED_SCOPE[need].min_age,
                "max_age": NEED_SCOPE[need].max_age,
                "who": str(NEED_SCOPE[need].who),
            }
            for need in Need
        ],
        "text": texts(),
    }


def texts() -> dict[str, str]:
    """The words the script puts on screen. `{name}` is filled in by the script."""
    return {
        "online": _("Tersambung ke server."),
        "offline": _("Tidak ada sinyal. Catatan disimpan di ponsel dan dikirim saat sinyal kembali."),
        "carried": _("{count} rumah tangga di ponsel ini sejak {since}, terhapus otomatis {until}."),
        "carried_scope_mine": _("Kasus saya"),
        "carried_none": _("Belum ada data rumah tangga di ponsel ini."),
        "expired": _("Data rumah tangga di ponsel sudah lewat masa simpannya dan dihapus. Ambil lagi bila perlu."),
        "taking": _("Mengambil data…"),
        "taken": _("{count} rumah tangga disimpan di ponsel ini."),
        "take_needs_signal": _("Ambil data memerlukan sinyal."),
        "take_failed": _("Data tidak bisa diambil: {detail}"),
        "network_failed": _("Server tidak terjangkau. Coba lagi saat sinyal lebih baik."),
        "wiped_caseload": _("Data rumah tangga dihapus dari ponsel ini."),
        "wipe_caseload_confirm": _(
            "Hapus semua data rumah tangga dari ponsel ini? Catatan yang belum terkirim tetap disimpan."
        ),
        "other_account": _("Data lapangan akun lain ada di ponsel ini dan sudah dihapus."),
        "account_ended": _(
            "Akun ini tidak lagi boleh bekerja dengan data kasus. Semua data lapangan dihapus dari ponsel ini."
        ),
        "signed_out": _("Sesi Anda sudah berakhir. Masuk lagi untuk mengirim catatan; semuanya tetap di ponsel."),
        "sign_in": _("Masuk lagi"),
        "too_old": _(
            "{count} catatan lebih dari {days} hari tidak terkirim; server tidak lagi menerimanya, dan catatan itu "
            "dihapus dari ponsel."
        ),
        "queue_pending": _("{count} catatan menunggu dikirim"),
        "queue_conflicts": _("{count} catatan perlu diperiksa"),
        "queue_empty": _("Tidak ada catatan yang menunggu dikirim."),
        "sending": _("Mengirim {done} dari {count}…"),
        "sent_all": _("Semua catatan terkirim."),
        "sent_some": _("{sent} catatan terkirim; {left} belum."),
        "retry_after": _("Server sedang sibuk; dicoba lagi sebentar lagi."),
        "open_entry": _("Lihat atau ubah"),
        "check": _("Periksa"),
        "follow_up_before_visit": _("Tindak lanjut tidak boleh sebelum tanggal kunjungan."),
        "status_queued": _("Menunggu dikirim"),
        "status_sending": _("Sedang dikirim"),
        "status_conflict": _("Perlu diperiksa"),
        "status_sent": _("Terkirim"),
        "kind_visit": _("Kunjungan"),
        "kind_note": _("Catatan"),
        "kind_assessment": _("Asesmen kebutuhan"),
        "kind_delivery": _("Penyaluran"),
        "recorded_at": _("dicatat {when}"),
        "sent_at": _("terkirim {when}"),
        "saved": _("Disimpan di ponsel. Dikirim otomatis saat ada sinyal."),
        "saved_edit": _("Perubahan disimpan di ponsel."),
        "discarded": _("Catatan dibuang."),
        "household_gone": _("Rumah tangga ini tidak ada di data ponsel."),
        "entry_gone": _("Catatan ini tidak ada lagi di ponsel."),
        "no_members": _("Belum ada anggota tercatat."),
        "no_referrals": _("Tidak ada rujukan terbuka."),
        "no_visits": _("Belum ada kunjungan."),
        "no_interventions": _("Tidak ada intervensi terbuka OPD Anda."),
        "no_households": _("Tidak ada rumah tangga yang cocok."),
        "whole_household": _("Seluruh rumah tangga"),
        "need_for_household": _("Kebutuhan rumah tangga"),
        "age_years": _("{age} tahun"),
        "planned_on": _("rencana {date}"),
        "pending_here": _("{count} catatan di ponsel"),
        "tick_one": _("Centang paling sedikit satu kebutuhan."),
        "choose_intervention": _("Pilih intervensi yang disalurkan."),
        "choose_program": _("Pilih program."),
        "conflict_stale": _(
            "Bandingkan kedua versi di bawah, lalu putuskan: kirim ulang dari versi terbaru, ubah, atau buang."
        ),
        "conflict_landed": _(
            "Versi sebelum diubah sudah diterima server (jawabannya sempat tidak sampai ke ponsel). Perubahan Anda "
            "belum terkirim."
        ),
        "side_phone": _("Di ponsel"),
        "side_server": _("Di server sekarang"),
        "field_status": _("Status"),
        "field_version": _("Versi"),
        "field_delivered_on": _("Tanggal tersalurkan"),
        "field_amount": _("Nilai (Rp)"),
        "field_cancel_reason": _("Alasan batal"),
        "field_changed_at": _("Status diubah"),
        "field_program": _("Program"),
        "field_recipient": _("Penerima"),
        "field_date": _("Tanggal"),
        "field_purpose": _("Tujuan"),
        "field_findings": _("Temuan"),
        "field_follow_up": _("Tindak lanjut"),
        "field_needs": _("Kebutuhan"),
        "field_note": _("Catatan"),
        "field_household": _("Rumah tangga"),
        # The API's advice to programs after a 409 (api/problems.py), left out on the phone: it shows both versions.
        "api_stale_advice": str(STALE_API_ADVICE),
        "server_unreadable": _("Versi di server tidak bisa dibaca sekarang."),
        "iv_planned": _("Direncanakan"),
        "iv_in_progress": _("Sedang berjalan"),
        "iv_delivered": _("Tersalurkan"),
        "iv_cancelled": _("Dibatalkan"),
        "delivered_from_planned": _("{program}: tersalurkan {date}"),
        "open_case_file": _("Buka berkas kasus"),
        # A delivery of a planned intervention that was closed on the server meanwhile: it cannot be sent again.
        "closed_cancelled": _("Intervensi ini sudah dibatalkan di server pada {when}."),
        "closed_delivered": _("Intervensi ini sudah dicatat tersalurkan di server pada {when}."),
        "closed_choice": _(
            "Penyaluran ini tidak bisa lagi dicatat pada intervensi itu. Catat sebagai penyaluran baru (program dan "
            "penerima yang sama), atau buang."
        ),
        "conflict_no_resend": _("Bandingkan kedua versi di bawah, lalu putuskan: ubah atau buang."),
        "conflicts_notice": _("{count} catatan tidak bisa dikirim dan perlu diperiksa di daftar catatan."),
        "replace_caseload_confirm": _(
            "Ponsel ini sudah membawa {count} rumah tangga ({label}). Ganti dengan {new}? Rumah tangga itu hilang "
            "dari ponsel; {unsent} catatan yang belum terkirim tetap disimpan dan tetap dikirim."
        ),
        "required": _("Isian ini wajib diisi."),
        "note_blank": _("Catatan tidak boleh kosong atau hanya spasi."),
        "note_edit_title": _("Ubah catatan"),
        "discard_confirm": _("Yakin membuang catatan ini? Catatan yang dibuang tidak bisa dikembalikan."),
    }
