#!/bin/sh
# ecs-fields.sh - regenerate tests/ecs/ecs-fields.tsv from the official
# Elastic Common Schema field list in the @elastic/ecs npm package
# (generated/ecs_flat.js, Apache License 2.0: tests/ecs/LICENSE, NOTICE).
# Needs npm and node; run from the top of the tree:
#   sh tests/tools/ecs-fields.sh 9.4.0
set -eu
ver=${1:-9.4.0}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack "@elastic/ecs@$ver" >/dev/null 2>&1 &&
    tar xzf "elastic-ecs-$ver.tgz")
cp "$tmp/package/LICENSE" tests/ecs/LICENSE
cp "$tmp/package/NOTICE.txt" tests/ecs/NOTICE
{
	printf '# Elastic Common Schema fields from the npm package @elastic/ecs %s\n' "$ver"
	printf '# (generated/ecs_flat.js; Apache License 2.0, see LICENSE and NOTICE).\n'
	printf '# Made by tests/tools/ecs-fields.sh. Columns: flat name, type,\n'
	printf '# "array" when ECS normalizes it to an array, allowed values.\n'
	node -e '
const { EcsFlat } = require(process.argv[1]);
for (const [k, v] of Object.entries(EcsFlat)) {
	const arr = (v.normalize || []).includes("array") ? "array" : "-";
	const allowed = (v.allowed_values || []).map((x) => x.name).join(",");
	console.log([k, v.type, arr, allowed || "-"].join("\t"));
}' "$tmp/package/generated/ecs_flat.js"
} >tests/ecs/ecs-fields.tsv
echo "tests/ecs/ecs-fields.tsv: $(grep -vc '^#' tests/ecs/ecs-fields.tsv) fields"
