//! Template functions: Sprig's hashes, password helpers, AES and X.509.
//!
//! Certificates are built the way Sprig's calls into Go's `crypto/x509`
//! build them (helm 4.3.1, Go 1.27): version 3, a random 128-bit serial, the
//! subject holding only the common name, validity `now .. now + days`, key
//! usage (critical), extended key usage server+client auth, basic
//! constraints (critical), a subject key id (truncated SHA-256 of the public
//! key) on CAs, an authority key id from the issuer's subject key id, and the
//! DNS then IP subject alternative names. Keys are RSA-2048 unless a PEM key
//! is given (RSA, P-256 EC or Ed25519, as Go supports for signing).

use std::rc::Rc;

use hmac::{KeyInit, Mac};
use sha2::Digest;

use crate::func::{FuncError, FuncSpec, Param};
use crate::funcs::random;
use crate::value::{Map, Object, Value};

mod der;
use der::Reader;

pub fn funcs() -> Vec<FuncSpec> {
    use Param::*;
    vec![
        FuncSpec::new("sha1sum", &[String], sha1sum),
        FuncSpec::new("sha256sum", &[String], sha256sum),
        FuncSpec::new("sha512sum", &[String], sha512sum),
        FuncSpec::new("adler32sum", &[String], adler32sum),
        FuncSpec::new("bcrypt", &[String], bcrypt_fn),
        FuncSpec::new("htpasswd", &[String, String], htpasswd),
        // Go: derivePassword(counter uint32, passwordType, password, user, site string).
        FuncSpec::new(
            "derivePassword",
            &[Int, String, String, String, String],
            derive_password,
        ),
        FuncSpec::new("genPrivateKey", &[String], gen_private_key),
        FuncSpec::new("buildCustomCert", &[String, String], build_custom_cert),
        FuncSpec::new("genCA", &[String, Int], gen_ca),
        FuncSpec::new("genCAWithKey", &[String, Int, String], gen_ca_with_key),
        FuncSpec::new(
            "genSelfSignedCert",
            &[String, List, List, Int],
            gen_self_signed,
        ),
        FuncSpec::new(
            "genSelfSignedCertWithKey",
            &[String, List, List, Int, String],
            gen_self_signed_with_key,
        ),
        // The CA parameter is Go's `sprig.certificate` struct; see `certificate_arg`.
        FuncSpec::new("genSignedCert", &[String, List, List, Int, Any], gen_signed),
        FuncSpec::new(
            "genSignedCertWithKey",
            &[String, List, List, Int, Any, String],
            gen_signed_with_key,
        ),
        FuncSpec::new("encryptAES", &[String, String], encrypt_aes),
        FuncSpec::new("decryptAES", &[String, String], decrypt_aes),
    ]
}

// ---------------------------------------------------------------------------
// Argument helpers

fn str_arg(args: &[Value], i: usize) -> &str {
    args.get(i).and_then(Value::as_str).unwrap_or("")
}

fn int_arg(args: &[Value], i: usize) -> i64 {
    match args.get(i) {
        Some(Value::Int(n) | Value::Int64(n)) => *n,
        _ => 0,
    }
}

fn ok_str(s: impl Into<std::string::String>) -> Result<Value, FuncError> {
    Ok(Value::from(s.into()))
}

// ---------------------------------------------------------------------------
// Encodings shared with other families

fn hex(bytes: &[u8]) -> std::string::String {
    const H: &[u8; 16] = b"0123456789abcdef";
    let mut s = std::string::String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(H[usize::from(b >> 4)] as char);
        s.push(H[usize::from(b & 15)] as char);
    }
    s
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Go's `base64.StdEncoding.EncodeToString`.
pub(crate) fn base64_encode(data: &[u8]) -> std::string::String {
    let mut out = std::string::String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(B64[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn b64_value(c: u8) -> Option<u32> {
    B64.iter().position(|&x| x == c).map(|p| p as u32)
}

/// Go's `base64.StdEncoding.DecodeString`: padding required, `\r` and `\n`
/// skipped anywhere; the error names the offending byte as Go does.
pub(crate) fn base64_decode(s: &str) -> Result<Vec<u8>, std::string::String> {
    let src = s.as_bytes();
    let corrupt = |at: usize| format!("illegal base64 data at input byte {at}");
    let skip_nl = |mut i: usize| {
        while i < src.len() && matches!(src[i], b'\r' | b'\n') {
            i += 1;
        }
        i
    };
    let mut out = Vec::with_capacity(src.len() / 4 * 3);
    let mut si = 0;
    loop {
        let mut quantum = [0u32; 4];
        let mut j = 0;
        let mut len = 4;
        while j < 4 {
            if si == src.len() {
                if j == 0 {
                    return Ok(out);
                }
                return Err(corrupt(si - j));
            }
            let c = src[si];
            si += 1;
            if let Some(v) = b64_value(c) {
                quantum[j] = v;
                j += 1;
                continue;
            }
            if matches!(c, b'\r' | b'\n') {
                continue;
            }
            if c != b'=' || j < 2 {
                return Err(corrupt(si - 1));
            }
            if j == 2 {
                si = skip_nl(si);
                if si == src.len() {
                    return Err(corrupt(src.len()));
                }
                if src[si] != b'=' {
                    return Err(corrupt(si - 1));
                }
                si += 1;
            }
            si = skip_nl(si);
            if si < src.len() {
                return Err(corrupt(si));
            }
            len = j;
            break;
        }
        let n = (quantum[0] << 18) | (quantum[1] << 12) | (quantum[2] << 6) | quantum[3];
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&bytes[..len - 1]);
        if len < 4 {
            return Ok(out);
        }
    }
}

/// Go's `pem.EncodeToMemory` for a block without headers.
fn pem_encode(kind: &str, der: &[u8]) -> std::string::String {
    let b64 = base64_encode(der);
    let mut out = format!("-----BEGIN {kind}-----\n");
    for line in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(line).unwrap_or_default());
        out.push('\n');
    }
    out.push_str(&format!("-----END {kind}-----\n"));
    out
}

