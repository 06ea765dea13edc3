//! Expected values come from helm 4.3.1 (`helm template` on the same
//! expressions); arguments are typed as the executor would pass them.

use super::funcs;
use crate::funcs::text::t::*;
use crate::funcs::text::{self, call};
use crate::value::Value;

fn c(name: &str, args: &[Value]) -> String {
    call(&funcs(), name, args)
}

fn c1(name: &str, x: &str) -> String {
    c(name, &[s(x)])
}

#[test]
fn trim_family() {
    assert_eq!(c1("trim", "  hi \t\n"), "hi");
    assert_eq!(c("trimAll", &[s("$"), s("$$5.00$")]), "5.00");
    assert_eq!(c("trimall", &[s("ab"), s("abcba")]), "c");
    assert_eq!(c("trimPrefix", &[s("ab"), s("abab")]), "ab");
    assert_eq!(c("trimSuffix", &[s("-"), s("x--")]), "x-");
}

#[test]
fn case_functions() {
    assert_eq!(c1("upper", "héllo ß ǆ"), "HÉLLO ß Ǆ");
    assert_eq!(c1("lower", "HÉLLO İ"), "héllo i");
    assert_eq!(c1("upper", "ᾳ ŉ ﬀ"), "ᾼ ŉ ﬀ");
    assert_eq!(c1("lower", "ǅ Ω"), "ǆ ω");
    assert_eq!(
        c1("title", "hello wORLD foo_bar foo-bar ǆx éa 1abc"),
        "Hello WORLD Foo_bar Foo-Bar ǅx Éa 1abc"
    );
    assert_eq!(c1("title", "a.b c:d e'f g’h"), "A.B C:D E'F G’h");
    assert_eq!(c1("title", "ǆ"), "ǅ");
    assert_eq!(c1("title", "ᾳ"), "ᾼ");
    assert_eq!(c1("untitle", "Hello World ÉCOLE"), "hello world éCOLE");
    assert_eq!(c1("untitle", "ǅx"), "ǆx");
    assert_eq!(c1("swapcase", "Hello World"), "hELLO wORLD");
    assert_eq!(c1("swapcase", "hello wORLD ǅx"), "HELLO World ǆX");
    assert_eq!(c1("swapcase", "aB cD 1e"), "Ab Cd 1E");
    assert_eq!(c1("swapcase", "ß ǆ"), "ß ǅ");
}

#[test]
fn repeat_substr_trunc() {
    assert_eq!(c("repeat", &[i(3), s("ab")]), "ababab");
    assert_eq!(c("repeat", &[i(0), s("ab")]), "");
    assert_eq!(
        c("repeat", &[i(-1), s("x")]),
        "ERR: strings: negative Repeat count"
    );
    assert_eq!(c("substr", &[i(1), i(3), s("hello")]), "el");
    assert_eq!(c("substr", &[i(-1), i(2), s("hello")]), "he");
    assert_eq!(c("substr", &[i(2), i(-1), s("hello")]), "llo");
    assert_eq!(c("substr", &[i(2), i(99), s("hello")]), "llo");
    // Go returns the lone byte 0xC3; we can only hold U+FFFD.
    assert_eq!(c("substr", &[i(1), i(2), s("héllo")]), "\u{fffd}");
    let oob = "ERR: runtime error: slice bounds out of range";
    assert_eq!(
        c("substr", &[i(-1), i(9), s("hello")]),
        format!("{oob} [:9] with length 5")
    );
    assert_eq!(
        c("substr", &[i(3), i(1), s("hello")]),
        format!("{oob} [3:1]")
    );
    assert_eq!(
        c("substr", &[i(9), i(-1), s("hello")]),
        format!("{oob} [9:5]")
    );
    assert_eq!(
        c("substr", &[i(-5), i(-1), s("hello")]),
        format!("{oob} [:-1]")
    );
    assert_eq!(c("trunc", &[i(3), s("hello")]), "hel");
    assert_eq!(c("trunc", &[i(-3), s("hello")]), "llo");
    assert_eq!(c("trunc", &[i(10), s("hi")]), "hi");
    assert_eq!(c("trunc", &[i(-10), s("hi")]), "hi");
    assert_eq!(c("trunc", &[i(0), s("hi")]), "");
    assert_eq!(c("trunc", &[i(2), s("héllo")]), "h\u{fffd}");
}

