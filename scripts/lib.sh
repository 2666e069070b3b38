# Shared by scripts/start and scripts/test: checks the machine and installs the workspace.
# shellcheck shell=bash
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# pnpm comes through corepack at the version pinned in package.json ("packageManager").
# The npm registry mirror here serves no signing keys, so corepack's signature check is off.
export COREPACK_ENABLE_DOWNLOAD_PROMPT=0
export COREPACK_INTEGRITY_KEYS="${COREPACK_INTEGRITY_KEYS:-0}"
# natural/dotenv and kafkajs print hints on standard output unless told not to.
export DOTENV_CONFIG_QUIET=true
export KAFKAJS_NO_PARTITIONER_WARNING=1

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

check_machine() {
  command -v node >/dev/null || die "Node.js 20.18 or newer is needed (node not found)"
  local version
  version="$(node -p 'process.versions.node')"
  node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=18)?0:1)' \
    || die "Node.js 20.18 or newer is needed (found $version)"
  command -v corepack >/dev/null || die "corepack not found; it ships with Node.js (npm install -g corepack)"
  command -v java >/dev/null || die "Java 17 or newer is needed for Kafka and OpenSearch (java not found)"
  command -v mvn >/dev/null || die "Maven is needed to fetch Kafka and OpenSearch (mvn not found)"
}

pnpm() { corepack pnpm "$@"; }

install_workspace() {
  say "installing dependencies (pnpm $(corepack pnpm --version))"
  if [ "${CI:-}" = "true" ]; then
    pnpm install --frozen-lockfile --reporter=append-only
  else
    pnpm install --reporter=append-only
  fi
}

# The dashboard (services/web) is built with Vite into services/web/dist, which the API serves.
build_dashboard() {
  say "building the dashboard"
  pnpm -s --filter @odzew/web build
}
