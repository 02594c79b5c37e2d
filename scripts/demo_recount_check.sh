#!/usr/bin/env bash
# The demo, loaded as `make run` loads it, leaves every derived number (registry summaries, served flags,
# dashboard tallies) equal to a recount from the case rows: `recount_dashboard --check` exits 0. And the
# check can fail: after one tally row is changed by hand it must exit non-zero, and a recount repairs it.
# Uses DATABASE_URL when set (an empty database), else a fresh SQLite file.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
if [ -z "${DATABASE_URL:-}" ]; then
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  export DATABASE_URL="sqlite:///$tmp/demo.sqlite3"
fi
export DEBUG=1
$PY manage.py migrate --noinput -v0
$PY manage.py seed_demo >/dev/null
$PY manage.py recount_dashboard --check

echo "Adding 7 to one tally row by hand; the check must now fail."
$PY manage.py shell -c "
from django.db.models import F
from dashboard.models import Tally
Tally.objects.filter(pk=Tally.objects.filter(measure='ep_persons').order_by('pk').values('pk')[:1]).update(n=F('n') + 7)
"
if $PY manage.py recount_dashboard --check; then
  echo "recount_dashboard --check did not notice a corrupted tally" >&2
  exit 1
fi
$PY manage.py recount_dashboard --now
$PY manage.py recount_dashboard --check
