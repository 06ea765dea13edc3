//! Expected values come from helm 4.3.1 (`helm template` on the same
//! expressions).

use super::funcs;
use crate::funcs::text::call;
use crate::funcs::text::t::*;
use crate::value::Value;

fn c(name: &str, args: &[Value]) -> String {
    call(&funcs(), name, args)
}

fn matches(p: &str, x: &str) -> String {
    c("mustRegexMatch", &[s(p), s(x)])
}

#[test]
fn match_uses_go_syntax() {
    assert_eq!(c("regexMatch", &[s("^a.c$"), s("abc")]), "true");
    assert_eq!(c("regexMatch", &[s("("), s("abc")]), "false");
    // Go's \d \w \s \b are ASCII-only.
    assert_eq!(c("regexMatch", &[s(r"\d+"), s("x١٢")]), "false");
    assert_eq!(c("regexMatch", &[s(r"^\w+$"), s("héllo")]), "false");
    assert_eq!(c("regexMatch", &[s(r"\bfoo\b"), s("éfooé")]), "true");
    assert_eq!(c("regexMatch", &[s(r"^\s$"), s("\u{a0}")]), "false");
    assert_eq!(c("regexMatch", &[s("(?i)HÉ"), s("hé")]), "true");
    assert_eq!(matches("a{,5}", "a{,5}"), "true");
    assert_eq!(matches(r"\Qa.b\E", "a.b"), "true");
    assert_eq!(matches(r"(?i:A)(?s).\z", "a\n"), "true");
    assert_eq!(matches("[[:^alpha:]]", "1"), "true");
    assert_eq!(matches("(?<n>a)", "a"), "true");
    assert_eq!(matches("(?U)a+", "a"), "true");
    assert_eq!(matches("[a&&b]", "&"), "true");
    assert_eq!(matches("[[a]]", "a]"), "true");
    assert_eq!(matches(r"\<", "a"), "false");
    assert_eq!(matches(r"\pN", "1"), "true");
    assert_eq!(matches(r"\x{41}", "A"), "true");
    assert_eq!(matches(r"\101", "A"), "true");
    assert_eq!(matches(r"\0", "A"), "false");
    assert_eq!(matches("a{1000}", "A"), "false");
    assert_eq!(c("mustRegexMatch", &[s("a"), s("abc")]), "true");
}

#[test]
fn syntax_errors_as_go_prints_them() {
    let e = |p: &str, msg: &str| {
        assert_eq!(
            matches(p, "abc"),
            format!("ERR: error parsing regexp: {msg}"),
            "{p:?}"
        );
    };
    e("(", "missing closing ): `(`");
    e("[a", "missing closing ]: `[a`");
    e("a**", "invalid nested repetition operator: `**`");
    e(r"\q", r"invalid escape sequence: `\q`");
    e("x{1001}", "invalid repeat count: `{1001}`");
    e("[z-a]", "invalid character class range: `z-a`");
    e("(?P<>a)", "invalid named capture: `(?P<>`");
    e("(?x)a", "invalid or unsupported Perl syntax: `(?x`");
    e("*", "missing argument to repetition operator: `*`");
    e("a{2,1}", "invalid repeat count: `{2,1}`");
    e(r"\p{Foo}", r"invalid character class range: `\p{Foo}`");
    e("(?=a)", "invalid or unsupported Perl syntax: `(?=`");
    e(r"\Z", r"invalid escape sequence: `\Z`");
    e("[[:foo:]]", "invalid character class range: `[:foo:]`");
    e(r"\8", r"invalid escape sequence: `\8`");
    e("x{2}{3}", "invalid nested repetition operator: `{2}{3}`");
    e(r"\C", r"invalid escape sequence: `\C`");
    e("[a--b]", "invalid character class range: `a--`");
    e(r"\e", r"invalid escape sequence: `\e`");
    assert_eq!(
        c("mustRegexFind", &[s("("), s("abc")]),
        "ERR: error parsing regexp: missing closing ): `(`"
    );
    // The plain variants panic through regexp.MustCompile.
    assert_eq!(
        c("regexFind", &[s("("), s("abc")]),
        "ERR: regexp: Compile(`(`): error parsing regexp: missing closing ): `(`"
    );
    assert_eq!(
        c("regexFindAll", &[s("a)"), s("abc"), i(-1)]),
        "ERR: regexp: Compile(`a)`): error parsing regexp: unexpected ): `a)`"
    );
    assert_eq!(
        c("regexSplit", &[s("("), s("abc"), i(-1)]),
        "ERR: regexp: Compile(`(`): error parsing regexp: missing closing ): `(`"
    );
    assert_eq!(c("regexReplaceAll", &[s("`"), s("abc"), s("x")]), "abc");
    assert_eq!(
        c("regexReplaceAll", &[s("`("), s("abc"), s("x")]),
        "ERR: regexp: Compile(\"`(\"): error parsing regexp: missing closing ): ``(`"
    );
}

