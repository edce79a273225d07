#!/usr/bin/env bash
# End-to-end smoke test of a deployed Audmg Drive API (LocalStack or AWS), with curl and python3:
# sign up, log in, /me with and without a token, upload an image through the presigned URL,
# complete, list, download, delete.
#
#   bash localstack/smoke.sh [API_URL]
#
# Without API_URL it asks `serverless info --stage ${STAGE:-local}` for the ApiUrl output.
set -euo pipefail
cd "$(dirname "$0")/.."

STAGE="${STAGE:-local}"
API="${1:-}"
if [ -z "$API" ]; then
  API=$(AWS_ACCESS_KEY_ID="${AWS_ACCESS_KEY_ID:-test}" AWS_SECRET_ACCESS_KEY="${AWS_SECRET_ACCESS_KEY:-test}" \
    npx serverless info --stage "$STAGE" --verbose 2>/dev/null | sed -n 's/^ *ApiUrl: *//p' | head -1)
fi
[ -n "$API" ] || { echo "smoke: no API URL (pass it as the first argument)" >&2; exit 2; }
API="${API%/}"
echo "smoke: API $API"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

json() { python3 -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1], {}, {'d': d}))" "$1"; }

# call METHOD PATH [BODY] [TOKEN] -> prints the status, body in $work/body
call() {
  local method=$1 path=$2 body=${3:-} token=${4:-}
  local args=(-sS -o "$work/body" -w '%{http_code}' --max-time 120 -X "$method" "$API$path")
  [ -n "$body" ] && args+=(-H 'Content-Type: application/json' --data "$body")
  [ -n "$token" ] && args+=(-H "Authorization: Bearer $token")
  curl "${args[@]}"
}

expect() {
  local want=$1 got=$2 what=$3
  if [ "$got" != "$want" ]; then
    echo "smoke: FAIL $what: HTTP $got, expected $want: $(cat "$work/body" 2>/dev/null)" >&2
    exit 1
  fi
  echo "smoke: ok   $what ($got)"
}

user="smoke$(date +%s)"
pass="Smoke-test-$RANDOM-pass"

# The first call of each Java function starts a container and a JVM: retry a 5xx a few times.
for attempt in 1 2 3 4 5; do
  status=$(call POST /auth/signup "{\"username\":\"$user\",\"password\":\"$pass\"}")
  [ "${status:0:1}" = 5 ] || break
  echo "smoke: signup answered $status (cold start?), retrying"; sleep 5
done
expect 201 "$status" "POST /auth/signup"

expect 401 "$(call POST /auth/login "{\"username\":\"$user\",\"password\":\"wrong-password-1\"}")" "login with a wrong password"
expect 200 "$(call POST /auth/login "{\"username\":\"$user\",\"password\":\"$pass\"}")" "POST /auth/login"
token=$(json "d['token']" < "$work/body")

expect 401 "$(call GET /me)" "GET /me without a token"
expect 401 "$(call GET /me '' 'not-a-token')" "GET /me with a bad token"
expect 200 "$(call GET /me '' "$token")" "GET /me"

# A valid 1x1 PNG.
python3 - "$work/pixel.png" <<'PY'
import struct, sys, zlib
def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)
png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 6, 0, 0, 0))
       + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00\xff")) + chunk(b"IEND", b""))
open(sys.argv[1], "wb").write(png)
PY
size=$(wc -c < "$work/pixel.png" | tr -d ' ')

expect 201 "$(call POST /files "{\"name\":\"pixel.png\",\"contentType\":\"image/png\",\"size\":$size}" "$token")" "POST /files"
id=$(json "d['file']['id']" < "$work/body")
url=$(json "d['upload']['url']" < "$work/body")
mapfile -t headers < <(json "'\n'.join(k + ': ' + v for k, v in d['upload']['headers'].items() if k.lower() != 'content-length')" < "$work/body")
hargs=()
for h in "${headers[@]}"; do [ -n "$h" ] && hargs+=(-H "$h"); done
echo "smoke: upload URL host: $(python3 -c 'import sys,urllib.parse; print(urllib.parse.urlsplit(sys.argv[1]).netloc)' "$url")"
expect 200 "$(curl -sS -o "$work/body" -w '%{http_code}' --max-time 60 -X PUT "${hargs[@]}" --data-binary "@$work/pixel.png" "$url")" "PUT to the presigned URL"
expect 403 "$(curl -sS -o "$work/body" -w '%{http_code}' --max-time 60 -X PUT -H 'Content-Type: text/plain' --data-binary "@$work/pixel.png" "$url")" "PUT with another Content-Type"

expect 200 "$(call POST "/files/$id/complete" '' "$token")" "POST /files/{id}/complete"
[ "$(json "d['file']['status']" < "$work/body")" = ready ] || { echo "smoke: FAIL file not ready" >&2; exit 1; }

expect 200 "$(call GET /files '' "$token")" "GET /files"
json "[f['id'] for f in d['items']]" < "$work/body" | grep -q "$id" || { echo "smoke: FAIL $id not listed" >&2; exit 1; }

expect 200 "$(call GET "/files/$id" '' "$token")" "GET /files/{id}"
download=$(json "d['download']['url']" < "$work/body")
curl -sS -f --max-time 60 -o "$work/down.png" "$download"
cmp -s "$work/pixel.png" "$work/down.png" || { echo "smoke: FAIL downloaded bytes differ" >&2; exit 1; }
echo "smoke: ok   download matches the upload"

expect 204 "$(call DELETE "/files/$id" '' "$token")" "DELETE /files/{id}"
expect 404 "$(call GET "/files/$id" '' "$token")" "GET /files/{id} after delete"
echo "smoke: all passed"
