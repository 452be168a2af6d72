#!/bin/sh
# Seeds fuzz/corpus/<target>/ from the repository's own inputs (run from anywhere;
# the corpora are not committed: libFuzzer grows them in place).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
corpus="$root/fuzz/corpus"
mkdir -p "$corpus/rules" "$corpus/inventory" "$corpus/plan" "$corpus/bundle"

copy() { # copy DEST FILES... (files that do not exist are skipped)
    dest=$1
    shift
    for f in "$@"; do
        [ -f "$f" ] && cp "$f" "$dest/$(basename "$(dirname "$f")")-$(basename "$f")"
    done
    return 0
}

copy "$corpus/rules" "$root"/rules/acp/*.uplan "$root"/tests/fixtures/mini/*.uplan \
    "$root"/tests/bad-rules/*.uplan
copy "$corpus/inventory" "$root"/examples/*.yaml "$root"/tests/fixtures/mini/*.yaml \
    "$root"/tests/bad-inventories/*.yaml "$root"/tests/bad-inventories/*.yml
copy "$corpus/plan" "$root"/plans/*.json "$root"/tests/bad-plans/*.json
# each recorded bundle as one input of sections (`=== CLUSTER/FILE`), with the skeleton
for b in "$root"/tests/fixtures/bundles/*/ "$root"/tests/fixtures/bundles/bad/*/; do
    seed="$corpus/bundle/$(basename "$b")"
    : >"$seed"
    [ -f "$b/bundle.json" ] && { echo "=== bundle.json"; cat "$b/bundle.json"; } >>"$seed"
    for f in "$b"*/*; do
        [ -f "$f" ] && { echo "=== $(basename "$(dirname "$f")")/$(basename "$f")"; cat "$f"; } >>"$seed"
    done
    { echo "=== skeleton"; cat "$root/tests/fixtures/bundles/acme-skeleton.yaml"; } >>"$seed"
done
# crashes found before, kept as regressions, seed their own target
for target in rules inventory plan; do
    if [ -d "$root/fuzz/regressions/$target" ]; then
        copy "$corpus/$target" "$root/fuzz/regressions/$target"/*
    fi
done
for target in rules inventory plan bundle; do
    echo "$target: $(ls "$corpus/$target" | wc -l) seeds"
done
