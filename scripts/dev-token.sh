#!/usr/bin/env bash
# Prints a signed SMART access token for local development (see docs/security.md).
# The first run generates a key pair under dev-keys/ (git-ignored): never commit it.
#   scripts/dev-token.sh --patient 123 --scope "patient/*.rs"
#   scripts/dev-token.sh --scope "user/*.cruds system/AuditEvent.rs"
set -euo pipefail
cd "$(dirname "$0")/.."
exec java src/main/java/health/ductcare/security/DevTokens.java "$@"
