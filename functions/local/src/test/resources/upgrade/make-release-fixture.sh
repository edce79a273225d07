#!/usr/bin/env bash
# Makes the upgrade fixture: a data folder written by the current release through its real API.
#
#   bash functions/local/src/test/resources/upgrade/make-release-fixture.sh [RELEASE]
#
# Run it from a checkout of the release (RELEASE defaults to the short HEAD commit). It builds the jars
# (unless SKIP_BUILD=1), starts `audmg-local-cloud.jar --port 0` on a fresh data folder, fills it with
# MakeReleaseFixture.java (two users, real PNG/JPEG/WAV files, one upload pending, one cancelled, one file
# deleted), stops it with SIGTERM (a clean stop), and archives the data folder WITH its extended attributes
# (s3proxy keeps each object's ETag and content type in user.* xattrs) as release-<RELEASE>.tar.gz beside this
# script, with release-<RELEASE>.manifest.json. Needs GNU tar and a filesystem with user xattrs.
# Left out of the archive: runtime/ (the worker jar, copied again at every start) and logs/.
# Extract with: tar --xattrs --xattrs-include='*' -xzf release-<RELEASE>.tar.gz -C <data-dir>
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(git -C "$here" rev-parse --show-toplevel)
release=${1:-$(git -C "$root" rev-parse --short=7 HEAD)}
cd "$root"
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  ./mvnw -B -q -DskipTests package
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
data="$work/data"
java -jar functions/local/target/audmg-local-cloud.jar --port 0 --data-dir "$data" > "$work/cloud.log" 2>&1 &
pid=$!
url=
for _ in $(seq 1 240); do
  url=$(sed -n 's/^READY \(http[^ ]*\).*/\1/p' "$work/cloud.log" | head -1)
  [ -n "$url" ] && break
  kill -0 "$pid" 2>/dev/null || { cat "$work/cloud.log" >&2; exit 1; }
  sleep 0.5
done
[ -n "$url" ] || { echo "the local cloud did not get READY" >&2; kill "$pid"; exit 1; }
echo "local cloud of $release at $url"
if ! java functions/local/src/test/java/com/audmg/drive/local/upgrade/MakeReleaseFixture.java \
    "$url" "$here/release-$release.manifest.json" "$release"; then
  kill "$pid"; wait "$pid" || true; exit 1
fi
kill -TERM "$pid"
wait "$pid" || true
archive="$here/release-$release.tar.gz"
tar --xattrs --xattrs-include='*' --sort=name --owner=0 --group=0 --numeric-owner \
    -czf "$archive" -C "$data" --exclude=./runtime --exclude=./logs .
echo "archive: $archive ($(stat -c %s "$archive") bytes)"
tar --xattrs --xattrs-include='*' -tvvf "$archive" | head -5
