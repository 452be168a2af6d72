//! The stable codes of bundle diagnostics (`uplan inventory import BUNDLE`), each with
//! an input that triggers it.

/// The bundle is not a directory, cannot be listed, or holds no cluster directory.
pub const NOT_A_BUNDLE: &str = "uplan::bundle::not_a_bundle";

/// A cluster directory's name is not a Kubernetes name (DNS-1123 label): `Biz_1/`.
pub const BAD_CLUSTER_NAME: &str = "uplan::bundle::bad_cluster_name";

/// A cluster directory without `nodes.json`.
pub const MISSING_NODES: &str = "uplan::bundle::missing_nodes";

/// A bundle file is a symlink: a bundle is a plain tree, and a link could point
/// anywhere on the machine that runs the import.
pub const SYMLINK: &str = "uplan::bundle::symlink";

/// A bundle file cannot be read: not a regular file, larger than 64 MiB, not UTF-8,
/// or refused by the operating system.
pub const UNREADABLE: &str = "uplan::bundle::unreadable";

/// A JSON file that is not JSON: truncated, a trailing comma, an HTML error page.
pub const BAD_JSON: &str = "uplan::bundle::bad_json";

/// JSON of the wrong shape: a Node without `status.nodeInfo`, `items` not a list, a
/// `kind` other than `List` or `Node` in `nodes.json`.
pub const WRONG_SHAPE: &str = "uplan::bundle::wrong_shape";

/// `nodes.json` lists no Node.
pub const EMPTY_NODE_LIST: &str = "uplan::bundle::empty_node_list";

/// A version the importer cannot read: `kubeletVersion: "latest"`, an
/// `exempt-for-ver` annotation `soon`, an istiod image without a version tag.
pub const BAD_VERSION: &str = "uplan::bundle::bad_version";

/// A `containerRuntimeVersion` that is neither `containerd://…` nor `docker://…`
/// (`cri-o://1.28.1`): a warning, and the cluster's runtime is left to fill in.
pub const UNKNOWN_RUNTIME: &str = "uplan::bundle::unknown_runtime";

/// Nodes of one cluster disagree (a cluster mid-upgrade): a warning naming each node
/// and its version; the lowest version is taken.
pub const MIXED_VERSIONS: &str = "uplan::bundle::mixed_versions";

/// Nodes of one cluster run different runtimes: a warning naming each node; `docker`
/// is taken when any node runs it (the rules refuse Docker, so it must not hide).
pub const MIXED_RUNTIMES: &str = "uplan::bundle::mixed_runtimes";

/// `minio-df.txt` is not `df -P` output: no header, a line without the Available
/// column, a number that is not one.
pub const BAD_DF: &str = "uplan::bundle::bad_df";
