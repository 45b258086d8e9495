#!/usr/bin/env bash
# Runs the README's install commands as written, the way a new user would:
# every ```sh block of the README's install section, each in its own fresh
# copy of the repository (the files git knows, without node_modules or dist),
# with npm's global prefix pointed at a temporary folder so nothing outside it
# changes. Then checks `npm publish --dry-run` and prints the installed size.
#
# Exits non-zero when a command fails. Dependencies come from npm's cache when
# `npm ci` has filled it (CI runs this after its own `npm ci`).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The ```sh blocks between <!-- section:install --> and <!-- /section:install -->, separated by NUL.
blocks="$work/blocks"
node -e '
  const readme = require("node:fs").readFileSync(process.argv[1], "utf8");
  const section = /<!-- section:install -->([\s\S]*?)<!-- \/section:install -->/.exec(readme);
  if (!section) { console.error("README.md has no install section"); process.exit(1); }
  const blocks = [...section[1].matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
  if (blocks.length === 0) { console.error("the install section has no sh block"); process.exit(1); }
  process.stdout.write(blocks.join("\0"));
' "$repo/README.md" >"$blocks"

# A copy of the repository as a clone has it (tracked and new files, not what .gitignore names).
copy_repository() {
  local target="$1"
  mkdir -p "$target"
  (cd "$repo" && git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' file; do
    [[ -e "$file" ]] && printf '%s\0' "$file"
  done | tar --null -T - -cf -) | tar -xf - -C "$target"
}

export NPM_CONFIG_PREFER_OFFLINE=true NPM_CONFIG_AUDIT=false NPM_CONFIG_FUND=false NPM_CONFIG_UPDATE_NOTIFIER=false

index=0
while IFS= read -r -d '' block || [[ -n "$block" ]]; do
  index=$((index + 1))
  clone="$work/clone-$index"
  prefix="$work/prefix-$index"
  copy_repository "$clone"
  mkdir -p "$prefix"
  echo "--- README install block ${index} (global prefix ${prefix}):"
  printf '%s' "$block" | sed 's/^/    $ /'
  # Each line as typed at a prompt, stopping at the first failure.
  (
    cd "$clone"
    export NPM_CONFIG_PREFIX="$prefix" PATH="$prefix/bin:$PATH"
    bash -euo pipefail -c "$block" >"$work/output-$index" 2>&1
  ) || {
    status=$?
    tail -n 40 "$work/output-$index" >&2
    echo "error: README install block ${index} failed (exit status ${status})" >&2
    exit 1
  }
  # What the block must have achieved: the command installed in the prefix, its version, the demo's two reports.
  version="$(node -p 'require(process.argv[1]).version' "$repo/package.json")"
  if [[ "$("$prefix/bin/mailcheck" --version)" != "$version" ]]; then
    echo "error: block ${index}: mailcheck --version does not print ${version}" >&2
    exit 1
  fi
  if ! grep -q '^good\.example$' "$work/output-$index" || ! grep -q '^broken\.example$' "$work/output-$index"; then
    echo "error: block ${index}: the demo printed no report of good.example and broken.example" >&2
    exit 1
  fi
  installed="$prefix/lib/node_modules/mailcheck-cli"
  if [[ -L "$installed" ]]; then
    echo "    installed: a link to the clone"
  else
    echo "    installed size: $(du -sk "$installed" | cut -f1) KiB"
  fi
done <"$blocks"

# `npm publish --dry-run` packs and validates without uploading.
echo "--- npm publish --dry-run"
publish="$work/clone-publish"
copy_repository "$publish"
(cd "$publish" && npm ci --ignore-scripts >/dev/null 2>&1 && npm publish --dry-run >"$work/publish.log" 2>&1) || {
  tail -n 40 "$work/publish.log" >&2
  echo "error: npm publish --dry-run failed" >&2
  exit 1
}
grep -E 'total files|package size|unpacked size' "$work/publish.log" | sed 's/^npm notice /    /'
echo "README install: every block ran"
