//! `whelm status`: Helm's status block (placeholder until the read verbs land).

use crate::storage::release::Release;

/// How to print a status block.
#[derive(Debug, Clone, Default)]
pub struct PrintOptions {
    pub hide_notes: bool,
}

/// Helm's status block.
pub fn print_status(rel: &Release, o: &PrintOptions) -> String {
    let mut out = format!("NAME: {}\n", rel.name);
    let info = rel.info.clone().unwrap_or_default();
    if let Some(t) = &info.last_deployed {
        out.push_str(&format!("LAST DEPLOYED: {t}\n"));
    }
    out.push_str(&format!(
        "NAMESPACE: {}\nSTATUS: {}\nREVISION: {}\nDESCRIPTION: {}\n",
        rel.namespace, info.status, rel.version, info.description
    ));
    out.push_str("TEST SUITE: None\n");
    if !o.hide_notes && !info.notes.is_empty() {
        out.push_str(&format!("NOTES:\n{}\n", info.notes.trim()));
    }
    out
}
