//! Expected strings come from helm 4.3.1 (`helm template`) on a machine
//! whose local zone is UTC.

use super::*;

fn call(name: &str, args: &[Value]) -> Result<Value, FuncError> {
    let spec = funcs()
        .into_iter()
        .find(|f| f.name == name)
        .expect("registered");
    (spec.call)(args)
}

fn s(v: &str) -> Value {
    Value::str(v)
}

fn out(name: &str, args: &[Value]) -> std::string::String {
    match call(name, args) {
        Ok(Value::String(x)) => x.to_string(),
        other => panic!("{name}: {other:?}"),
    }
}

fn err(name: &str, args: &[Value]) -> std::string::String {
    call(name, args).expect_err("error").0
}

/// How `{{ x }}` prints a value returned by a function.
fn shown(v: Result<Value, FuncError>) -> std::string::String {
    match v.expect("ok") {
        Value::Object(o) => o.display(),
        Value::String(x) => x.to_string(),
        other => panic!("{other:?}"),
    }
}

fn to_date(layout: &str, value: &str) -> Value {
    call("toDate", &[s(layout), s(value)]).expect("toDate")
}

fn obj(v: &Value) -> &dyn Object {
    match v {
        Value::Object(o) => o.as_ref(),
        other => panic!("{other:?}"),
    }
}

fn field(v: &Value, name: &str) -> Value {
    obj(v).field(name).expect("method").expect("ok")
}

#[test]
fn formats_every_layout_element() {
    let t = to_date(
        "2006-01-02T15:04:05Z07:00",
        "2024-03-05T07:08:09.123456789+05:30",
    );
    assert_eq!(
        obj(&t).display(),
        "2024-03-05 07:08:09.123456789 +0530 +0530"
    );
    assert_eq!(field(&t, "Unix"), Value::Int64(1709602689));
    assert_eq!(out("unixEpoch", std::slice::from_ref(&t)), "1709602689");
    assert_eq!(field(&t, "Year"), Value::Int(2024));
    assert_eq!(field(&t, "Month"), s("March"));
    assert_eq!(field(&t, "Weekday"), s("Tuesday"));
    assert_eq!(field(&t, "YearDay"), Value::Int(65));
    assert_eq!(field(&t, "Location"), s(""));
    assert_eq!(
        out(
            "date",
            &[
                s(
                    "2006-01-02 15:04:05 Mon Monday Jan January 1 01 2 _2 02 __2 002 3 03 4 04 5 05 06 \
                   PM pm MST -0700 -07:00 -07 Z07:00 .000 .999 ,000000 .9"
                ),
                t.clone()
            ]
        ),
        "2024-03-05 01:38:09 Tue Tuesday Mar March 3 03 5  5 05  65 065 1 01 38 38 9 09 24 \
         AM am UTC +0000 +00:00 +00 Z .123 .123 ,123456 .1"
    );
    assert_eq!(
        out(
            "dateInZone",
            &[s("2006-01-02T15:04:05Z07:00 MST"), t.clone(), s("UTC")]
        ),
        "2024-03-05T01:38:09Z UTC"
    );
    assert_eq!(
        shown(call("dateModify", &[s("-1.5h"), t.clone()])),
        "2024-03-05 05:38:09.123456789 +0530 +0530"
    );
    assert_eq!(
        shown(call("dateModify", &[s("bogus"), t.clone()])),
        obj(&t).display()
    );
    assert_eq!(
        shown(call("mustDateModify", &[s("90m"), t.clone()])),
        "2024-03-05 08:38:09.123456789 +0530 +0530"
    );
}

