#!/usr/bin/env bash
# Backup drill on PostgreSQL: load the demo into a fresh database, dump it with pg_dump,
# restore the dump into another fresh database, then check that the copy keeps every
# invariant (check_invariants) and holds the same rows and the same document bytes.
#
# Usage: scripts/backup_restore_check.sh   (PGHOST, PGPORT, PGUSER: 127.0.0.1, 5432, postgres)
set -euo pipefail
cd "$(dirname "$0")/.."

export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}"
PY="${PYTHON:-.venv/bin/python}"
SOURCE="ateliers_drill_source_$$"
COPY="ateliers_drill_copy_$$"
WORK="$(mktemp -d)"
cleanup() {
    dropdb --if-exists "$SOURCE" >/dev/null 2>&1 || true
    dropdb --if-exists "$COPY" >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT
url() { echo "postgres://${PGUSER}@${PGHOST}:${PGPORT}/$1"; }

echo "1. Source database with the demo data"
createdb "$SOURCE"
DATABASE_URL="$(url "$SOURCE")" "$PY" manage.py migrate --noinput -v0
DATABASE_URL="$(url "$SOURCE")" DEBUG=True MEDIA_ROOT="$WORK/media" \
    EMAIL_BACKEND=django.core.mail.backends.locmem.EmailBackend \
    "$PY" manage.py seed_demo >/dev/null

echo "2. pg_dump, then restore into a fresh database"
pg_dump --format=custom --no-owner --file="$WORK/backup.dump" "$SOURCE"
createdb "$COPY"
pg_restore --no-owner --exit-on-error --dbname="$COPY" "$WORK/backup.dump"

echo "3. The copy keeps every invariant"
DATABASE_URL="$(url "$COPY")" "$PY" manage.py check_invariants

echo "4. Same rows, same document bytes"
DATABASE_URL="$(url "$SOURCE")" "$PY" manage.py data_fingerprint >"$WORK/source.json"
DATABASE_URL="$(url "$COPY")" "$PY" manage.py data_fingerprint >"$WORK/copy.json"
if ! cmp -s "$WORK/source.json" "$WORK/copy.json"; then
    echo "The restored copy differs from its source:" >&2
    diff <("$PY" -m json.tool "$WORK/source.json") <("$PY" -m json.tool "$WORK/copy.json") >&2 || true
    exit 1
fi
"$PY" -c "import json,sys; d=json.load(open(sys.argv[1])); \
print(f'Sauvegarde vérifiée : {sum(d[\"rows\"].values())} lignes, {len(d[\"documents\"])} documents identiques.')" \
    "$WORK/copy.json"
