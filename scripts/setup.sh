#!/usr/bin/env bash
# First-time set-up on a fresh machine: the pinned pnpm, the workspace's dependencies, and a build.
set -euo pipefail
cd "$(dirname "$0")/.."
PNPM_VERSION=12.21.0
if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version 2>/dev/null)" != "$PNPM_VERSION" ]; then
  echo "setup: installing pnpm@$PNPM_VERSION with npm" >&2
  npm install -g "pnpm@$PNPM_VERSION" >/dev/null
fi
pnpm install --frozen-lockfile
pnpm run build
# A clone without ../shared has no model for the local engine: fetch the default one (~1 MB, SHA-256
# checked) into the cache. A no-op wherever a model is already found (LOOM_MODEL, the cache, ../shared).
node apps/cli/dist/bin.js model pull --if-missing ||
  echo "setup: no model downloaded; set LOOM_MODEL=/path/to/model.gguf before \`pnpm run main\`" >&2