/// The first PEM block in `input` (Go's `pem.Decode`, headers skipped).
fn pem_decode(input: &str) -> Option<(std::string::String, Vec<u8>)> {
    let mut rest = input;
    loop {
        let start = if rest.starts_with("-----BEGIN ") {
            0
        } else {
            rest.find("\n-----BEGIN ")? + 1
        };
        rest = &rest[start + "-----BEGIN ".len()..];
        let line_end = rest.find('\n').unwrap_or(rest.len());
        let line = rest[..line_end].trim_end_matches([' ', '\t', '\r']);
        let after = &rest[(line_end + 1).min(rest.len())..];
        let Some(kind) = line.strip_suffix("-----") else {
            continue;
        };
        let end_marker = format!("-----END {kind}-----");
        // Skip RFC 1421 headers ("Key: value" lines up to a blank line).
        let mut body = after;
        if body.lines().next().is_some_and(|l| l.contains(':')) {
            match body.find("\n\n").or_else(|| body.find("\r\n\r\n")) {
                Some(p) => body = &body[p..],
                None => continue,
            }
        }
        let Some(end) = body.find(&end_marker) else {
            continue;
        };
        if end > 0 && !body[..end].ends_with('\n') {
            continue;
        }
        let cleaned: std::string::String = body[..end]
            .chars()
            .filter(|c| !matches!(c, ' ' | '\t' | '\r' | '\n'))
            .collect();
        if let Ok(bytes) = base64_decode(&cleaned) {
            return Some((kind.to_string(), bytes));
        }
    }
}

// ---------------------------------------------------------------------------
// Hashes

fn sha1sum(args: &[Value]) -> Result<Value, FuncError> {
    ok_str(hex(&sha1::Sha1::digest(str_arg(args, 0).as_bytes())))
}

fn sha256sum(args: &[Value]) -> Result<Value, FuncError> {
    ok_str(hex(&sha2::Sha256::digest(str_arg(args, 0).as_bytes())))
}

fn sha512sum(args: &[Value]) -> Result<Value, FuncError> {
    ok_str(hex(&sha2::Sha512::digest(str_arg(args, 0).as_bytes())))
}

/// Adler-32 (RFC 1950) printed in decimal.
fn adler32sum(args: &[Value]) -> Result<Value, FuncError> {
    const MOD: u32 = 65521;
    let (mut a, mut b) = (1u32, 0u32);
    // 5552 bytes is the longest run that cannot overflow u32 before reducing.
    for chunk in str_arg(args, 0).as_bytes().chunks(5552) {
        for &byte in chunk {
            a += u32::from(byte);
            b += a;
        }
        a %= MOD;
        b %= MOD;
    }
    ok_str(((b << 16) | a).to_string())
}

// ---------------------------------------------------------------------------
// Passwords

/// Go's `bcrypt.GenerateFromPassword(pw, bcrypt.DefaultCost)`: `$2a$10$…`.
fn bcrypt_hash(password: &str) -> Result<std::string::String, std::string::String> {
    if password.len() > 72 {
        return Err("bcrypt: password length exceeds 72 bytes".into());
    }
    let mut salt = [0u8; 16];
    random::fill(&mut salt).map_err(|e| e.0)?;
    bcrypt::hash_with_salt(password, 10, salt)
        .map(|h| h.format_for_version(bcrypt::Version::TwoA))
        .map_err(|e| e.to_string())
}

fn bcrypt_string(password: &str) -> std::string::String {
    bcrypt_hash(password).unwrap_or_else(|e| format!("failed to encrypt string with bcrypt: {e}"))
}

fn bcrypt_fn(args: &[Value]) -> Result<Value, FuncError> {
    ok_str(bcrypt_string(str_arg(args, 0)))
}

fn htpasswd(args: &[Value]) -> Result<Value, FuncError> {
    let (user, password) = (str_arg(args, 0), str_arg(args, 1));
    if user.contains(':') {
        return ok_str(format!("invalid username: {user}"));
    }
    ok_str(format!("{user}:{}", bcrypt_string(password)))
}

/// Master Password (Lyndir) templates, as Sprig defines them.
fn password_templates(kind: &str) -> Option<&'static [&'static str]> {
    Some(match kind {
        "maximum" => &["anoxxxxxxxxxxxxxxxxx", "axxxxxxxxxxxxxxxxxno"],
        "long" => &[
            "CvcvnoCvcvCvcv",
            "CvcvCvcvnoCvcv",
            "CvcvCvcvCvcvno",
            "CvccnoCvcvCvcv",
            "CvccCvcvnoCvcv",
            "CvccCvcvCvcvno",
            "CvcvnoCvccCvcv",
            "CvcvCvccnoCvcv",
            "CvcvCvccCvcvno",
            "CvcvnoCvcvCvcc",
            "CvcvCvcvnoCvcc",
            "CvcvCvcvCvccno",
            "CvccnoCvccCvcv",
            "CvccCvccnoCvcv",
            "CvccCvccCvcvno",
            "CvcvnoCvccCvcc",
            "CvcvCvccnoCvcc",
            "CvcvCvccCvccno",
            "CvccnoCvcvCvcc",
            "CvccCvcvnoCvcc",
            "CvccCvcvCvccno",
        ],
        "medium" => &["CvcnoCvc", "CvcCvcno"],
        "short" => &["Cvcn"],
        "basic" => &["aaanaaan", "aannaaan", "aaannaaa"],
        "pin" => &["nnnn"],
        _ => return None,
    })
}

fn password_chars(class: u8) -> &'static [u8] {
    match class {
        b'V' => b"AEIOU",
        b'C' => b"BCDFGHJKLMNPQRSTVWXYZ",
        b'v' => b"aeiou",
        b'c' => b"bcdfghjklmnpqrstvwxyz",
        b'A' => b"AEIOUBCDFGHJKLMNPQRSTVWXYZ",
        b'a' => b"AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz",
        b'n' => b"0123456789",
        b'o' => b"@&%?,=[]_:-+*$#!'^~;()/.",
        _ => b"AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz0123456789!@#$%^&*()",
    }
}

