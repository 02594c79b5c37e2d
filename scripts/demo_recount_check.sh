#!/usr/bin/env bash
# The demo, loaded as `make run` loads it, leaves every derived number (registry summaries, served flags,
# dashboard tallies) equal to a recount from the case rows. `recount_dashboard --check` exits non-zero
# otherwise. Uses DATABASE_URL when set (an empty database), else a fresh SQLite file.
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
