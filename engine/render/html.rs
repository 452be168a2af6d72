//! The runbook as one self-contained HTML report.

use super::Options;
use crate::plan::Plan;

/// Renders `plan` as an HTML document with no external resources.
pub fn html(plan: &Plan, options: &Options) -> String {
    format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Upgrade plan</title></head>\n<body><pre>{}</pre></body></html>\n",
        super::markdown(plan, options)
            .replace('&', "&amp;")
            .replace('<', "&lt;")
    )
}
