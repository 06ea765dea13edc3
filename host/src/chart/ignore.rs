//! `.helmignore` rules, evaluated as Helm's `pkg/ignore` does (including its
//! quirks: a negated rule that does not match ignores the file, and the
//! default `templates/.?*` rule comes after the file's own rules).

use super::glob::{BAD_PATTERN, Glob};

/// The name of the ignore file at a chart's root.
pub const HELM_IGNORE: &str = ".helmignore";

#[derive(Debug, Clone, PartialEq)]
enum Scope {
    /// `/pattern`: the whole path, anchored at the chart root.
    Root,
    /// A pattern containing `/`: the whole path.
    Path,
    /// No `/`: the file's base name only.
    Base,
}

#[derive(Debug, Clone)]
struct Pattern {
    /// `None` when stripping `!` and `/` left a malformed pattern: it matches nothing.
    rule: Option<Glob>,
    scope: Scope,
    negate: bool,
    must_dir: bool,
}

impl Pattern {
    fn matches(&self, path: &str) -> bool {
        let target = match self.scope {
            Scope::Base => path.rsplit('/').next().unwrap_or(path),
            Scope::Root | Scope::Path => path,
        };
        self.rule.as_ref().is_some_and(|g| g.is_match(target))
    }
}

/// A parsed ignore file.
#[derive(Debug, Clone, Default)]
pub struct Rules {
    patterns: Vec<Pattern>,
}

impl Rules {
    /// Parses the text of a `.helmignore`; errors carry the 1-based line.
    pub fn parse(text: &str) -> Result<Rules, (usize, String)> {
        let mut r = Rules::default();
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        for (i, line) in text.split('\n').enumerate() {
            let line = line.strip_suffix('\r').unwrap_or(line);
            r.add(line).map_err(|e| (i + 1, e))?;
        }
        Ok(r)
    }

    /// Adds Helm's default rule (dot files in `templates/`).
    pub fn add_defaults(&mut self) {
        self.add("templates/.?*").expect("valid default rule");
    }

    fn add(&mut self, rule: &str) -> Result<(), String> {
        let rule = rule.trim();
        if rule.is_empty() || rule.starts_with('#') {
            return Ok(());
        }
        if rule.contains("**") {
            return Err("double-star (**) syntax is not supported".into());
        }
        Glob::new(rule).map_err(|_| BAD_PATTERN.to_string())?;
        let mut rule = rule;
        let negate = rule.starts_with('!');
        if negate {
            rule = &rule[1..];
        }
        let must_dir = rule.ends_with('/');
        if must_dir {
            rule = &rule[..rule.len() - 1];
        }
        let (scope, rule) = if let Some(r) = rule.strip_prefix('/') {
            (Scope::Root, r)
        } else if rule.contains('/') {
            (Scope::Path, rule)
        } else {
            (Scope::Base, rule)
        };
        self.patterns.push(Pattern {
            rule: Glob::new(rule).ok(),
            scope,
            negate,
            must_dir,
        });
        Ok(())
    }

    /// Whether `path` (relative, `/`-separated) is ignored.
    pub fn ignore(&self, path: &str, is_dir: bool) -> bool {
        if path.is_empty() || path == "." || path == "./" {
            return false;
        }
        for p in &self.patterns {
            if p.negate {
                if p.must_dir && !is_dir {
                    return true;
                }
                if !p.matches(path) {
                    return true;
                }
                continue;
            }
            if p.must_dir && !is_dir {
                continue;
            }
            if p.matches(path) {
                return true;
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(text: &str) -> Rules {
        let mut r = Rules::parse(text).unwrap();
        r.add_defaults();
        r
    }

    #[test]
    fn helm_rule_semantics() {
        let r = rules("# comment\n*.tgz\n/docs/\nsecret/*.txt\n.git/\n");
        assert!(r.ignore("charts/x.tgz", false));
        assert!(r.ignore("docs", true));
        assert!(!r.ignore("a/docs", true));
        assert!(r.ignore("secret/a.txt", false));
        assert!(!r.ignore("secret/a/b.txt", false));
        assert!(r.ignore(".git", true));
        assert!(!r.ignore(".git", false));
        assert!(r.ignore("templates/.hidden.yaml", false));
        assert!(!r.ignore("templates/x.yaml", false));
        assert!(!r.ignore("values.yaml", false));
    }

    #[test]
    fn errors() {
        assert_eq!(
            Rules::parse("ok\na/**/b\n").unwrap_err(),
            (2, "double-star (**) syntax is not supported".into())
        );
        assert_eq!(
            Rules::parse("[\n").unwrap_err(),
            (1, "syntax error in pattern".into())
        );
        // Valid as written, malformed once its trailing `/` is cut (`x\`): loads, and
        // matches nothing (Go's match error counts as no match).
        let r = rules("x\\/\n");
        assert!(!r.ignore("x", true) && !r.ignore("x\\", true) && !r.ignore("x/", true));
    }
}