/// `derivePassword counter type password user site`: the Master Password
/// algorithm (scrypt N=32768 r=8 p=2 key, HMAC-SHA256 seed, template).
fn derive_password(args: &[Value]) -> Result<Value, FuncError> {
    // Go converts the argument to uint32.
    let counter = int_arg(args, 0) as u32;
    let (kind, password, user, site) = (
        str_arg(args, 1),
        str_arg(args, 2),
        str_arg(args, 3),
        str_arg(args, 4),
    );
    let Some(templates) = password_templates(kind) else {
        return ok_str(format!("cannot find password template {kind}"));
    };
    const SEED: &[u8] = b"com.lyndir.masterpassword";
    let mut salt = SEED.to_vec();
    salt.extend_from_slice(&(user.len() as u32).to_be_bytes());
    salt.extend_from_slice(user.as_bytes());
    let mut key = [0u8; 64];
    let params = scrypt::Params::new(15, 8, 2).map_err(|e| FuncError::new(e.to_string()))?;
    if let Err(e) = scrypt::scrypt(password.as_bytes(), &salt, &params, &mut key) {
        return ok_str(format!("failed to derive password: {e}"));
    }
    let mut msg = SEED.to_vec();
    msg.extend_from_slice(&(site.len() as u32).to_be_bytes());
    msg.extend_from_slice(site.as_bytes());
    msg.extend_from_slice(&counter.to_be_bytes());
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(&key)
        .map_err(|e| FuncError::new(e.to_string()))?;
    mac.update(&msg);
    let seed = mac.finalize().into_bytes();
    let template = templates[usize::from(seed[0]) % templates.len()];
    let out: std::string::String = template
        .bytes()
        .enumerate()
        .map(|(i, class)| {
            let chars = password_chars(class);
            // Templates are at most 20 long; the seed has 32 bytes.
            chars[usize::from(seed[i + 1]) % chars.len()] as char
        })
        .collect();
    ok_str(out)
}

// ---------------------------------------------------------------------------
// AES-256-CBC with PKCS#7 padding and a random IV prefix (Sprig's format)

fn aes_key(password: &str) -> aes::Aes256 {
    let mut key = [0u8; 32];
    let p = password.as_bytes();
    let n = p.len().min(32);
    key[..n].copy_from_slice(&p[..n]);
    aes::Aes256::new(&key.into())
}

fn encrypt_aes(args: &[Value]) -> Result<Value, FuncError> {
    use aes::cipher::BlockCipherEncrypt;
    let (password, plaintext) = (str_arg(args, 0), str_arg(args, 1));
    if plaintext.is_empty() {
        return ok_str("");
    }
    let cipher = aes_key(password);
    let mut content = plaintext.as_bytes().to_vec();
    let pad = 16 - content.len() % 16;
    content.extend(std::iter::repeat_n(pad as u8, pad));
    let mut out = vec![0u8; 16];
    random::fill(&mut out)?;
    let mut prev: [u8; 16] = [0; 16];
    prev.copy_from_slice(&out);
    for block in content.chunks(16) {
        let mut b = [0u8; 16];
        for (i, x) in b.iter_mut().enumerate() {
            *x = block[i] ^ prev[i];
        }
        let mut ga = b.into();
        cipher.encrypt_block(&mut ga);
        prev = ga.into();
        out.extend_from_slice(&prev);
    }
    ok_str(base64_encode(&out))
}

fn decrypt_aes(args: &[Value]) -> Result<Value, FuncError> {
    use aes::cipher::BlockCipherDecrypt;
    let (password, crypt64) = (str_arg(args, 0), str_arg(args, 1));
    if crypt64.is_empty() {
        return ok_str("");
    }
    let crypt = base64_decode(crypt64).map_err(FuncError::new)?;
    let cipher = aes_key(password);
    // Go slices crypt[:16] and panics when it is shorter.
    if crypt.len() < 16 {
        return Err(FuncError::new(format!(
            "runtime error: slice bounds out of range [:16] with capacity {}",
            crypt.len()
        )));
    }
    let (iv, body) = crypt.split_at(16);
    if !body.len().is_multiple_of(16) {
        return Err(FuncError::new("crypto/cipher: input not full blocks"));
    }
    let mut prev: [u8; 16] = [0; 16];
    prev.copy_from_slice(iv);
    let mut plain = Vec::with_capacity(body.len());
    for block in body.chunks(16) {
        let mut ga: [u8; 16] = [0; 16];
        ga.copy_from_slice(block);
        let mut g = ga.into();
        cipher.decrypt_block(&mut g);
        let d: [u8; 16] = g.into();
        plain.extend(d.iter().zip(prev.iter()).map(|(a, b)| a ^ b));
        prev = ga;
    }
    let Some(&last) = plain.last() else {
        return Err(FuncError::new("runtime error: index out of range [-1]"));
    };
    let keep = plain.len() as i64 - i64::from(last);
    if keep < 0 {
        return Err(FuncError::new(format!(
            "runtime error: slice bounds out of range [:{keep}]"
        )));
    }
    plain.truncate(keep as usize);
    // Go strings may hold any bytes; ours must be UTF-8.
    ok_str(std::string::String::from_utf8_lossy(&plain).into_owned())
}

// ---------------------------------------------------------------------------
// Keys

const OID_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
const OID_SHA256_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b];
const OID_EC_PUBLIC_KEY: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
const OID_P256: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
const OID_ECDSA_SHA256: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02];
const OID_ED25519: &[u8] = &[0x2b, 0x65, 0x70];
const OID_CN: &[u8] = &[0x55, 0x04, 0x03];
const OID_KEY_USAGE: &[u8] = &[0x55, 0x1d, 0x0f];
const OID_EXT_KEY_USAGE: &[u8] = &[0x55, 0x1d, 0x25];
const OID_BASIC_CONSTRAINTS: &[u8] = &[0x55, 0x1d, 0x13];
const OID_SUBJECT_KEY_ID: &[u8] = &[0x55, 0x1d, 0x0e];
const OID_AUTHORITY_KEY_ID: &[u8] = &[0x55, 0x1d, 0x23];
const OID_SUBJECT_ALT_NAME: &[u8] = &[0x55, 0x1d, 0x11];
const OID_SERVER_AUTH: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01];
const OID_CLIENT_AUTH: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x02];

/// A private key of a kind Sprig can generate or parse.
enum PrivateKey {
    Rsa(Box<rsa::PrivateKey>),
    Ec(Box<p256::ecdsa::SigningKey>),
    Ed25519(Box<ed25519_dalek::SigningKey>),
    /// DER of Sprig's `DSAKeyFormat`; Go cannot sign certificates with it.
    Dsa,
}

fn rsa_generate(bits: usize) -> Result<PrivateKey, std::string::String> {
    rsa::PrivateKey::new(&mut getrandom::SysRng, bits)
        .map(|k| PrivateKey::Rsa(Box::new(k)))
        .map_err(|e| e.to_string())
}

fn ec_generate() -> Result<PrivateKey, std::string::String> {
    loop {
        let mut b = [0u8; 32];
        random::fill(&mut b).map_err(|e| e.0)?;
        // Fails only for 0 or a value ≥ the group order (~2^-32): draw again.
        if let Ok(k) = p256::ecdsa::SigningKey::from_slice(&b) {
            return Ok(PrivateKey::Ec(Box::new(k)));
        }
    }
}

