//! `uplan inventory collect`: the POSIX sh script a customer runs where `kubectl`
//! reaches each cluster. It writes a bundle (docs/bundle.md) that `uplan inventory
//! import` reads. No stage of the pipeline: a generator beside it, whose only input
//! is the list of kube contexts.
//!
//! What the script may run is data ([`GETS`], [`VIOLET`]): every `kubectl` call goes
//! through one shell function that can only run `kubectl --context CTX get … -o json`,
//! and the tests hold the script to that list. It reads no Secret, asks for no
//! password, and takes the only token it uses (violet's) from the environment.

pub mod codes;

use crate::diagnostics::{Problem, Problems};

/// One `kubectl get` the script runs in each context: the bundle file it writes and
/// the arguments between `get` and `-o json`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Get {
    pub file: &'static str,
    pub args: &'static [&'static str],
    /// Whether the cluster's directory is incomplete without it.
    pub required: bool,
}

/// The `kubectl get`s, in the order the script runs them (files of
/// `crate::bundle::FILES`).
pub const GETS: [Get; 5] = [
    Get {
        file: "nodes.json",
        args: &["nodes"],
        required: true,
    },
    Get {
        file: "machines.json",
        args: &["machines.platform.tkestack.io"],
        required: false,
    },
    Get {
        file: "resourcepatches.json",
        args: &["resourcepatches"],
        required: false,
    },
    Get {
        file: "cvsh.json",
        args: &["-n", "cpaas-system", "cvsh"],
        required: false,
    },
    Get {
        file: "istiod.json",
        args: &["deployments", "-A", "-l", "app=istiod"],
        required: false,
    },
];

/// The `violet list` the script runs once, when `violet` is on PATH and both
/// variables are set: its arguments, with the variables' names in place of values.
pub const VIOLET: [&str; 6] = [
    "--platform-address",
    "$UPLAN_PLATFORM_ADDRESS",
    "--platform-token",
    "$UPLAN_PLATFORM_TOKEN",
    "--output-file",
    "$bundle/violet-apps.yaml",
];

/// What a context argument may hold: `CONTEXT` or `CONTEXT=CLUSTER`. The characters
/// of kube context names in practice (`kubernetes-admin@global`, ARNs with `:` and
/// `/`), and nothing a shell or JSON string would treat specially.
pub fn context_ok(arg: &str) -> bool {
    !arg.is_empty()
        && !arg.starts_with('-')
        && arg
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._@:/=-".contains(&b))
}

/// The bundle directory a context argument writes: after `=`, or the context itself.
pub fn cluster_of(arg: &str) -> &str {
    arg.rsplit_once('=').map_or(arg, |(_, c)| c)
}

/// The script, with `contexts` as its default arguments.
pub fn script(contexts: &[String]) -> Result<String, Problems> {
    let mut problems = Problems::default();
    for c in contexts {
        if !context_ok(c) || !crate::bundle::is_dns_label(cluster_of(c)) {
            problems.push(bad_context(c));
        }
    }
    problems.into_result(())?;
    let defaults: Vec<String> = contexts.iter().map(|c| format!("'{c}'")).collect();
    let gets: String = GETS
        .iter()
        .map(|g| {
            let args: Vec<String> = g.args.iter().map(|a| format!("'{a}'")).collect();
            let kind = if g.required { "required" } else { "optional" };
            format!(
                "    get {kind} \"$ctx\" \"$dir/{}\" {}\n",
                g.file,
                args.join(" ")
            )
        })
        .collect();
    let violet: Vec<String> = VIOLET
        .iter()
        .map(|a| {
            if a.starts_with('$') {
                format!("\"{a}\"")
            } else {
                (*a).to_string()
            }
        })
        .collect();
    Ok(TEMPLATE
        .replace("@VERSION@", env!("CARGO_PKG_VERSION"))
        .replace("@DEFAULTS@", &defaults.join(" "))
        .replace("@GETS@", gets.trim_end())
        .replace("@VIOLET@", &violet.join(" ")))
}

fn bad_context(arg: &str) -> Problem {
    Problem::new(
        codes::BAD_CONTEXT,
        format!("`{}` is not a context argument the script can use", crate::sanitize::one_line(arg)),
    )
    .help("give each cluster as CONTEXT or CONTEXT=CLUSTER: the context as `kubectl config get-contexts` names it (letters, digits, . _ @ : / -), the cluster's name in ACP (a DNS-1123 label: lowercase letters, digits, -) when the context is named otherwise")
}

