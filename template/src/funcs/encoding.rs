//! Template functions: Sprig's base64/base32 encoders (Go's `StdEncoding`s).
//!
//! On malformed input Sprig's decoders return Go's error text *as the
//! result string* (`illegal base64 data at input byte 4`), not an error.
//! Decoded bytes that are not UTF-8 become U+FFFD (Go keeps the raw bytes).

use super::text::{arg_str, lossy};
use crate::func::{FuncSpec, Param};

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const B32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

pub fn funcs() -> Vec<FuncSpec> {
    use Param::String as Str;
    vec![
        FuncSpec::new("b64enc", &[Str], |a| {
            Ok(b64_encode(arg_str(a, 0)?.as_bytes()).into())
        }),
        FuncSpec::new("b64dec", &[Str], |a| {
            Ok(match b64_decode(arg_str(a, 0)?.as_bytes()) {
                Ok(b) => lossy(&b),
                Err(at) => format!("illegal base64 data at input byte {at}"),
            }
            .into())
        }),
        FuncSpec::new("b32enc", &[Str], |a| {
            Ok(b32_encode(arg_str(a, 0)?.as_bytes()).into())
        }),
        FuncSpec::new("b32dec", &[Str], |a| {
            Ok(match b32_decode(arg_str(a, 0)?.as_bytes()) {
                Ok(b) => lossy(&b),
                Err(at) => format!("illegal base32 data at input byte {at}"),
            }
            .into())
        }),
    ]
}

