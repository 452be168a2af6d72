#!/bin/sh
# Seeds fuzz/corpus/<target>/ from the repository's own inputs (run from anywhere;
# the corpora are not committed: libFuzzer grows them in place).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
corpus="$root/fuzz/corpus"
mkdir -p "$corpus/rules" "$corpus/inventory" "$corpus/plan"

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
# crashes found before, kept as regressions, seed their own target
for target in rules inventory plan; do
    if [ -d "$root/fuzz/regressions/$target" ]; then
        copy "$corpus/$target" "$root/fuzz/regressions/$target"/*
    fi
done
for target in rules inventory plan; do
    echo "$target: $(ls "$corpus/$target" | wc -l) seeds"
done
