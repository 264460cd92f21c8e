#!/usr/bin/env bash
# Type-checks src/Cdp.Functions against the real public API of the Functions worker, its extensions and
# Durable Task, for machines whose NuGet source cannot restore that project.
#
# usage: scripts/apicheck.sh [WORKER_GIT_DIR DURABLETASK_GIT_DIR DURABLE_EXTENSION_GIT_DIR]
#   or set CDP_WORKER_GIT, CDP_DURABLETASK_GIT, CDP_DURABLE_EXTENSION_GIT.
# The three are existing git directories (clones or snapshots) of Azure/azure-functions-dotnet-worker,
# microsoft/durabletask-dotnet and Azure/azure-functions-durable-extension. This script fetches none of them
# and copies nothing from them into the repository: declarations are extracted into a temporary directory
# that is deleted on exit.
# APICHECK_TOOL overrides where the apicheck tool lives (default: ../shared/tools/apicheck beside the repo).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tool=${APICHECK_TOOL:-$root/../shared/tools/apicheck}
worker=${1:-${CDP_WORKER_GIT:-}}
durabletask=${2:-${CDP_DURABLETASK_GIT:-}}
extension=${3:-${CDP_DURABLE_EXTENSION_GIT:-}}
if [ -z "$worker" ] || [ -z "$durabletask" ] || [ -z "$extension" ]; then
  sed -n 2,11p "$0"; exit 2
fi
for d in "$worker" "$durabletask" "$extension"; do
  git --git-dir="$d" rev-parse --verify -q HEAD >/dev/null || { echo "apicheck: $d is not a git directory with a HEAD" >&2; exit 2; }
done
[ -x "$tool/check.sh" ] || { echo "apicheck: no apicheck tool at $tool (set APICHECK_TOOL)" >&2; exit 2; }

# Runs a command quietly; on failure shows its errors and stops with the given message.
quiet() {
  local why=$1 out; shift
  if ! out=$("$@" 2>&1); then
    grep -E ' error |error\(s\)' <<<"$out" | sort -u >&2 || printf '%s\n' "$out" >&2
    echo "apicheck: $why" >&2
    exit 1
  fi
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$tool/surface.sh" "$worker" "$durabletask" "$extension" "$tmp/surface"

# Program.cs calls AddOpenTelemetry() from OpenTelemetry.Extensions.Hosting, a dependency of the worker's
# OpenTelemetry package that is not part of the extracted sources: restore it (ordinary NuGet) in a throwaway project.
mkdir -p "$tmp/otel"
cat >"$tmp/otel/otel.csproj" <<'XML'
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>
    <CopyLocalLockFileAssemblies>true</CopyLocalLockFileAssemblies>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="OpenTelemetry.Extensions.Hosting" Version="1.20.1" />
  </ItemGroup>
</Project>
XML
quiet "could not restore OpenTelemetry.Extensions.Hosting" dotnet build "$tmp/otel/otel.csproj" -o "$tmp/otel/out" -v q -nologo
refs=()
for f in "$tmp"/otel/out/OpenTelemetry*.dll; do refs+=(--ref "$f"); done

# Core and Azure must be built so their DLLs are found (building Azure builds Core).
# APICHECK_NO_BUILD=1 checks against the DLLs already built.
if [ "${APICHECK_NO_BUILD:-}" != 1 ]; then
  quiet "Cdp.Azure (and Cdp.Core) do not build; fix that first" dotnet build "$root/src/Cdp.Azure/Cdp.Azure.csproj" -v q -nologo
fi
cd "$root"
TMPDIR=$tmp "$tool/check.sh" "$tmp/surface" "${refs[@]}"
