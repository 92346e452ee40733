#!/usr/bin/env bash
# check_container_libs.sh: the Dockerfile cannot silently miss a library. Checks that
#   - its build stage installs exactly the packages of scripts/common.sh (VIDSPLIT_PACKAGES), and
#   - every shared library `ldd BINARY` resolves comes from a package that its runtime stage installs, directly or
#     through their dependencies (apt-cache depends, recursively: what apt-get install brings in the image).
# Debian 12 only (dpkg's file lists and apt-cache answer for the host's packages, which are the image's).
#
# Usage: scripts/check_container_libs.sh [--dockerfile FILE] [--build] [BINARY]
#   BINARY        default build/vidsplit
#   --dockerfile  default Dockerfile at the repository root
#   --build       also build the image and run `vidsplit --version` in it (needs docker or podman)
# Exit status: 0 all covered; 1 a gap, named on stderr; 77 the check cannot run here (no dpkg, apt-cache or ldd;
# with --build: no container builder).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DOCKERFILE="$ROOT/Dockerfile"
BUILD=0
BINARY="$ROOT/build/vidsplit"
while (($#)); do
  case "$1" in
    --dockerfile) DOCKERFILE="$2"; shift 2 ;;
    --build) BUILD=1; shift ;;
    -*) echo "usage: scripts/check_container_libs.sh [--dockerfile FILE] [--build] [BINARY]" >&2; exit 2 ;;
    *) BINARY="$1"; shift ;;
  esac
done
say() { echo "check_container_libs: $*" >&2; }
for tool in dpkg apt-cache ldd; do
  command -v "$tool" >/dev/null || { say "no $tool here: cannot check"; exit 77; }
done
[[ -x "$BINARY" ]] || { say "$BINARY: no such program (build it first)"; exit 1; }

# The packages that stage N (1 = first FROM) installs: the words after `apt-get install` up to `&&` or the end
# of the RUN instruction, options left out.
stage_packages() {
  awk -v want="$1" '
    /^FROM / { stage++; collecting = 0 }
    stage == want {
      for (i = 1; i <= NF; i++) {
        if ($i == "install" && prev == "apt-get") { collecting = 1 }
        else if ($i == "&&") { collecting = 0 }
        else if (collecting && $i ~ /^[a-z0-9][a-z0-9.+-]*$/) { print $i }
        prev = $i
      }
      if ($NF != "\\") collecting = 0
    }' "$DOCKERFILE" | sort -u
}

status=0
source "$ROOT/scripts/common.sh"
build_stage="$(stage_packages 1)"
wanted="$(printf '%s\n' "${VIDSPLIT_PACKAGES[@]}" | sort -u)"
if [[ "$build_stage" != "$wanted" ]]; then
  say "the build stage's packages differ from scripts/common.sh's:"
  diff <(echo "$wanted") <(echo "$build_stage") | grep '^[<>]' | sed 's/^</  only in common.sh:/; s/^>/  only in the Dockerfile:/' >&2 || true
  status=1
fi

runtime="$(stage_packages 2)"
[[ -n "$runtime" ]] || { say "$DOCKERFILE: no apt-get install in the runtime stage"; exit 1; }
# shellcheck disable=SC2086  # one word per package
closure="$(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks --no-replaces \
  --no-enhances $runtime 2>/dev/null | grep -v '^ ' | sed 's/:.*//' | sort -u)"

# ldd's libraries, each with the package holding it. Merged /usr means dpkg may know a file under /lib or
# /usr/lib, by its link name or its real name.
declare -A package_of=()
names=() paths=() candidates=()
while read -r name arrow path _; do
  [[ "$arrow" == "=>" ]] || continue
  if [[ "$path" == "not" ]]; then say "$name: not found by ldd"; status=1; continue; fi
  # A sanitizer build (scripts/test.sh --sanitize) also loads the sanitizer runtimes; the image builds Release.
  [[ "$name" =~ ^lib(asan|ubsan|lsan|tsan)\.so ]] && continue
  names+=("$name")
  paths+=("$path")
  real="$(realpath "$path")"
  candidates+=("$path" "$real" "${path#/usr}" "/usr$path" "${real#/usr}" "/usr$real")
done < <(ldd "$BINARY")
# What `dpkg -S` answers, read from dpkg's file lists in one pass: dpkg -S with hundreds of paths compares each
# with every installed file and took minutes on a loaded machine.
while IFS= read -r line; do
  list="${line%%.list:*}"
  package="$(basename "$list")"
  package_of["${line#*.list:}"]="${package%%:*}"
done < <(grep -xF -f <(printf '%s\n' "${candidates[@]}") /var/lib/dpkg/info/*.list || true)

for i in "${!paths[@]}"; do
  path="${paths[i]}"
  real="$(realpath "$path")"
  package=""
  for candidate in "$path" "$real" "${path#/usr}" "/usr$path" "${real#/usr}" "/usr$real"; do
    package="${package_of[$candidate]:-}"
    [[ -n "$package" ]] && break
  done
  if [[ -z "$package" ]]; then
    say "$path: not from a Debian package, so not in the image"
    status=1
  elif ! grep -qxF "$package" <<<"$closure"; then
    say "$path (${names[i]}) comes from $package, which the runtime stage does not install"
    status=1
  fi
done
libraries=${#paths[@]}
say "$libraries libraries of $(basename "$BINARY") checked against the runtime stage's $(wc -w <<<"$runtime") packages"

if ((BUILD)); then
  builder=""
  for b in docker podman; do
    if command -v "$b" >/dev/null && "$b" info >/dev/null 2>&1; then builder="$b"; break; fi
  done
  [[ -n "$builder" ]] || { say "no docker or podman daemon answers: image not built"; exit 77; }
  "$builder" build -t vidsplit:check -f "$DOCKERFILE" "$ROOT" >&2
  "$builder" run --rm vidsplit:check --version >&2 || { say "the image does not run vidsplit"; status=1; }
fi
exit "$status"