#[test]
fn find_and_find_all() {
    let fa = |p: &str, x: &str, n: i64| c("regexFindAll", &[s(p), s(x), i(n)]);
    assert_eq!(fa("a.", "aXaYaZ", -1), "[aX aY aZ]");
    assert_eq!(fa("a.", "aXaYaZ", 2), "[aX aY]");
    assert_eq!(fa("a.", "aXaYaZ", 0), "[]");
    assert_eq!(fa("q", "abc", -1), "[]");
    assert_eq!(fa("", "abc", -1), "[   ]");
    assert_eq!(fa("a*", "baaab", -1), "[ aaa ]");
    let n = funcs()
        .iter()
        .find(|f| f.name == "regexFindAll")
        .and_then(|f| (f.call)(&[s("x*"), s("héllo"), i(-1)]).ok());
    assert_eq!(n.and_then(|v| v.as_list().map(<[Value]>::len)), Some(6));
    assert_eq!(c("mustRegexFindAll", &[s("a"), s("aa"), i(-1)]), "[a a]");
    assert_eq!(c("regexFind", &[s("a."), s("xaYaZ")]), "aY");
    assert_eq!(c("regexFind", &[s("q"), s("abc")]), "");
    assert_eq!(c("mustRegexFind", &[s("b"), s("abc")]), "b");
}

#[test]
fn replace_all_expands_like_go() {
    let r = |p: &str, x: &str, t: &str| c("regexReplaceAll", &[s(p), s(x), s(t)]);
    assert_eq!(r("a(x*)b", "-ab-axxb-", "${1}W"), "-W-xxW-");
    // `$1W` names the (missing) group "1W".
    assert_eq!(r("a(x*)b", "-ab-axxb-", "$1W"), "---");
    assert_eq!(r("a(?P<n>x*)b", "-ab-axxb-", "<$n>"), "-<>-<xx>-");
    assert_eq!(r("a(x*)b", "-ab-axxb-", "$$1"), "-$1-$1-");
    assert_eq!(r("a(x*)b", "-ab-axxb-", "$9|$"), "-|$-|$-");
    assert_eq!(r("a(x*)b", "-ab-axxb-", "${1"), "-${1-${1-");
    assert_eq!(r("", "abc", "-"), "-a-b-c-");
    assert_eq!(r("a*", "baaac", "-"), "-b-c-");
    assert_eq!(r("(a)(b)?", "ac ab", "[$2$1]"), "[a]c [ba]");
    assert_eq!(r("a(x*)b", "-axb-", "$01"), "--");
    assert_eq!(r("a(x*)b", "-axb-", "${01}"), "--");
    assert_eq!(r("a(x*)b", "-axb-", "$1.$1_x"), "-x.-");
    assert_eq!(
        c(
            "regexReplaceAllLiteral",
            &[s("a(x*)b"), s("-ab-axxb-"), s("${1}")]
        ),
        "-${1}-${1}-"
    );
    assert_eq!(c("mustRegexReplaceAll", &[s("b"), s("abc"), s("X")]), "aXc");
    assert_eq!(
        c("mustRegexReplaceAllLiteral", &[s("b"), s("abc"), s("$0")]),
        "a$0c"
    );
}