#[test]
fn unix_seconds_and_other_date_arguments() {
    assert_eq!(out("date", &[s("2006-01-02"), Value::Int(0)]), "1970-01-01");
    assert_eq!(
        out("date", &[s("15:04:05 MST"), Value::Int(86399)]),
        "23:59:59 UTC"
    );
    assert_eq!(out("htmlDate", &[Value::Int(1700000000)]), "2023-11-14");
    assert_eq!(
        out("htmlDateInZone", &[Value::Int(1700000000), s("UTC")]),
        "2023-11-14"
    );
    assert_eq!(
        out(
            "date_in_zone",
            &[
                s("2006-01-02 15:04 MST -0700"),
                Value::Int(1700000000),
                s("America/New_York")
            ]
        ),
        "2023-11-14 17:13 EST -0500"
    );
    for zone in ["Nope/Zone", "Local", "", "america/new_york"] {
        assert_eq!(
            out(
                "dateInZone",
                &[s("2006-01-02 15:04 MST"), Value::Int(1700000000), s(zone)]
            ),
            "2023-11-14 22:13 UTC",
            "{zone}"
        );
    }
    assert_eq!(
        out("date", &[s("Mon Jan 2 15:04:05 2006"), Value::Int64(-1)]),
        "Wed Dec 31 23:59:59 1969"
    );
    assert_eq!(
        out("date", &[s("3:04PM 3:04pm"), Value::Int(43200)]),
        "12:00PM 12:00pm"
    );
    assert_eq!(out("date", &[s("3:04PM"), Value::Int(0)]), "12:00AM");
    assert_eq!(out("date", &[s("_2006 __2"), Value::Int(0)]), "_1970   1");
    // A float64 (or anything else) means "now" in Sprig's type switch.
    assert_eq!(out("date", &[s("2006"), Value::Float(1.5)]).len(), 4);
}

#[test]
fn now_prints_like_go() {
    let n = call("now", &[]).expect("now");
    assert_eq!(n.type_name(), "time.Time");
    let text = obj(&n).display();
    // e.g. "2026-11-25 06:39:16.76021785 +0000 UTC m=+0.050100878"
    let (wall, mono) = text.split_once(" m=+").expect("monotonic reading");
    assert!(wall.ends_with(" +0000 UTC"), "{text}");
    assert!(
        mono.len() > 10 && mono.as_bytes()[mono.len() - 10] == b'.',
        "{text}"
    );
    assert!(matches!(field(&n, "Unix"), Value::Int64(_)));
    // dateModify keeps the reading; `eq` of the data sees the same instant.
    let same = call("dateModify", &[s("0s"), n.clone()]).expect("ok");
    assert_eq!(obj(&same).display(), text);
    assert_eq!(obj(&same).as_data(), obj(&n).as_data());
    let later = call("dateModify", &[s("1s"), n.clone()]).expect("ok");
    assert_ne!(obj(&later).as_data(), obj(&n).as_data());
}

#[test]
fn durations() {
    assert_eq!(
        out("duration", &[Value::Int(3661)]),
        "0s",
        "Go int is not handled"
    );
    assert_eq!(out("duration", &[s("95")]), "1m35s");
    assert_eq!(out("duration", &[Value::Int64(3661)]), "1h1m1s");
    assert_eq!(out("duration", &[s("-5")]), "-5s");
    assert_eq!(out("duration", &[s("x")]), "0s");
    for (input, want) in [
        (s("2h10m"), "2h"),
        (Value::Int64(3_600_000_000_000), "60m"),
        (s("800h"), "1mo"),
        (s("9000h"), "1y"),
        (s("-3s"), "3s"),
        (s("1s"), "0s"),
        (Value::Int(5), "0s"),
    ] {
        assert_eq!(
            out("durationRound", std::slice::from_ref(&input)),
            want,
            "{input:?}"
        );
    }
    // ParseDuration then Duration.String, via (mustDateModify d t).Sub t in helm.
    for (input, want) in [
        ("0s", "0s"),
        ("1ns", "1ns"),
        ("999ns", "999ns"),
        ("1us", "1µs"),
        ("1.5µs", "1.5µs"),
        ("1ms", "1ms"),
        ("1.000001ms", "1.000001ms"),
        ("999.999999ms", "999.999999ms"),
        ("1s", "1s"),
        ("1.5s", "1.5s"),
        ("59s", "59s"),
        ("60s", "1m0s"),
        ("61.25s", "1m1.25s"),
        ("3599s", "59m59s"),
        ("3600s", "1h0m0s"),
        ("90m", "1h30m0s"),
        ("100h", "100h0m0s"),
        ("-1.5h", "-1h30m0s"),
        ("2562047h47m16.854775807s", "2562047h47m16.854775807s"),
        ("-2562047h47m16.854775808s", "-2562047h47m16.854775808s"),
        (".5h", "30m0s"),
        ("1.h", "1h0m0s"),
        ("+3m", "3m0s"),
        ("1h1h", "2h0m0s"),
        ("0.1ns", "0s"),
        ("1.0000000001s", "1s"),
    ] {
        let d = parse_duration(input).unwrap_or_else(|e| panic!("{input}: {e}"));
        assert_eq!(duration_string(d), want, "{input}");
    }
}

