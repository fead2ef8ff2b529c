#!/usr/bin/env bash
# Smoke test of the one-folder bundle (`make dist`): run from / on a scratch ledger, it must use the
# shipped rules, export a calendar, and open its window (offscreen) with style, icon and rules found.
set -euo pipefail
bundle=$(realpath "${1:-dist/credit-ledger/credit-ledger}")
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
export HOME="$scratch/home" XDG_DATA_HOME="$scratch/home/data" XDG_CONFIG_HOME="$scratch/home/config"
export QT_QPA_PLATFORM=offscreen DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent
mkdir -p "$HOME"
db="$scratch/ledger.sqlite3"
cd /

"$bundle" --db "$db" add --source refund --amount 25 --currency USD --expires 2099-01-31 >/dev/null
"$bundle" --db "$db" show 1 --json | python3 -c '
import json, sys
credit = json.load(sys.stdin)
rules = {answer["use"]: answer["rule"] for answer in credit["eligibility"]}
assert rules["amazon_gift_cards"] == "faq-refund-balance", rules  # from the shipped amazon-us.toml
assert credit["advice"], "no advice: the shipped rules were not found"
'
"$bundle" --db "$db" export --format ics -o "$scratch/credits.ics" >/dev/null
grep -q "DTSTART;VALUE=DATE:20990131" "$scratch/credits.ics"
"$bundle" --db "$db" --self-test
echo "bundle OK: $bundle"
