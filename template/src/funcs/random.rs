//! Template functions: Sprig's random strings, bytes, integers and UUIDs.
//!
//! Every value comes from the operating system's CSPRNG through `getrandom`
//! (WASI's `random` interface inside the component). Sprig uses crypto/rand
//! for strings, bytes and UUIDs and math/rand for `randInt` and `shuffle`; no
//! template can tell the two apart.

use crate::func::{FuncError, FuncSpec, Param};
use crate::value::Value;

pub fn funcs() -> Vec<FuncSpec> {
    use Param::*;
    vec![
        FuncSpec::new("randAlphaNum", &[Int], rand_alpha_num),
        FuncSpec::new("randAlpha", &[Int], rand_alpha),
        FuncSpec::new("randNumeric", &[Int], rand_numeric),
        FuncSpec::new("randAscii", &[Int], rand_ascii),
        FuncSpec::new("randBytes", &[Int], rand_bytes),
        FuncSpec::new("randInt", &[Int, Int], rand_int),
        FuncSpec::new("uuidv4", &[], uuidv4),
        FuncSpec::new("shuffle", &[String], shuffle),
    ]
}

/// Fill `buf` from the system's secure random source.
pub(crate) fn fill(buf: &mut [u8]) -> Result<(), FuncError> {
    getrandom::fill(buf).map_err(|e| FuncError::new(e.to_string()))
}

/// A uniformly random integer in `0..n` (`n > 0`), without modulo bias.
pub(crate) fn below(n: u64) -> Result<u64, FuncError> {
    debug_assert!(n > 0);
    // Reject the top partial bucket of the u64 range.
    let zone = u64::MAX - (u64::MAX % n + 1) % n;
    loop {
        let mut b = [0u8; 8];
        fill(&mut b)?;
        let v = u64::from_le_bytes(b);
        if v <= zone {
            return Ok(v % n);
        }
    }
}

fn int_arg(args: &[Value], i: usize) -> i64 {
    match args.get(i) {
        Some(Value::Int(n) | Value::Int64(n)) => *n,
        _ => 0,
    }
}

fn str_arg(args: &[Value], i: usize) -> &str {
    args.get(i).and_then(Value::as_str).unwrap_or("")
}

/// `count` characters drawn from `alphabet`; a negative count gives "" (Sprig
/// drops goutils' error).
fn random_string(count: i64, alphabet: &[u8]) -> Result<Value, FuncError> {
    let Ok(count) = usize::try_from(count) else {
        return Ok(Value::str(""));
    };
    // One 8-byte draw per character: cap what a template can ask for so a
    // typo cannot exhaust memory before the output limit is reached.
    let mut out = String::with_capacity(count.min(1 << 20));
    for _ in 0..count {
        let i = below(alphabet.len() as u64)? as usize;
        out.push(alphabet[i] as char);
    }
    Ok(Value::from(out))
}

const DIGITS: &[u8] = b"0123456789";
const LETTERS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const ALNUM: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

fn rand_alpha_num(args: &[Value]) -> Result<Value, FuncError> {
    random_string(int_arg(args, 0), ALNUM)
}

fn rand_alpha(args: &[Value]) -> Result<Value, FuncError> {
    random_string(int_arg(args, 0), LETTERS)
}

fn rand_numeric(args: &[Value]) -> Result<Value, FuncError> {
    random_string(int_arg(args, 0), DIGITS)
}

fn rand_ascii(args: &[Value]) -> Result<Value, FuncError> {
    // goutils' CryptoRandomAscii: code points 32 (space) through 126 ('~').
    let printable: Vec<u8> = (32u8..127).collect();
    random_string(int_arg(args, 0), &printable)
}

/// `randBytes n`: base64 (standard, padded) of `n` random bytes.
fn rand_bytes(args: &[Value]) -> Result<Value, FuncError> {
    let n = int_arg(args, 0);
    let Ok(n) = usize::try_from(n) else {
        // Go's make([]byte, n) panics; text/template reports the panic.
        return Err(FuncError::new("runtime error: makeslice: len out of range"));
    };
    let mut buf = vec![0u8; n];
    fill(&mut buf)?;
    Ok(Value::from(crate::funcs::crypto::base64_encode(&buf)))
}

/// `randInt min max`: Go's `rand.Intn(max-min) + min` (int arithmetic wraps).
fn rand_int(args: &[Value]) -> Result<Value, FuncError> {
    let (min, max) = (int_arg(args, 0), int_arg(args, 1));
    let span = max.wrapping_sub(min);
    if span <= 0 {
        return Err(FuncError::new("invalid argument to Intn"));
    }
    let r = below(span as u64)? as i64;
    Ok(Value::Int(r.wrapping_add(min)))
}

/// `uuidv4`: a random (version 4, RFC 4122 variant) UUID in lowercase.
fn uuidv4(_: &[Value]) -> Result<Value, FuncError> {
    let mut b = [0u8; 16];
    fill(&mut b)?;
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let mut s = String::with_capacity(36);
    for (i, byte) in b.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            s.push('-');
        }
        s.push_str(&format!("{byte:02x}"));
    }
    Ok(Value::from(s))
}

