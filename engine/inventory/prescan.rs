//! placeholder
pub(crate) fn may_nest_deeper(_text: &str, _max: usize) -> bool {
    false
}