#[test]
fn split_like_go() {
    let sp = |p: &str, x: &str, n: i64| c("regexSplit", &[s(p), s(x), i(n)]);
    assert_eq!(sp("z+", "pizza", -1), "[pi a]");
    assert_eq!(sp("z+", "pizza", 0), "[]");
    assert_eq!(sp("z+", "pizza", 1), "[pizza]");
    assert_eq!(sp("", "abc", -1), "[a b c]");
    assert_eq!(sp("a", "banana", 2), "[b nana]");
    assert_eq!(sp("x*", "abc", -1), "[a b c]");
    assert_eq!(sp("a", "", -1), "[]");
    assert_eq!(sp("", "", -1), "[]");
    assert_eq!(sp("a", "aaa", -1), "[   ]");
    assert_eq!(c("mustRegexSplit", &[s("b"), s("abc"), i(-1)]), "[a c]");
}

#[test]
fn quote_meta() {
    assert_eq!(
        c("regexQuoteMeta", &[s(r"a.b*c[d]$^{}()|+?\")]),
        r"a\.b\*c\[d\]\$\^\{\}\(\)\|\+\?\\"
    );
    assert_eq!(c("regexQuoteMeta", &[s("é-")]), "é-");
}

#[test]
fn translation_corner_cases() {
    let fa = |p: &str, x: &str| c("regexFindAll", &[s(p), s(x), i(-1)]);
    assert_eq!(fa("^*a", "aa"), "[a a]");
    assert_eq!(fa("(?i)k", "kK\u{212a}"), "[k K \u{212a}]");
    assert_eq!(fa(r"[^\n]+", "ab\ncd"), "[ab cd]");
    assert_eq!(fa(r"[\pL\d]+", "é1-x"), "[é1 x]");
    assert_eq!(fa(r"(?m)^\w+$", "ab\ncd"), "[ab cd]");
    assert_eq!(fa(r"\B", "ab cd"), "[ ]");
    assert_eq!(fa("[[:alpha:]]+", "ab1é"), "[ab]");
    assert_eq!(
        fa("(a{500}){3}", "a"),
        "ERR: regexp: Compile(`(a{500}){3}`): error parsing regexp: invalid repeat count: `{3}`"
    );
    assert_eq!(fa("a{0}", "aa"), "[  ]");
    assert_eq!(fa(r"\x41\x{42}\101", "ABA"), "[ABA]");
    assert_eq!(fa(r"[\d-z]+", "1-z"), "[1-z]");
    assert_eq!(fa("(?s:.)", "\n"), "[\n]");
    assert_eq!(
        fa("a|*", "a"),
        "ERR: regexp: Compile(`a|*`): error parsing regexp: missing argument to repetition operator: `*`"
    );
    assert_eq!(fa("(?i)straße", "STRASSE"), "[]");
    let r = |p: &str, x: &str, t: &str| c("regexReplaceAll", &[s(p), s(x), s(t)]);
    assert_eq!(
        r(
            r"(?P<first>\w+) (?P<last>\w+)",
            "John Smith",
            "${last}, ${first}"
        ),
        "Smith, John"
    );
    assert_eq!(r(r"\s+", "a \u{a0} b", "_"), "a_\u{a0}_b");
}

#[test]
fn odd_patterns_never_panic() {
    let parts = [
        "\\",
        "\\é",
        "[",
        "]",
        "[é-a]",
        "(?P<é>",
        "\\x{",
        "\\x{110000}",
        "\\xé",
        "\\p{",
        "\\pé",
        "{",
        "{1",
        "{1,",
        "{99999999}",
        "\\Q",
        "\\E",
        "(?",
        "(?i",
        "(?-",
        "é",
        "[[:",
        "[^",
        "-",
        "*",
        "?",
        "$",
        "\\1",
        "\\0",
        "(",
        ")",
        "|",
        "\\p{^Greek}",
        "[\\p{Greek}-z]",
    ];
    for a in parts {
        for b in parts {
            let p = format!("{a}{b}");
            let _ = super::compile(&p);
            let _ = c("regexReplaceAll", &[s(&p), s("héllo wörld"), s("$1${x}$")]);
        }
    }
}
