#!/usr/bin/env bash
# Publishes samples/TinyPredictor with NativeAOT and checks it: zero trim/AOT warnings, and the predictions of the
# frozen LetterPrediction weights (a->b ... e->a) from arguments and from stdin. Installs what NativeAOT needs on
# Linux (clang, zlib) only when it is missing. Prints one "PASS <name>" / "FAIL <name>" line per check.
set -uo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
failures=0
check() {
  local name="$1"; shift
  if "$@" >"$work/$name.log" 2>&1; then echo "PASS $name"; else echo "FAIL $name"; tail -n 40 "$work/$name.log"; failures=$((failures + 1)); fi
}

# NativeAOT links with clang and needs zlib's headers and library.
if ! command -v clang >/dev/null 2>&1 || [ ! -e /usr/include/zlib.h ]; then
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  check "install-aot-prerequisites" bash -c "$sudo_cmd apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq clang zlib1g-dev"
fi

case "$(uname -m)" in x86_64) rid=linux-x64 ;; aarch64) rid=linux-arm64 ;; *) rid="linux-$(uname -m)" ;; esac
out="$work/out"
check "aot-publish" dotnet publish "$repo/samples/TinyPredictor" -c Release -r "$rid" -o "$out"
# Trim analysis (IL2xxx) and AOT analysis (IL3xxx) warnings, and any other warning of the publish.
check "aot-zero-warnings" bash -c "! grep -E ': warning [A-Z]+[0-9]+' '$work/aot-publish.log'"
expected=$'a->b\nb->c\nc->d\nd->e\ne->a'
check "aot-predicts-from-arguments" bash -c "[ \"\$('$out/TinyPredictor' a b c d e | cut -d' ' -f1)\" = \"$expected\" ]"
check "aot-predicts-from-stdin" bash -c "[ \"\$(printf 'a\nb\nc\nd\ne\n' | '$out/TinyPredictor' | cut -d' ' -f1)\" = \"$expected\" ]"
check "aot-rejects-bad-input" bash -c "! '$out/TinyPredictor' z"
[ -x "$out/TinyPredictor" ] && echo "TinyPredictor: $(stat -c %s "$out/TinyPredictor") bytes ($rid)"

echo "aot publish: $failures failed"
[ "$failures" -eq 0 ]