fn ed25519_generate() -> Result<PrivateKey, std::string::String> {
    let mut seed = [0u8; 32];
    random::fill(&mut seed).map_err(|e| e.0)?;
    Ok(PrivateKey::Ed25519(Box::new(
        ed25519_dalek::SigningKey::from_bytes(&seed),
    )))
}

fn ec_point(k: &p256::ecdsa::SigningKey) -> Vec<u8> {
    use p256::elliptic_curve::sec1::ToSec1Point;
    k.verifying_key()
        .as_affine()
        .to_sec1_point(false)
        .as_bytes()
        .to_vec()
}

impl PrivateKey {
    /// Go's `pemBlockForKey`: PKCS#1 for RSA, SEC 1 for EC, PKCS#8 otherwise.
    fn to_pem(&self) -> Result<std::string::String, std::string::String> {
        match self {
            PrivateKey::Rsa(k) => {
                use rsa::pkcs1::EncodeRsaPrivateKey;
                let doc = k.to_pkcs1_der().map_err(|e| e.to_string())?;
                Ok(pem_encode("RSA PRIVATE KEY", doc.as_bytes()))
            }
            PrivateKey::Ec(k) => {
                let scalar = k.to_bytes();
                let der = der::seq(&[
                    der::int_small(1),
                    der::tlv(der::OCTET_STRING, &scalar),
                    der::explicit(0, &der::oid(OID_P256)),
                    der::explicit(1, &der::bit_string(&ec_point(k))),
                ]);
                Ok(pem_encode("EC PRIVATE KEY", &der))
            }
            PrivateKey::Ed25519(k) => {
                let der = der::seq(&[
                    der::int_small(0),
                    der::seq(&[der::oid(OID_ED25519)]),
                    der::tlv(
                        der::OCTET_STRING,
                        &der::tlv(der::OCTET_STRING, &k.to_bytes()),
                    ),
                ]);
                Ok(pem_encode("PRIVATE KEY", &der))
            }
            PrivateKey::Dsa => Err("unsupported key type".into()),
        }
    }

    /// DER SubjectPublicKeyInfo.
    fn spki(&self) -> Result<Vec<u8>, std::string::String> {
        match self {
            PrivateKey::Rsa(k) => {
                use rsa::pkcs1::EncodeRsaPublicKey;
                let pk = k
                    .to_public_key()
                    .to_pkcs1_der()
                    .map_err(|e| e.to_string())?;
                Ok(der::seq(&[
                    der::seq(&[der::oid(OID_RSA), der::null()]),
                    der::bit_string(pk.as_bytes()),
                ]))
            }
            PrivateKey::Ec(k) => Ok(der::seq(&[
                der::seq(&[der::oid(OID_EC_PUBLIC_KEY), der::oid(OID_P256)]),
                der::bit_string(&ec_point(k)),
            ])),
            PrivateKey::Ed25519(k) => Ok(der::seq(&[
                der::seq(&[der::oid(OID_ED25519)]),
                der::bit_string(&k.verifying_key().to_bytes()),
            ])),
            PrivateKey::Dsa => Err("x509: unsupported public key type: *dsa.PublicKey".into()),
        }
    }

    /// The AlgorithmIdentifier Go signs certificates with for this key.
    fn signature_algorithm(&self) -> Result<Vec<u8>, std::string::String> {
        match self {
            PrivateKey::Rsa(_) => Ok(der::seq(&[der::oid(OID_SHA256_RSA), der::null()])),
            PrivateKey::Ec(_) => Ok(der::seq(&[der::oid(OID_ECDSA_SHA256)])),
            PrivateKey::Ed25519(_) => Ok(der::seq(&[der::oid(OID_ED25519)])),
            PrivateKey::Dsa => {
                Err("x509: certificate private key does not implement crypto.Signer".into())
            }
        }
    }

    fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, std::string::String> {
        match self {
            PrivateKey::Rsa(k) => k
                .pkcs1v15_sign::<sha2::Sha256>(msg)
                .map_err(|e| e.to_string()),
            PrivateKey::Ec(k) => {
                use p256::ecdsa::signature::Signer;
                let sig: p256::ecdsa::Signature = k.sign(msg);
                Ok(sig.to_der().as_bytes().to_vec())
            }
            PrivateKey::Ed25519(k) => {
                use ed25519_dalek::Signer;
                Ok(k.sign(msg).to_bytes().to_vec())
            }
            PrivateKey::Dsa => {
                Err("x509: certificate private key does not implement crypto.Signer".into())
            }
        }
    }
}

fn parse_pkcs1(der: &[u8]) -> Result<PrivateKey, std::string::String> {
    use rsa::pkcs1::DecodeRsaPrivateKey;
    rsa::PrivateKey::from_pkcs1_der(der)
        .map(|k| PrivateKey::Rsa(Box::new(k)))
        .map_err(|_| "x509: failed to parse private key".to_string())
}

/// SEC 1 ECPrivateKey; `curve` is the curve from PKCS#8's algorithm, if any.
fn parse_sec1(der: &[u8], curve: Option<&[u8]>) -> Result<PrivateKey, std::string::String> {
    let malformed = || "x509: failed to parse EC private key".to_string();
    let mut outer = Reader::new(der);
    let body = outer.expect(der::SEQUENCE).ok_or_else(malformed)?;
    let mut r = Reader::new(body.content);
    let version = r.expect(der::INTEGER).ok_or_else(malformed)?;
    if version.content != [1] {
        return Err(format!(
            "x509: unknown EC private key version {}",
            version.content.first().unwrap_or(&0)
        ));
    }
    let scalar = r.expect(der::OCTET_STRING).ok_or_else(malformed)?.content;
    let mut named = curve.map(<[u8]>::to_vec);
    if let Some(params) = r.optional(der::context_constructed(0)) {
        let oid = Reader::new(params.content)
            .expect(der::OID)
            .ok_or_else(malformed)?;
        named = Some(oid.content.to_vec());
    }
    if named.as_deref() != Some(OID_P256) {
        return Err("x509: unknown elliptic curve".into());
    }
    if scalar.len() > 32 {
        return Err("x509: invalid private key length".into());
    }
    let mut b = [0u8; 32];
    b[32 - scalar.len()..].copy_from_slice(scalar);
    p256::ecdsa::SigningKey::from_slice(&b)
        .map(|k| PrivateKey::Ec(Box::new(k)))
        .map_err(|_| "x509: invalid elliptic curve private key value".to_string())
}