#[test]
fn duration_errors() {
    let t = to_date("2006-01-02", "2024-01-01");
    let e = |d: &str| err("mustDateModify", &[s(d), t.clone()]);
    assert_eq!(e("5x"), "time: unknown unit \"x\" in duration \"5x\"");
    assert_eq!(e(""), "time: invalid duration \"\"");
    assert_eq!(e("1"), "time: missing unit in duration \"1\"");
    assert_eq!(e(".h"), "time: invalid duration \".h\"");
    assert_eq!(
        e("1é"),
        "time: unknown unit \"\\xc3\\xa9\" in duration \"1\\xc3\\xa9\""
    );
    assert_eq!(e("9999999999h"), "time: invalid duration \"9999999999h\"");
    assert_eq!(
        err("dateModify", &[s("1h"), s("x")]),
        "wrong type for value; expected time.Time; got string"
    );
    assert_eq!(
        err("unixEpoch", &[Value::Int(5)]),
        "wrong type for value; expected time.Time; got int"
    );
}

#[test]
fn parsing() {
    let p = |l: &str, v: &str| obj(&to_date(l, v)).display();
    assert_eq!(
        p("2006-01-02", "2024-02-30"),
        "0001-01-01 00:00:00 +0000 UTC"
    );
    assert!(matches!(
        field(&to_date("x", "y"), "IsZero"),
        Value::Bool(true)
    ));
    assert_eq!(
        p("2006-01-02", "2024-02-03"),
        "2024-02-03 00:00:00 +0000 UTC"
    );
    assert_eq!(
        p("2006-01-02 MST", "2024-02-03 PST"),
        "2024-02-03 00:00:00 +0000 PST"
    );
    assert_eq!(
        p("Jan _2 15:04:05.000", "Feb  3 04:05:06.789"),
        "0000-02-03 04:05:06.789 +0000 UTC"
    );
    assert_eq!(
        p("2006-01-02T15:04:05Z07:00", "2024-03-05T07:08:09Z"),
        "2024-03-05 07:08:09 +0000 UTC"
    );
    assert_eq!(
        p("2006-01-02T15:04:05Z07:00", "2024-03-05T07:08:09+00:00"),
        "2024-03-05 07:08:09 +0000 UTC"
    );
    assert_eq!(
        p("2006-01-02 15:04:05 MST", "2024-03-05 07:08:09 GMT+3"),
        "2024-03-05 10:08:09 +0300 GMT+3"
    );
    assert_eq!(
        p("2006-01-02 15:04:05 MST", "2024-03-05 07:08:09 UTC"),
        "2024-03-05 07:08:09 +0000 UTC"
    );
    assert_eq!(
        p("2006-01-02 15:04:05 MST", "2024-03-05 07:08:09 CEST"),
        "2024-03-05 07:08:09 +0000 CEST"
    );
    assert_eq!(
        p("02 Jan 06 15:04 -0700", "05 Mar 24 07:08 -0800"),
        "2024-03-05 07:08:00 -0800 -0800"
    );
    assert_eq!(
        p("2006-01-02 15:04:05", "2024-03-05 07:08:09.5"),
        "2024-03-05 07:08:09.5 +0000 UTC"
    );
    assert_eq!(p("2006-002", "2024-060"), "2024-02-29 00:00:00 +0000 UTC");
    assert_eq!(p("3:04PM", "12:30AM"), "0000-01-01 00:30:00 +0000 UTC");
    assert_eq!(p("3:04PM", "1:30PM"), "0000-01-01 13:30:00 +0000 UTC");
    assert_eq!(
        p("January 2 2006", "MARCH 5 2024"),
        "2024-03-05 00:00:00 +0000 UTC"
    );
    let d = to_date("2006-01-02", "2024-02-03");
    assert_eq!(
        obj(&field(&d, "UTC")).display(),
        "2024-02-03 00:00:00 +0000 UTC"
    );
    assert_eq!(
        obj(&d).as_data(),
        Some(s("2024-02-03T00:00:00Z")),
        "toJson form"
    );
    let a = to_date("2006-01-02", "2024-01-01");
    assert_eq!(field(&a, "UnixNano"), Value::Int64(1704067200000000000));
    assert_eq!(
        obj(&a).call("Format", &[s("Jan 2, 2006")]),
        Some(Ok(s("Jan 1, 2024")))
    );
    assert_eq!(field(&a, "IsZero"), Value::Bool(false));
}

