#!/usr/bin/env bash
# Runs every test the project has, on a fresh machine with the .NET SDK and Node.js:
# installs the Node test tools, starts Azurite (the real Azure Storage emulator) on loopback,
# builds, and runs all test projects. Extra arguments go to `dotnet test` (e.g. --filter ...).
set -euo pipefail
root=$(cd "$(dirname "$0")" && pwd)
cd "$root"

echo "==> Installing Node test tools (Azurite, the SDKs the tests drive, puppeteer-core)"
npm ci --prefix tests/node --no-audit --no-fund --loglevel=error >/dev/null

work=$(mktemp -d "${TMPDIR:-/tmp}/cdp-test.XXXXXX")
azurite_pid=""
cleanup() {
  [ -n "$azurite_pid" ] && kill "$azurite_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
echo "==> Starting Azurite blob service on 127.0.0.1:$port"
tests/node/node_modules/.bin/azurite-blob --blobHost 127.0.0.1 --blobPort "$port" \
  --location "$work/azurite" --skipApiVersionCheck --loose --silent >"$work/azurite.log" 2>&1 &
azurite_pid=$!
for _ in $(seq 1 100); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  kill -0 "$azurite_pid" 2>/dev/null || { echo "Azurite failed to start:"; cat "$work/azurite.log"; exit 1; }
  sleep 0.1
done
# The development account and key are Azurite's public, documented defaults, not a secret.
export CDP_AZURITE_BLOB_CONNECTION="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:$port/devstoreaccount1;"

echo "==> Building every project"
# Where the NuGet source lacks the Functions host extensions, src/Cdp.Functions says so in one line and is still
# compiled and tested; only deployable output needs them (see src/Cdp.Functions/Cdp.Functions.csproj).
dotnet build CdpFunctions.sln -c Release -nologo -v q

echo "==> Testing"
set +e
dotnet test CdpFunctions.sln -c Release --no-build -nologo --results-directory "$work/results" "$@" 2>&1 | tee "$work/test.log"
status=${PIPESTATUS[0]}
set -e

# One closing line for every runner that reads it: totals over all test projects.
awk '/^(Passed|Failed)!/ {
       for (i = 1; i <= NF; i++) { gsub(",", "", $(i+1));
         if ($i == "Passed:") p += $(i+1); if ($i == "Failed:") f += $(i+1); if ($i == "Skipped:") s += $(i+1) } }
     END { printf "Tests: %d passed, %d failed, %d skipped\n", p, f, s }' "$work/test.log"
exit "$status"
