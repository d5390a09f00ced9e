#!/usr/bin/env bash
# serve/browser: the pages in a real browser (headless Chromium driven by Selenium): log in through the
# form, post a payment through the form and see the execution form change, an auditor sees no posting
# controls and is refused a direct POST (403), a hostile memo shows as text and runs nothing, ?lang=en is
# English. Screenshots of each page go to ARTEFACT_DIR (default build/test-artefacts/serve); with
# FUNDFLOW_UPDATE_PICTURES=1 the project-year page's is also copied to docs/pictures/serve-project.png.
#   bash tests/serve/browser.sh PATH/TO/fundflow [ARTEFACT_DIR]
source "$(dirname "$0")/lib.sh"
artefacts=${2:-$root/build/test-artefacts/serve}
for tool in /usr/bin/chromium /usr/bin/chromedriver; do
    [[ -x $tool ]] || { echo "skip: $tool is missing (bash scripts/install-deps.sh --test)"; exit 0; }
done
# Debian's python3-selenium is in the system Python (a pyenv or venv python3 first on PATH lacks it).
py=
for candidate in /usr/bin/python3 python3; do
    if "$candidate" -c 'import selenium' 2>/dev/null; then py=$candidate; break; fi
done
[[ -n $py ]] || { echo "skip: python3-selenium is missing (bash scripts/install-deps.sh --test)"; exit 0; }
post_seed || fail "posting the seed's case"
make_user acc1 accountant password1
make_user audi auditor password1
make_user admin admin password1
cp "$root/docs/examples/indicators-P001-2020.csv" "$d/indicators.csv" 2>/dev/null || true
start_server
mkdir -p "$artefacts"
"$py" "$here/browser_test.py" "$url" "$artefacts" "$d" || { echo "--- serve log"; tail -40 "$d/serve.log"; fail "browser test"; }
if [[ ${FUNDFLOW_UPDATE_PICTURES:-} == 1 ]]; then
    cp "$artefacts/project-year.png" "$root/docs/pictures/serve-project.png"
fi
echo "ok serve-browser: login, posting, roles, escaping, English; screenshots in $artefacts"