fn parse_pkcs8(der: &[u8]) -> Result<PrivateKey, std::string::String> {
    let malformed = || "x509: failed to parse private key".to_string();
    let mut outer = Reader::new(der);
    let body = outer.expect(der::SEQUENCE).ok_or_else(malformed)?;
    let mut r = Reader::new(body.content);
    r.expect(der::INTEGER).ok_or_else(malformed)?;
    let alg = r.expect(der::SEQUENCE).ok_or_else(malformed)?;
    let key = r.expect(der::OCTET_STRING).ok_or_else(malformed)?.content;
    let mut a = Reader::new(alg.content);
    let oid = a.expect(der::OID).ok_or_else(malformed)?.content;
    if oid == OID_RSA {
        parse_pkcs1(key)
    } else if oid == OID_EC_PUBLIC_KEY {
        let curve = a.expect(der::OID).map(|t| t.content);
        parse_sec1(key, curve)
    } else if oid == OID_ED25519 {
        let seed = Reader::new(key)
            .expect(der::OCTET_STRING)
            .ok_or_else(malformed)?
            .content;
        let seed: [u8; 32] = seed
            .try_into()
            .map_err(|_| format!("x509: invalid Ed25519 private key length: {}", seed.len()))?;
        Ok(PrivateKey::Ed25519(Box::new(
            ed25519_dalek::SigningKey::from_bytes(&seed),
        )))
    } else {
        Err(format!(
            "x509: PKCS#8 wrapping contained private key with unknown algorithm: {}",
            der::oid_string(oid)
        ))
    }
}

/// Sprig's `parsePrivateKeyPEM`.
fn parse_private_key_pem(pem: &str) -> Result<PrivateKey, std::string::String> {
    let Some((kind, der)) = pem_decode(pem) else {
        return Err("no PEM data in input".into());
    };
    if kind == "PRIVATE KEY" {
        return parse_pkcs8(&der).map_err(|e| format!("decoding PEM as PKCS#8: {e}"));
    }
    let Some(prefix) = kind.strip_suffix(" PRIVATE KEY") else {
        return Err(format!("no private key data in PEM block of type {kind}"));
    };
    match prefix {
        "RSA" => parse_pkcs1(&der).map_err(|e| format!("parsing RSA private key from PEM: {e}")),
        "EC" => parse_sec1(&der, None).map_err(|e| format!("parsing EC private key from PEM: {e}")),
        "DSA" => {
            // Sprig decodes SEQUENCE { version, P, Q, G, Y, X }.
            let ok = Reader::new(&der).expect(der::SEQUENCE).is_some_and(|s| {
                let mut r = Reader::new(s.content);
                (0..6).all(|_| r.expect(der::INTEGER).is_some())
            });
            if ok {
                Ok(PrivateKey::Dsa)
            } else {
                Err("parsing DSA private key from PEM: asn1: structure error".into())
            }
        }
        _ => Err(format!("invalid private key type {kind}")),
    }
}

/// `genPrivateKey type`: PEM of a new key ("rsa" is 4096 bits, as Sprig).
fn gen_private_key(args: &[Value]) -> Result<Value, FuncError> {
    let kind = str_arg(args, 0);
    let key = match kind {
        "" | "rsa" => rsa_generate(4096),
        "ecdsa" => ec_generate(),
        "ed25519" => ed25519_generate(),
        "dsa" => return ok_str(dsa_generate_pem()),
        _ => return ok_str(format!("Unknown type {kind}")),
    };
    match key.and_then(|k| k.to_pem()) {
        Ok(pem) => ok_str(pem),
        Err(e) => ok_str(format!("failed to generate private key: {e}")),
    }
}

/// A DSA L2048N256 key as Sprig encodes it: SEQUENCE { 0, P, Q, G, Y, X }.
fn dsa_generate_pem() -> std::string::String {
    let params = dsa::Components::try_generate_from_rng_with_key_size(
        &mut getrandom::SysRng,
        dsa::KeySize::DSA_2048_256,
    );
    let params = match params {
        Ok(p) => p,
        Err(e) => return format!("failed to generate dsa params: {e}"),
    };
    let key = match dsa::SigningKey::try_generate_from_rng_with_components(
        &mut getrandom::SysRng,
        params,
    ) {
        Ok(k) => k,
        Err(e) => return format!("failed to generate private key: {e}"),
    };
    let c = key.verifying_key().components();
    let der = der::seq(&[
        der::int_small(0),
        der::int_unsigned(&c.p().to_be_bytes()),
        der::int_unsigned(&c.q().to_be_bytes()),
        der::int_unsigned(&c.g().to_be_bytes()),
        der::int_unsigned(&key.verifying_key().y().to_be_bytes()),
        der::int_unsigned(&key.x().to_be_bytes()),
    ]);
    pem_encode("DSA PRIVATE KEY", &der)
}

// ---------------------------------------------------------------------------
// Certificates

/// Go's `sprig.certificate{Cert, Key string}`.
#[derive(Debug)]
pub struct Certificate {
    pub cert: std::string::String,
    pub key: std::string::String,
}

impl Object for Certificate {
    fn type_name(&self) -> &str {
        "sprig.certificate"
    }
    fn field(&self, name: &str) -> Option<Result<Value, std::string::String>> {
        match name {
            "Cert" => Some(Ok(Value::str(&self.cert))),
            "Key" => Some(Ok(Value::str(&self.key))),
            _ => None,
        }
    }
    fn display(&self) -> std::string::String {
        format!("{{{} {}}}", self.cert, self.key)
    }
    fn as_data(&self) -> Option<Value> {
        let m = Map::new();
        m.insert("Cert", Value::str(&self.cert));
        m.insert("Key", Value::str(&self.key));
        Some(Value::Map(m))
    }
}

fn certificate_value(cert: std::string::String, key: std::string::String) -> Value {
    Value::Object(Rc::new(Certificate { cert, key }))
}

/// The `ca certificate` parameter: Go accepts only Sprig's struct.
fn certificate_arg(
    v: Option<&Value>,
) -> Result<(std::string::String, std::string::String), FuncError> {
    match v {
        Some(Value::Object(o)) if o.type_name() == "sprig.certificate" => {
            let get = |f: &str| match o.field(f) {
                Some(Ok(Value::String(s))) => s.to_string(),
                _ => std::string::String::new(),
            };
            Ok((get("Cert"), get("Key")))
        }
        other => Err(FuncError::new(format!(
            "wrong type for value; expected sprig.certificate; got {}",
            other
                .map(Value::type_name)
                .unwrap_or_else(|| "<nil>".into())
        ))),
    }
}

