#!/usr/bin/env bash
# The soak: every count-taking test of shared/spec/reliability.md at N times its CI figure, one after another,
# each printing its figure line; by hand, for a night or a weekend (CI runs N = 1 through ctest).
#
#   bash tests/reliability/soak.sh PATH/TO/fundflow N [--only=D1,C5,…] [--seed S]
#   bash scripts/test.sh --soak N          (builds with ASan + UBSan first, then runs this)
#
#   C1   4,000 × N postings by 8 processes           C2   1,000 × N / 200 × N / 200 × N retries
#   C5   1,000 × N races                             D1   200 × N kill -9 cycles of a 5,000-row import
#   D4   16 × N sizes of free space (root)           D6   1,000 × N random flips (+ 3 per page)
#   T2   10 × N seeds of the tamper matrix           F5   1,000 × N RapidCheck sequences (tests/property)
#   F1   60 × N s of fuzzing per target (tests/fuzz/run.sh; needs clang)
# The tests without a count (D5, T1, S1, S3, F3) run once, as in CI. --seed S is passed to each reliability
# test (replays a failure). The scratch folder is lib.sh's (/dev/shm, or FUNDFLOW_TEST_TMPDIR). Exits non-zero
# if any test failed; the last lines list each test's figure or failure.
set -u
bin=${1:?usage: soak.sh PATH/TO/fundflow N [--only=ID,…] [--seed S]}
n=${2:?usage: soak.sh PATH/TO/fundflow N [--only=ID,…] [--seed S]}
shift 2
[[ $n =~ ^[1-9][0-9]*$ ]] || { echo "FAIL: N must be a positive number, not '$n'"; exit 1; }
only= seed=()
while (($#)); do
    case $1 in
    --only=*) only=,${1#*=}, ;;
    --seed) seed=(--seed "${2:?--seed needs a number}"); shift ;;
    *) echo "FAIL: unknown option '$1'"; exit 1 ;;
    esac
    shift
done
here=$(cd "$(dirname "$0")" && pwd)
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
build=$(dirname "$(dirname "$bin")")
property=$build/tests/property/property_tests

results=()
failed=0
run() { # ID COMMAND…: runs it, keeps its last figure (or FAIL) line
    local id=$1 start=$SECONDS out line rc
    shift
    [[ -z $only || $only == *",$id,"* ]] || return 0
    echo "== $id (×$n): $*"
    out=$("$@" 2>&1 | tee /dev/stderr)
    rc=${PIPESTATUS[0]}
    line=$(grep -E "^(FAIL|skip:|$id:)" <<<"$out" | tail -n 1)
    if ((rc != 0)); then
        failed=$((failed + 1))
        results+=("FAIL $id ($((SECONDS - start)) s): ${line:-exit $rc}")
    else
        results+=("${line:-$id: done} [$((SECONDS - start)) s]")
    fi
}

run C1 bash "$here/c1_concurrent_posting.sh" "$bin" $((4000 * n)) "${seed[@]}"
run C2 bash "$here/c2_retry_ref.sh" "$bin" $((1000 * n)) --conflicts=$((200 * n)) --crashes=$((200 * n)) "${seed[@]}"
run C5 bash "$here/c5_last_funds.sh" "$bin" $((1000 * n)) "${seed[@]}"
run D1 bash "$here/d1_import_kill.sh" "$bin" $((200 * n)) "${seed[@]}"
run D4 bash "$here/d4_disk_full.sh" "$bin" $((16 * n)) "${seed[@]}"
run D5 bash "$here/d5_read_only.sh" "$bin" "${seed[@]}"
run D6 bash "$here/d6_byte_flips.sh" "$bin" $((1000 * n)) "${seed[@]}"
run F3 bash "$here/f3_bad_files.sh" "$bin" "${seed[@]}"
run T1 bash "$here/../cli/t1_triggers.sh" "$bin"
run T2 bash "$here/../cli/t2_tamper.sh" "$bin" $((10 * n))
run S1 bash "$here/../cli/s1_text.sh" "$bin"
run S3 bash "$here/../cli/s3_read_only.sh" "$bin"
f5() { # RapidCheck's own output, then a figure line
    local out
    out=$(RC_PARAMS="max_success=$1" "$property" 2>&1) || { echo "$out" | tail -n 30; echo "FAIL F5: the model test failed"; return 1; }
    echo "F5: $(sed -n 's/^OK, passed \([0-9]*\) tests$/\1/p' <<<"$out" | head -n 1) random posting sequences against the in-memory model (RapidCheck): balances, rates and retention state equal the model's, 0 failures"
}
if [[ -x $property ]]; then
    run F5 f5 $((1000 * n))
else
    results+=("skip: F5: no $property (build with -DFUNDFLOW_BUILD_TESTS=ON)")
fi
run F1 bash "$here/../fuzz/run.sh" $((60 * n))

echo "== soak ×$n: figures"
printf '%s\n' "${results[@]}"
((failed == 0)) || { echo "FAIL: $failed soak test(s) failed"; exit 1; }