pub(crate) fn b64_encode(src: &[u8]) -> String {
    let mut out = String::with_capacity(src.len().div_ceil(3) * 4);
    for chunk in src.chunks(3) {
        let mut buf = [0u8; 3];
        buf[..chunk.len()].copy_from_slice(chunk);
        let v = (buf[0] as u32) << 16 | (buf[1] as u32) << 8 | buf[2] as u32;
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(B64[(v >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn b64_value(c: u8) -> Option<u8> {
    B64.iter().position(|&x| x == c).map(|p| p as u8)
}

/// Go's `base64.StdEncoding.DecodeString`; `Err(offset)` is Go's
/// `CorruptInputError`. CR and LF are skipped anywhere.
pub(crate) fn b64_decode(src: &[u8]) -> Result<Vec<u8>, usize> {
    let is_nl = |c: u8| c == b'\n' || c == b'\r';
    let mut out = Vec::with_capacity(src.len() / 4 * 3);
    let mut si = 0usize;
    loop {
        let mut quad = [0u8; 4];
        let mut dlen = 4;
        let mut trailing: Option<usize> = None;
        let mut j = 0;
        while j < 4 {
            if si == src.len() {
                if j == 0 {
                    return Ok(out);
                }
                // Unpadded or short final quantum.
                return Err(si - j);
            }
            let c = src[si];
            si += 1;
            if let Some(v) = b64_value(c) {
                quad[j] = v;
                j += 1;
                continue;
            }
            if is_nl(c) {
                continue;
            }
            if c != b'=' {
                return Err(si - 1);
            }
            // Padding: only valid as the 3rd or 4th character of a quantum.
            match j {
                0 | 1 => return Err(si - 1),
                2 => {
                    while si < src.len() && is_nl(src[si]) {
                        si += 1;
                    }
                    if si == src.len() {
                        return Err(src.len());
                    }
                    if src[si] != b'=' {
                        return Err(si - 1);
                    }
                    si += 1;
                }
                _ => {}
            }
            while si < src.len() && is_nl(src[si]) {
                si += 1;
            }
            if si < src.len() {
                trailing = Some(si);
            }
            dlen = j;
            break;
        }
        let v = (quad[0] as u32) << 18
            | (quad[1] as u32) << 12
            | (quad[2] as u32) << 6
            | quad[3] as u32;
        let bytes = [(v >> 16) as u8, (v >> 8) as u8, v as u8];
        out.extend_from_slice(&bytes[..dlen - 1]);
        if let Some(at) = trailing {
            return Err(at);
        }
        if dlen < 4 {
            return Ok(out);
        }
    }
}

pub(crate) fn b32_encode(src: &[u8]) -> String {
    let mut out = String::with_capacity(src.len().div_ceil(5) * 8);
    for chunk in src.chunks(5) {
        let mut buf = [0u8; 5];
        buf[..chunk.len()].copy_from_slice(chunk);
        let v = buf.iter().fold(0u64, |acc, &b| acc << 8 | b as u64);
        // Output characters that carry data for 1..=5 input bytes.
        let n = match chunk.len() {
            1 => 2,
            2 => 4,
            3 => 5,
            4 => 7,
            _ => 8,
        };
        for i in 0..8 {
            if i < n {
                out.push(B32[(v >> (35 - 5 * i) & 31) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Go's `base32.StdEncoding.DecodeString` (CR/LF stripped first, so offsets
/// count the stripped input); `Err(offset)` is Go's `CorruptInputError`.
pub(crate) fn b32_decode(src: &[u8]) -> Result<Vec<u8>, usize> {
    let src: Vec<u8> = src
        .iter()
        .copied()
        .filter(|&c| c != b'\n' && c != b'\r')
        .collect();
    let olen = src.len();
    let mut rest: &[u8] = &src;
    let mut out = Vec::with_capacity(olen / 8 * 5);
    let mut end = false;
    while !rest.is_empty() && !end {
        let mut buf = [0u8; 8];
        let mut dlen = 8;
        let mut j = 0;
        while j < 8 {
            let Some((&c, tail)) = rest.split_first() else {
                return Err(olen - j);
            };
            rest = tail;
            if c == b'=' && j >= 2 && rest.len() < 8 {
                if rest.len() + j < 7 {
                    return Err(olen);
                }
                for k in 0..(7 - j) {
                    if rest.len() > k && rest[k] != b'=' {
                        return Err(olen - rest.len() + k - 1);
                    }
                }
                dlen = j;
                end = true;
                if matches!(dlen, 1 | 3 | 6) {
                    return Err(olen - rest.len() - 1);
                }
                break;
            }
            match B32.iter().position(|&x| x == c) {
                Some(v) => buf[j] = v as u8,
                None => return Err(olen - rest.len() - 1),
            }
            j += 1;
        }
        let v = buf.iter().fold(0u64, |acc, &b| acc << 5 | b as u64);
        let bytes = [
            (v >> 32) as u8,
            (v >> 24) as u8,
            (v >> 16) as u8,
            (v >> 8) as u8,
            v as u8,
        ];
        let n = match dlen {
            8 => 5,
            7 => 4,
            5 => 3,
            4 => 2,
            2 => 1,
            _ => 0,
        };
        out.extend_from_slice(&bytes[..n]);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec64(s: &str) -> String {
        match b64_decode(s.as_bytes()) {
            Ok(b) => lossy(&b),
            Err(at) => format!("illegal base64 data at input byte {at}"),
        }
    }

    fn dec32(s: &str) -> String {
        match b32_decode(s.as_bytes()) {
            Ok(b) => lossy(&b),
            Err(at) => format!("illegal base32 data at input byte {at}"),
        }
    }

    // Expected values from helm 4.3.1 (`b64enc`, `b64dec`, `b32enc`, `b32dec`).
    #[test]
    fn base64_like_helm() {
        assert_eq!(b64_encode(b"hello"), "aGVsbG8=");
        assert_eq!(b64_encode(b""), "");
        assert_eq!(b64_encode("héllo\n".as_bytes()), "aMOpbGxvCg==");
        assert_eq!(dec64("aGVsbG8="), "hello");
        assert_eq!(dec64("aGVsbG8"), "illegal base64 data at input byte 4");
        assert_eq!(dec64("!!"), "illegal base64 data at input byte 0");
        assert_eq!(dec64("aGVsbG8=x"), "illegal base64 data at input byte 8");
        assert_eq!(dec64(""), "");
        assert_eq!(dec64("aGk=\n"), "hi");
        assert_eq!(dec64("aG k="), "illegal base64 data at input byte 2");
        // Go yields the byte 0xff; we can only hold U+FFFD.
        assert_eq!(dec64("/w=="), "\u{fffd}");
    }

    #[test]
    fn base32_like_helm() {
        assert_eq!(b32_encode(b"hello"), "NBSWY3DP");
        assert_eq!(dec32("NBSWY3DP"), "hello");
        assert_eq!(dec32("NBSWY3D"), "illegal base32 data at input byte 0");
        assert_eq!(dec32("nbswy3dp"), "illegal base32 data at input byte 0");
        assert_eq!(dec32("NBSWY3DP\r\n"), "hello");
    }
}
