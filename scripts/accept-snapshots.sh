#!/usr/bin/env bash
# Re-runs the snapshot tests with RNNGEN_ACCEPT=1: every *.received.cs becomes the new *.verified.cs.
# Review `git diff tests/RnnGen.Generator.Tests/Snapshots` afterwards, like any code change.
set -euo pipefail
cd "$(dirname "$0")/.."
RNNGEN_ACCEPT=1 dotnet test tests/RnnGen.Generator.Tests -c Release --filter "FullyQualifiedName~SnapshotTests"
