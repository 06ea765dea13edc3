//! Helpers for YAML manifest streams as `helm template` prints them.

/// Splits a multi-document YAML stream on lines that start with `---`, the
/// way Helm does (`(?m)^---`), keeping each document's text (with any
/// `# Source:` comment) and dropping documents that are empty or only
/// whitespace.
pub fn split_documents(stream: &str) -> Vec<&str> {
    let mut docs = Vec::new();
    let mut start = 0;
    let mut line_start = 0;
    let bytes = stream.as_bytes();
    while line_start <= bytes.len() {
        let line_end = stream[line_start..]
            .find('\n')
            .map(|i| line_start + i)
            .unwrap_or(bytes.len());
        let line = &stream[line_start..line_end];
        if is_separator(line) {
            push_doc(&mut docs, &stream[start..line_start]);
            start = (line_end + 1).min(bytes.len());
        }
        if line_end == bytes.len() {
            break;
        }
        line_start = line_end + 1;
    }
    push_doc(&mut docs, &stream[start..]);
    docs
}

fn is_separator(line: &str) -> bool {
    line.strip_prefix("---")
        .is_some_and(|rest| rest.chars().all(|c| c == ' ' || c == '\t' || c == '\r'))
}

fn push_doc<'a>(docs: &mut Vec<&'a str>, doc: &'a str) {
    if !doc.trim().is_empty() {
        docs.push(doc);
    }
}

/// Joins documents into a stream: each preceded by `---\n` and ending in a newline.
pub fn join_documents<S: AsRef<str>>(docs: &[S]) -> String {
    let mut out = String::new();
    for d in docs {
        out.push_str("---\n");
        out.push_str(d.as_ref());
        if !d.as_ref().ends_with('\n') {
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_on_separator_lines_only() {
        let s = "---\n# Source: a.yaml\nkind: A\n---\nkind: B\nx: '---'\n---   \n\n---\nkind: C";
        assert_eq!(
            split_documents(s),
            vec![
                "# Source: a.yaml\nkind: A\n",
                "kind: B\nx: '---'\n",
                "kind: C"
            ]
        );
    }

    #[test]
    fn a_stream_without_separators_is_one_document() {
        assert_eq!(split_documents("kind: A\n"), vec!["kind: A\n"]);
        assert!(split_documents("  \n").is_empty());
    }

    #[test]
    fn join_round_trips() {
        let docs = ["kind: A\n", "kind: B"];
        let s = join_documents(&docs);
        assert_eq!(s, "---\nkind: A\n---\nkind: B\n");
        assert_eq!(split_documents(&s), vec!["kind: A\n", "kind: B\n"]);
    }
}
