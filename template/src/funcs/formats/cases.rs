// Generated from helm v4.3.1 by /tmp/formats/gen2/gen.py: each case is
// (function, values document defining `v`, result wrapped in toJson?, ok?, output or error).
pub const CASES: &[(&str, &str, bool, bool, &str)] = &[
    (
        "toJson",
        r#"v: {a: 1, b: [1, 2.5, "x"], c: {e: true}, n: [null], "<html>": "a&b<c>", s: "\u2028\u2029\t\n\u0001\u007f é"}"#,
        false,
        true,
        r#"{"\u003chtml\u003e":"a\u0026b\u003cc\u003e","a":1,"b":[1,2.5,"x"],"c":{"e":true},"false":[null],"s":"\u2028\u2029\t\n\u0001 é"}"#,
    ),
    (
        "toJson",
        r#"v: [1, 1.5, -0.0, 1e21, 1e20, 1e-7, 0.000001, 123456789, 1.7976931348623157e308, 5e-324]"#,
        false,
        true,
        r#"[1,1.5,-0,1e+21,100000000000000000000,1e-7,0.000001,123456789,1.7976931348623157e+308,5e-324]"#,
    ),
    (
        "toJson",
        r#"v: "just a string""#,
        false,
        true,
        r#""just a string""#,
    ),
    ("toJson", r#"v: 42"#, false, true, r#"42"#),
    ("toJson", r#"v: null"#, false, true, r#"null"#),
    ("toJson", r#"v: {}"#, false, true, r#"{}"#),
    ("toJson", r#"v: []"#, false, true, r#"[]"#),
    (
        "toJson",
        r#"v: {z: 1, a: 2, "A": 3, "_": 4, "1": 5, "é": 6}"#,
        false,
        true,
        r#"{"1":5,"A":3,"_":4,"a":2,"z":1,"é":6}"#,
    ),
    (
        "toJson",
        r#"v: {nested: {deep: {list: [{a: 1}, [], {}]}}}"#,
        false,
        true,
        r#"{"nested":{"deep":{"list":[{"a":1},[],{}]}}}"#,
    ),
    (
        "mustToJson",
        r#"v: {a: 1, b: [1, 2.5, "x"], c: {e: true}, n: [null], "<html>": "a&b<c>", s: "\u2028\u2029\t\n\u0001\u007f é"}"#,
        false,
        true,
        r#"{"\u003chtml\u003e":"a\u0026b\u003cc\u003e","a":1,"b":[1,2.5,"x"],"c":{"e":true},"false":[null],"s":"\u2028\u2029\t\n\u0001 é"}"#,
    ),
    (
        "mustToJson",
        r#"v: [1, 1.5, -0.0, 1e21, 1e20, 1e-7, 0.000001, 123456789, 1.7976931348623157e308, 5e-324]"#,
        false,
        true,
        r#"[1,1.5,-0,1e+21,100000000000000000000,1e-7,0.000001,123456789,1.7976931348623157e+308,5e-324]"#,
    ),
    (
        "mustToJson",
        r#"v: "just a string""#,
        false,
        true,
        r#""just a string""#,
    ),
    ("mustToJson", r#"v: 42"#, false, true, r#"42"#),
    ("mustToJson", r#"v: null"#, false, true, r#"null"#),
    ("mustToJson", r#"v: {}"#, false, true, r#"{}"#),
    ("mustToJson", r#"v: []"#, false, true, r#"[]"#),
    (
        "mustToJson",
        r#"v: {z: 1, a: 2, "A": 3, "_": 4, "1": 5, "é": 6}"#,
        false,
        true,
        r#"{"1":5,"A":3,"_":4,"a":2,"z":1,"é":6}"#,
    ),
    (
        "mustToJson",
        r#"v: {nested: {deep: {list: [{a: 1}, [], {}]}}}"#,
        false,
        true,
        r#"{"nested":{"deep":{"list":[{"a":1},[],{}]}}}"#,
    ),
    (
        "toPrettyJson",
        r#"v: {a: 1, b: [1, 2.5, "x"], c: {e: true}, n: [null], "<html>": "a&b<c>", s: "\u2028\u2029\t\n\u0001\u007f é"}"#,
        false,
        true,
        r#"{
  "\u003chtml\u003e": "a\u0026b\u003cc\u003e",
  "a": 1,
  "b": [
    1,
    2.5,
    "x"
  ],
  "c": {
    "e": true
  },
  "false": [
    null
  ],
  "s": "\u2028\u2029\t\n\u0001 é"
}"#,
    ),
    (
        "toPrettyJson",
        r#"v: [1, 1.5, -0.0, 1e21, 1e20, 1e-7, 0.000001, 123456789, 1.7976931348623157e308, 5e-324]"#,
        false,
        true,
        r#"[
  1,
  1.5,
  -0,
  1e+21,
  100000000000000000000,
  1e-7,
  0.000001,
  123456789,
  1.7976931348623157e+308,
  5e-324
]"#,
    ),
    (
        "toPrettyJson",
        r#"v: "just a string""#,
        false,
        true,
        r#""just a string""#,
    ),
    ("toPrettyJson", r#"v: 42"#, false, true, r#"42"#),
    ("toPrettyJson", r#"v: null"#, false, true, r#"null"#),
    ("toPrettyJson", r#"v: {}"#, false, true, r#"{}"#),
    ("toPrettyJson", r#"v: []"#, false, true, r#"[]"#),
    (
        "toPrettyJson",
        r#"v: {z: 1, a: 2, "A": 3, "_": 4, "1": 5, "é": 6}"#,
        false,
        true,
        r#"{
  "1": 5,
  "A": 3,
  "_": 4,
  "a": 2,
  "z": 1,
  "é": 6
}"#,
    ),
    (
        "toPrettyJson",
        r#"v: {nested: {deep: {list: [{a: 1}, [], {}]}}}"#,
        false,
        true,
        r#"{
  "nested": {
    "deep": {
      "list": [
        {
          "a": 1
        },
        [],
        {}
      ]
    }
  }
}"#,
    ),
    (
        "mustToPrettyJson",
        r#"v: {a: 1, b: [1, 2.5, "x"], c: {e: true}, n: [null], "<html>": "a&b<c>", s: "\u2028\u2029\t\n\u0001\u007f é"}"#,
        false,
        true,
        r#"{
  "\u003chtml\u003e": "a\u0026b\u003cc\u003e",
  "a": 1,
  "b": [
    1,
    2.5,
    "x"
  ],
  "c": {
    "e": true
  },
  "false": [
    null
  ],
  "s": "\u2028\u2029\t\n\u0001 é"
}"#,
    ),
    (
        "mustToPrettyJson",
        r#"v: [1, 1.5, -0.0, 1e21, 1e20, 1e-7, 0.000001, 123456789, 1.7976931348623157e308, 5e-324]"#,
        false,
        true,
        r#"[
  1,
  1.5,
  -0,
  1e+21,
  100000000000000000000,
  1e-7,
  0.000001,
  123456789,
  1.7976931348623157e+308,
  5e-324
]"#,
    ),
    (
        "mustToPrettyJson",
        r#"v: "just a string""#,
        false,
        true,
        r#""just a string""#,
    ),
    ("mustToPrettyJson", r#"v: 42"#, false, true, r#"42"#),
    ("mustToPrettyJson", r#"v: null"#, false, true, r#"null"#),
    ("mustToPrettyJson", r#"v: {}"#, false, true, r#"{}"#),
    ("mustToPrettyJson", r#"v: []"#, false, true, r#"[]"#),
    (
        "mustToPrettyJson",
        r#"v: {z: 1, a: 2, "A": 3, "_": 4, "1": 5, "é": 6}"#,
        false,
        true,
        r#"{
  "1": 5,
  "A": 3,
  "_": 4,
  "a": 2,
  "z": 1,
  "é": 6
}"#,
    ),
    (
        "mustToPrettyJson",
        r#"v: {nested: {deep: {list: [{a: 1}, [], {}]}}}"#,
        false,
        true,
        r#"{
  "nested": {
    "deep": {
      "list": [
        {
          "a": 1
        },
        [],
        {}
      ]
    }
  }
}"#,
    ),
    (
        "toRawJson",
        r#"v: {a: 1, b: [1, 2.5, "x"], c: {e: true}, n: [null], "<html>": "a&b<c>", s: "\u2028\u2029\t\n\u0001\u007f é"}"#,
        false,
        true,
        r#"{"<html>":"a&b<c>","a":1,"b":[1,2.5,"x"],"c":{"e":true},"false":[null],"s":"\u2028\u2029\t\n\u0001 é"}"#,
    ),
    (
        "toRawJson",
        r#"v: [1, 1.5, -0.0, 1e21, 1e20, 1e-7, 0.000001, 123456789, 1.7976931348623157e308, 5e-324]"#,
        false,
        true,
        r#"[1,1.5,-0,1e+21,100000000000000000000,1e-7,0.000001,123456789,1.7976931348623157e+308,5e-324]"#,
    ),
    (
        "toRawJson",
        r#"v: "just a string""#,
        false,
        true,
        r#""just a string""#,
    ),
    ("toRawJson", r#"v: 42"#, false, true, r#"42"#),
    ("toRawJson", r#"v: null"#, false, true, r#"null"#),
    ("toRawJson", r#"v: {}"#, false, true, r#"{}"#),
    ("toRawJson", r#"v: []"#, false, true, r#"[]"#),
    (
        "toRawJson",
        r#"v: {z: 1, a: 2, "A": 3, "_": 4, "1": 5, "é": 6}"#,
        false,
        true,
        r#"{"1":5,"A":3,"_":4,"a":2,"z":1,"é":6}"#,
    ),
    (
        "toRawJson",
        r#"v: {nested: {deep: {list: [{a: 1}, [], {}]}}}"#,
        false,
        true,
        r#"{"nested":{"deep":{"list":[{"a":1},[],{}]}}}"#,
    ),
    (
        "mustToRawJson",
        r#"v: {a: 1, b: [1, 2.5, "x"], c: {e: true}, n: [null], "<html>": "a&b<c>", s: "\u2028\u2029\t\n\u0001\u007f é"}"#,
        false,
        true,
        r#"{"<html>":"a&b<c>","a":1,"b":[1,2.5,"x"],"c":{"e":true},"false":[null],"s":"\u2028\u2029\t\n\u0001 é"}"#,
    ),
    (
        "mustToRawJson",
        r#"v: [1, 1.5, -0.0, 1e21, 1e20, 1e-7, 0.000001, 123456789, 1.7976931348623157e308, 5e-324]"#,
        false,
        true,
        r#"[1,1.5,-0,1e+21,100000000000000000000,1e-7,0.000001,123456789,1.7976931348623157e+308,5e-324]"#,
    ),
    (
        "mustToRawJson",
        r#"v: "just a string""#,
        false,
        true,
        r#""just a string""#,
    ),
    ("mustToRawJson", r#"v: 42"#, false, true, r#"42"#),
    ("mustToRawJson", r#"v: null"#, false, true, r#"null"#),
    ("mustToRawJson", r#"v: {}"#, false, true, r#"{}"#),
    ("mustToRawJson", r#"v: []"#, false, true, r#"[]"#),
    (
        "mustToRawJson",
        r#"v: {z: 1, a: 2, "A": 3, "_": 4, "1": 5, "é": 6}"#,
        false,
        true,
        r#"{"1":5,"A":3,"_":4,"a":2,"z":1,"é":6}"#,
    ),
    (
        "mustToRawJson",
        r#"v: {nested: {deep: {list: [{a: 1}, [], {}]}}}"#,
        false,
        true,
        r#"{"nested":{"deep":{"list":[{"a":1},[],{}]}}}"#,
    ),
    (
        "fromJson",
        r#"v: "{\"a\": 1, \"b\": [true, null, \"x\\u00e9\\ud83d\\ude00\"], \"c\": {\"d\": 1.5e3}}""#,
        true,
        true,
        r#"{"a":1,"b":[true,null,"xé😀"],"c":{"d":1500}}"#,
    ),
    (
        "fromJson",
        r#"v: "[1, \"two\", {\"three\": 3}]""#,
        true,
        true,
        r#"{"Error":"json: cannot unmarshal array into Go value of type map[string]interface {}"}"#,
    ),
    (
        "fromJson",
        r#"v: "\"str\"""#,
        true,
        true,
        r#"{"Error":"json: cannot unmarshal string into Go value of type map[string]interface {}"}"#,
    ),
    (
        "fromJson",
        r#"v: "12""#,
        true,
        true,
        r#"{"Error":"json: cannot unmarshal number into Go value of type map[string]interface {}"}"#,
    ),
    ("fromJson", r#"v: "null""#, true, true, r#"null"#),
    (
        "fromJson",
        r#"v: "{\"a\": 1,}""#,
        true,
        true,
        r#"{"Error":"invalid character '}' looking for beginning of object key string"}"#,
    ),
    (
        "fromJson",
        r#"v: "{\"a\" 1}""#,
        true,
        true,
        r#"{"Error":"invalid character '1' after object key"}"#,
    ),
    (
        "fromJson",
        r#"v: "[1 2]""#,
        true,
        true,
        r#"{"Error":"invalid character '2' after array element"}"#,
    ),
    (
        "fromJson",
        r#"v: "{a: 1}""#,
        true,
        true,
        r#"{"Error":"invalid character 'a' looking for beginning of object key string"}"#,
    ),
    (
        "fromJson",
        r#"v: "tru""#,
        true,
        true,
        r#"{"Error":"unexpected end of JSON input"}"#,
    ),
    (
        "fromJson",
        r#"v: """#,
        true,
        true,
        r#"{"Error":"unexpected end of JSON input"}"#,
    ),
    (
        "fromJson",
        r#"v: "   ""#,
        true,
        true,
        r#"{"Error":"unexpected end of JSON input"}"#,
    ),
    (
        "fromJson",
        r#"v: "{\"a\": \"\\q\"}""#,
        true,
        true,
        r#"{"Error":"invalid escape sequence `\\q` in string"}"#,
    ),
    (
        "fromJson",
        r#"v: "{\"a\": 01}""#,
        true,
        true,
        r#"{"Error":"invalid character '1' after object key:value pair"}"#,
    ),
    (
        "fromJson",
        r#"v: "{\"a\": -}""#,
        true,
        true,
        r#"{"Error":"invalid character '}' in numeric literal"}"#,
    ),
    (
        "fromJson",
        r#"v: "{\"a\": 1.}""#,
        true,
        true,
        r#"{"Error":"invalid character '}' in numeric literal"}"#,
    ),
    (
        "fromJson",
        r#"v: "{\"a\": 1e}""#,
        true,
        true,
        r#"{"Error":"invalid character '}' in numeric literal"}"#,
    ),
    (
        "fromJson",
        r#"v: "[1] x""#,
        true,
        true,
        r#"{"Error":"invalid character 'x' after top-level value"}"#,
    ),
    (
        "fromJson",
        r#"v: "{\"a\":\"\t\"}""#,
        true,
        true,
        r#"{"Error":"invalid character '\\t' in string"}"#,
    ),
    (
        "fromJson",
        r#"v: "{\"a\": 1, \"a\": 2}""#,
        true,
        true,
        r#"{"a":2}"#,
    ),
    (
        "fromJson",
        r#"v: "'x'""#,
        true,
        true,
        r#"{"Error":"invalid character '\\'' looking for beginning of value"}"#,
    ),
    (
        "fromJson",
        r#"v: "{\"a\": \"\\ud83d\"}""#,
        true,
        true,
        r#"{"a":"�"}"#,
    ),
    (
        "fromJson",
        r#"v: "\"\\u00\"""#,
        true,
        true,
        r#"{"Error":"invalid escape sequence `\\u00\"` in string"}"#,
    ),
    (
        "fromJson",
        r#"v: "[""#,
        true,
        true,
        r#"{"Error":"unexpected end of JSON input"}"#,
    ),
    (
        "fromJson",
        r#"v: "{\"x\": nul}""#,
        true,
        true,
        r#"{"Error":"invalid character '}' in literal null (expecting 'l')"}"#,
    ),
    (
        "fromJsonArray",
        r#"v: "{\"a\": 1, \"b\": [true, null, \"x\\u00e9\\ud83d\\ude00\"], \"c\": {\"d\": 1.5e3}}""#,
        true,
        true,
        r#"["json: cannot unmarshal object into Go value of type []interface {}"]"#,
    ),
    (
        "fromJsonArray",
        r#"v: "[1, \"two\", {\"three\": 3}]""#,
        true,
        true,
        r#"[1,"two",{"three":3}]"#,
    ),
    (
        "fromJsonArray",
        r#"v: "\"str\"""#,
        true,
        true,
        r#"["json: cannot unmarshal string into Go value of type []interface {}"]"#,
    ),
    (
        "fromJsonArray",
        r#"v: "12""#,
        true,
        true,
        r#"["json: cannot unmarshal number into Go value of type []interface {}"]"#,
    ),
    ("fromJsonArray", r#"v: "null""#, true, true, r#"null"#),
    (
        "fromJsonArray",
        r#"v: "{\"a\": 1,}""#,
        true,
        true,
        r#"["invalid character '}' looking for beginning of object key string"]"#,
    ),
    (
        "fromJsonArray",
        r#"v: "{\"a\" 1}""#,
        true,
        true,
        r#"["invalid character '1' after object key"]"#,
    ),
    (
        "fromJsonArray",
        r#"v: "[1 2]""#,
        true,
        true,
        r#"["invalid character '2' after array element"]"#,
    ),
    (
        "fromJsonArray",
        r#"v: "{a: 1}""#,
        true,
        true,
        r#"["invalid character 'a' looking for beginning of object key string"]"#,
    ),
    (
        "fromJsonArray",
        r#"v: "tru""#,
        true,
        true,
        r#"["unexpected end of JSON input"]"#,
    ),
    (
        "fromJsonArray",
        r#"v: """#,
        true,
        true,
        r#"["unexpected end of JSON input"]"#,
    ),
    (
        "fromJsonArray",
        r#"v: "   ""#,
        true,
        true,
        r#"["unexpected end of JSON input"]"#,
    ),
    (
        "fromJsonArray",
        r#"v: "{\"a\": \"\\q\"}""#,
        true,
        true,
        r#"["invalid escape sequence `\\q` in string"]"#,
    ),
    (
        "fromJsonArray",
        r#"v: "{\"a\": 01}""#,
        true,
        true,
        r#"["invalid character '1' after object key:value pair"]"#,
    ),
    (
        "fromJsonArray",
        r#"v: "{\"a\": -}""#,
        true,
        true,
        r#"["invalid character '}' in numeric literal"]"#,
    ),
    (
        "fromJsonArray",
        r#"v: "{\"a\": 1.}""#,
        true,
        true,
        r#"["invalid character '}' in numeric literal"]"#,
    ),
    (
        "fromJsonArray",
        r#"v: "{\"a\": 1e}""#,
        true,
        true,
        r#"["invalid character '}' in numeric literal"]"#,
    ),
    (
        "fromJsonArray",
        r#"v: "[1] x""#,
        true,
        true,
        r#"["invalid character 'x' after top-level value"]"#,
    ),
    (
        "fromJsonArray",
        r#"v: "{\"a\":\"\t\"}""#,
        true,
        true,
        r#"["invalid character '\\t' in string"]"#,
    ),
    (
        "fromJsonArray",
        r#"v: "{\"a\": 1, \"a\": 2}""#,
        true,
        true,
        r#"["json: cannot unmarshal object into Go value of type []interface {}"]"#,
    ),
    (
        "fromJsonArray",
        r#"v: "'x'""#,
        true,
        true,
        r#"["invalid character '\\'' looking for beginning of value"]"#,
    ),
    (
        "fromJsonArray",
        r#"v: "{\"a\": \"\\ud83d\"}""#,
        true,
        true,
        r#"["json: cannot unmarshal object into Go value of type []interface {}"]"#,
    ),
    (
        "fromJsonArray",
        r#"v: "\"\\u00\"""#,
        true,
        true,
        r#"["invalid escape sequence `\\u00\"` in string"]"#,
    ),
    (
        "fromJsonArray",
        r#"v: "[""#,
        true,
        true,
        r#"["unexpected end of JSON input"]"#,
    ),
    (
        "fromJsonArray",
        r#"v: "{\"x\": nul}""#,
        true,
        true,
        r#"["invalid character '}' in literal null (expecting 'l')"]"#,
    ),
    (
        "mustFromJson",
        r#"v: "{\"a\": 1, \"b\": [true, null, \"x\\u00e9\\ud83d\\ude00\"], \"c\": {\"d\": 1.5e3}}""#,
        true,
        true,
        r#"{"a":1,"b":[true,null,"xé😀"],"c":{"d":1500}}"#,
    ),
    (
        "mustFromJson",
        r#"v: "[1, \"two\", {\"three\": 3}]""#,
        true,
        true,
        r#"[1,"two",{"three":3}]"#,
    ),
    ("mustFromJson", r#"v: "\"str\"""#, true, true, r#""str""#),
    ("mustFromJson", r#"v: "12""#, true, true, r#"12"#),
    ("mustFromJson", r#"v: "null""#, true, true, r#"null"#),
    (
        "mustFromJson",
        r#"v: "{\"a\": 1,}""#,
        true,
        false,
        r#"invalid character '}' looking for beginning of object key string"#,
    ),
    (
        "mustFromJson",
        r#"v: "{\"a\" 1}""#,
        true,
        false,
        r#"invalid character '1' after object key"#,
    ),
    (
        "mustFromJson",
        r#"v: "[1 2]""#,
        true,
        false,
        r#"invalid character '2' after array element"#,
    ),
    (
        "mustFromJson",
        r#"v: "{a: 1}""#,
        true,
        false,
        r#"invalid character 'a' looking for beginning of object key string"#,
    ),
    (
        "mustFromJson",
        r#"v: "tru""#,
        true,
        false,
        r#"unexpected end of JSON input"#,
    ),
    (
        "mustFromJson",
        r#"v: """#,
        true,
        false,
        r#"unexpected end of JSON input"#,
    ),
    (
        "mustFromJson",
        r#"v: "   ""#,
        true,
        false,
        r#"unexpected end of JSON input"#,
    ),
    (
        "mustFromJson",
        r#"v: "{\"a\": \"\\q\"}""#,
        true,
        false,
        r#"invalid escape sequence `\q` in string"#,
    ),
    (
        "mustFromJson",
        r#"v: "{\"a\": 01}""#,
        true,
        false,
        r#"invalid character '1' after object key:value pair"#,
    ),
    (
        "mustFromJson",
        r#"v: "{\"a\": -}""#,
        true,
        false,
        r#"invalid character '}' in numeric literal"#,
    ),
    (
        "mustFromJson",
        r#"v: "{\"a\": 1.}""#,
        true,
        false,
        r#"invalid character '}' in numeric literal"#,
    ),
    (
        "mustFromJson",
        r#"v: "{\"a\": 1e}""#,
        true,
        false,
        r#"invalid character '}' in numeric literal"#,
    ),
    (
        "mustFromJson",
        r#"v: "[1] x""#,
        true,
        false,
        r#"invalid character 'x' after top-level value"#,
    ),
    (
        "mustFromJson",
        r#"v: "{\"a\":\"\t\"}""#,
        true,
        false,
        r#"invalid character '\t' in string"#,
    ),
    (
        "mustFromJson",
        r#"v: "{\"a\": 1, \"a\": 2}""#,
        true,
        true,
        r#"{"a":2}"#,
    ),
    (
        "mustFromJson",
        r#"v: "'x'""#,
        true,
        false,
        r#"invalid character '\'' looking for beginning of value"#,
    ),
    (
        "mustFromJson",
        r#"v: "{\"a\": \"\\ud83d\"}""#,
        true,
        true,
        r#"{"a":"�"}"#,
    ),
    (
        "mustFromJson",
        r#"v: "\"\\u00\"""#,
        true,
        false,
        r#"invalid escape sequence `\u00"` in string"#,
    ),
    (
        "mustFromJson",
        r#"v: "[""#,
        true,
        false,
        r#"unexpected end of JSON input"#,
    ),
    (
        "mustFromJson",
        r#"v: "{\"x\": nul}""#,
        true,
        false,
        r#"invalid character '}' in literal null (expecting 'l')"#,
    ),
    (
        "toToml",
        r#"v:
  a: 1
  b: 1.5
  s: "hello \"q\" \\ é\ttab\nnl"
  t: true
  n: null
  l: [1, 2, 3]
  ls: [a, b]
  mixed: [1, a]
  e: []
  em: {}
  nested:
    x: 1
    deeper:
      y: "z"
    list: [1]
  aot:
    - name: a
      v: 1
    - name: b
      sub: {q: 1}
  "key with space": 1
  "k.dot": 2
  big: 1e21
  neg: -0.5
  zero: 0
  lnest: [[1, 2], [a]]
  "#,
        false,
        true,
        r#"a = 1.0
b = 1.5
big = 1e+21
e = []
"k.dot" = 2.0
"key with space" = 1.0
l = [1.0, 2.0, 3.0]
lnest = [[1.0, 2.0], ["a"]]
ls = ["a", "b"]
mixed = [1.0, "a"]
neg = -0.5
s = "hello \"q\" \\ é\ttab\nnl"
t = true
zero = 0.0

[[aot]]
  name = "a"
  v = 1.0

[[aot]]
  name = "b"
  [aot.sub]
    q = 1.0

[em]

[nested]
  list = [1.0]
  x = 1.0
  [nested.deeper]
    true = "z"
"#,
    ),
    ("toToml", r#"v: [1, 2]"#, false, true, r#"[1.0, 2.0]"#),
    ("toToml", r#"v: "x""#, false, true, r#""x""#),
    ("toToml", r#"v: 1.0"#, false, true, r#"1.0"#),
    (
        "toToml",
        r#"v: {a: [null]}"#,
        false,
        true,
        r#"toml: cannot encode array with nil element"#,
    ),
    (
        "toToml",
        r#"v: {a: [{x: 1}, 2]}"#,
        false,
        true,
        r#"a = [{x = 1.0}, 2.0]
"#,
    ),
    (
        "toToml",
        r#"v: [{a: 1}]"#,
        false,
        true,
        r#"toml: top-level values must be Go maps or structs"#,
    ),
    (
        "toToml",
        r#"v: {"": 1, "ü": 2, "a-b_c": 3, "1": 4, "x.y": {"q r": 1}}"#,
        false,
        true,
        r#""" = 1.0
1 = 4.0
a-b_c = 3.0
"ü" = 2.0

["x.y"]
  "q r" = 1.0
"#,
    ),
    (
        "toToml",
        r#"v: {s: "\u0001\u007f\"\\\b\f\r"}"#,
        false,
        true,
        r#"s = "\u0001\u007f\"\\\b\f\r"
"#,
    ),
    (
        "toToml",
        r#"v: {a: {b: {c: {d: 1}}, e: 2}, f: [[1], [{g: 1}]]}"#,
        false,
        true,
        r#"f = [[1.0], [{g = 1.0}]]

[a]
  e = 2.0
  [a.b]
    [a.b.c]
      d = 1.0
"#,
    ),
    (
        "toToml",
        r#"v: {t: [{a: 1, b: {c: 2}, d: [{e: 3}]}]}"#,
        false,
        true,
        r#"[[t]]
  a = 1.0
  [t.b]
    c = 2.0

  [[t.d]]
    e = 3.0
"#,
    ),
    (
        "mustToToml",
        r#"v:
  a: 1
  b: 1.5
  s: "hello \"q\" \\ é\ttab\nnl"
  t: true
  n: null
  l: [1, 2, 3]
  ls: [a, b]
  mixed: [1, a]
  e: []
  em: {}
  nested:
    x: 1
    deeper:
      y: "z"
    list: [1]
  aot:
    - name: a
      v: 1
    - name: b
      sub: {q: 1}
  "key with space": 1
  "k.dot": 2
  big: 1e21
  neg: -0.5
  zero: 0
  lnest: [[1, 2], [a]]
  "#,
        false,
        true,
        r#"a = 1.0
b = 1.5
big = 1e+21
e = []
"k.dot" = 2.0
"key with space" = 1.0
l = [1.0, 2.0, 3.0]
lnest = [[1.0, 2.0], ["a"]]
ls = ["a", "b"]
mixed = [1.0, "a"]
neg = -0.5
s = "hello \"q\" \\ é\ttab\nnl"
t = true
zero = 0.0

[[aot]]
  name = "a"
  v = 1.0

[[aot]]
  name = "b"
  [aot.sub]
    q = 1.0

[em]

[nested]
  list = [1.0]
  x = 1.0
  [nested.deeper]
    true = "z"
"#,
    ),
    ("mustToToml", r#"v: [1, 2]"#, false, true, r#"[1.0, 2.0]"#),
    ("mustToToml", r#"v: "x""#, false, true, r#""x""#),
    ("mustToToml", r#"v: 1.0"#, false, true, r#"1.0"#),
    (
        "mustToToml",
        r#"v: {a: [null]}"#,
        false,
        false,
        r#"toml: cannot encode array with nil element"#,
    ),
    (
        "mustToToml",
        r#"v: {a: [{x: 1}, 2]}"#,
        false,
        true,
        r#"a = [{x = 1.0}, 2.0]
"#,
    ),
    (
        "mustToToml",
        r#"v: [{a: 1}]"#,
        false,
        false,
        r#"toml: top-level values must be Go maps or structs"#,
    ),
    (
        "mustToToml",
        r#"v: {"": 1, "ü": 2, "a-b_c": 3, "1": 4, "x.y": {"q r": 1}}"#,
        false,
        true,
        r#""" = 1.0
1 = 4.0
a-b_c = 3.0
"ü" = 2.0

["x.y"]
  "q r" = 1.0
"#,
    ),
    (
        "mustToToml",
        r#"v: {s: "\u0001\u007f\"\\\b\f\r"}"#,
        false,
        true,
        r#"s = "\u0001\u007f\"\\\b\f\r"
"#,
    ),
    (
        "mustToToml",
        r#"v: {a: {b: {c: {d: 1}}, e: 2}, f: [[1], [{g: 1}]]}"#,
        false,
        true,
        r#"f = [[1.0], [{g = 1.0}]]

[a]
  e = 2.0
  [a.b]
    [a.b.c]
      d = 1.0
"#,
    ),
    (
        "mustToToml",
        r#"v: {t: [{a: 1, b: {c: 2}, d: [{e: 3}]}]}"#,
        false,
        true,
        r#"[[t]]
  a = 1.0
  [t.b]
    c = 2.0

  [[t.d]]
    e = 3.0
"#,
    ),
    (
        "fromToml",
        r#"v: "a = 1\nb = \"x\"\n[t]\nc = true\n[[arr]]\nn = 1\n[[arr]]\nn = 2\n""#,
        true,
        true,
        r#"{"a":1,"arr":[{"n":1},{"n":2}],"b":"x","t":{"c":true}}"#,
    ),
    (
        "fromToml",
        r#"v: "a.b.c = 1\nd = [1, 2.5, \"x\", [true]]\ne = {f = 1, g = {h = \"i\"}}\n""#,
        true,
        true,
        r#"{"a":{"b":{"c":1}},"d":[1,2.5,"x",[true]],"e":{"f":1,"g":{"h":"i"}}}"#,
    ),
    (
        "fromToml",
        r#"v: "s1 = 'lit\\eral'\ns2 = \"\"\"\nml\\\n   cont\"\"\"\ns3 = '''\nraw\n'''\nh = 0xff\no = 0o17\nb = 0b11\nu = 1_000\nf = 6.02e23\ni = inf\nn = -nan\n""#,
        true,
        true,
        r#""#,
    ),
    (
        "fromToml",
        r#"v: "a = \n""#,
        true,
        true,
        r#"{"Error":"toml: line 1 (last key \"a\"): expected value but found '\\n' instead"}"#,
    ),
    (
        "fromToml",
        r#"v: "a = 1\na = 2\n""#,
        true,
        true,
        r#"{"Error":"toml: line 2 (last key \"a\"): Key 'a' has already been defined."}"#,
    ),
    (
        "fromToml",
        r#"v: "[t]\n[t]\n""#,
        true,
        true,
        r#"{"Error":"toml: line 2: Key 't' has already been defined."}"#,
    ),
    (
        "fromToml",
        r#"v: "x = \"unterminated\n""#,
        true,
        true,
        r#"{"Error":"toml: line 1 (last key \"x\"): strings cannot contain newlines"}"#,
    ),
    (
        "fromToml",
        r#"v: "bad key = 1\n""#,
        true,
        true,
        r#"{"Error":"toml: line 1: expected '.' or '=', but got 'k' instead"}"#,
    ),
    (
        "fromToml",
        r#"v: "dt = 1979-05-27T07:32:00Z\nd = 1979-05-27\n""#,
        true,
        true,
        r#"{"d":"1979-05-27T00:00:00Z","dt":"1979-05-27T07:32:00Z"}"#,
    ),
    (
        "fromToml",
        r#"v: "\"quoted key\" = 1\n'lit key' = 2\n""#,
        true,
        true,
        r#"{"lit key":2,"quoted key":1}"#,
    ),
    (
        "fromToml",
        r##"v: "# comment only\n""##,
        true,
        true,
        r#"{}"#,
    ),
    ("fromToml", r#"v: """#, true, true, r#"{}"#),
    (
        "fromToml",
        r#"v: "a = [\n  1,\n  2, # c\n]\n""#,
        true,
        true,
        r#"{"a":[1,2]}"#,
    ),
    (
        "fromToml",
        r#"v: "a = 1 b = 2\n""#,
        true,
        true,
        r#"{"Error":"toml: line 1: expected a top-level item to end with a newline, comment, or EOF, but got 'b' instead"}"#,
    ),
    ("toYaml", r#"v: "x""#, false, true, r#"x"#),
    (
        "toYaml",
        r#"v: [a, [b, [c]]]"#,
        false,
        true,
        r#"- a
- - b
  - - c"#,
    ),
    (
        "toYaml",
        r#"v: {k: "\ufeffbom"}"#,
        false,
        true,
        r#"k: "\uFEFF\x62\x6F\x6D""#,
    ),
    (
        "toYaml",
        r#"v: {k: "emoji \U0001F600 x"}"#,
        false,
        true,
        r#"k: "emoji \U0001F600 x""#,
    ),
    (
        "toYaml",
        r#"v: {k: "word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word end"}"#,
        false,
        true,
        r#"k: word word word word word word word word word word word word word word word word
  word word word word word word word word word word word word word word end"#,
    ),
    (
        "toYaml",
        r#"v: {k: "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx yyyyyyyyyy"}"#,
        false,
        true,
        r#"k: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
  yyyyyyyyyy"#,
    ),
    ("toYaml", r#"v: {k: "a\u0085b"}"#, false, true, r#"k: a b"#),
    ("toYaml", r#"v: {k: "a\u00a0b"}"#, false, true, r#"k: a b"#),
    (
        "toYaml",
        r#"v: {k: " \nlead"}"#,
        false,
        true,
        r#"k: " \nlead""#,
    ),
    (
        "toYaml",
        r#"v: {k: "\n"}"#,
        false,
        true,
        r#"k: |2+
"#,
    ),
    (
        "toYaml",
        r#"v: {k: "x \n y"}"#,
        false,
        true,
        r#"k: "x \n y""#,
    ),
    (
        "toYaml",
        r#"v: {k: "line\n  indented\n"}"#,
        false,
        true,
        r#"k: |
  line
    indented"#,
    ),
    (
        "toYaml",
        r#"v: {k: "it's a 'quote'"}"#,
        false,
        true,
        r#"k: it's a 'quote'"#,
    ),
    (
        "toYaml",
        r#"v: {k: "it''s it''s it''s it''s it''s it''s it''s it''s it''s it''s it''s it''s it''s it''s it''s it''s it''s it''s it''s it''s "}"#,
        false,
        true,
        r#"k: 'it''''s it''''s it''''s it''''s it''''s it''''s it''''s it''''s it''''s it''''s
  it''''s it''''s it''''s it''''s it''''s it''''s it''''s it''''s it''''s it''''s '"#,
    ),
    (
        "toYaml",
        r#"v: {"long key long key long key long key long key long key long key long key long key long key long key long key long key long key long key ": 1}"#,
        false,
        true,
        r#"? 'long key long key long key long key long key long key long key long key long key
  long key long key long key long key long key long key '
: 1"#,
    ),
    (
        "toYaml",
        r#"v: {k: "dq \t z z z z z z z z z z z z z z z z z z z z z z z z z z z z z z z z z z z z z z z z "}"#,
        false,
        true,
        r#"k: "dq \t z z z z z z z z z z z z z z z z z z z z z z z z z z z z z z z z z z z z
  z z z z ""#,
    ),
    (
        "toYaml",
        r#"v: {k: "a  b c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c   d e e e e e e e e e e"}"#,
        false,
        true,
        r#"k: a  b c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c
  c c c c c c c c   d e e e e e e e e e e"#,
    ),
    (
        "toYaml",
        r#"v: {k: "--- doc"}"#,
        false,
        true,
        r#"k: '--- doc'"#,
    ),
    ("toYaml", r#"v: {k: "... x"}"#, false, true, r#"k: '... x'"#),
    ("toYaml", r#"v: {k: "x: y"}"#, false, true, r#"k: 'x: y'"#),
    ("toYaml", r#"v: {k: "x :y"}"#, false, true, r#"k: x :y"#),
    ("toYaml", r#"v: {k: "- "}"#, false, true, r#"k: '- '"#),
    ("toYaml", r#"v: {k: "?"}"#, false, true, r#"k: '?'"#),
    ("toYaml", r#"v: {k: "-x"}"#, false, true, r#"k: -x"#),
    ("toYaml", r##"v: {k: "#"}"##, false, true, r#"k: '#'"#),
    ("toYaml", r#"v: {k: "a#"}"#, false, true, r#"k: a#"#),
    ("toYaml", r#"v: {k: "a #"}"#, false, true, r#"k: 'a #'"#),
    ("toYaml", r#"v: {k: "\r"}"#, false, true, r#"k: "\r""#),
    ("toYaml", r#"v: {k: "a\rb"}"#, false, true, r#"k: "a\rb""#),
    ("toYaml", r#"v: {k: "\t"}"#, false, true, r#"k: "\t""#),
    ("toYaml", r#"v: {k: 1.0e+6}"#, false, true, r#"k: 1000000"#),
    (
        "toYaml",
        r#"v: {k: 1.5e+300}"#,
        false,
        true,
        r#"k: 1.5e+300"#,
    ),
    ("toYaml", r#"v: {k: -1.0e-10}"#, false, true, r#"k: -1e-10"#),
    ("mustToYaml", r#"v: "x""#, false, true, r#"x"#),
    (
        "mustToYaml",
        r#"v: [a, [b, [c]]]"#,
        false,
        true,
        r#"- a
- - b
  - - c"#,
    ),
    (
        "mustToYaml",
        r#"v: {k: "\ufeffbom"}"#,
        false,
        true,
        r#"k: "\uFEFF\x62\x6F\x6D""#,
    ),
    (
        "mustToYaml",
        r#"v: {k: "emoji \U0001F600 x"}"#,
        false,
        true,
        r#"k: "emoji \U0001F600 x""#,
    ),
    (
        "mustToYaml",
        r#"v: {k: "word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word end"}"#,
        false,
        true,
        r#"k: word word word word word word word word word word word word word word word word
  word word word word word word word word word word word word word word end"#,
    ),
    (
        "mustToYaml",
        r#"v: {k: "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx yyyyyyyyyy"}"#,
        false,
        true,
        r#"k: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
  yyyyyyyyyy"#,
    ),
    (
        "mustToYaml",
        r#"v: {k: "a\u0085b"}"#,
        false,
        true,
        r#"k: a b"#,
    ),
    (
        "mustToYaml",
        r#"v: {k: "a\u00a0b"}"#,
        false,
        true,
        r#"k: a b"#,
    ),
    (
        "mustToYaml",
        r#"v: {k: " \nlead"}"#,
        false,
        true,
        r#"k: " \nlead""#,
    ),
    (
        "mustToYaml",
        r#"v: {k: "\n"}"#,
        false,
        true,
        r#"k: |2+
"#,
    ),
    (
        "mustToYaml",
        r#"v: {k: "x \n y"}"#,
        false,
        true,
        r#"k: "x \n y""#,
    ),
    (
        "mustToYaml",
        r#"v: {k: "line\n  indented\n"}"#,
        false,
        true,
        r#"k: |
  line
    indented"#,
    ),
    (
        "mustToYaml",
        r#"v: {k: "it's a 'quote'"}"#,
        false,
        true,
        r#"k: it's a 'quote'"#,
    ),
    (
        "mustToYaml",
        r#"v: {k: "it''s it''s it''s it''s it''s it''s it''s it''s it''s it''s it''s it''s it''s it''s it''s it''s it''s it''s it''s it''s "}"#,
        false,
        true,
        r#"k: 'it''''s it''''s it''''s it''''s it''''s it''''s it''''s it''''s it''''s it''''s
  it''''s it''''s it''''s it''''s it''''s it''''s it''''s it''''s it''''s it''''s '"#,
    ),
    (
        "mustToYaml",
        r#"v: {"long key long key long key long key long key long key long key long key long key long key long key long key long key long key long key ": 1}"#,
        false,
        true,
        r#"? 'long key long key long key long key long key long key long key long key long key
  long key long key long key long key long key long key '
: 1"#,
    ),
    (
        "mustToYaml",
        r#"v: {k: "dq \t z z z z z z z z z z z z z z z z z z z z z z z z z z z z z z z z z z z z z z z z "}"#,
        false,
        true,
        r#"k: "dq \t z z z z z z z z z z z z z z z z z z z z z z z z z z z z z z z z z z z z
  z z z z ""#,
    ),
    (
        "mustToYaml",
        r#"v: {k: "a  b c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c   d e e e e e e e e e e"}"#,
        false,
        true,
        r#"k: a  b c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c
  c c c c c c c c   d e e e e e e e e e e"#,
    ),
    (
        "mustToYaml",
        r#"v: {k: "--- doc"}"#,
        false,
        true,
        r#"k: '--- doc'"#,
    ),
    (
        "mustToYaml",
        r#"v: {k: "... x"}"#,
        false,
        true,
        r#"k: '... x'"#,
    ),
    (
        "mustToYaml",
        r#"v: {k: "x: y"}"#,
        false,
        true,
        r#"k: 'x: y'"#,
    ),
    ("mustToYaml", r#"v: {k: "x :y"}"#, false, true, r#"k: x :y"#),
    ("mustToYaml", r#"v: {k: "- "}"#, false, true, r#"k: '- '"#),
    ("mustToYaml", r#"v: {k: "?"}"#, false, true, r#"k: '?'"#),
    ("mustToYaml", r#"v: {k: "-x"}"#, false, true, r#"k: -x"#),
    ("mustToYaml", r##"v: {k: "#"}"##, false, true, r#"k: '#'"#),
    ("mustToYaml", r#"v: {k: "a#"}"#, false, true, r#"k: a#"#),
    ("mustToYaml", r#"v: {k: "a #"}"#, false, true, r#"k: 'a #'"#),
    ("mustToYaml", r#"v: {k: "\r"}"#, false, true, r#"k: "\r""#),
    (
        "mustToYaml",
        r#"v: {k: "a\rb"}"#,
        false,
        true,
        r#"k: "a\rb""#,
    ),
    ("mustToYaml", r#"v: {k: "\t"}"#, false, true, r#"k: "\t""#),
    (
        "mustToYaml",
        r#"v: {k: 1.0e+6}"#,
        false,
        true,
        r#"k: 1000000"#,
    ),
    (
        "mustToYaml",
        r#"v: {k: 1.5e+300}"#,
        false,
        true,
        r#"k: 1.5e+300"#,
    ),
    (
        "mustToYaml",
        r#"v: {k: -1.0e-10}"#,
        false,
        true,
        r#"k: -1e-10"#,
    ),
    ("toYamlPretty", r#"v: "x""#, false, true, r#"x"#),
    (
        "toYamlPretty",
        r#"v: [a, [b, [c]]]"#,
        false,
        true,
        r#"- a
- - b
  - - c"#,
    ),
    (
        "toYamlPretty",
        r#"v: {k: "\ufeffbom"}"#,
        false,
        true,
        r#"k: "\uFEFF\x62\x6F\x6D""#,
    ),
    (
        "toYamlPretty",
        r#"v: {k: "emoji \U0001F600 x"}"#,
        false,
        true,
        r#"k: "emoji \U0001F600 x""#,
    ),
    (
        "toYamlPretty",
        r#"v: {k: "word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word end"}"#,
        false,
        true,
        r#"k: word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word end"#,
    ),
    (
        "toYamlPretty",
        r#"v: {k: "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx yyyyyyyyyy"}"#,
        false,
        true,
        r#"k: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx yyyyyyyyyy"#,
    ),
    (
        "toYamlPretty",
        r#"v: {k: "a\u0085b"}"#,
        false,
        true,
        r#"k: "a\Nb""#,
    ),
    (
        "toYamlPretty",
        r#"v: {k: "a\u00a0b"}"#,
        false,
        true,
        r#"k: a b"#,
    ),
    (
        "toYamlPretty",
        r#"v: {k: " \nlead"}"#,
        false,
        true,
        r#"k: " \nlead""#,
    ),
    (
        "toYamlPretty",
        r#"v: {k: "\n"}"#,
        false,
        true,
        r#"k: |2+
"#,
    ),
    (
        "toYamlPretty",
        r#"v: {k: "x \n y"}"#,
        false,
        true,
        r#"k: "x \n y""#,
    ),
    (
        "toYamlPretty",
        r#"v: {k: "line\n  indented\n"}"#,
        false,
        true,
        r#"k: |
  line
    indented"#,
    ),
    (
        "toYamlPretty",
        r#"v: {k: "it's a 'quote'"}"#,
        false,
        true,
        r#"k: it's a 'quote'"#,
    ),
    (
        "toYamlPretty",
        r#"v: {k: "it''s it''s it''s it''s it''s it''s it''s it''s it''s it''s it''s it''s it''s it''s it''s it''s it''s it''s it''s it''s "}"#,
        false,
        true,
        r#"k: 'it''''s it''''s it''''s it''''s it''''s it''''s it''''s it''''s it''''s it''''s it''''s it''''s it''''s it''''s it''''s it''''s it''''s it''''s it''''s it''''s '"#,
    ),
    (
        "toYamlPretty",
        r#"v: {"long key long key long key long key long key long key long key long key long key long key long key long key long key long key long key ": 1}"#,
        false,
        true,
        r#"? 'long key long key long key long key long key long key long key long key long key long key long key long key long key long key long key '
: 1"#,
    ),
    (
        "toYamlPretty",
        r#"v: {k: "dq \t z z z z z z z z z z z z z z z z z z z z z z z z z z z z z z z z z z z z z z z z "}"#,
        false,
        true,
        r#"k: "dq \t z z z z z z z z z z z z z z z z z z z z z z z z z z z z z z z z z z z z z z z z ""#,
    ),
    (
        "toYamlPretty",
        r#"v: {k: "a  b c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c   d e e e e e e e e e e"}"#,
        false,
        true,
        r#"k: a  b c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c   d e e e e e e e e e e"#,
    ),
    (
        "toYamlPretty",
        r#"v: {k: "--- doc"}"#,
        false,
        true,
        r#"k: '--- doc'"#,
    ),
    (
        "toYamlPretty",
        r#"v: {k: "... x"}"#,
        false,
        true,
        r#"k: '... x'"#,
    ),
    (
        "toYamlPretty",
        r#"v: {k: "x: y"}"#,
        false,
        true,
        r#"k: 'x: y'"#,
    ),
    (
        "toYamlPretty",
        r#"v: {k: "x :y"}"#,
        false,
        true,
        r#"k: x :y"#,
    ),
    ("toYamlPretty", r#"v: {k: "- "}"#, false, true, r#"k: '- '"#),
    ("toYamlPretty", r#"v: {k: "?"}"#, false, true, r#"k: '?'"#),
    ("toYamlPretty", r#"v: {k: "-x"}"#, false, true, r#"k: -x"#),
    ("toYamlPretty", r##"v: {k: "#"}"##, false, true, r#"k: '#'"#),
    ("toYamlPretty", r#"v: {k: "a#"}"#, false, true, r#"k: a#"#),
    (
        "toYamlPretty",
        r#"v: {k: "a #"}"#,
        false,
        true,
        r#"k: 'a #'"#,
    ),
    ("toYamlPretty", r#"v: {k: "\r"}"#, false, true, r#"k: "\r""#),
    (
        "toYamlPretty",
        r#"v: {k: "a\rb"}"#,
        false,
        true,
        r#"k: "a\rb""#,
    ),
    ("toYamlPretty", r#"v: {k: "\t"}"#, false, true, r#"k: "\t""#),
    (
        "toYamlPretty",
        r#"v: {k: 1.0e+6}"#,
        false,
        true,
        r#"k: 1e+06"#,
    ),
    (
        "toYamlPretty",
        r#"v: {k: 1.5e+300}"#,
        false,
        true,
        r#"k: 1.5e+300"#,
    ),
    (
        "toYamlPretty",
        r#"v: {k: -1.0e-10}"#,
        false,
        true,
        r#"k: -1e-10"#,
    ),
    ("fromYaml", r#"v: "a: 1""#, true, true, r#"{"a":1}"#),
    (
        "fromYaml",
        r#"v: "- a\n- 1""#,
        true,
        true,
        r#"{"Error":"error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go value of type map[string]interface {}"}"#,
    ),
    ("fromYaml", r#"v: """#, true, true, r#"{}"#),
    (
        "fromYaml",
        r#"v: "x""#,
        true,
        true,
        r#"{"Error":"error unmarshaling JSON: while decoding JSON: json: cannot unmarshal string into Go value of type map[string]interface {}"}"#,
    ),
    (
        "fromYaml",
        r#"v: "a: [""#,
        true,
        true,
        r#"{"Error":"error converting YAML to JSON: yaml: line 1: did not find expected node content"}"#,
    ),
    (
        "fromYaml",
        r#"v: "[1, {b: 2}]""#,
        true,
        true,
        r#"{"Error":"error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go value of type map[string]interface {}"}"#,
    ),
    (
        "fromYamlArray",
        r#"v: "a: 1""#,
        true,
        true,
        r#"["error unmarshaling JSON: while decoding JSON: json: cannot unmarshal object into Go value of type []interface {}"]"#,
    ),
    (
        "fromYamlArray",
        r#"v: "- a\n- 1""#,
        true,
        true,
        r#"["a",1]"#,
    ),
    ("fromYamlArray", r#"v: """#, true, true, r#"[]"#),
    (
        "fromYamlArray",
        r#"v: "x""#,
        true,
        true,
        r#"["error unmarshaling JSON: while decoding JSON: json: cannot unmarshal string into Go value of type []interface {}"]"#,
    ),
    (
        "fromYamlArray",
        r#"v: "a: [""#,
        true,
        true,
        r#"["error converting YAML to JSON: yaml: line 1: did not find expected node content"]"#,
    ),
    (
        "fromYamlArray",
        r#"v: "[1, {b: 2}]""#,
        true,
        true,
        r#"[1,{"b":2}]"#,
    ),
];