/// What a template can ask of a new certificate.
struct Template {
    cn: std::string::String,
    ips: Vec<Vec<u8>>,
    dns: Vec<std::string::String>,
    days: i64,
    is_ca: bool,
}

/// Sprig's `getNetIPs` over the template's list.
fn net_ips(list: Option<&Value>) -> Result<Vec<Vec<u8>>, std::string::String> {
    let mut out = Vec::new();
    for item in list.and_then(Value::as_list).unwrap_or_default() {
        let Value::String(s) = item else {
            return Err(format!(
                "error parsing ip: {} is not a string",
                go_print(item)
            ));
        };
        match parse_ip(s) {
            Some(ip) => out.push(ip),
            None => return Err(format!("error parsing ip: {s}")),
        }
    }
    Ok(out)
}

fn dns_names(list: Option<&Value>) -> Result<Vec<std::string::String>, std::string::String> {
    let mut out = Vec::new();
    for item in list.and_then(Value::as_list).unwrap_or_default() {
        let Value::String(s) = item else {
            return Err(format!(
                "error processing alternate dns name: {} is not a string",
                go_print(item)
            ));
        };
        out.push(s.to_string());
    }
    Ok(out)
}

/// `%v` of a scalar list element, enough for Sprig's error messages.
fn go_print(v: &Value) -> std::string::String {
    match v {
        Value::Nil => "<nil>".into(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) | Value::Int64(i) => i.to_string(),
        Value::Float(f) => crate::num::format_float(*f, 'g', -1),
        Value::String(s) => s.to_string(),
        Value::Object(o) => o.display(),
        Value::List(l) => {
            let parts: Vec<_> = l.iter().map(go_print).collect();
            format!("[{}]", parts.join(" "))
        }
        Value::Map(m) => {
            let parts: Vec<_> = m
                .entries()
                .iter()
                .map(|(k, v)| format!("{k}:{}", go_print(v)))
                .collect();
            format!("map[{}]", parts.join(" "))
        }
    }
}

/// Go's `net.ParseIP`, returned as the bytes a SAN carries (4 for IPv4,
/// including IPv4-mapped IPv6 addresses; 16 otherwise).
fn parse_ip(s: &str) -> Option<Vec<u8>> {
    if let Some(v4) = parse_ipv4(s) {
        return Some(v4.to_vec());
    }
    let v6 = parse_ipv6(s)?;
    if v6[..10].iter().all(|&b| b == 0) && v6[10] == 0xff && v6[11] == 0xff {
        return Some(v6[12..].to_vec());
    }
    Some(v6.to_vec())
}

fn parse_ipv4(s: &str) -> Option<[u8; 4]> {
    let mut out = [0u8; 4];
    let mut parts = s.split('.');
    for o in &mut out {
        let p = parts.next()?;
        // Go rejects empty fields, non-digits, leading zeros and values > 255.
        if p.is_empty() || p.len() > 3 || !p.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        if p.len() > 1 && p.starts_with('0') {
            return None;
        }
        *o = p.parse().ok()?;
    }
    parts.next().is_none().then_some(out)
}

fn parse_ipv6(s: &str) -> Option<[u8; 16]> {
    // Go's ParseIP has no zones.
    if s.contains('%') {
        return None;
    }
    let mut words: Vec<u16> = Vec::new();
    let mut tail: Vec<u16> = Vec::new();
    let mut seen_gap = false;
    let (head, rest) = match s.find("::") {
        Some(p) => {
            seen_gap = true;
            (&s[..p], Some(&s[p + 2..]))
        }
        None => (s, None),
    };
    let parse_groups = |part: &str, dst: &mut Vec<u16>, allow_v4: bool| -> Option<()> {
        if part.is_empty() {
            return Some(());
        }
        let groups: Vec<&str> = part.split(':').collect();
        for (i, g) in groups.iter().enumerate() {
            if allow_v4 && i == groups.len() - 1 && g.contains('.') {
                let v4 = parse_ipv4(g)?;
                dst.push(u16::from_be_bytes([v4[0], v4[1]]));
                dst.push(u16::from_be_bytes([v4[2], v4[3]]));
                continue;
            }
            if g.is_empty() || g.len() > 4 || !g.bytes().all(|b| b.is_ascii_hexdigit()) {
                return None;
            }
            dst.push(u16::from_str_radix(g, 16).ok()?);
        }
        Some(())
    };
    parse_groups(head, &mut words, rest.is_none())?;
    if let Some(rest) = rest {
        if rest.contains("::") {
            return None;
        }
        parse_groups(rest, &mut tail, true)?;
    }
    let total = words.len() + tail.len();
    if (seen_gap && total > 7) || (!seen_gap && total != 8) {
        return None;
    }
    let mut all = words;
    all.resize(8 - tail.len(), 0);
    all.extend(tail);
    let mut out = [0u8; 16];
    for (i, w) in all.iter().enumerate() {
        out[2 * i..2 * i + 2].copy_from_slice(&w.to_be_bytes());
    }
    Some(out)
}

/// The fields of a parsed certificate that signing a child needs.
struct ParsedCert {
    subject: Vec<u8>,
    spki: Vec<u8>,
    subject_key_id: Option<Vec<u8>>,
}