#[test]
fn parse_errors() {
    let e = |l: &str, v: &str| err("mustToDate", &[s(l), s(v)]);
    assert_eq!(
        e("2006-01-02", "2024-13-01"),
        "parsing time \"2024-13-01\": month out of range"
    );
    assert_eq!(
        e("2006-01-02", "2024-02-30"),
        "parsing time \"2024-02-30\": day out of range"
    );
    assert_eq!(
        e("2006-01-02", "2024-02-03x"),
        "parsing time \"2024-02-03x\": extra text: \"x\""
    );
    assert_eq!(
        e("2006-01-02", "24-02-03"),
        "parsing time \"24-02-03\" as \"2006-01-02\": cannot parse \"24-02-03\" as \"2006\""
    );
    assert_eq!(
        e("2006-01-02 15:04", "2024-02-03 25:00"),
        "parsing time \"2024-02-03 25:00\": hour out of range"
    );
    assert_eq!(
        e("Jan 2", "Foo 2"),
        "parsing time \"Foo 2\" as \"Jan 2\": cannot parse \"Foo 2\" as \"Jan\""
    );
    assert_eq!(
        e("2006-01-02T15:04:05Z07:00", "2024-02-03T04:05:06+25:00"),
        "parsing time \"2024-02-03T04:05:06+25:00\": time zone offset hour out of range"
    );
    assert_eq!(
        e("15:04:05", "10:61:00"),
        "parsing time \"10:61:00\": minute out of range"
    );
    assert_eq!(
        e("2006-01-02 \"x\"", "2024-01-02 y"),
        "parsing time \"2024-01-02 y\" as \"2006-01-02 \\\"x\\\"\": cannot parse \"y\" as \" \\\"x\\\"\""
    );
}

#[test]
fn ago_and_objects() {
    assert_eq!(out("ago", &[Value::Float(5.5)]), "0s");
    assert_eq!(out("ago", &[s("x")]), "0s");
    let n = call("now", &[]).expect("now");
    assert_eq!(out("ago", &[n]), "0s");
    // 1970 is more than 50 years (438,000 hours) ago: "NNNNNNhNmNs".
    let long = out("ago", &[Value::Int64(0)]);
    let hours: u64 = long
        .split('h')
        .next()
        .and_then(|h| h.parse().ok())
        .unwrap_or(0);
    assert!(long.ends_with('s') && hours > 438_000, "{long}");
    let a = to_date("2006-01-02", "2024-01-01");
    let b = call("dateModify", &[s("36h"), a.clone()]).expect("ok");
    assert_eq!(
        obj(&b).call("Sub", std::slice::from_ref(&a)),
        Some(Ok(s("36h0m0s")))
    );
    assert_eq!(
        obj(&b).call("After", std::slice::from_ref(&a)),
        Some(Ok(Value::Bool(true)))
    );
    let add_date = |t: &Value, y: i64, m: i64, d: i64| {
        let v = obj(t).call("AddDate", &[Value::Int(y), Value::Int(m), Value::Int(d)]);
        obj(&v.expect("method").expect("ok")).display()
    };
    assert_eq!(add_date(&a, 0, 1, 30), "2024-03-02 00:00:00 +0000 UTC");
    assert_eq!(add_date(&a, 1, -13, -1), "2023-11-30 00:00:00 +0000 UTC");
    let end_of_jan = to_date("2006-01-02", "2024-01-31");
    assert_eq!(
        add_date(&end_of_jan, 0, 1, 0),
        "2024-03-02 00:00:00 +0000 UTC"
    );
}

