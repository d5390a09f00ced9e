#!/usr/bin/env bash
# Installs the Debian packages fundflow needs to build and test, and only those that are missing.
# Safe to run again: with everything present it does nothing and needs no network.
# Usage: install-deps.sh [--test]   (--test adds what only the test suite needs)
set -euo pipefail
packages=(
  g++ cmake make pkg-config
  libsqlite3-dev sqlite3          # the storage engine; the stock client for tamper tests
  libsqlitecpp-dev                # C++ wrapper over SQLite (RAII transactions)
  libhowardhinnant-date-dev       # calendar dates (year_month_day, validity checks)
  libspdlog-dev                   # diagnostics logging; brings fmt
  libcli11-dev                    # command-line parsing
  libssl-dev                      # SHA-256 for the hash chain
  libtomlplusplus-dev             # scoring profiles (TOML) of the self-evaluation
  libxlsxwriter-dev               # the xlsx workbook of the forms
  libminizip-dev                  # the zip of the 自评报告 .docx (the library libxlsxwriter already uses)
  libboost-locale-dev             # reads the embedded zh_CN gettext catalogue (no system locale needed)
  libsodium-dev                   # accounts: argon2id password hashes, random tokens, constant-time compares
  libpqxx-dev                     # the PostgreSQL engine (--db postgresql://…): C++ over libpq, prepared statements
  nlohmann-json3-dev              # JSON (header-only): the shapes of cli.md, one writer for the CLI and the service
  gettext                         # msgcat/msgfmt compile po/zh_CN/*.po at build time; xgettext for its check
  catch2                          # unit tests (v2.13)
  librapidcheck-dev               # property tests against an in-memory model
  jq                              # the shared contract checks read JSON with it
  libcpp-httplib-dev              # fundflow serve: HTTP/1.1 server with TLS (OpenSSL), bounded thread pool
  libjs-chart.js                  # Chart.js, served by `fundflow serve` itself at /assets/chart.js (no CDN)
)
# Only the test suite needs these: an office suite to open the exported workbook and the docx report, its
# PDF's text and pictures, CJK fonts.
if [[ ${1:-} == --test ]]; then
  packages+=(libreoffice-calc-nogui libreoffice-writer-nogui poppler-utils fonts-wqy-zenhei python3
             ledger hledger beancount    # the export is checked against the real tools
             clang libclang-rt-14-dev    # libFuzzer and the sanitizers' runtime for tests/fuzz
             chromium chromium-driver python3-selenium   # tests/serve/browser.sh: the pages in a real browser
             curl openssl                # tests/serve: HTTP requests and a TLS test certificate
             postgresql-15)              # tests/pg: throwaway clusters started by scripts/pg-cluster.sh
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}"
  sudo_cmd=(); [[ $(id -u) == 0 ]] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