/// Parse a DER X.509 certificate far enough to check its shape (the error
/// is Go's generic one) and to sign children with it.
fn parse_certificate(der: &[u8]) -> Result<ParsedCert, std::string::String> {
    let malformed = || "x509: malformed certificate".to_string();
    let mut top = Reader::new(der);
    let cert = top.expect(der::SEQUENCE).ok_or_else(malformed)?;
    if !top.is_empty() {
        return Err("x509: trailing data".into());
    }
    let mut c = Reader::new(cert.content);
    let tbs = c.expect(der::SEQUENCE).ok_or_else(malformed)?;
    c.expect(der::SEQUENCE).ok_or_else(malformed)?;
    c.expect(der::BIT_STRING).ok_or_else(malformed)?;
    let mut t = Reader::new(tbs.content);
    t.optional(der::context_constructed(0));
    t.expect(der::INTEGER)
        .ok_or_else(|| "x509: malformed serial number".to_string())?;
    t.expect(der::SEQUENCE)
        .ok_or_else(|| "x509: malformed signature algorithm identifier".to_string())?;
    t.expect(der::SEQUENCE)
        .ok_or_else(|| "x509: malformed issuer".to_string())?;
    t.expect(der::SEQUENCE)
        .ok_or_else(|| "x509: malformed validity".to_string())?;
    let subject = t
        .expect(der::SEQUENCE)
        .ok_or_else(|| "x509: malformed subject".to_string())?;
    let spki = t
        .expect(der::SEQUENCE)
        .ok_or_else(|| "x509: malformed spki".to_string())?;
    t.optional(0x81);
    t.optional(0x82);
    let mut subject_key_id = None;
    if let Some(exts) = t.optional(der::context_constructed(3)) {
        let list = Reader::new(exts.content)
            .expect(der::SEQUENCE)
            .ok_or_else(|| "x509: malformed extensions".to_string())?;
        let mut l = Reader::new(list.content);
        while !l.is_empty() {
            let ext = l
                .expect(der::SEQUENCE)
                .ok_or_else(|| "x509: malformed extension".to_string())?;
            let mut e = Reader::new(ext.content);
            let oid = e
                .expect(der::OID)
                .ok_or_else(|| "x509: malformed extension OID field".to_string())?;
            e.optional(der::BOOLEAN);
            let value = e
                .expect(der::OCTET_STRING)
                .ok_or_else(|| "x509: malformed extension value field".to_string())?;
            if oid.content == OID_SUBJECT_KEY_ID {
                let id = Reader::new(value.content)
                    .expect(der::OCTET_STRING)
                    .ok_or_else(|| "x509: invalid subject key identifier".to_string())?;
                subject_key_id = Some(id.content.to_vec());
            }
        }
    }
    Ok(ParsedCert {
        subject: subject.whole.to_vec(),
        spki: spki.whole.to_vec(),
        subject_key_id,
    })
}

/// Go's asn1 string choice for a subject attribute: PrintableString when
/// every character is printable (without `*` and `&`), UTF8String otherwise.
fn directory_string(s: &str) -> Vec<u8> {
    let printable = s
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b" '()+,-./:=?".contains(&b));
    der::tlv(
        if printable {
            der::PRINTABLE_STRING
        } else {
            der::UTF8_STRING
        },
        s.as_bytes(),
    )
}

fn name_der(cn: &str) -> Vec<u8> {
    if cn.is_empty() {
        return der::seq(&[]);
    }
    let atv = der::seq(&[der::oid(OID_CN), directory_string(cn)]);
    der::seq(&[der::tlv(der::SET, &atv)])
}

/// Go's marshalling of a certificate time: UTCTime for 1950–2049, else
/// GeneralizedTime (whole seconds, UTC).
fn cert_time(unix: i64) -> Result<Vec<u8>, std::string::String> {
    let (y, mo, d, h, mi, s) = crate::funcs::dates::civil_from_unix(unix);
    if (1950..2050).contains(&y) {
        let t = format!("{:02}{mo:02}{d:02}{h:02}{mi:02}{s:02}Z", y % 100);
        Ok(der::tlv(der::UTC_TIME, t.as_bytes()))
    } else if (0..=9999).contains(&y) {
        let t = format!("{y:04}{mo:02}{d:02}{h:02}{mi:02}{s:02}Z");
        Ok(der::tlv(der::GENERALIZED_TIME, t.as_bytes()))
    } else {
        Err("asn1: cannot marshal time: year outside of range [0,9999]".into())
    }
}

fn extension(oid: &[u8], critical: bool, value: &[u8]) -> Vec<u8> {
    let mut parts = vec![der::oid(oid)];
    if critical {
        parts.push(der::tlv(der::BOOLEAN, &[0xff]));
    }
    parts.push(der::tlv(der::OCTET_STRING, value));
    der::seq(&parts)
}

/// Build, sign and PEM-encode a certificate for `subject_key` signed by
/// `signer` (with `parent` the signer's certificate, or `None` when
/// self-signed). Returns Sprig's `(cert, key)` pair.
fn create_certificate(
    tpl: &Template,
    subject_key: &PrivateKey,
    parent: Option<&ParsedCert>,
    signer: &PrivateKey,
) -> Result<Value, std::string::String> {
    let wrap = |e: std::string::String| format!("error creating certificate: {e}");
    for name in &tpl.dns {
        if !name.is_ascii() {
            return Err(wrap(format!(
                "x509: {name:?} cannot be encoded as an IA5String"
            )));
        }
    }
    let spki = subject_key.spki().map_err(|e| {
        if matches!(subject_key, PrivateKey::Dsa) {
            format!("error retrieving public key from signee key: {e}")
        } else {
            wrap(e)
        }
    })?;
    let sig_alg = signer.signature_algorithm().map_err(wrap)?;
    let signer_spki = signer.spki().map_err(wrap)?;
    if let Some(p) = parent
        && p.spki != signer_spki
    {
        return Err(wrap(
            "x509: provided PrivateKey doesn't match parent's PublicKey".into(),
        ));
    }
    let subject = name_der(&tpl.cn);
    let issuer = parent.map_or_else(|| subject.clone(), |p| p.subject.clone());

    let mut serial = [0u8; 16];
    random::fill(&mut serial).map_err(|e| e.0)?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    // Go: time.Now().Add(time.Hour * 24 * time.Duration(days)), int64 nanoseconds.
    let span_ns = 86_400_000_000_000i64.wrapping_mul(tpl.days);
    let not_after = now + span_ns.div_euclid(1_000_000_000);
    let validity = der::seq(&[
        cert_time(now).map_err(wrap)?,
        cert_time(not_after).map_err(wrap)?,
    ]);

    let mut exts = Vec::new();
    // Key usage: digitalSignature | keyEncipherment (| keyCertSign on CAs),
    // as a minimal BIT STRING.
    let ku = if tpl.is_ca {
        der::tlv(der::BIT_STRING, &[2, 0xa4])
    } else {
        der::tlv(der::BIT_STRING, &[5, 0xa0])
    };
    exts.push(extension(OID_KEY_USAGE, true, &ku));
    let eku = der::seq(&[der::oid(OID_SERVER_AUTH), der::oid(OID_CLIENT_AUTH)]);
    exts.push(extension(OID_EXT_KEY_USAGE, false, &eku));
    let bc = if tpl.is_ca {
        der::seq(&[der::tlv(der::BOOLEAN, &[0xff])])
    } else {
        der::seq(&[])
    };
    exts.push(extension(OID_BASIC_CONSTRAINTS, true, &bc));
    if tpl.is_ca {
        // Go 1.25+: the first 160 bits of SHA-256 over the public key bits.
        let key_bits = der_public_key_bits(&spki);
        let id = &sha2::Sha256::digest(key_bits)[..20];
        exts.push(extension(
            OID_SUBJECT_KEY_ID,
            false,
            &der::tlv(der::OCTET_STRING, id),
        ));
    }
    if let Some(p) = parent
        && p.subject != subject
        && let Some(id) = p.subject_key_id.as_ref().filter(|id| !id.is_empty())
    {
        let aki = der::seq(&[der::tlv(0x80, id)]);
        exts.push(extension(OID_AUTHORITY_KEY_ID, false, &aki));
    }
    if !tpl.dns.is_empty() || !tpl.ips.is_empty() {
        let mut names: Vec<Vec<u8>> = tpl
            .dns
            .iter()
            .map(|d| der::tlv(0x82, d.as_bytes()))
            .collect();
        names.extend(tpl.ips.iter().map(|ip| der::tlv(0x87, ip)));
        let critical = subject == der::seq(&[]);
        exts.push(extension(OID_SUBJECT_ALT_NAME, critical, &der::seq(&names)));
    }

    let tbs = der::seq(&[
        der::explicit(0, &der::int_small(2)),
        der::int_unsigned(&serial),
        sig_alg.clone(),
        issuer,
        validity,
        subject,
        spki,
        der::explicit(3, &der::seq(&exts)),
    ]);
    let signature = signer.sign(&tbs).map_err(wrap)?;
    let cert = der::seq(&[tbs, sig_alg, der::bit_string(&signature)]);
    let key_pem = subject_key
        .to_pem()
        .map_err(|e| format!("error pem-encoding key: {e}"))?;
    Ok(certificate_value(pem_encode("CERTIFICATE", &cert), key_pem))
}