/// `dateInZone "2006-01-02 15:04:05 MST -07:00" T ZONE` from helm, covering
/// transitions, the TZif footer rules (2100), southern-hemisphere DST,
/// fractional offsets, numeric abbreviations and unknown names. ("EST" is
/// left out: newer tz releases, like the embedded one, make it an alias of
/// America/Panama, while the machine helm ran on has the old fixed zone; so
/// are Casablanca's predictions for 2100, which differ between releases.)
const TZ_EXPECTED: &str = "\
America/New_York 0 1969-12-31 19:00:00 EST -05:00
America/New_York -2208988800 1899-12-31 19:00:00 EST -05:00
America/New_York 1700000000 2023-11-14 17:13:20 EST -05:00
America/New_York 1720000000 2024-07-03 05:46:40 EDT -04:00
America/New_York 4102444800 2099-12-31 19:00:00 EST -05:00
America/New_York 4118000000 2100-06-29 20:53:20 EDT -04:00
America/New_York 1711846800 2024-03-30 21:00:00 EDT -04:00
America/New_York 1711846799 2024-03-30 20:59:59 EDT -04:00
America/New_York 1730595599 2024-11-02 20:59:59 EDT -04:00
America/New_York 1730595600 2024-11-02 21:00:00 EDT -04:00
Europe/London 0 1970-01-01 01:00:00 BST +01:00
Europe/London -2208988800 1900-01-01 00:00:00 GMT +00:00
Europe/London 1700000000 2023-11-14 22:13:20 GMT +00:00
Europe/London 1720000000 2024-07-03 10:46:40 BST +01:00
Europe/London 4102444800 2100-01-01 00:00:00 GMT +00:00
Europe/London 4118000000 2100-06-30 01:53:20 BST +01:00
Europe/London 1711846800 2024-03-31 02:00:00 BST +01:00
Europe/London 1711846799 2024-03-31 00:59:59 GMT +00:00
Europe/London 1730595599 2024-11-03 00:59:59 GMT +00:00
Europe/London 1730595600 2024-11-03 01:00:00 GMT +00:00
Asia/Kolkata 0 1970-01-01 05:30:00 IST +05:30
Asia/Kolkata -2208988800 1900-01-01 05:21:10 MMT +05:21
Asia/Kolkata 1700000000 2023-11-15 03:43:20 IST +05:30
Asia/Kolkata 1720000000 2024-07-03 15:16:40 IST +05:30
Asia/Kolkata 4102444800 2100-01-01 05:30:00 IST +05:30
Asia/Kolkata 4118000000 2100-06-30 06:23:20 IST +05:30
Asia/Kolkata 1711846800 2024-03-31 06:30:00 IST +05:30
Asia/Kolkata 1711846799 2024-03-31 06:29:59 IST +05:30
Asia/Kolkata 1730595599 2024-11-03 06:29:59 IST +05:30
Asia/Kolkata 1730595600 2024-11-03 06:30:00 IST +05:30
Australia/Sydney 0 1970-01-01 10:00:00 AEST +10:00
Australia/Sydney -2208988800 1900-01-01 10:00:00 AEST +10:00
Australia/Sydney 1700000000 2023-11-15 09:13:20 AEDT +11:00
Australia/Sydney 1720000000 2024-07-03 19:46:40 AEST +10:00
Australia/Sydney 4102444800 2100-01-01 11:00:00 AEDT +11:00
Australia/Sydney 4118000000 2100-06-30 10:53:20 AEST +10:00
Australia/Sydney 1711846800 2024-03-31 12:00:00 AEDT +11:00
Australia/Sydney 1711846799 2024-03-31 11:59:59 AEDT +11:00
Australia/Sydney 1730595599 2024-11-03 11:59:59 AEDT +11:00
Australia/Sydney 1730595600 2024-11-03 12:00:00 AEDT +11:00
America/Sao_Paulo 0 1969-12-31 21:00:00 -03 -03:00
America/Sao_Paulo -2208988800 1899-12-31 20:53:32 LMT -03:06
America/Sao_Paulo 1700000000 2023-11-14 19:13:20 -03 -03:00
America/Sao_Paulo 1720000000 2024-07-03 06:46:40 -03 -03:00
America/Sao_Paulo 4102444800 2099-12-31 21:00:00 -03 -03:00
America/Sao_Paulo 4118000000 2100-06-29 21:53:20 -03 -03:00
America/Sao_Paulo 1711846800 2024-03-30 22:00:00 -03 -03:00
America/Sao_Paulo 1711846799 2024-03-30 21:59:59 -03 -03:00
America/Sao_Paulo 1730595599 2024-11-02 21:59:59 -03 -03:00
America/Sao_Paulo 1730595600 2024-11-02 22:00:00 -03 -03:00
Pacific/Chatham 0 1970-01-01 12:45:00 +1245 +12:45
Pacific/Chatham -2208988800 1900-01-01 12:15:00 +1215 +12:15
Pacific/Chatham 1700000000 2023-11-15 11:58:20 +1345 +13:45
Pacific/Chatham 1720000000 2024-07-03 22:31:40 +1245 +12:45
Pacific/Chatham 4102444800 2100-01-01 13:45:00 +1345 +13:45
Pacific/Chatham 4118000000 2100-06-30 13:38:20 +1245 +12:45
Pacific/Chatham 1711846800 2024-03-31 14:45:00 +1345 +13:45
Pacific/Chatham 1711846799 2024-03-31 14:44:59 +1345 +13:45
Pacific/Chatham 1730595599 2024-11-03 14:44:59 +1345 +13:45
Pacific/Chatham 1730595600 2024-11-03 14:45:00 +1345 +13:45
Asia/Tehran 0 1970-01-01 03:30:00 +0330 +03:30
Asia/Tehran -2208988800 1900-01-01 03:25:44 LMT +03:25
Asia/Tehran 1700000000 2023-11-15 01:43:20 +0330 +03:30
Asia/Tehran 1720000000 2024-07-03 13:16:40 +0330 +03:30
Asia/Tehran 4102444800 2100-01-01 03:30:00 +0330 +03:30
Asia/Tehran 4118000000 2100-06-30 04:23:20 +0330 +03:30
Asia/Tehran 1711846800 2024-03-31 04:30:00 +0330 +03:30
Asia/Tehran 1711846799 2024-03-31 04:29:59 +0330 +03:30
Asia/Tehran 1730595599 2024-11-03 04:29:59 +0330 +03:30
Asia/Tehran 1730595600 2024-11-03 04:30:00 +0330 +03:30
Etc/GMT+5 0 1969-12-31 19:00:00 -05 -05:00
Etc/GMT+5 -2208988800 1899-12-31 19:00:00 -05 -05:00
Etc/GMT+5 1700000000 2023-11-14 17:13:20 -05 -05:00
Etc/GMT+5 1720000000 2024-07-03 04:46:40 -05 -05:00
Etc/GMT+5 4102444800 2099-12-31 19:00:00 -05 -05:00
Etc/GMT+5 4118000000 2100-06-29 19:53:20 -05 -05:00
Etc/GMT+5 1711846800 2024-03-30 20:00:00 -05 -05:00
Etc/GMT+5 1711846799 2024-03-30 19:59:59 -05 -05:00
Etc/GMT+5 1730595599 2024-11-02 19:59:59 -05 -05:00
Etc/GMT+5 1730595600 2024-11-02 20:00:00 -05 -05:00
america/new_york 0 1970-01-01 00:00:00 UTC +00:00
america/new_york -2208988800 1900-01-01 00:00:00 UTC +00:00
america/new_york 1700000000 2023-11-14 22:13:20 UTC +00:00
america/new_york 1720000000 2024-07-03 09:46:40 UTC +00:00
america/new_york 4102444800 2100-01-01 00:00:00 UTC +00:00
america/new_york 4118000000 2100-06-30 00:53:20 UTC +00:00
america/new_york 1711846800 2024-03-31 01:00:00 UTC +00:00
america/new_york 1711846799 2024-03-31 00:59:59 UTC +00:00
america/new_york 1730595599 2024-11-03 00:59:59 UTC +00:00
america/new_york 1730595600 2024-11-03 01:00:00 UTC +00:00
Africa/Casablanca 0 1970-01-01 00:00:00 +00 +00:00
Africa/Casablanca -2208988800 1899-12-31 23:29:40 LMT -00:30
Africa/Casablanca 1700000000 2023-11-14 23:13:20 +01 +01:00
Africa/Casablanca 1720000000 2024-07-03 10:46:40 +01 +01:00
Africa/Casablanca 1711846800 2024-03-31 01:00:00 +00 +00:00
Africa/Casablanca 1711846799 2024-03-31 00:59:59 +00 +00:00
Africa/Casablanca 1730595599 2024-11-03 01:59:59 +01 +01:00
Africa/Casablanca 1730595600 2024-11-03 02:00:00 +01 +01:00
";

#[test]
fn iana_zones_match_helm() {
    let mut failures = Vec::new();
    for line in TZ_EXPECTED.lines() {
        let mut parts = line.splitn(3, ' ');
        let (zone, t, want) = (
            parts.next().unwrap(),
            parts.next().unwrap(),
            parts.next().unwrap(),
        );
        let t: i64 = t.parse().expect("unix time");
        let got = out(
            "dateInZone",
            &[s("2006-01-02 15:04:05 MST -07:00"), Value::Int(t), s(zone)],
        );
        if got != want {
            failures.push(format!("{zone} {t}: got {got:?}, helm {want:?}"));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}
