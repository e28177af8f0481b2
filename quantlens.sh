#!/usr/bin/env bash
# QuantLens: install what is missing, build, then run.
#   ./quantlens.sh            build and start the GUI on the bundled demo model
#   ./quantlens.sh test       build and run the whole test suite
#   ./quantlens.sh cli ARGS   build and run quantlens-cli ARGS
#   ./quantlens.sh build      only build
# Environment: QL_BUILD_DIR (default build), QL_JOBS (default: all cores).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build="${QL_BUILD_DIR:-$here/build}"
jobs="${QL_JOBS:-$(nproc)}"
mode="${1:-gui}"
[ $# -gt 0 ] && shift

"$here/scripts/bootstrap"

configure_args=(-S "$here" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release)
if [ "${CI:-}" = "true" ] || [ "$mode" = "test" ]; then
  configure_args+=(-DQL_WERROR=ON)
fi
cmake "${configure_args[@]}" >/dev/null
start=$(date +%s)
cmake --build "$build" -j "$jobs"
echo "quantlens: build finished in $(( $(date +%s) - start )) s"

case "$mode" in
  gui)
    demo="$here/resources/models/fmnist-cnn-swish.pth"
    if [ -f "$demo" ]; then
      exec "$build/app/quantlens" "$demo" "$@"
    fi
    exec "$build/app/quantlens" "$@"
    ;;
  test)
    export QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}"
    cd "$build"
    exec ctest --output-on-failure -j "$jobs" "$@"
    ;;
  cli)
    exec "$build/app/quantlens-cli" "$@"
    ;;
  build)
    ;;
  *)
    echo "usage: ./quantlens.sh [gui|test|cli ARGS|build]" >&2
    exit 2
    ;;
esac