#[test]
fn byte_wise_goutils() {
    assert_eq!(c1("nospace", "a b\tc\nd"), "abcd");
    assert_eq!(c1("nospace", "héllo wörld"), "hÃ©llowÃ¶rld");
    assert_eq!(c1("nospace", "héllo"), "héllo");
    assert_eq!(c1("initials", "First Try"), "FT");
    assert_eq!(c1("initials", "éa bz"), "Ãb");
    assert_eq!(c1("initials", ""), "");
}

#[test]
fn abbrev_and_wrap() {
    assert_eq!(c("abbrev", &[i(5), s("hello world")]), "he...");
    assert_eq!(c("abbrev", &[i(3), s("hello")]), "hello");
    assert_eq!(c("abbrev", &[i(20), s("hello")]), "hello");
    assert_eq!(c("abbrev", &[i(4), s("")]), "");
    assert_eq!(c("abbrev", &[i(4), s("héllo wörld")]), "h...");
    assert_eq!(
        c("abbrevboth", &[i(5), i(10), s("1234 5678 9123")]),
        "...5678..."
    );
    assert_eq!(c("abbrevboth", &[i(0), i(4), s("abcdefgh")]), "a...");
    assert_eq!(
        c("abbrevboth", &[i(1), i(6), s("abcdefghij")]),
        "abcdefghij"
    );
    assert_eq!(
        c(
            "abbrevboth",
            &[i(10), i(7), s("abcdefghijklmnopqrstuvwxyz")]
        ),
        "...k..."
    );
    assert_eq!(
        c("abbrevboth", &[i(5), i(6), s("abcdefghijklmnop")]),
        "abcdefghijklmnop"
    );
    assert_eq!(
        c("wrap", &[i(5), s("Hello World Foo")]),
        "Hello\nWorld\nFoo"
    );
    assert_eq!(c("wrap", &[i(3), s("abcdefgh ij")]), "abcdefgh\nij");
    assert_eq!(c("wrap", &[i(0), s("a b")]), "a\nb");
    assert_eq!(c("wrap", &[i(-1), s("a b c")]), "a\nb\nc");
    assert_eq!(
        c("wrapWith", &[i(5), s("\t"), s("Hello World")]),
        "Hello\tWorld"
    );
    assert_eq!(
        c("wrapWith", &[i(3), s("|"), s("abcdefgh ij")]),
        "abc|def|gh|ij"
    );
    assert_eq!(c("wrapWith", &[i(0), s(""), s("ab cd")]), "a\nb\nc\nd");
}

#[test]
fn predicates_replace_plural() {
    assert_eq!(c("contains", &[s("cat"), s("catch")]), "true");
    assert_eq!(c("contains", &[s(""), s("x")]), "true");
    assert_eq!(c("contains", &[s("dog"), s("catch")]), "false");
    assert_eq!(c("hasPrefix", &[s("ca"), s("cat")]), "true");
    assert_eq!(c("hasSuffix", &[s("at"), s("cat")]), "true");
    assert_eq!(c("hasSuffix", &[s("ca"), s("cat")]), "false");
    assert_eq!(c("replace", &[s("a"), s("b"), s("banana")]), "bbnbnb");
    assert_eq!(c("replace", &[s(""), s("-"), s("abc")]), "-a-b-c-");
    assert_eq!(c("plural", &[s("one"), s("many"), i(1)]), "one");
    assert_eq!(c("plural", &[s("one"), s("many"), i(2)]), "many");
    assert_eq!(c("plural", &[s("one"), s("many"), i(0)]), "many");
}

