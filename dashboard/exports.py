"""The dashboard as a workbook: the filters and headline first, then one sheet per table."""

from django.utils.translation import gettext as _
from openpyxl import Workbook

from core.exports import append_row
from dashboard.selectors import Dashboard, Filters


def dashboard_workbook(filters: Filters, data: Dashboard) -> Workbook:
    """One sheet per table; the first sheet states the filters and the headline."""
    workbook = Workbook(write_only=True)
    head = data.headline
    sheet = workbook.create_sheet(_("Ringkasan"))
    append_row(sheet, [_("Dasbor kemiskinan ekstrem Kota Palangka Raya")])
    append_row(sheet, [_("Saringan"), _("Kecamatan"), str(filters.kecamatan or _("semua")), _("Kelurahan"), str(filters.kelurahan or _("semua")),
                  _("OPD"), str(filters.opd or _("semua")), _("Periode"), f"{filters.start:%d/%m/%Y} – {filters.end:%d/%m/%Y}"])  # fmt: skip
    append_row(sheet, [])
    rows = [
        (_("Jiwa miskin ekstrem sekarang"), head["ep_persons"]),
        (_("Jiwa miskin ekstrem pada data dasar"), head.get("baseline_persons")),
        (_("Rumah tangga miskin ekstrem sekarang"), head["ep_households"]),
        (_("Rumah tangga miskin ekstrem pada data dasar"), head.get("baseline_households")),
        (_("Rumah tangga graduasi"), head["graduated"]),
        (_("Jiwa diusulkan, menunggu verifikasi (tidak dihitung resmi)"), head["pending_persons"]),
        (_("Rumah tangga diusulkan, menunggu verifikasi"), head["pending_households"]),
        (_("Rumah tangga kembali miskin ekstrem"), head["fell_back"]),
        (_("Jiwa miskin ekstrem terlayani (≥1 intervensi tersalurkan)"), head["served_persons"]),
        (_("Rumah tangga dengan semua kebutuhan terpenuhi"), head["needs_fulfilled"]),
        (_("Rumah tangga dikunjungi 30 hari terakhir"), head["visited"]),
        (_("Rujukan terlambat"), head["overdue_referrals"]),
        (_("Tindak lanjut terlambat"), head["overdue_follow_ups"]),
    ]
    for label, value in rows:
        append_row(sheet, [label, value])
    places = workbook.create_sheet(_("Per wilayah"))
    append_row(places, [_("Kecamatan"), _("Kelurahan"), _("Lokus prioritas"), _("RT miskin ekstrem"), _("Jiwa miskin ekstrem"), _("Jiwa terlayani"),
                   _("Graduasi"), _("Kembali miskin ekstrem"), _("Kebutuhan terpenuhi"), _("Dikunjungi 30 hari"), _("Tindak lanjut terlambat")])  # fmt: skip
    for place in data.places:
        append_row(places, [place["kecamatan"].name, place["kelurahan"].name, _("ya") if place["kelurahan"].is_priority_locus else "", place["ep_households"],
                       place["ep_persons"], place["served_persons"], place["graduated"], place["fell_back"], place["needs_fulfilled"], place["visited"],
                       place["overdue_follow_ups"]])  # fmt: skip
    opds = workbook.create_sheet(_("Per OPD"))
    append_row(opds, [_("OPD"), _("Direncanakan"), _("Berjalan"), _("Tersalurkan"), _("Dibatalkan"), _("Jiwa terjangkau"), _("Nilai (Rp)"),
                 _("Rujukan diterima OPD"), _("Diterima"), _("Terpenuhi"), _("Ditolak"), _("Terlambat"), _("Median hari sampai terpenuhi")])  # fmt: skip
    for opd in data.opds:
        append_row(opds, [opd["opd"].short_name, opd["planned"], opd["in_progress"], opd["delivered"], opd["cancelled"], opd["persons"], opd["amount"],
                     opd["received"], opd["accepted"], opd["fulfilled"], opd["declined"], opd["overdue"], opd["median_days"]])  # fmt: skip
    trend = workbook.create_sheet(_("Tren bulanan"))
    append_row(trend, [_("Bulan"), _("Jiwa miskin ekstrem"), _("Graduasi"), _("Intervensi tersalurkan")])
    for month in data.trend:
        append_row(
            trend, [month["month"].strftime("%m/%Y"), month["ep_persons"], month["graduations"], month["delivered"]]
        )
    cohort = workbook.create_sheet(_("Kohor data dasar"))
    append_row(
        cohort,
        [
            _("Kelurahan"),
            _("Jiwa pada data dasar"),
            _("Terlayani"),
            _("Graduasi"),
            _("Masih menunggu"),
            _("Kembali miskin ekstrem"),
            _("Lainnya"),
        ],
    )
    for group in data.cohort or []:
        append_row(
            cohort,
            [
                group["kelurahan"].name,
                group["total"],
                group["served"],
                group["graduated"],
                group["waiting"],
                group["fell_back"],
                group["other"],
            ],
        )
    return workbook
