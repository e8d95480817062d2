#!/usr/bin/env bash
# Translation catalogs. Usage:
#   scripts/translations.sh extract     find every marked string (writes translations/messages.pot)
#   scripts/translations.sh update      extract, then merge new strings into every language's .po
#   scripts/translations.sh init LANG   start a new language (e.g. ur), then translate its .po
#   scripts/translations.sh compile     build the .mo files the site reads (done by setup and tests)
set -euo pipefail
cd "$(dirname "$0")/.."
PYBABEL="${PYBABEL:-.venv/bin/pybabel}"
case "${1:-}" in
  extract)
    # --ignore-dirs: Babel skips folders starting with "_" by default, and templates/_macros has strings.
    "$PYBABEL" -q extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output --ignore-dirs ".*" \
      --project Coprod --copyright-holder "Coprod contributors" -o translations/messages.pot . ;;
  update)
    "$0" extract
    "$PYBABEL" update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete ;;
  init)
    "$0" extract
    "$PYBABEL" init -i translations/messages.pot -d translations -l "${2:?language code, e.g. ur}" ;;
  compile)
    "$PYBABEL" -q compile -d translations --statistics ;;
  *)
    sed -n '2,7p' "$0"; exit 2 ;;
esac