/// The script. `@…@` are filled in by [`script`]; everything else is fixed text.
const TEMPLATE: &str = r#"#!/bin/sh
# Collects the facts of an ACP platform for `uplan inventory import` (uplan @VERSION@).
#
# Usage: sh collect.sh [-d BUNDLE] [CONTEXT[=CLUSTER]...]
#   One kube context per cluster; CLUSTER (default: the context's name) is the
#   cluster's name in ACP and names its directory in the bundle. Without arguments,
#   the contexts given to `uplan inventory collect` are used. BUNDLE defaults to
#   ./uplan-bundle.
#
# It runs only read-only commands: `kubectl --context CTX get ... -o json` (the list
# is in docs/bundle.md), and `violet list` when violet is on PATH and both
# UPLAN_PLATFORM_ADDRESS and UPLAN_PLATFORM_TOKEN are set. It reads no Secret and
# asks for no password.
set -eu
umask 077

bundle=uplan-bundle
if [ "${1:-}" = "-d" ]; then
    [ "$#" -ge 2 ] || { echo "collect: -d needs a directory" >&2; exit 2; }
    bundle=$2
    shift 2
fi
if [ "$#" -eq 0 ]; then
    set -- @DEFAULTS@
fi
if [ "$#" -eq 0 ]; then
    echo "collect: give one kube context per cluster: sh collect.sh CONTEXT[=CLUSTER]..." >&2
    exit 2
fi
command -v kubectl >/dev/null 2>&1 || { echo "collect: kubectl is not on PATH" >&2; exit 2; }

# get required|optional CONTEXT FILE ARG...: `kubectl --context CONTEXT get ARG... -o json`
# into FILE, replaced only when kubectl succeeds.
failed=0
get() {
    need=$1 ctx=$2 out=$3
    shift 3
    if kubectl --context "$ctx" get "$@" -o json >"$out.part" 2>"$out.err"; then
        mv "$out.part" "$out"
        rm -f "$out.err"
    elif [ "$need" = required ]; then
        echo "collect: $out: kubectl failed (see $out.err)" >&2
        rm -f "$out.part"
        failed=1
    else
        echo "collect: $out: not collected (optional; see $out.err)" >&2
        rm -f "$out.part"
    fi
}

mkdir -p "$bundle"
contexts=""
for arg in "$@"; do
    case $arg in
        '' | -* | *[!A-Za-z0-9._@:/=-]*)
            echo "collect: '$arg' is not CONTEXT or CONTEXT=CLUSTER" >&2
            exit 2 ;;
    esac
    ctx=${arg%=*}
    cluster=${arg##*=}
    case $cluster in
        '' | -* | *- | *[!a-z0-9-]*)
            echo "collect: '$cluster' is not a cluster name (lowercase letters, digits, -); write CONTEXT=CLUSTER" >&2
            exit 2 ;;
    esac
    if [ "${#cluster}" -gt 63 ]; then
        echo "collect: '$cluster' is longer than 63 characters" >&2
        exit 2
    fi
    dir=$bundle/$cluster
    mkdir -p "$dir"
    echo "collect: $ctx -> $dir" >&2
@GETS@
    contexts="$contexts${contexts:+, }\"$ctx\""
done

if command -v violet >/dev/null 2>&1 && [ -n "${UPLAN_PLATFORM_ADDRESS:-}" ] && [ -n "${UPLAN_PLATFORM_TOKEN:-}" ]; then
    violet list @VIOLET@ >"$bundle/violet-list.log" 2>&1 ||
        echo "collect: violet list failed (see $bundle/violet-list.log)" >&2
fi

printf '{"collected_at": "%s", "uplan": "%s", "contexts": [%s]}\n' \
    "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "@VERSION@" "$contexts" >"$bundle/bundle.json"

cat >&2 <<'NOTE'
collect: one step is by hand. On each control-plane node of the global cluster, run
  df -P /cpaas/minio
and append its output to BUNDLE/<global>/minio-df.txt (a line `# NODE` before each is fine).
Then: uplan inventory import BUNDLE --into skeleton.yaml -o inventory.yaml
NOTE
exit "$failed"
"#;
