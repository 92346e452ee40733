# Shared by demo.sh and test.sh: install the Debian packages vidsplit needs (only those missing), then
# configure and build with CMake. Sourced, not run.

VIDSPLIT_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Build tools and the libraries of the README's dependency list (Debian 12 package names).
VIDSPLIT_PACKAGES=(
  cmake g++ make pkg-config
  libavformat-dev libavcodec-dev libavutil-dev libswscale-dev
  libopencv-dev libboost-program-options-dev libfmt-dev doctest-dev nlohmann-json3-dev
  pybind11-dev python3-dev
)
# What the Python tests import: the module's suite (tests/python) and the consumers that load the exports
# (tests/consumers); both run by test.sh through ctest, label `python`.
VIDSPLIT_TEST_PACKAGES=(python3-pytest python3-numpy python3-torch python3-torchvision python3-sklearn python3-av
  python3-pandas)

vidsplit_install_deps() {
  local missing=()
  for p in "${VIDSPLIT_PACKAGES[@]}" "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "vidsplit: installing Debian packages: ${missing[*]}" >&2
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "vidsplit: need root (or sudo) to install: ${missing[*]}" >&2; return 1; }
    sudo="sudo"
  fi
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# vidsplit_build BUILD_DIR [cmake options...]: configures once, then rebuilds incrementally.
# VIDSPLIT_TARGET (optional) builds just that target, e.g. the binary for the demo.
vidsplit_build() {
  local dir="$1"
  shift
  cmake -S "$VIDSPLIT_ROOT" -B "$dir" -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
  cmake --build "$dir" -j "$(nproc)" ${VIDSPLIT_TARGET:+--target "$VIDSPLIT_TARGET"}
}