/// The subjectPublicKey bits of a DER SubjectPublicKeyInfo we built.
fn der_public_key_bits(spki: &[u8]) -> &[u8] {
    Reader::new(spki)
        .expect(der::SEQUENCE)
        .and_then(|s| {
            let mut r = Reader::new(s.content);
            r.expect(der::SEQUENCE)?;
            r.expect(der::BIT_STRING)
        })
        .and_then(|b| b.content.get(1..))
        .unwrap_or_default()
}

fn fail(e: std::string::String) -> FuncError {
    FuncError::new(e)
}

fn new_rsa_key() -> Result<PrivateKey, FuncError> {
    rsa_generate(2048).map_err(|e| fail(format!("error generating rsa key: {e}")))
}

fn pem_key_arg(args: &[Value], i: usize) -> Result<PrivateKey, FuncError> {
    parse_private_key_pem(str_arg(args, i)).map_err(|e| fail(format!("parsing private key: {e}")))
}

fn ca_template(args: &[Value]) -> Template {
    Template {
        cn: str_arg(args, 0).into(),
        ips: vec![],
        dns: vec![],
        days: int_arg(args, 1),
        is_ca: true,
    }
}

fn leaf_template(args: &[Value]) -> Result<Template, FuncError> {
    Ok(Template {
        cn: str_arg(args, 0).into(),
        ips: net_ips(args.get(1)).map_err(fail)?,
        dns: dns_names(args.get(2)).map_err(fail)?,
        days: int_arg(args, 3),
        is_ca: false,
    })
}

fn gen_ca(args: &[Value]) -> Result<Value, FuncError> {
    let key = new_rsa_key()?;
    create_certificate(&ca_template(args), &key, None, &key).map_err(fail)
}

fn gen_ca_with_key(args: &[Value]) -> Result<Value, FuncError> {
    let key = pem_key_arg(args, 2)?;
    create_certificate(&ca_template(args), &key, None, &key).map_err(fail)
}

fn gen_self_signed(args: &[Value]) -> Result<Value, FuncError> {
    let key = new_rsa_key()?;
    let tpl = leaf_template(args)?;
    create_certificate(&tpl, &key, None, &key).map_err(fail)
}

fn gen_self_signed_with_key(args: &[Value]) -> Result<Value, FuncError> {
    let key = pem_key_arg(args, 4)?;
    let tpl = leaf_template(args)?;
    create_certificate(&tpl, &key, None, &key).map_err(fail)
}

fn signed(args: &[Value], key: PrivateKey) -> Result<Value, FuncError> {
    let (ca_cert, ca_key) = certificate_arg(args.get(4))?;
    let Some((_, der)) = pem_decode(&ca_cert) else {
        return Err(fail("unable to decode certificate".into()));
    };
    let parent = parse_certificate(&der).map_err(|e| {
        fail(format!(
            "error parsing certificate: decodedSignerCert.Bytes: {e}"
        ))
    })?;
    let signer = parse_private_key_pem(&ca_key)
        .map_err(|e| fail(format!("error parsing private key: {e}")))?;
    let tpl = leaf_template(args)?;
    create_certificate(&tpl, &key, Some(&parent), &signer).map_err(fail)
}

fn gen_signed(args: &[Value]) -> Result<Value, FuncError> {
    certificate_arg(args.get(4))?;
    let key = new_rsa_key()?;
    signed(args, key)
}

fn gen_signed_with_key(args: &[Value]) -> Result<Value, FuncError> {
    certificate_arg(args.get(4))?;
    let key = pem_key_arg(args, 5)?;
    signed(args, key)
}

/// `buildCustomCert b64cert b64key`: check and wrap an existing pair.
fn build_custom_cert(args: &[Value]) -> Result<Value, FuncError> {
    let cert = base64_decode(str_arg(args, 0))
        .map_err(|_| fail("unable to decode base64 certificate".into()))?;
    let key = base64_decode(str_arg(args, 1))
        .map_err(|_| fail("unable to decode base64 private key".into()))?;
    let cert = std::string::String::from_utf8_lossy(&cert).into_owned();
    let key = std::string::String::from_utf8_lossy(&key).into_owned();
    let Some((_, der)) = pem_decode(&cert) else {
        return Err(fail("unable to decode certificate".into()));
    };
    parse_certificate(&der)
        .map_err(|e| fail(format!("error parsing certificate: decodedCert.Bytes: {e}")))?;
    parse_private_key_pem(&key).map_err(|e| fail(format!("error parsing private key: {e}")))?;
    Ok(certificate_value(cert, key))
}

#[cfg(test)]
mod tests;
