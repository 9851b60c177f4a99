#!/usr/bin/env bash
# Everything the test suite needs (Debian's Chromium for the web page, tmux for the terminal UI, strace for the durability test,
# a throwaway PostgreSQL cluster for @loom/store-postgres, openssl for the certificates of the TLS tests' cluster,
# PgBouncer for the tests of URLs through a connection pooler),
# then every check: lint and format, type-check, package hygiene, API docs, a consumer install from packed tarballs, and the vitest suite.
# Prints a last line "N passed, N failed" (vitest tests plus one per check).
set -uo pipefail
cd "$(dirname "$0")/.."

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v tmux >/dev/null 2>&1 || need+=(tmux)
command -v strace >/dev/null 2>&1 || need+=(strace)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
[ -x /usr/sbin/pgbouncer ] || need+=(pgbouncer)
if [ ${#need[@]} -gt 0 ]; then
  echo "test: installing Debian packages: ${need[*]}" >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

bash scripts/setup.sh || { echo "0 passed, 1 failed"; exit 1; }

# A real PostgreSQL for the store's suites, stopped (and its folder removed) however this script ends.
if pg=$(bash scripts/pg-cluster.sh start | tail -n 1); then
  pg_data=${pg%% *}
  export LOOM_TEST_PG_URL=${pg#* }
  export LOOM_TEST_PG_SOCKET=$pg_data/db
  trap 'bash scripts/pg-cluster.sh stop "$pg_data"' EXIT
else
  echo "test: could not start PostgreSQL; the store's tests will try to start their own" >&2
fi

passed=0
failed=0
check() {
  local name=$1; shift
  echo "== $name ==" >&2
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAILED: $name" >&2; fi
}
check "lint and format (biome check)" pnpm lint
check "typecheck" pnpm run typecheck
check "package hygiene (publint --strict, attw --pack)" pnpm run lint:packages
check "api docs (typedoc, warnings are errors)" pnpm run docs
check "consumer install (npm tarballs outside the workspace: ESM/CJS, .d.ts, loom demo, sizes)" node scripts/consumer-test.mjs

mkdir -p test-artifacts
report=test-artifacts/vitest.json
rm -f "$report"
pnpm exec vitest run --reporter=default --reporter=json --outputFile.json="$report"
vitest_status=$?
if [ -f "$report" ]; then
  read -r vp vf < <(node -e 'const r=require(process.argv[1]);console.log(r.numPassedTests, r.numFailedTests + (r.numRuntimeErrorTestSuites ?? 0) + (r.numFailedTestSuites && !r.numFailedTests ? r.numFailedTestSuites : 0))' "$PWD/$report")
  passed=$((passed + vp)); failed=$((failed + vf))
  if [ "$vitest_status" -ne 0 ] && [ "$vf" -eq 0 ]; then failed=$((failed + 1)); fi
else
  failed=$((failed + 1))
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
