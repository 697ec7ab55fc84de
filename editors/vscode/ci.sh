#!/usr/bin/env bash
# Builds, tests and packages the VS Code extension, then checks that the
# package holds only the intended files. Works from a fresh clone.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

export CI="${CI:-true}"
export npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false

echo "== npm ci"
npm ci --no-audit --no-fund </dev/null

echo "== typecheck"
npm run typecheck </dev/null

echo "== unit tests"
npm test </dev/null

echo "== build"
npm run build </dev/null
test -s dist/extension.js || { echo "ci.sh: dist/extension.js was not built" >&2; exit 1; }

echo "== package"
rm -f factcheck-ls-0.1.0.vsix
npm run package </dev/null
test -s factcheck-ls-0.1.0.vsix || { echo "ci.sh: factcheck-ls-0.1.0.vsix was not produced" >&2; exit 1; }

echo "== check packaged files"
listing="$(./node_modules/.bin/vsce ls --no-dependencies </dev/null)"
printf '%s\n' "$listing"

unexpected=0
while IFS= read -r file; do
  [ -z "$file" ] && continue
  case "$file" in
    package.json | dist/extension.js | README.md | LICENSE | CHANGELOG.md | server/?*) ;;
    *)
      echo "ci.sh: unexpected file in the package: $file" >&2
      unexpected=1
      ;;
  esac
done <<<"$listing"

for required in package.json dist/extension.js README.md LICENSE; do
  if ! grep -qxF "$required" <<<"$listing"; then
    echo "ci.sh: missing from the package: $required" >&2
    unexpected=1
  fi
done

if [ "$unexpected" -ne 0 ]; then
  echo "ci.sh: the package contents are wrong (see .vscodeignore)" >&2
  exit 1
fi
echo "ci.sh: package contents OK ($(grep -c . <<<"$listing") files)"
