#!/usr/bin/env bash
# Backup and restore round trip on PostgreSQL: a database filled with the demo is dumped with
# pg_dump, restored into an empty database with pg_restore, and compared table by table
# (row count and a checksum of every row). Exits non-zero if anything differs. CI runs it.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PY:-.venv/bin/python}
PGHOST=${PGHOST:-127.0.0.1}
PGPORT=${PGPORT:-5432}
PGUSER=${PGUSER:-postgres}
export PGHOST PGPORT PGUSER

source_db="poverty_backup_src_$$"
restored_db="poverty_backup_dst_$$"
workdir=$(mktemp -d)
dump="$workdir/poverty.dump"
cleanup() {
  dropdb --if-exists "$source_db" >/dev/null 2>&1 || true
  dropdb --if-exists "$restored_db" >/dev/null 2>&1 || true
  rm -rf "$workdir"
}
trap cleanup EXIT

createdb "$source_db"
createdb "$restored_db"
source_url="postgres://$PGUSER@$PGHOST:$PGPORT/$source_db"
restored_url="postgres://$PGUSER@$PGHOST:$PGPORT/$restored_db"

echo "== fill $source_db with the demo"
DATABASE_URL="$source_url" "$PY" manage.py migrate --noinput -v0
DATABASE_URL="$source_url" "$PY" manage.py seed_demo --force >/dev/null

echo "== back up (pg_dump) and restore (pg_restore)"
pg_dump --format=custom --no-owner --dbname="$source_db" --file="$dump"
pg_restore --no-owner --exit-on-error --dbname="$restored_db" "$dump"

fingerprint() {
  local db=$1
  psql -At -d "$db" -c "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename" |
    while read -r table; do
      psql -At -d "$db" -c "SELECT '$table', count(*), coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '-') FROM \"$table\" t"
    done
}

fingerprint "$source_db" > "$workdir/source.txt"
fingerprint "$restored_db" > "$workdir/restored.txt"
if ! diff -u "$workdir/source.txt" "$workdir/restored.txt"; then
  echo "Backup/restore round trip LOST DATA (see the diff above)" >&2
  exit 1
fi
DATABASE_URL="$restored_url" "$PY" manage.py migrate --check -v0
persons=$(DATABASE_URL="$restored_url" "$PY" manage.py shell -c "from households.models import Person; print(Person.objects.extreme_poor().count())" 2>/dev/null | tail -1)
tables=$(wc -l < "$workdir/source.txt")
rows=$(awk -F'|' '{s += $2} END {print s}' "$workdir/source.txt")
echo "Backup/restore round trip OK: $tables tables, $rows rows identical; the restored app counts $persons extreme-poor persons."
