//! The drawn graph, saved in `localStorage` per set of column names. Storage may be missing or
//! refuse writes (private windows, quotas): every call then quietly does nothing.

/// The key for a file with these columns.
pub fn key(columns: &[String]) -> String {
    format!("counterfact.graph.v1:{}", columns.join("\u{1f}"))
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// The graph saved for these columns (DAGitty text with roles).
pub fn load(columns: &[String]) -> Option<String> {
    storage()?.get_item(&key(columns)).ok()?
}

/// Saves the graph for these columns.
pub fn save(columns: &[String], text: &str) {
    if let Some(s) = storage() {
        let _ = s.set_item(&key(columns), text);
    }
}

/// Forgets the graph saved for these columns.
pub fn forget(columns: &[String]) {
    if let Some(s) = storage() {
        let _ = s.remove_item(&key(columns));
    }
}