#[test]
fn quote_squote_cat() {
    assert_eq!(
        c1("quote", "a\"b\\c\n\t\u{a0}é\u{200b}\x01\x7f"),
        r#""a\"b\\c\n\t\u00a0é\u200b\x01\x7f""#
    );
    assert_eq!(
        c("quote", &[i(1), f(2.5), b(true), nil(), s("x")]),
        r#""1" "2.5" "true" "x""#
    );
    assert_eq!(c("quote", &[]), "");
    assert_eq!(c("quote", &[nil()]), "");
    assert_eq!(
        c("quote", &[l(vec![i(1), s("a"), nil()])]),
        r#""[1 a <nil>]""#
    );
    assert_eq!(
        c("quote", &[m(vec![("b", i(1)), ("a", l(vec![]))])]),
        r#""map[a:[] b:1]""#
    );
    assert_eq!(c("quote", &[f(1e21)]), r#""1e+21""#);
    assert_eq!(c("quote", &[f(-0.0)]), r#""-0""#);
    assert_eq!(c("quote", &[i64(5)]), r#""5""#);
    assert_eq!(c("squote", &[s("a'b"), i(1), nil()]), "'a'b' '1'");
    assert_eq!(c("squote", &[l(vec![i(1), s("a")])]), "'[1 a]'");
    assert_eq!(c("squote", &[nil()]), "");
    assert_eq!(
        c("cat", &[s("a"), nil(), s("b"), i(1), f(2.5)]),
        "a b 1 2.5"
    );
    assert_eq!(c("cat", &[]), "");
    assert_eq!(c("cat", &[nil()]), "");
    assert_eq!(
        c("cat", &[l(vec![i(1), i(2)]), m(vec![("k", s("v"))])]),
        "[1 2] map[k:v]"
    );
}

#[test]
fn indent_nindent() {
    assert_eq!(c("indent", &[i(2), s("a\nb")]), "  a\n  b");
    assert_eq!(c("nindent", &[i(2), s("a\nb")]), "\n  a\n  b");
    assert_eq!(c("indent", &[i(0), s("x")]), "x");
    assert_eq!(
        c("indent", &[i(-2), s("x")]),
        "ERR: strings: negative Repeat count"
    );
    assert_eq!(
        c("nindent", &[i(-2), s("x")]),
        "ERR: strings: negative Repeat count"
    );
}

#[test]
fn split_join_tostrings() {
    assert_eq!(c("split", &[s("/"), s("a/b/c")]), "map[_0:a _1:b _2:c]");
    assert_eq!(c("splitList", &[s("/"), s("a/b/c")]), "[a b c]");
    assert_eq!(c("splitn", &[s("/"), i(2), s("a/b/c")]), "map[_0:a _1:b/c]");
    assert_eq!(c("splitList", &[s(""), s("abc")]), "[a b c]");
    assert_eq!(c("split", &[s(","), s("")]), "map[_0:]");
    assert_eq!(c("splitn", &[s("/"), i(0), s("a/b")]), "map[]");
    assert_eq!(c("splitn", &[s("/"), i(-1), s("a/b")]), "map[_0:a _1:b]");
    assert_eq!(c("splitn", &[s(""), i(2), s("héllo")]), "map[_0:h _1:éllo]");
    let one = funcs()
        .iter()
        .find(|f| f.name == "splitList")
        .map(|f| (f.call)(&[s(","), s("")]));
    assert_eq!(
        one.and_then(|r| r.ok())
            .and_then(|v| v.as_list().map(<[Value]>::len)),
        Some(1)
    );
    let mixed = l(vec![i(1), s("a"), nil(), f(2.5), b(true)]);
    assert_eq!(c("join", &[s(","), mixed.clone()]), "1,a,2.5,true");
    assert_eq!(c("join", &[s("-"), s("abc")]), "abc");
    assert_eq!(c("join", &[s("-"), nil()]), "");
    assert_eq!(c("join", &[s("-"), i(5)]), "5");
    let nested = m(vec![
        ("a", m(vec![("b", l(vec![f(1.0), m(vec![("c", s("d"))])]))])),
        ("z", nil()),
    ]);
    assert_eq!(
        c("join", &[s(", "), nested]),
        "map[a:map[b:[1 map[c:d]]] z:<nil>]"
    );
    assert_eq!(
        c(
            "join",
            &[s(","), l(vec![l(vec![i(1), nil()]), m(vec![("a", nil())])])]
        ),
        "[1 <nil>],map[a:<nil>]"
    );
    assert_eq!(
        c("toStrings", &[l(vec![i(1), s("a"), nil(), f(2.5)])]),
        "[1 a 2.5]"
    );
    assert_eq!(c("toStrings", &[s("x")]), "[x]");
    assert_eq!(c("toStrings", &[nil()]), "[]");
    assert_eq!(c("toStrings", &[m(vec![])]), "[map[]]");
}

#[test]
fn snake_and_kebab_case() {
    let cases = [
        ("FirstName", "first_name"),
        ("HTTPServer", "http_server"),
        ("NoHTTPS", "no_https"),
        ("GO_PATH", "go_path"),
        ("GO PATH", "go_path"),
        ("GO-PATH", "go_path"),
        ("http2xx", "http_2xx"),
        ("HTTP20xOK", "http_20x_ok"),
        ("Duration2m3s", "duration_2m3s"),
        ("Bld4Floor3rd", "bld4_floor_3rd"),
        ("a.b", "a.b"),
        ("helloWorld!Foo", "hello_world!foo"),
        ("  x  ", "__x__"),
        ("ÉcoleNormale", "école_normale"),
        ("a1b2", "a_1b2"),
        ("abc123", "abc123"),
        ("ABC123def", "abc_123def"),
        ("x--y", "x__y"),
        ("_a_", "_a_"),
        ("", ""),
    ];
    for (input, want) in cases {
        assert_eq!(c1("snakecase", input), want, "snakecase {input:?}");
    }
    assert_eq!(c1("kebabcase", "FirstName"), "first-name");
    assert_eq!(c1("kebabcase", "HTTPServer"), "http-server");
    assert_eq!(c1("kebabcase", "some_words here"), "some-words-here");
    assert_eq!(c1("kebabcase", "Bld4Floor3rd"), "bld4-floor-3rd");
}

#[test]
fn camel_case_is_pascal_case() {
    let cases = [
        ("some_words", "SomeWords"),
        ("http_server", "HttpServer"),
        ("no_https", "NoHttps"),
        ("_complex__case_", "_Complex_Case_"),
        ("some words", "SomeWords"),
        ("GOLANG_IS_GREAT", "GolangIsGreat"),
        ("helloWorld", "HelloWorld"),
        ("a", "A"),
        ("_", "__"),
        ("x-y-z", "XYZ"),
        ("hello_wORLD", "HelloWORLD"),
        ("ABc_dEF", "AbcDEF"),
        ("éa_éb", "ÉaÉb"),
        ("__a", "__A"),
        ("a__", "A__"),
        ("HTTP_server", "HttpServer"),
        ("Aa_bb", "AaBb"),
        ("aB_cD", "ABCD"),
        ("ab_CDe", "AbCde"),
        ("HeLLo", "HeLLo"),
        ("a b-c", "ABC"),
        ("1a_2b", "1a2b"),
        (" x", " X"),
        ("A", "A"),
        ("ÀB_C", "ÀbC"),
        ("", ""),
    ];
    for (input, want) in cases {
        assert_eq!(c1("camelcase", input), want, "camelcase {input:?}");
    }
}

#[test]
fn declared_signatures() {
    use crate::func::Param::{self, Any, Int, String as S};
    let want: &[(&str, &[Param], Option<Param>)] = &[
        ("trunc", &[Int, S], None),
        ("indent", &[Int, S], None),
        ("nindent", &[Int, S], None),
        ("substr", &[Int, Int, S], None),
        ("quote", &[], Some(Any)),
        ("cat", &[], Some(Any)),
        ("join", &[S, Any], None),
        ("splitn", &[S, Int, S], None),
        ("plural", &[S, S, Int], None),
        ("wrapWith", &[Int, S, S], None),
    ];
    let all = funcs();
    for (name, params, variadic) in want {
        let spec = all.iter().find(|f| f.name == *name).expect(name);
        assert_eq!(spec.params, *params, "{name}");
        assert_eq!(spec.variadic, *variadic, "{name}");
    }
    // Each name once across the families this module shares names with.
    let mut names: Vec<_> = all.iter().map(|f| f.name).collect();
    names.extend(crate::funcs::conv::funcs().iter().map(|f| f.name));
    let n = names.len();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), n);
}

#[test]
fn sprint_formats_like_go() {
    assert_eq!(text::sprint(&nil()), "<nil>");
    assert_eq!(text::sprint(&f(1e6)), "1e+06");
    assert_eq!(text::sprint(&f(100000.0)), "100000");
    assert_eq!(text::sprint(&f(1e-5)), "1e-05");
    assert_eq!(text::sprint(&f(1e20)), "1e+20");
}

#[test]
fn multibyte_never_panics() {
    let texts = [
        "",
        "é",
        "héllo wörld",
        "日本語 テキスト",
        "a\u{a0}b\u{85}c",
        "ǅǆ ß ᾳ",
    ];
    let all = funcs();
    for t in texts {
        for n in -12..12 {
            for spec in &all {
                let args: Vec<Value> = spec
                    .params
                    .iter()
                    .map(|p| match p {
                        crate::func::Param::Int => i(n),
                        crate::func::Param::String => s(t),
                        _ => s(t),
                    })
                    .collect();
                if spec.name == "repeat" || spec.name.ends_with("indent") {
                    continue;
                }
                let _ = (spec.call)(&args);
            }
        }
    }
}
