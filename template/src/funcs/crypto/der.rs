//! The little DER (ASN.1 distinguished encoding) that certificates need:
//! a writer for the structures we build and a bounds-checked reader for the
//! ones templates hand us.

pub const BOOLEAN: u8 = 0x01;
pub const INTEGER: u8 = 0x02;
pub const BIT_STRING: u8 = 0x03;
pub const OCTET_STRING: u8 = 0x04;
pub const NULL: u8 = 0x05;
pub const OID: u8 = 0x06;
pub const UTF8_STRING: u8 = 0x0c;
pub const PRINTABLE_STRING: u8 = 0x13;
pub const UTC_TIME: u8 = 0x17;
pub const GENERALIZED_TIME: u8 = 0x18;
pub const SEQUENCE: u8 = 0x30;
pub const SET: u8 = 0x31;

pub const fn context_constructed(n: u8) -> u8 {
    0xa0 | n
}

/// One tag-length-value with a definite, minimal length.
pub fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(content.len() + 6);
    out.push(tag);
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|&&b| b == 0).count();
        out.push(0x80 | (bytes.len() - skip) as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
    out.extend_from_slice(content);
    out
}

pub fn seq(parts: &[Vec<u8>]) -> Vec<u8> {
    tlv(SEQUENCE, &parts.concat())
}

pub fn explicit(n: u8, inner: &[u8]) -> Vec<u8> {
    tlv(context_constructed(n), inner)
}

pub fn oid(encoded: &[u8]) -> Vec<u8> {
    tlv(OID, encoded)
}

pub fn null() -> Vec<u8> {
    tlv(NULL, &[])
}

pub fn bit_string(bytes: &[u8]) -> Vec<u8> {
    let mut c = Vec::with_capacity(bytes.len() + 1);
    c.push(0);
    c.extend_from_slice(bytes);
    tlv(BIT_STRING, &c)
}

pub fn int_small(v: u8) -> Vec<u8> {
    int_unsigned(&[v])
}

/// A non-negative INTEGER from big-endian magnitude bytes.
pub fn int_unsigned(be: &[u8]) -> Vec<u8> {
    let skip = be.iter().take_while(|&&b| b == 0).count();
    let mag = &be[skip..];
    let mut c = Vec::with_capacity(mag.len() + 1);
    if mag.first().is_none_or(|&b| b & 0x80 != 0) {
        c.push(0);
    }
    c.extend_from_slice(mag);
    tlv(INTEGER, &c)
}

/// Dotted form of an encoded OBJECT IDENTIFIER (for error messages).
pub fn oid_string(encoded: &[u8]) -> String {
    let mut arcs: Vec<u64> = Vec::new();
    let mut cur: u64 = 0;
    for &b in encoded {
        cur = (cur << 7) | u64::from(b & 0x7f);
        if b & 0x80 == 0 {
            if arcs.is_empty() {
                let first = (cur / 40).min(2);
                arcs.push(first);
                arcs.push(cur - first * 40);
            } else {
                arcs.push(cur);
            }
            cur = 0;
        }
    }
    arcs.iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(".")
}

/// One element read back: its tag, its content and its full encoding.
#[derive(Clone, Copy, Debug)]
pub struct Tlv<'a> {
    pub tag: u8,
    pub content: &'a [u8],
    pub whole: &'a [u8],
}

/// Reads consecutive elements of one level; never panics on bad input.
pub struct Reader<'a> {
    buf: &'a [u8],
}

impl<'a> Reader<'a> {
    pub fn new(buf: &'a [u8]) -> Self {
        Reader { buf }
    }

    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    fn peek(&self) -> Option<(Tlv<'a>, usize)> {
        let b = self.buf;
        let tag = *b.first()?;
        if tag & 0x1f == 0x1f {
            return None; // high tag numbers do not occur in what we read
        }
        let first = *b.get(1)?;
        let (len, header) = if first < 0x80 {
            (usize::from(first), 2)
        } else {
            let n = usize::from(first & 0x7f);
            if n == 0 || n > 4 {
                return None; // indefinite or absurd lengths
            }
            let mut len = 0usize;
            for i in 0..n {
                len = (len << 8) | usize::from(*b.get(2 + i)?);
            }
            (len, 2 + n)
        };
        let end = header.checked_add(len)?;
        let whole = b.get(..end)?;
        Some((
            Tlv {
                tag,
                content: &whole[header..],
                whole,
            },
            end,
        ))
    }

    /// The next element, which must have `tag`.
    pub fn expect(&mut self, tag: u8) -> Option<Tlv<'a>> {
        let (t, end) = self.peek()?;
        if t.tag != tag {
            return None;
        }
        self.buf = &self.buf[end..];
        Some(t)
    }

    /// The next element if it has `tag`; otherwise nothing is consumed.
    pub fn optional(&mut self, tag: u8) -> Option<Tlv<'a>> {
        self.expect(tag)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_and_integers() {
        assert_eq!(tlv(OCTET_STRING, &[1, 2]), vec![4, 2, 1, 2]);
        let long = tlv(OCTET_STRING, &[0; 200]);
        assert_eq!(&long[..3], &[4, 0x81, 200]);
        let longer = tlv(OCTET_STRING, &[0; 300]);
        assert_eq!(&longer[..4], &[4, 0x82, 1, 44]);
        assert_eq!(int_unsigned(&[0, 0, 5]), vec![2, 1, 5]);
        assert_eq!(int_unsigned(&[0x80]), vec![2, 2, 0, 0x80]);
        assert_eq!(int_unsigned(&[0, 0]), vec![2, 1, 0]);
        assert_eq!(
            oid_string(&[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01]),
            "1.2.840.10045.2.1"
        );
    }

    #[test]
    fn reader_round_trip_and_truncation() {
        let enc = seq(&[int_small(7), tlv(OCTET_STRING, &[0; 300])]);
        let mut r = Reader::new(&enc);
        let s = r.expect(SEQUENCE).expect("sequence");
        assert!(r.is_empty());
        let mut inner = Reader::new(s.content);
        assert_eq!(inner.expect(INTEGER).expect("int").content, &[7]);
        assert!(inner.optional(BOOLEAN).is_none());
        assert_eq!(
            inner.expect(OCTET_STRING).expect("octets").content.len(),
            300
        );
        for cut in 0..enc.len() {
            assert!(Reader::new(&enc[..cut]).expect(SEQUENCE).is_none());
        }
        assert!(Reader::new(&[0x30, 0x80, 0, 0]).expect(SEQUENCE).is_none());
        assert!(
            Reader::new(&[0x30, 0x85, 1, 1, 1, 1, 1])
                .expect(SEQUENCE)
                .is_none()
        );
    }
}