/// `shuffle s`: the characters (runes) of `s` in random order.
fn shuffle(args: &[Value]) -> Result<Value, FuncError> {
    let mut chars: Vec<char> = str_arg(args, 0).chars().collect();
    for i in (1..chars.len()).rev() {
        let j = below(i as u64 + 1)? as usize;
        chars.swap(i, j);
    }
    Ok(Value::from(chars.into_iter().collect::<String>()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(name: &str, args: &[Value]) -> Result<Value, FuncError> {
        let spec = funcs()
            .into_iter()
            .find(|f| f.name == name)
            .expect("registered");
        (spec.call)(args)
    }

    fn s(v: Result<Value, FuncError>) -> String {
        v.expect("ok").as_str().expect("string").to_string()
    }

    #[test]
    fn strings_have_length_and_alphabet() {
        for n in [0i64, 1, 7, 100] {
            let v = s(call("randAlphaNum", &[Value::Int(n)]));
            assert_eq!(v.len(), n as usize);
            assert!(v.bytes().all(|b| b.is_ascii_alphanumeric()), "{v}");
            let v = s(call("randAlpha", &[Value::Int(n)]));
            assert_eq!(v.len(), n as usize);
            assert!(v.bytes().all(|b| b.is_ascii_alphabetic()), "{v}");
            let v = s(call("randNumeric", &[Value::Int(n)]));
            assert_eq!(v.len(), n as usize);
            assert!(v.bytes().all(|b| b.is_ascii_digit()), "{v}");
            let v = s(call("randAscii", &[Value::Int(n)]));
            assert_eq!(v.len(), n as usize);
            assert!(v.bytes().all(|b| (32..127).contains(&b)), "{v}");
        }
        // A long draw covers the whole alphabet (probability of a miss ~1e-40).
        let v = s(call("randAlphaNum", &[Value::Int(4000)]));
        assert!(ALNUM.iter().all(|c| v.as_bytes().contains(c)));
        let v = s(call("randAscii", &[Value::Int(4000)]));
        assert!((32u8..127).all(|c| v.as_bytes().contains(&c)));
    }

    #[test]
    fn negative_length_is_empty() {
        // helm: {{ randAlphaNum -3 | quote }} → ""
        for f in ["randAlphaNum", "randAlpha", "randNumeric", "randAscii"] {
            assert_eq!(s(call(f, &[Value::Int(-3)])), "");
        }
    }

    #[test]
    fn rand_bytes_is_base64() {
        let v = s(call("randBytes", &[Value::Int(24)]));
        assert_eq!(v.len(), 32);
        let raw = crate::funcs::crypto::base64_decode(&v).expect("base64");
        assert_eq!(raw.len(), 24);
        assert_eq!(s(call("randBytes", &[Value::Int(0)])), "");
        assert_eq!(s(call("randBytes", &[Value::Int(1)])).len(), 4);
        // helm: randBytes -1 → error calling randBytes: runtime error: makeslice: len out of range
        assert_eq!(
            call("randBytes", &[Value::Int(-1)]).unwrap_err().0,
            "runtime error: makeslice: len out of range"
        );
    }

    #[test]
    fn rand_int_range() {
        for _ in 0..200 {
            let Value::Int(v) = call("randInt", &[Value::Int(-3), Value::Int(4)]).expect("ok")
            else {
                panic!("not an int")
            };
            assert!((-3..4).contains(&v));
        }
        assert_eq!(
            call("randInt", &[Value::Int(5), Value::Int(6)]).expect("ok"),
            Value::Int(5)
        );
        // helm: randInt 5 5 → error calling randInt: invalid argument to Intn
        assert_eq!(
            call("randInt", &[Value::Int(5), Value::Int(5)])
                .unwrap_err()
                .0,
            "invalid argument to Intn"
        );
        assert!(call("randInt", &[Value::Int(i64::MIN), Value::Int(i64::MAX)]).is_err());
    }

    #[test]
    fn uuid_shape() {
        let u = s(call("uuidv4", &[]));
        assert_eq!(u.len(), 36);
        let b = u.as_bytes();
        for (i, c) in b.iter().enumerate() {
            if matches!(i, 8 | 13 | 18 | 23) {
                assert_eq!(*c, b'-');
            } else {
                assert!(c.is_ascii_hexdigit() && !c.is_ascii_uppercase(), "{u}");
            }
        }
        assert_eq!(b[14], b'4');
        assert!(matches!(b[19], b'8' | b'9' | b'a' | b'b'));
        assert_ne!(u, s(call("uuidv4", &[])));
    }

    #[test]
    fn shuffle_permutes_runes() {
        let input = "héllo wörld ✓ 123";
        let out = s(call("shuffle", &[Value::str(input)]));
        let mut a: Vec<char> = input.chars().collect();
        let mut b: Vec<char> = out.chars().collect();
        a.sort_unstable();
        b.sort_unstable();
        assert_eq!(a, b);
        assert_eq!(s(call("shuffle", &[Value::str("")])), "");
    }
}
