# Sourced by tests/cli/lib.sh and tests/reliability/lib.sh.
# SQL that recomputes, from the entries, every derived totals table the ledger at $1 has (day_totals; from
# schema 2 on also month_totals and year_totals), as a careful tamperer does after editing entries so that
# only the chain can tell. Run it with tamper (triggers off).
rebuild_totals_sql() {
    local t
    printf '%s' "DELETE FROM day_totals; INSERT INTO day_totals SELECT project_id, level, effective_on, effect_kind, SUM(amount_fen) FROM entries WHERE level IS NOT NULL GROUP BY 1, 2, 3, 4;"
    for t in $(sqlite3 "$1" "SELECT name FROM sqlite_schema WHERE type = 'table' AND name IN ('month_totals', 'year_totals') ORDER BY name"); do
        case $t in
        month_totals) printf ' %s' "DELETE FROM month_totals; INSERT INTO month_totals SELECT project_id, level, substr(effective_on, 1, 7), effect_kind, SUM(amount_fen) FROM entries WHERE level IS NOT NULL GROUP BY 1, 2, 3, 4;" ;;
        year_totals) printf ' %s' "DELETE FROM year_totals; INSERT INTO year_totals SELECT project_id, level, CAST(substr(effective_on, 1, 4) AS INTEGER), effect_kind, SUM(amount_fen) FROM entries WHERE level IS NOT NULL GROUP BY 1, 2, 3, 4;" ;;
        esac
    done
}
