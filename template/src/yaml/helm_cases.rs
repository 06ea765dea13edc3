// Generated from helm v4.3.1 by /tmp/formats/gen/gen.py: for each input,
// `toJson (fromYaml .)`, `toJson (fromYamlArray .)`, `toYaml (fromYaml .)`,
// `toYamlPretty (fromYaml .)` as rendered by the real helm.
pub const CASES: &[(&str, &str, &str, &str, &str)] = &[
    (
        r##"s1: "yes"
s2: "123"
s3: "1.0"
s4: "true"
s5: "null"
s6: ""
s7: "a: b"
s8: "- x"
s9: "#c"
s10: "a #b"
s11: "line1\nline2"
s12: "line1\nline2\n"
s13: "trail "
s14: " lead"
s15: "x\n\nTrail\n\n"
s16: "This is a very long plain string that goes on and on and on past the eighty column limit of libyaml emitter ok"
s17: "tab\there"
s18: "ünïcödé ✓"
s19: "\u0001ctrl"
s20: "it's"
s21: "@at"
s22: "`bt"
s23: "%pct"
s24: "*star"
s25: "&amp"
s26: "!bang"
s27: "|pipe"
s28: ">gt"
s29: "'q"
s30: "\"dq"
s31: "{b"
s32: "[b"
s33: "a,b"
s34: "a:b"
s35: "?q"
s36: "~"
s37: "0x1F"
s38: "1e3"
s39: ".inf"
s40: "1_000"
s41: "0755"
s42: "2001-12-14"
s43: "y"
s44: "Off"
s45: "12:30"
s46: "190:20:30"
s47: "-"
s48: "a\tb\nc"
s49: "line1 \nline2"
s50: "a long string with\nnewline that is quite long and exceeds the width of eighty columns for sure yes"
s51: "very-long-single-token-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
s52: "x: This is a very long string with colon space that goes on and on past the eighty column limit ok"
s53: "\ttab lead"
s54: "\u2028ls"
s55: "\ufeffbom"
s56: "a\r\nb"
s57: "é long string with unicode characters that goes on and on past the eighty column limit ok"
n1: 1
n2: 1.5
n3: 1000000
n4: 1e21
n5: 1e-7
n6: 0.000001
n7: -0
n8: 12345678901234567890
n9: 0.1
n10: 100000000000000000000
n11: 3.0
b1: true
nl: null
em: {}
el: []
nested:
  list:
  - a
  - b: 1
    c: [1, 2]
  - [x, y]
  - []
  - {}
  map: {k: v}
item10: 1
item2: 2
a10b: 1
a9b: 2
A: 1
_u: 1
"1": 1
"10": 1
"9": 1
"-1": 1
key with space: 1
"k: colon": 1
"": empty key
"##,
        r##"{"":"empty key","-1":1,"1":1,"10":1,"9":1,"A":1,"_u":1,"a10b":1,"a9b":2,"b1":true,"el":[],"em":{},"item10":1,"item2":2,"k: colon":1,"key with space":1,"n1":1,"n10":100000000000000000000,"n11":3,"n2":1.5,"n3":1000000,"n4":1e+21,"n5":1e-7,"n6":0.000001,"n7":0,"n8":12345678901234567000,"n9":0.1,"nested":{"list":["a",{"b":1,"c":[1,2]},["x",true],[],{}],"map":{"k":"v"}},"nl":null,"s1":"yes","s10":"a #b","s11":"line1\nline2","s12":"line1\nline2\n","s13":"trail ","s14":" lead","s15":"x\n\nTrail\n\n","s16":"This is a very long plain string that goes on and on and on past the eighty column limit of libyaml emitter ok","s17":"tab\there","s18":"ünïcödé ✓","s19":"\u0001ctrl","s2":"123","s20":"it's","s21":"@at","s22":"`bt","s23":"%pct","s24":"*star","s25":"\u0026amp","s26":"!bang","s27":"|pipe","s28":"\u003egt","s29":"'q","s3":"1.0","s30":"\"dq","s31":"{b","s32":"[b","s33":"a,b","s34":"a:b","s35":"?q","s36":"~","s37":"0x1F","s38":"1e3","s39":".inf","s4":"true","s40":"1_000","s41":"0755","s42":"2001-12-14","s43":"y","s44":"Off","s45":"12:30","s46":"190:20:30","s47":"-","s48":"a\tb\nc","s49":"line1 \nline2","s5":"null","s50":"a long string with\nnewline that is quite long and exceeds the width of eighty columns for sure yes","s51":"very-long-single-token-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","s52":"x: This is a very long string with colon space that goes on and on past the eighty column limit ok","s53":"\ttab lead","s54":"\u2028ls","s55":"﻿bom","s56":"a\r\nb","s57":"é long string with unicode characters that goes on and on past the eighty column limit ok","s6":"","s7":"a: b","s8":"- x","s9":"#c"}"##,
        r#"["error unmarshaling JSON: while decoding JSON: json: cannot unmarshal object into Go value of type []interface {}"]"#,
        r#""": empty key
"-1": 1
_u: 1
"1": 1
"9": 1
"10": 1
A: 1
a9b: 2
a10b: 1
b1: true
el: []
em: {}
item2: 2
item10: 1
'k: colon': 1
key with space: 1
n1: 1
n2: 1.5
n3: 1000000
n4: 1e+21
n5: 1e-07
n6: 1e-06
n7: 0
n8: 12345678901234567000
n9: 0.1
n10: 1e+20
n11: 3
nested:
  list:
  - a
  - b: 1
    c:
    - 1
    - 2
  - - x
    - true
  - []
  - {}
  map:
    k: v
nl: null
s1: "yes"
s2: "123"
s3: "1.0"
s4: "true"
s5: "null"
s6: ""
s7: 'a: b'
s8: '- x'
s9: '#c'
s10: 'a #b'
s11: |-
  line1
  line2
s12: |
  line1
  line2
s13: 'trail '
s14: ' lead'
s15: |+
  x

  Trail

s16: This is a very long plain string that goes on and on and on past the eighty column
  limit of libyaml emitter ok
s17: "tab\there"
s18: ünïcödé ✓
s19: "\x01ctrl"
s20: it's
s21: '@at'
s22: '`bt'
s23: '%pct'
s24: '*star'
s25: '&amp'
s26: '!bang'
s27: '|pipe'
s28: '>gt'
s29: '''q'
s30: '"dq'
s31: '{b'
s32: '[b'
s33: a,b
s34: a:b
s35: ?q
s36: "~"
s37: "0x1F"
s38: "1e3"
s39: ".inf"
s40: "1_000"
s41: "0755"
s42: "2001-12-14"
s43: "y"
s44: "Off"
s45: "12:30"
s46: "190:20:30"
s47: '-'
s48: "a\tb\nc"
s49: "line1 \nline2"
s50: |-
  a long string with
  newline that is quite long and exceeds the width of eighty columns for sure yes
s51: very-long-single-token-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
s52: 'x: This is a very long string with colon space that goes on and on past the
  eighty column limit ok'
s53: "\ttab lead"
s54: '   ls'
s55: "\uFEFF\x62\x6F\x6D"
s56: "a\r\nb"
s57: é long string with unicode characters that goes on and on past the eighty column
  limit ok"#,
        r#""": empty key
"-1": 1
_u: 1
"1": 1
"9": 1
"10": 1
A: 1
a9b: 2
a10b: 1
b1: true
el: []
em: {}
item2: 2
item10: 1
'k: colon': 1
key with space: 1
n1: 1
n2: 1.5
n3: 1e+06
n4: 1e+21
n5: 1e-07
n6: 1e-06
n7: 0
n8: 1.2345678901234567e+19
n9: 0.1
n10: 1e+20
n11: 3
nested:
  list:
    - a
    - b: 1
      c:
        - 1
        - 2
    - - x
      - true
    - []
    - {}
  map:
    k: v
nl: null
s1: "yes"
s2: "123"
s3: "1.0"
s4: "true"
s5: "null"
s6: ""
s7: 'a: b'
s8: '- x'
s9: '#c'
s10: 'a #b'
s11: |-
  line1
  line2
s12: |
  line1
  line2
s13: 'trail '
s14: ' lead'
s15: |+
  x

  Trail

s16: This is a very long plain string that goes on and on and on past the eighty column limit of libyaml emitter ok
s17: "tab\there"
s18: ünïcödé ✓
s19: "\x01ctrl"
s20: it's
s21: '@at'
s22: '`bt'
s23: '%pct'
s24: '*star'
s25: '&amp'
s26: '!bang'
s27: '|pipe'
s28: '>gt'
s29: '''q'
s30: '"dq'
s31: '{b'
s32: '[b'
s33: a,b
s34: a:b
s35: ?q
s36: "~"
s37: "0x1F"
s38: "1e3"
s39: ".inf"
s40: "1_000"
s41: "0755"
s42: "2001-12-14"
s43: "y"
s44: "Off"
s45: "12:30"
s46: "190:20:30"
s47: '-'
s48: |-
  a	b
  c
s49: "line1 \nline2"
s50: |-
  a long string with
  newline that is quite long and exceeds the width of eighty columns for sure yes
s51: very-long-single-token-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
s52: 'x: This is a very long string with colon space that goes on and on past the eighty column limit ok'
s53: "\ttab lead"
s54: '   ls'
s55: "\uFEFF\x62\x6F\x6D"
s56: "a\r\nb"
s57: é long string with unicode characters that goes on and on past the eighty column limit ok"#,
    ),
    (
        r#"a: yes
b: No
c: ON
d: off
e: y
f: N
g: True
h: FALSE
i: oN
j: YeS
"#,
        r#"{"a":true,"b":false,"c":true,"d":false,"e":true,"f":false,"g":true,"h":false,"i":"oN","j":"YeS"}"#,
        r#"["error unmarshaling JSON: while decoding JSON: json: cannot unmarshal object into Go value of type []interface {}"]"#,
        r#"a: true
b: false
c: true
d: false
e: true
f: false
g: true
h: false
i: oN
j: YeS"#,
        r#"a: true
b: false
c: true
d: false
e: true
f: false
g: true
h: false
i: oN
j: YeS"#,
    ),
    (
        r#"a: 0x1F
b: 0o17
c: 0755
d: 1_000
e: +12
f: -0
g: 08
h: 0b101
i: -0x10
j: 0x
"#,
        r#"{"a":31,"b":15,"c":493,"d":1000,"e":12,"f":0,"g":8,"h":5,"i":-16,"j":"0x"}"#,
        r#"["error unmarshaling JSON: while decoding JSON: json: cannot unmarshal object into Go value of type []interface {}"]"#,
        r#"a: 31
b: 15
c: 493
d: 1000
e: 12
f: 0
g: 8
h: 5
i: -16
j: 0x"#,
        r#"a: 31
b: 15
c: 493
d: 1000
e: 12
f: 0
g: 8
h: 5
i: -16
j: 0x"#,
    ),
    (
        r#"a: .inf_no
b: 1e3
c: 1.5e-7
d: .5
e: 1.
f: -1.25
g: 6.02e+23
h: 1e400
i: 123456789012345678901234567890
j: 9007199254740993
"#,
        r#"{"a":".inf_no","b":1000,"c":1.5e-7,"d":0.5,"e":1,"f":-1.25,"g":6.02e+23,"h":"1e400","i":1.2345678901234568e+29,"j":9007199254740992}"#,
        r#"["error unmarshaling JSON: while decoding JSON: json: cannot unmarshal object into Go value of type []interface {}"]"#,
        r#"a: .inf_no
b: 1000
c: 1.5e-07
d: 0.5
e: 1
f: -1.25
g: 6.02e+23
h: 1e400
i: 1.2345678901234568e+29
j: 9007199254740992"#,
        r#"a: .inf_no
b: 1000
c: 1.5e-07
d: 0.5
e: 1
f: -1.25
g: 6.02e+23
h: 1e400
i: 1.2345678901234568e+29
j: 9.007199254740992e+15"#,
    ),
    (
        r#"a: ~
b: null
c: Null
d:
e: NULL
f: nUll
"#,
        r#"{"a":null,"b":null,"c":null,"d":null,"e":null,"f":"nUll"}"#,
        r#"["error unmarshaling JSON: while decoding JSON: json: cannot unmarshal object into Go value of type []interface {}"]"#,
        r#"a: null
b: null
c: null
d: null
e: null
f: nUll"#,
        r#"a: null
b: null
c: null
d: null
e: null
f: nUll"#,
    ),
    (
        r#"a: 2001-12-14
b: 2001-12-14t21:59:43.10-05:00
c: 2001-12-14 21:59:43.10
d: 2002-02-30
e: 12:30:45
"#,
        r#"{"a":"2001-12-14","b":"2001-12-14t21:59:43.10-05:00","c":"2001-12-14 21:59:43.10","d":"2002-02-30","e":"12:30:45"}"#,
        r#"["error unmarshaling JSON: while decoding JSON: json: cannot unmarshal object into Go value of type []interface {}"]"#,
        r#"a: "2001-12-14"
b: "2001-12-14t21:59:43.10-05:00"
c: "2001-12-14 21:59:43.10"
d: 2002-02-30
e: "12:30:45""#,
        r#"a: "2001-12-14"
b: "2001-12-14t21:59:43.10-05:00"
c: "2001-12-14 21:59:43.10"
d: 2002-02-30
e: "12:30:45""#,
    ),
    (
        r#"a: !!str 123
b: !!int "42"
c: !!float 1
d: !!bool yes
e: !foo bar
f: ! 12
g: !!binary aGVsbG8=
h: !!null ~
i: !!timestamp 2001-12-14
"#,
        r#"{"a":"123","b":42,"c":1,"d":true,"e":"bar","f":"12","g":"hello","h":null,"i":"2001-12-14"}"#,
        r#"["error unmarshaling JSON: while decoding JSON: json: cannot unmarshal object into Go value of type []interface {}"]"#,
        r#"a: "123"
b: 42
c: 1
d: true
e: bar
f: "12"
g: hello
h: null
i: "2001-12-14""#,
        r#"a: "123"
b: 42
c: 1
d: true
e: bar
f: "12"
g: hello
h: null
i: "2001-12-14""#,
    ),
    (
        r#"a: 'single ''q'''
b: "dq \t \u00e9 \x41 \n end"
c: "\""
d: 'it''s'
e: "line1\
  line2"
"#,
        r#"{"a":"single 'q'","b":"dq \t é A \n end","c":"\"","d":"it's","e":"line1line2"}"#,
        r#"["error unmarshaling JSON: while decoding JSON: json: cannot unmarshal object into Go value of type []interface {}"]"#,
        r#"a: single 'q'
b: "dq \t é A \n end"
c: '"'
d: it's
e: line1line2"#,
        r#"a: single 'q'
b: "dq \t é A \n end"
c: '"'
d: it's
e: line1line2"#,
    ),
    (
        r#"yes: 1
no: 2
1: a
1.5: b
~x: c
3.14159265358979: d
0x10: e
-1: f
1e3: g
"#,
        r#"{"-1":"f","1":"a","1.5":"b","1000":"g","16":"e","3.1415927":"d","false":2,"true":1,"~x":"c"}"#,
        r#"["error unmarshaling JSON: while decoding JSON: json: cannot unmarshal object into Go value of type []interface {}"]"#,
        r#""-1": f
~x: c
"1": a
"1.5": b
"3.1415927": d
"16": e
"1000": g
"false": 2
"true": 1"#,
        r#""-1": f
~x: c
"1": a
"1.5": b
"3.1415927": d
"16": e
"1000": g
"false": 2
"true": 1"#,
    ),
    (
        r#"? complex key
: v
"quoted: key": 1
'single': 2
"#,
        r#"{"complex key":"v","quoted: key":1,"single":2}"#,
        r#"["error unmarshaling JSON: while decoding JSON: json: cannot unmarshal object into Go value of type []interface {}"]"#,
        r#"complex key: v
'quoted: key': 1
single: 2"#,
        r#"complex key: v
'quoted: key': 1
single: 2"#,
    ),
    (
        r#"a: 1
a: 2
"#,
        r#"{"a":2}"#,
        r#"["error unmarshaling JSON: while decoding JSON: json: cannot unmarshal object into Go value of type []interface {}"]"#,
        r#"a: 2"#,
        r#"a: 2"#,
    ),
    (
        r#"lit: |
  line1
  line2
fold: >
  folded
  text

  para
keep: |+
  k

strip: |-
  s

ind: |2
    indented
  x
"#,
        r#"{"fold":"folded text\npara\n","ind":"  indented\nx\n","keep":"k\n\n","lit":"line1\nline2\n","strip":"s"}"#,
        r#"["error unmarshaling JSON: while decoding JSON: json: cannot unmarshal object into Go value of type []interface {}"]"#,
        r#"fold: |
  folded text
  para
ind: |2
    indented
  x
keep: |+
  k

lit: |
  line1
  line2
strip: s"#,
        r#"fold: |
  folded text
  para
ind: |2
    indented
  x
keep: |+
  k

lit: |
  line1
  line2
strip: s"#,
    ),
    (
        r#"a: >-
  one
   more indented
  two
b: |

  leading blank
"#,
        r#"{"a":"one\n more indented\ntwo","b":"\nleading blank\n"}"#,
        r#"["error unmarshaling JSON: while decoding JSON: json: cannot unmarshal object into Go value of type []interface {}"]"#,
        r#"a: |-
  one
   more indented
  two
b: |2

  leading blank"#,
        r#"a: |-
  one
   more indented
  two
b: |2

  leading blank"#,
    ),
    (
        r#"a: this is
  a multi line

  plain scalar
b: [1, two, {c: 3}]
c: {x: 1, y: [a, b]}
"#,
        r#"{"a":"this is a multi line\nplain scalar","b":[1,"two",{"c":3}],"c":{"true":["a","b"],"x":1}}"#,
        r#"["error unmarshaling JSON: while decoding JSON: json: cannot unmarshal object into Go value of type []interface {}"]"#,
        r#"a: |-
  this is a multi line
  plain scalar
b:
- 1
- two
- c: 3
c:
  "true":
  - a
  - b
  x: 1"#,
        r#"a: |-
  this is a multi line
  plain scalar
b:
  - 1
  - two
  - c: 3
c:
  "true":
    - a
    - b
  x: 1"#,
    ),
    (
        r#"list:
- a
- b:
    c: 1
- - nested
  - list
- 
- {}
- []
"#,
        r#"{"list":["a",{"b":{"c":1}},["nested","list"],null,{},[]]}"#,
        r#"["error unmarshaling JSON: while decoding JSON: json: cannot unmarshal object into Go value of type []interface {}"]"#,
        r#"list:
- a
- b:
    c: 1
- - nested
  - list
- null
- {}
- []"#,
        r#"list:
  - a
  - b:
      c: 1
  - - nested
    - list
  - null
  - {}
  - []"#,
    ),
    (
        r#"base: &b
  x: 1
  y: 2
derived:
  <<: *b
  y: 3
list: &l [1, 2]
ref: *l
"#,
        r#"{"base":{"true":2,"x":1},"derived":{"true":3,"x":1},"list":[1,2],"ref":[1,2]}"#,
        r#"["error unmarshaling JSON: while decoding JSON: json: cannot unmarshal object into Go value of type []interface {}"]"#,
        r#"base:
  "true": 2
  x: 1
derived:
  "true": 3
  x: 1
list:
- 1
- 2
ref:
- 1
- 2"#,
        r#"base:
  "true": 2
  x: 1
derived:
  "true": 3
  x: 1
list:
  - 1
  - 2
ref:
  - 1
  - 2"#,
    ),
    (
        r#"a: &a {x: 1}
b: &b {x: 2, z: 2}
c:
  <<: [*a, *b]
  w: 0
d:
  x: 9
  <<: *a
"#,
        r#"{"a":{"x":1},"b":{"x":2,"z":2},"c":{"w":0,"x":1,"z":2},"d":{"x":1}}"#,
        r#"["error unmarshaling JSON: while decoding JSON: json: cannot unmarshal object into Go value of type []interface {}"]"#,
        r#"a:
  x: 1
b:
  x: 2
  z: 2
c:
  w: 0
  x: 1
  z: 2
d:
  x: 1"#,
        r#"a:
  x: 1
b:
  x: 2
  z: 2
c:
  w: 0
  x: 1
  z: 2
d:
  x: 1"#,
    ),
    (
        r#"e: &e 5
f:
  <<: *e
"#,
        r#"{"Error":"error converting YAML to JSON: yaml: map merge requires map or sequence of maps as the value"}"#,
        r#"["error converting YAML to JSON: yaml: map merge requires map or sequence of maps as the value"]"#,
        r#"Error: 'error converting YAML to JSON: yaml: map merge requires map or sequence of
  maps as the value'"#,
        r#"Error: 'error converting YAML to JSON: yaml: map merge requires map or sequence of maps as the value'"#,
    ),
    (
        r#"a: *missing
"#,
        r#"{"Error":"error converting YAML to JSON: yaml: unknown anchor 'missing' referenced"}"#,
        r#"["error converting YAML to JSON: yaml: unknown anchor 'missing' referenced"]"#,
        r#"Error: 'error converting YAML to JSON: yaml: unknown anchor ''missing'' referenced'"#,
        r#"Error: 'error converting YAML to JSON: yaml: unknown anchor ''missing'' referenced'"#,
    ),
    (
        r#"a: &x [*x]
"#,
        r#"{"Error":"error converting YAML to JSON: yaml: anchor 'x' value contains itself"}"#,
        r#"["error converting YAML to JSON: yaml: anchor 'x' value contains itself"]"#,
        r#"Error: 'error converting YAML to JSON: yaml: anchor ''x'' value contains itself'"#,
        r#"Error: 'error converting YAML to JSON: yaml: anchor ''x'' value contains itself'"#,
    ),
    (
        r#"<<: {a: 1}
b: 2
"#,
        r#"{"a":1,"b":2}"#,
        r#"["error unmarshaling JSON: while decoding JSON: json: cannot unmarshal object into Go value of type []interface {}"]"#,
        r#"a: 1
b: 2"#,
        r#"a: 1
b: 2"#,
    ),
    (
        r#""<<": 1
"#,
        r#"{"\u003c\u003c":1}"#,
        r#"["error unmarshaling JSON: while decoding JSON: json: cannot unmarshal object into Go value of type []interface {}"]"#,
        r#"<<: 1"#,
        r#"<<: 1"#,
    ),
    (
        r#"# comment
a: 1 # trailing
# another
b: 'x # not comment'
c: x#y
"#,
        r#"{"a":1,"b":"x # not comment","c":"x#y"}"#,
        r#"["error unmarshaling JSON: while decoding JSON: json: cannot unmarshal object into Go value of type []interface {}"]"#,
        r#"a: 1
b: 'x # not comment'
c: x#y"#,
        r#"a: 1
b: 'x # not comment'
c: x#y"#,
    ),
    (
        r#"a: 1
---
b: 2
"#,
        r#"{"a":1}"#,
        r#"["error unmarshaling JSON: while decoding JSON: json: cannot unmarshal object into Go value of type []interface {}"]"#,
        r#"a: 1"#,
        r#"a: 1"#,
    ),
    (
        r#"---
a: 1
...
"#,
        r#"{"a":1}"#,
        r#"["error unmarshaling JSON: while decoding JSON: json: cannot unmarshal object into Go value of type []interface {}"]"#,
        r#"a: 1"#,
        r#"a: 1"#,
    ),
    (r#""#, r#"{}"#, r#"[]"#, r#"{}"#, r#"{}"#),
    (
        r#"# only a comment
"#,
        r#"{}"#,
        r#"[]"#,
        r#"{}"#,
        r#"{}"#,
    ),
    (
        r#"---
"#, r#"{}"#, r#"[]"#, r#"{}"#, r#"{}"#,
    ),
    (
        r#"a: b: c
"#,
        r#"{"Error":"error converting YAML to JSON: yaml: mapping values are not allowed in this context"}"#,
        r#"["error converting YAML to JSON: yaml: mapping values are not allowed in this context"]"#,
        r#"Error: 'error converting YAML to JSON: yaml: mapping values are not allowed in this
  context'"#,
        r#"Error: 'error converting YAML to JSON: yaml: mapping values are not allowed in this context'"#,
    ),
    (
        r#"a: 1
b: 2
 c: 3
"#,
        r#"{"Error":"error converting YAML to JSON: yaml: line 3: mapping values are not allowed in this context"}"#,
        r#"["error converting YAML to JSON: yaml: line 3: mapping values are not allowed in this context"]"#,
        r#"Error: 'error converting YAML to JSON: yaml: line 3: mapping values are not allowed
  in this context'"#,
        r#"Error: 'error converting YAML to JSON: yaml: line 3: mapping values are not allowed in this context'"#,
    ),
    (
        r#"a: [1, 2
b: 1
"#,
        r#"{"Error":"error converting YAML to JSON: yaml: line 1: did not find expected ',' or ']'"}"#,
        r#"["error converting YAML to JSON: yaml: line 1: did not find expected ',' or ']'"]"#,
        r#"Error: 'error converting YAML to JSON: yaml: line 1: did not find expected '','' or
  '']'''"#,
        r#"Error: 'error converting YAML to JSON: yaml: line 1: did not find expected '','' or '']'''"#,
    ),
    (
        r#"a:
  - 1
  b: 2
"#,
        r#"{"Error":"error converting YAML to JSON: yaml: line 2: did not find expected '-' indicator"}"#,
        r#"["error converting YAML to JSON: yaml: line 2: did not find expected '-' indicator"]"#,
        r#"Error: 'error converting YAML to JSON: yaml: line 2: did not find expected ''-'' indicator'"#,
        r#"Error: 'error converting YAML to JSON: yaml: line 2: did not find expected ''-'' indicator'"#,
    ),
    (
        r#"a: "unterminated
"#,
        r#"{"Error":"error converting YAML to JSON: yaml: line 2: found unexpected end of stream"}"#,
        r#"["error converting YAML to JSON: yaml: line 2: found unexpected end of stream"]"#,
        r#"Error: 'error converting YAML to JSON: yaml: line 2: found unexpected end of stream'"#,
        r#"Error: 'error converting YAML to JSON: yaml: line 2: found unexpected end of stream'"#,
    ),
    (
        r#"a: 'x
	b: 1"#,
        r#"{"Error":"error converting YAML to JSON: yaml: line 2: found unexpected end of stream"}"#,
        r#"["error converting YAML to JSON: yaml: line 2: found unexpected end of stream"]"#,
        r#"Error: 'error converting YAML to JSON: yaml: line 2: found unexpected end of stream'"#,
        r#"Error: 'error converting YAML to JSON: yaml: line 2: found unexpected end of stream'"#,
    ),
    (
        r#"key: value
	bad: tab
"#,
        r#"{"Error":"error converting YAML to JSON: yaml: line 2: found a tab character that violates indentation"}"#,
        r#"["error converting YAML to JSON: yaml: line 2: found a tab character that violates indentation"]"#,
        r#"Error: 'error converting YAML to JSON: yaml: line 2: found a tab character that violates
  indentation'"#,
        r#"Error: 'error converting YAML to JSON: yaml: line 2: found a tab character that violates indentation'"#,
    ),
    (
        r#"{a: 1, [1]: 2}
"#,
        r#"{"Error":"error converting YAML to JSON: yaml: invalid map key: []interface {}{1}"}"#,
        r#"["error converting YAML to JSON: yaml: invalid map key: []interface {}{1}"]"#,
        r#"Error: 'error converting YAML to JSON: yaml: invalid map key: []interface {}{1}'"#,
        r#"Error: 'error converting YAML to JSON: yaml: invalid map key: []interface {}{1}'"#,
    ),
    (
        r#"a: !!int x
"#,
        r#"{"Error":"error converting YAML to JSON: yaml: cannot decode !!str `x` as a !!int"}"#,
        r#"["error converting YAML to JSON: yaml: cannot decode !!str `x` as a !!int"]"#,
        r#"Error: 'error converting YAML to JSON: yaml: cannot decode !!str `x` as a !!int'"#,
        r#"Error: 'error converting YAML to JSON: yaml: cannot decode !!str `x` as a !!int'"#,
    ),
    (
        r#"a: .nan
"#,
        r#"{"Error":"error converting YAML to JSON: json: unsupported value: NaN"}"#,
        r#"["error converting YAML to JSON: json: unsupported value: NaN"]"#,
        r#"Error: 'error converting YAML to JSON: json: unsupported value: NaN'"#,
        r#"Error: 'error converting YAML to JSON: json: unsupported value: NaN'"#,
    ),
    (
        r#"a: -.inf
"#,
        r#"{"Error":"error converting YAML to JSON: json: unsupported value: -Inf"}"#,
        r#"["error converting YAML to JSON: json: unsupported value: -Inf"]"#,
        r#"Error: 'error converting YAML to JSON: json: unsupported value: -Inf'"#,
        r#"Error: 'error converting YAML to JSON: json: unsupported value: -Inf'"#,
    ),
    (
        r#"a: !!binary '!!!'
"#,
        r#"{"Error":"error converting YAML to JSON: yaml: !!binary value contains invalid base64 data"}"#,
        r#"["error converting YAML to JSON: yaml: !!binary value contains invalid base64 data"]"#,
        r#"Error: 'error converting YAML to JSON: yaml: !!binary value contains invalid base64
  data'"#,
        r#"Error: 'error converting YAML to JSON: yaml: !!binary value contains invalid base64 data'"#,
    ),
    (
        r#"- a
- b
"#,
        r#"{"Error":"error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go value of type map[string]interface {}"}"#,
        r#"["a","b"]"#,
        r#"Error: 'error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array
  into Go value of type map[string]interface {}'"#,
        r#"Error: 'error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go value of type map[string]interface {}'"#,
    ),
    (
        r#"just a string
"#,
        r#"{"Error":"error unmarshaling JSON: while decoding JSON: json: cannot unmarshal string into Go value of type map[string]interface {}"}"#,
        r#"["error unmarshaling JSON: while decoding JSON: json: cannot unmarshal string into Go value of type []interface {}"]"#,
        r#"Error: 'error unmarshaling JSON: while decoding JSON: json: cannot unmarshal string
  into Go value of type map[string]interface {}'"#,
        r#"Error: 'error unmarshaling JSON: while decoding JSON: json: cannot unmarshal string into Go value of type map[string]interface {}'"#,
    ),
    (
        r#"42
"#,
        r#"{"Error":"error unmarshaling JSON: while decoding JSON: json: cannot unmarshal number into Go value of type map[string]interface {}"}"#,
        r#"["error unmarshaling JSON: while decoding JSON: json: cannot unmarshal number into Go value of type []interface {}"]"#,
        r#"Error: 'error unmarshaling JSON: while decoding JSON: json: cannot unmarshal number
  into Go value of type map[string]interface {}'"#,
        r#"Error: 'error unmarshaling JSON: while decoding JSON: json: cannot unmarshal number into Go value of type map[string]interface {}'"#,
    ),
    (
        r#"a: @foo
"#,
        r#"{"Error":"error converting YAML to JSON: yaml: found character that cannot start any token"}"#,
        r#"["error converting YAML to JSON: yaml: found character that cannot start any token"]"#,
        r#"Error: 'error converting YAML to JSON: yaml: found character that cannot start any
  token'"#,
        r#"Error: 'error converting YAML to JSON: yaml: found character that cannot start any token'"#,
    ),
    (
        r#"a: `foo
"#,
        r#"{"Error":"error converting YAML to JSON: yaml: found character that cannot start any token"}"#,
        r#"["error converting YAML to JSON: yaml: found character that cannot start any token"]"#,
        r#"Error: 'error converting YAML to JSON: yaml: found character that cannot start any
  token'"#,
        r#"Error: 'error converting YAML to JSON: yaml: found character that cannot start any token'"#,
    ),
    (
        r#"a: %x
"#,
        r#"{"Error":"error converting YAML to JSON: yaml: found character that cannot start any token"}"#,
        r#"["error converting YAML to JSON: yaml: found character that cannot start any token"]"#,
        r#"Error: 'error converting YAML to JSON: yaml: found character that cannot start any
  token'"#,
        r#"Error: 'error converting YAML to JSON: yaml: found character that cannot start any token'"#,
    ),
    (
        r#"? [1]
: 2
"#,
        r#"{"Error":"error converting YAML to JSON: yaml: invalid map key: []interface {}{1}"}"#,
        r#"["error converting YAML to JSON: yaml: invalid map key: []interface {}{1}"]"#,
        r#"Error: 'error converting YAML to JSON: yaml: invalid map key: []interface {}{1}'"#,
        r#"Error: 'error converting YAML to JSON: yaml: invalid map key: []interface {}{1}'"#,
    ),
    (
        r#"~: 1
"#,
        r#"{"Error":"error converting YAML to JSON: unsupported map key of type: %!s(\u003cnil\u003e), key: \u003cnil\u003e, value: 1"}"#,
        r#"["error converting YAML to JSON: unsupported map key of type: %!s(\u003cnil\u003e), key: \u003cnil\u003e, value: 1"]"#,
        r#"Error: 'error converting YAML to JSON: unsupported map key of type: %!s(<nil>), key:
  <nil>, value: 1'"#,
        r#"Error: 'error converting YAML to JSON: unsupported map key of type: %!s(<nil>), key: <nil>, value: 1'"#,
    ),
    (
        r#"a:
  b:
    c:
  d: 1
"#,
        r#"{"a":{"b":{"c":null},"d":1}}"#,
        r#"["error unmarshaling JSON: while decoding JSON: json: cannot unmarshal object into Go value of type []interface {}"]"#,
        r#"a:
  b:
    c: null
  d: 1"#,
        r#"a:
  b:
    c: null
  d: 1"#,
    ),
    (
        r#"a: {b: }
"#,
        r#"{"a":{"b":null}}"#,
        r#"["error unmarshaling JSON: while decoding JSON: json: cannot unmarshal object into Go value of type []interface {}"]"#,
        r#"a:
  b: null"#,
        r#"a:
  b: null"#,
    ),
    (
        r#"a: [a, b, ]
"#,
        r#"{"a":["a","b"]}"#,
        r#"["error unmarshaling JSON: while decoding JSON: json: cannot unmarshal object into Go value of type []interface {}"]"#,
        r#"a:
- a
- b"#,
        r#"a:
  - a
  - b"#,
    ),
    (
        r#"- [1]
- 2
"#,
        r#"{"Error":"error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go value of type map[string]interface {}"}"#,
        r#"[[1],2]"#,
        r#"Error: 'error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array
  into Go value of type map[string]interface {}'"#,
        r#"Error: 'error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go value of type map[string]interface {}'"#,
    ),
    (
        r#"a: 'x'y
"#,
        r#"{"Error":"error converting YAML to JSON: yaml: did not find expected key"}"#,
        r#"["error converting YAML to JSON: yaml: did not find expected key"]"#,
        r#"Error: 'error converting YAML to JSON: yaml: did not find expected key'"#,
        r#"Error: 'error converting YAML to JSON: yaml: did not find expected key'"#,
    ),
    (
        r#"a: "x" y
"#,
        r#"{"Error":"error converting YAML to JSON: yaml: did not find expected key"}"#,
        r#"["error converting YAML to JSON: yaml: did not find expected key"]"#,
        r#"Error: 'error converting YAML to JSON: yaml: did not find expected key'"#,
        r#"Error: 'error converting YAML to JSON: yaml: did not find expected key'"#,
    ),
    (
        r#"a: |
  x
 b
"#,
        r#"{"Error":"error converting YAML to JSON: yaml: line 2: did not find expected key"}"#,
        r#"["error converting YAML to JSON: yaml: line 2: did not find expected key"]"#,
        r#"Error: 'error converting YAML to JSON: yaml: line 2: did not find expected key'"#,
        r#"Error: 'error converting YAML to JSON: yaml: line 2: did not find expected key'"#,
    ),
    (
        r#"	a: 1
"#,
        r#"{"Error":"error converting YAML to JSON: yaml: found character that cannot start any token"}"#,
        r#"["error converting YAML to JSON: yaml: found character that cannot start any token"]"#,
        r#"Error: 'error converting YAML to JSON: yaml: found character that cannot start any
  token'"#,
        r#"Error: 'error converting YAML to JSON: yaml: found character that cannot start any token'"#,
    ),
    (
        r#"a:
- 1
-2
"#,
        r#"{"Error":"error converting YAML to JSON: yaml: line 4: could not find expected ':'"}"#,
        r#"["error converting YAML to JSON: yaml: line 4: could not find expected ':'"]"#,
        r#"Error: 'error converting YAML to JSON: yaml: line 4: could not find expected '':'''"#,
        r#"Error: 'error converting YAML to JSON: yaml: line 4: could not find expected '':'''"#,
    ),
    (
        r#"a: b
- c
"#,
        r#"{"Error":"error converting YAML to JSON: yaml: line 1: did not find expected key"}"#,
        r#"["error converting YAML to JSON: yaml: line 1: did not find expected key"]"#,
        r#"Error: 'error converting YAML to JSON: yaml: line 1: did not find expected key'"#,
        r#"Error: 'error converting YAML to JSON: yaml: line 1: did not find expected key'"#,
    ),
    (
        r#"a: 1
  b: 2
"#,
        r#"{"Error":"error converting YAML to JSON: yaml: line 2: mapping values are not allowed in this context"}"#,
        r#"["error converting YAML to JSON: yaml: line 2: mapping values are not allowed in this context"]"#,
        r#"Error: 'error converting YAML to JSON: yaml: line 2: mapping values are not allowed
  in this context'"#,
        r#"Error: 'error converting YAML to JSON: yaml: line 2: mapping values are not allowed in this context'"#,
    ),
    (
        r#"[1, 2]: x
"#,
        r#"{"Error":"error converting YAML to JSON: yaml: invalid map key: []interface {}{1, 2}"}"#,
        r#"["error converting YAML to JSON: yaml: invalid map key: []interface {}{1, 2}"]"#,
        r#"Error: 'error converting YAML to JSON: yaml: invalid map key: []interface {}{1, 2}'"#,
        r#"Error: 'error converting YAML to JSON: yaml: invalid map key: []interface {}{1, 2}'"#,
    ),
    (
        r#"a: {b: 1, b: 2}
"#,
        r#"{"a":{"b":2}}"#,
        r#"["error unmarshaling JSON: while decoding JSON: json: cannot unmarshal object into Go value of type []interface {}"]"#,
        r#"a:
  b: 2"#,
        r#"a:
  b: 2"#,
    ),
    (
        r#"x: &a 1
y: &a 2
z: *a
"#,
        r#"{"true":2,"x":1,"z":2}"#,
        r#"["error unmarshaling JSON: while decoding JSON: json: cannot unmarshal object into Go value of type []interface {}"]"#,
        r#""true": 2
x: 1
z: 2"#,
        r#""true": 2
x: 1
z: 2"#,
    ),
    (
        r#"a: 1
...
b: 2
"#,
        r#"{"a":1}"#,
        r#"["error unmarshaling JSON: while decoding JSON: json: cannot unmarshal object into Go value of type []interface {}"]"#,
        r#"a: 1"#,
        r#"a: 1"#,
    ),
    (
        r#"a: é中😀
"#,
        r#"{"a":"é中😀"}"#,
        r#"["error unmarshaling JSON: while decoding JSON: json: cannot unmarshal object into Go value of type []interface {}"]"#,
        r#"a: "é中\U0001F600""#,
        r#"a: "é中\U0001F600""#,
    ),
    (
        r#"a: "\U0001F600 \u2028 \x00"
"#,
        r#"{"a":"😀 \u2028 \u0000"}"#,
        r#"["error unmarshaling JSON: while decoding JSON: json: cannot unmarshal object into Go value of type []interface {}"]"#,
        r#"a: "\U0001F600 \L \0""#,
        r#"a: "\U0001F600 \L \0""#,
    ),
    (
        r#"{{ .Values | toYaml }}
"#,
        r#"{"Error":"error converting YAML to JSON: yaml: invalid map key: map[interface {}]interface {}{\".Values | toYaml\":interface {}(nil)}"}"#,
        r#"["error converting YAML to JSON: yaml: invalid map key: map[interface {}]interface {}{\".Values | toYaml\":interface {}(nil)}"]"#,
        r#"Error: 'error converting YAML to JSON: yaml: invalid map key: map[interface {}]interface
  {}{".Values | toYaml":interface {}(nil)}'"#,
        r#"Error: 'error converting YAML to JSON: yaml: invalid map key: map[interface {}]interface {}{".Values | toYaml":interface {}(nil)}'"#,
    ),
    (
        r#"a: [1, {b: [x]}]
? {c: 1}
: 2
"#,
        r#"{"Error":"error converting YAML to JSON: yaml: invalid map key: map[interface {}]interface {}{\"c\":1}"}"#,
        r#"["error converting YAML to JSON: yaml: invalid map key: map[interface {}]interface {}{\"c\":1}"]"#,
        r#"Error: 'error converting YAML to JSON: yaml: invalid map key: map[interface {}]interface
  {}{"c":1}'"#,
        r#"Error: 'error converting YAML to JSON: yaml: invalid map key: map[interface {}]interface {}{"c":1}'"#,
    ),
    (
        r#"a: 1
<<: {a: 2}
"#,
        r#"{"a":2}"#,
        r#"["error unmarshaling JSON: while decoding JSON: json: cannot unmarshal object into Go value of type []interface {}"]"#,
        r#"a: 2"#,
        r#"a: 2"#,
    ),
    (
        r#"k: "a\u0085b\u0085\u0085c \u0085 d"
"#,
        r#"{"k":"abc  d"}"#,
        r#"["error unmarshaling JSON: while decoding JSON: json: cannot unmarshal object into Go value of type []interface {}"]"#,
        r#"k: |-
  a b
  c d"#,
        r#"k: "a\Nb\N\Nc \N d""#,
    ),
];
