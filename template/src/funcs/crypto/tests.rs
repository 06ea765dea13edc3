//! Expected strings come from helm 4.3.1 (`helm template`); random outputs
//! are checked by structure.

use super::der::{self as d, Reader};
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

#[test]
fn hashes() {
    assert_eq!(
        out("sha1sum", &[s("")]),
        "da39a3ee5e6b4b0d3255bfef95601890afd80709"
    );
    assert_eq!(
        out("sha1sum", &[s("hello")]),
        "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d"
    );
    assert_eq!(
        out("sha256sum", &[s("")]),
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    assert_eq!(
        out("sha256sum", &[s("héllo wörld")]),
        "a1003f7d04a4115711d0b48a2eaf1359ce565d2d2a6fd65098dfcffadeeef59f"
    );
    assert_eq!(
        out("sha512sum", &[s("hello")]),
        "9b71d224bd62f3785d96d46ad3ea3d73319bfbc2890caadae2dff72519673ca7\
         2323c3d99ba5c11d7c7acc6e14b8c5da0c4663475c2e5c3adef46f73bcdec043"
    );
    assert_eq!(out("adler32sum", &[s("")]), "1");
    assert_eq!(out("adler32sum", &[s("hello")]), "103547413");
    assert_eq!(out("adler32sum", &[s("Wikipedia")]), "300286872");
    assert_eq!(out("adler32sum", &[s(&"z".repeat(10000))]), "1652268719");
}

#[test]
fn derive_password_matches_helm() {
    let dp = |c: i64, t: &str, p: &str, u: &str, site: &str| {
        out(
            "derivePassword",
            &[Value::Int(c), s(t), s(p), s(u), s(site)],
        )
    };
    assert_eq!(
        dp(1, "long", "password", "user", "example.com"),
        "ZedaFaxcZaso9*"
    );
    assert_eq!(
        dp(1, "maximum", "password", "user", "example.com"),
        "pf4zS1LjCg&LjhsZ7T2~"
    );
    assert_eq!(
        dp(2, "medium", "password", "user", "example.com"),
        "Fov2-Jal"
    );
    assert_eq!(dp(3, "short", "pw", "ü", "site"), "Wud9");
    assert_eq!(dp(4, "basic", "", "", ""), "vy43KaQ5");
    assert_eq!(dp(5, "pin", "p", "u", "s"), "0296");
    assert_eq!(dp(4294967295, "long", "a", "b", "c"), "TuzoFenuFaqi2~");
    assert_eq!(
        dp(0, "nope", "p", "u", "s"),
        "cannot find password template nope"
    );
}

#[test]
fn bcrypt_and_htpasswd() {
    let h = out("bcrypt", &[s("x")]);
    assert_eq!(h.len(), 60);
    assert!(h.starts_with("$2a$10$"), "{h}");
    assert!(bcrypt::verify("x", &h).expect("valid hash"));
    let line = out("htpasswd", &[s("user"), s("pw")]);
    let (user, hash) = line.split_once(':').expect("user:hash");
    assert_eq!(user, "user");
    assert!(hash.starts_with("$2a$10$") && hash.len() == 60, "{hash}");
    assert!(bcrypt::verify("pw", hash).expect("valid hash"));
    assert_eq!(
        out("htpasswd", &[s("a:b"), s("x")]),
        "invalid username: a:b"
    );
    assert_eq!(
        out("bcrypt", &[s(&"a".repeat(73))]),
        "failed to encrypt string with bcrypt: bcrypt: password length exceeds 72 bytes"
    );
    assert_eq!(out("bcrypt", &[s(&"a".repeat(72))]).len(), 60);
}

#[test]
fn aes_round_trip_and_helm_ciphertexts() {
    // Ciphertexts made by helm's encryptAES.
    assert_eq!(
        out(
            "decryptAES",
            &[
                s("secretkey"),
                s("yUrO5yrd7/lFY0h+bzR/WQdp8RrQhYi5WFp3Kv1d258=")
            ]
        ),
        "plaintext"
    );
    let long_key = "0123456789012345678901234567890123456789";
    assert_eq!(
        out(
            "decryptAES",
            &[
                s(long_key),
                s(
                    "THBRhDFYcS8jobzUifaFLhue4pmBkcCuRFSCntbQfUCplvNLjCRCLMGlsmPGk1sRiBtvso7GGp4MCoQqeuY2yQ=="
                )
            ]
        ),
        "a longer plaintext of more than one block!"
    );
    assert_eq!(out("encryptAES", &[s("k"), s("")]), "");
    assert_eq!(out("decryptAES", &[s("k"), s("")]), "");
    for text in [
        "x",
        "exactly sixteen!",
        "ünïcödé and more than one block of text",
    ] {
        let c = out("encryptAES", &[s("pw"), s(text)]);
        let raw = base64_decode(&c).expect("base64");
        assert_eq!(raw.len(), 16 + (text.len() / 16 + 1) * 16);
        assert_eq!(out("decryptAES", &[s("pw"), s(&c)]), text);
        assert_ne!(c, out("encryptAES", &[s("pw"), s(text)]), "random IV");
    }
}

#[test]
fn aes_errors_match_helm() {
    let e = |c: &str| err("decryptAES", &[s("k"), s(c)]);
    assert_eq!(e("abc"), "illegal base64 data at input byte 0");
    assert_eq!(
        e("YWJj"),
        "runtime error: slice bounds out of range [:16] with capacity 3"
    );
    assert_eq!(e(&"A".repeat(40)), "crypto/cipher: input not full blocks");
    assert_eq!(
        e("AAAAAAAAAAAAAAAAAAAAAA=="),
        "runtime error: index out of range [-1]"
    );
    assert_eq!(
        e(&format!("{}=", "A".repeat(43))),
        "runtime error: slice bounds out of range [:-19]"
    );
}

#[test]
fn base64_like_go() {
    assert_eq!(base64_encode(b""), "");
    assert_eq!(base64_encode(b"f"), "Zg==");
    assert_eq!(base64_encode(b"fo"), "Zm8=");
    assert_eq!(base64_encode(b"foo"), "Zm9v");
    assert_eq!(base64_encode(&[0xfb, 0xff]), "+/8=");
    assert_eq!(base64_decode("Zm9v\r\nYmFy").expect("ok"), b"foobar");
    assert_eq!(base64_decode("Zm8=").expect("ok"), b"fo");
    assert_eq!(base64_decode("Zg==\n").expect("ok"), b"f");
    // Positions reported by helm's decryptAES for these inputs.
    for (input, at) in [
        ("AAAA=AAA", 4),
        ("AA=A", 2),
        ("A", 0),
        ("AA", 0),
        ("AA=", 3),
        ("AAA=\nx", 5),
        ("A\nA", 1),
        ("abc", 0),
    ] {
        assert_eq!(
            base64_decode(input).expect_err(input),
            format!("illegal base64 data at input byte {at}")
        );
    }
}

#[test]
fn gen_private_key_kinds() {
    assert_eq!(out("genPrivateKey", &[s("foo")]), "Unknown type foo");
    let ec = out("genPrivateKey", &[s("ecdsa")]);
    assert!(ec.starts_with("-----BEGIN EC PRIVATE KEY-----\n"), "{ec}");
    assert!(matches!(parse_private_key_pem(&ec), Ok(PrivateKey::Ec(_))));
    let ed = out("genPrivateKey", &[s("ed25519")]);
    assert!(ed.starts_with("-----BEGIN PRIVATE KEY-----\n"), "{ed}");
    let (_, der) = pem_decode(&ed).expect("pem");
    assert_eq!(der.len(), 48);
    assert!(matches!(
        parse_private_key_pem(&ed),
        Ok(PrivateKey::Ed25519(_))
    ));
}

#[test]
fn gen_private_key_rsa_is_4096_bits() {
    let pem = out("genPrivateKey", &[s("rsa")]);
    assert!(pem.starts_with("-----BEGIN RSA PRIVATE KEY-----\n"));
    assert!(pem.ends_with("-----END RSA PRIVATE KEY-----\n"));
    assert!(pem.lines().all(|l| l.len() <= 64));
    let Ok(PrivateKey::Rsa(k)) = parse_private_key_pem(&pem) else {
        panic!("rsa")
    };
    use rsa::traits::PublicKeyParts;
    assert_eq!(k.n().bit_width(), 4096);
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "DSA parameter generation is slow without optimisation"
)]
fn gen_private_key_dsa() {
    let pem = out("genPrivateKey", &[s("dsa")]);
    assert!(
        pem.starts_with("-----BEGIN DSA PRIVATE KEY-----\n"),
        "{pem}"
    );
    let (_, der) = pem_decode(&pem).expect("pem");
    let body = Reader::new(&der).expect(d::SEQUENCE).expect("seq");
    let mut r = Reader::new(body.content);
    let ints: Vec<_> = (0..6)
        .map(|_| r.expect(d::INTEGER).expect("int").content.len())
        .collect();
    assert!(r.is_empty());
    assert_eq!(ints[0], 1);
    assert!((256..=257).contains(&ints[1]), "P is 2048 bits: {ints:?}");
    assert!((32..=33).contains(&ints[2]), "Q is 256 bits: {ints:?}");
    assert!(matches!(parse_private_key_pem(&pem), Ok(PrivateKey::Dsa)));
}

/// A certificate read back into the fields Sprig sets.
#[derive(Debug)]
struct Cert {
    serial: Vec<u8>,
    sig_alg: Vec<u8>,
    issuer: Vec<u8>,
    not_before: std::string::String,
    not_after: std::string::String,
    subject: Vec<u8>,
    key_alg: Vec<u8>,
    public_key: Vec<u8>,
    /// (oid, critical, value)
    exts: Vec<(Vec<u8>, bool, Vec<u8>)>,
    tbs: Vec<u8>,
    signature: Vec<u8>,
}

fn read_cert(pem: &str) -> Cert {
    let (kind, der) = pem_decode(pem).expect("pem");
    assert_eq!(kind, "CERTIFICATE");
    assert_eq!(pem_encode("CERTIFICATE", &der), pem, "canonical PEM");
    let mut top = Reader::new(&der);
    let c = top.expect(d::SEQUENCE).expect("cert");
    assert!(top.is_empty());
    let mut c = Reader::new(c.content);
    let tbs = c.expect(d::SEQUENCE).expect("tbs");
    let outer_alg = c.expect(d::SEQUENCE).expect("alg").whole.to_vec();
    let sig = c.expect(d::BIT_STRING).expect("sig").content[1..].to_vec();
    assert!(c.is_empty());
    let mut t = Reader::new(tbs.content);
    let v = t.expect(d::context_constructed(0)).expect("version");
    assert_eq!(v.content, [2, 1, 2], "v3");
    let serial = t.expect(d::INTEGER).expect("serial").content.to_vec();
    let sig_alg = t.expect(d::SEQUENCE).expect("sigalg").whole.to_vec();
    assert_eq!(sig_alg, outer_alg);
    let issuer = t.expect(d::SEQUENCE).expect("issuer").whole.to_vec();
    let validity = t.expect(d::SEQUENCE).expect("validity");
    let mut vr = Reader::new(validity.content);
    let nb = vr.expect(d::UTC_TIME).expect("notBefore");
    let na = vr.expect(d::UTC_TIME).expect("notAfter");
    let subject = t.expect(d::SEQUENCE).expect("subject").whole.to_vec();
    let spki = t.expect(d::SEQUENCE).expect("spki");
    let mut sr = Reader::new(spki.content);
    let key_alg = sr.expect(d::SEQUENCE).expect("alg").whole.to_vec();
    let public_key = sr.expect(d::BIT_STRING).expect("key").content[1..].to_vec();
    let exts_wrap = t.expect(d::context_constructed(3)).expect("extensions");
    assert!(t.is_empty());
    let list = Reader::new(exts_wrap.content)
        .expect(d::SEQUENCE)
        .expect("ext list");
    let mut l = Reader::new(list.content);
    let mut exts = Vec::new();
    while !l.is_empty() {
        let e = l.expect(d::SEQUENCE).expect("ext");
        let mut er = Reader::new(e.content);
        let oid = er.expect(d::OID).expect("oid").content.to_vec();
        let critical = er
            .optional(d::BOOLEAN)
            .map(|b| b.content == [0xff])
            .unwrap_or(false);
        let value = er.expect(d::OCTET_STRING).expect("value").content.to_vec();
        exts.push((oid, critical, value));
    }
    Cert {
        serial,
        sig_alg,
        issuer,
        not_before: std::str::from_utf8(nb.content).expect("ascii").into(),
        not_after: std::str::from_utf8(na.content).expect("ascii").into(),
        subject,
        key_alg,
        public_key,
        exts,
        tbs: tbs.whole.to_vec(),
        signature: sig,
    }
}

fn cn_name(cn: &str, tag: u8) -> Vec<u8> {
    let atv = d::seq(&[d::oid(OID_CN), d::tlv(tag, cn.as_bytes())]);
    d::seq(&[d::tlv(d::SET, &atv)])
}

fn fields(v: &Value) -> (std::string::String, std::string::String) {
    let Value::Object(o) = v else {
        panic!("not an object: {v:?}")
    };
    assert_eq!(o.type_name(), "sprig.certificate");
    let get = |f: &str| match o.field(f) {
        Some(Ok(Value::String(x))) => x.to_string(),
        other => panic!("{f}: {other:?}"),
    };
    (get("Cert"), get("Key"))
}

fn rsa_public(key_pem: &str) -> rsa::PublicKey {
    match parse_private_key_pem(key_pem) {
        Ok(PrivateKey::Rsa(k)) => k.to_public_key(),
        _ => panic!("not an RSA key"),
    }
}

fn verify_rsa(cert: &Cert, signer: &rsa::PublicKey) {
    signer
        .pkcs1v15_verify::<sha2::Sha256>(&cert.tbs, &cert.signature)
        .expect("valid signature");
}

fn days_between(a: &str, b: &str) -> i64 {
    let unix = |t: &str| {
        let n = |i: usize| t[i..i + 2].parse::<i64>().expect("digits");
        let days = crate::funcs::dates::days_from_civil(2000 + n(0), n(2) as u32, n(4) as u32);
        days * 86400 + n(6) * 3600 + n(8) * 60 + n(10)
    };
    (unix(b) - unix(a)) / 86400
}

const SHA256_RSA_ALG: &[u8] = &[
    0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b, 0x05, 0x00,
];
const RSA_KEY_ALG: &[u8] = &[
    0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00,
];
/// Extension values in helm's output (openssl asn1parse of genCA/genSignedCert).
const KU_LEAF: &[u8] = &[0x03, 0x02, 0x05, 0xa0];
const KU_CA: &[u8] = &[0x03, 0x02, 0x02, 0xa4];
const EKU: &[u8] = &[
    0x30, 0x14, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01, 0x06, 0x08, 0x2b, 0x06,
    0x01, 0x05, 0x05, 0x07, 0x03, 0x02,
];

#[test]
fn gen_ca_structure() {
    let ca = call("genCA", &[s("my-ca"), Value::Int(365)]).expect("genCA");
    let (cert_pem, key_pem) = fields(&ca);
    assert!(key_pem.starts_with("-----BEGIN RSA PRIVATE KEY-----\n"));
    let c = read_cert(&cert_pem);
    assert_eq!(c.sig_alg, SHA256_RSA_ALG);
    assert_eq!(c.key_alg, RSA_KEY_ALG);
    assert_eq!(c.subject, cn_name("my-ca", d::PRINTABLE_STRING));
    assert_eq!(c.issuer, c.subject);
    assert!(!c.serial.is_empty() && c.serial.len() <= 17);
    assert_eq!(days_between(&c.not_before, &c.not_after), 365);
    use rsa::traits::PublicKeyParts;
    let pk = rsa_public(&key_pem);
    assert_eq!(pk.n().bit_width(), 2048);
    verify_rsa(&c, &pk);
    let oids: Vec<&[u8]> = c.exts.iter().map(|e| e.0.as_slice()).collect();
    assert_eq!(
        oids,
        [
            OID_KEY_USAGE,
            OID_EXT_KEY_USAGE,
            OID_BASIC_CONSTRAINTS,
            OID_SUBJECT_KEY_ID
        ]
    );
    assert_eq!(c.exts[0], (OID_KEY_USAGE.to_vec(), true, KU_CA.to_vec()));
    assert_eq!(c.exts[1], (OID_EXT_KEY_USAGE.to_vec(), false, EKU.to_vec()));
    assert_eq!(
        c.exts[2],
        (
            OID_BASIC_CONSTRAINTS.to_vec(),
            true,
            vec![0x30, 0x03, 0x01, 0x01, 0xff]
        )
    );
    // Subject key id: truncated SHA-256 of the PKCS#1 public key (as helm's).
    let ski = sha2::Sha256::digest(&c.public_key)[..20].to_vec();
    assert_eq!(c.exts[3].2, d::tlv(d::OCTET_STRING, &ski));
    // The struct prints as Go's %v of {Cert Key}.
    let Value::Object(o) = &ca else {
        unreachable!()
    };
    assert_eq!(o.display(), format!("{{{cert_pem} {key_pem}}}"));
    // Each call makes a new key and serial.
    let (other, _) = fields(&call("genCA", &[s("my-ca"), Value::Int(365)]).expect("genCA"));
    assert_ne!(read_cert(&other).serial, c.serial);
}

#[test]
fn gen_signed_cert_structure() {
    let ca = call("genCA", &[s("my-ca"), Value::Int(10)]).expect("genCA");
    let (ca_pem, ca_key) = fields(&ca);
    let ca_cert = read_cert(&ca_pem);
    let ips = Value::list(vec![s("10.0.0.1"), s("::1"), s("::ffff:1.2.3.4")]);
    let dns = Value::list(vec![s("a.example.com"), s("b")]);
    let leaf = call(
        "genSignedCert",
        &[s("foo.example.com"), ips, dns, Value::Int(30), ca],
    )
    .expect("genSignedCert");
    let (pem, key) = fields(&leaf);
    let c = read_cert(&pem);
    assert_eq!(c.issuer, ca_cert.subject);
    assert_eq!(c.subject, cn_name("foo.example.com", d::PRINTABLE_STRING));
    assert_eq!(days_between(&c.not_before, &c.not_after), 30);
    verify_rsa(&c, &rsa_public(&ca_key));
    assert_ne!(rsa_public(&key), rsa_public(&ca_key));
    let oids: Vec<&[u8]> = c.exts.iter().map(|e| e.0.as_slice()).collect();
    assert_eq!(
        oids,
        [
            OID_KEY_USAGE,
            OID_EXT_KEY_USAGE,
            OID_BASIC_CONSTRAINTS,
            OID_AUTHORITY_KEY_ID,
            OID_SUBJECT_ALT_NAME
        ]
    );
    assert_eq!(c.exts[0].2, KU_LEAF);
    assert_eq!(
        c.exts[2],
        (OID_BASIC_CONSTRAINTS.to_vec(), true, vec![0x30, 0x00])
    );
    let ca_ski = ca_cert.exts[3].2[2..].to_vec();
    assert_eq!(c.exts[3].2, d::seq(&[d::tlv(0x80, &ca_ski)]));
    // DNS names first, then IPs (IPv4 and IPv4-mapped as 4 bytes); not critical.
    let mut ip6 = [0u8; 16];
    ip6[15] = 1;
    let san = d::seq(&[
        d::tlv(0x82, b"a.example.com"),
        d::tlv(0x82, b"b"),
        d::tlv(0x87, &[10, 0, 0, 1]),
        d::tlv(0x87, &ip6),
        d::tlv(0x87, &[1, 2, 3, 4]),
    ]);
    assert_eq!(c.exts[4], (OID_SUBJECT_ALT_NAME.to_vec(), false, san));
}

#[test]
fn self_signed_and_empty_subject() {
    let v = call(
        "genSelfSignedCert",
        &[s(""), Value::Nil, Value::list(vec![s("x")]), Value::Int(1)],
    )
    .expect("genSelfSignedCert");
    let (pem, key) = fields(&v);
    let c = read_cert(&pem);
    assert_eq!(c.subject, vec![0x30, 0]);
    assert_eq!(c.issuer, c.subject);
    verify_rsa(&c, &rsa_public(&key));
    // No SKI/AKI on a self-signed leaf; the SAN is critical when the subject is empty.
    let oids: Vec<&[u8]> = c.exts.iter().map(|e| e.0.as_slice()).collect();
    assert_eq!(
        oids,
        [
            OID_KEY_USAGE,
            OID_EXT_KEY_USAGE,
            OID_BASIC_CONSTRAINTS,
            OID_SUBJECT_ALT_NAME
        ]
    );
    assert!(c.exts[3].1);
    // Common names outside PrintableString (here '*') use UTF8String, as Go does.
    let v = call(
        "genSelfSignedCert",
        &[s("*.example.com"), Value::Nil, Value::Nil, Value::Int(1)],
    )
    .expect("genSelfSignedCert");
    let c = read_cert(&fields(&v).0);
    assert_eq!(c.subject, cn_name("*.example.com", d::UTF8_STRING));
    assert_eq!(c.exts.len(), 3);
}

#[test]
fn with_key_variants_keep_the_key() {
    let ec = out("genPrivateKey", &[s("ecdsa")]);
    let ca = call("genCAWithKey", &[s("ec-ca"), Value::Int(5), s(&ec)]).expect("genCAWithKey");
    let (ca_pem, ca_key) = fields(&ca);
    assert_eq!(ca_key, ec);
    let c = read_cert(&ca_pem);
    assert_eq!(c.sig_alg, d::seq(&[d::oid(OID_ECDSA_SHA256)]));
    assert_eq!(
        c.key_alg,
        d::seq(&[d::oid(OID_EC_PUBLIC_KEY), d::oid(OID_P256)])
    );
    let Ok(PrivateKey::Ec(k)) = parse_private_key_pem(&ec) else {
        panic!("ec")
    };
    use p256::ecdsa::signature::Verifier;
    let sig = p256::ecdsa::DerSignature::try_from(c.signature.as_slice()).expect("der sig");
    k.verifying_key()
        .verify(&c.tbs, &sig)
        .expect("valid ECDSA signature");

    let ed = out("genPrivateKey", &[s("ed25519")]);
    let leaf = call(
        "genSignedCertWithKey",
        &[
            s("leaf"),
            Value::Nil,
            Value::Nil,
            Value::Int(1),
            ca.clone(),
            s(&ed),
        ],
    )
    .expect("genSignedCertWithKey");
    let (pem, key) = fields(&leaf);
    assert_eq!(key, ed);
    let c = read_cert(&pem);
    assert_eq!(c.key_alg, d::seq(&[d::oid(OID_ED25519)]));
    assert_eq!(
        c.sig_alg,
        d::seq(&[d::oid(OID_ECDSA_SHA256)]),
        "signed by the EC CA"
    );

    let rsa_pem = fields(&call("genCA", &[s("r"), Value::Int(1)]).expect("genCA")).1;
    let ss = call(
        "genSelfSignedCertWithKey",
        &[
            s("ss"),
            Value::list(vec![s("1.1.1.1")]),
            Value::Nil,
            Value::Int(2),
            s(&rsa_pem),
        ],
    )
    .expect("genSelfSignedCertWithKey");
    let (pem, key) = fields(&ss);
    assert_eq!(key, rsa_pem);
    verify_rsa(&read_cert(&pem), &rsa_public(&rsa_pem));
}

#[test]
fn build_custom_cert_round_trip_and_errors() {
    let (cert, key) = fields(&call("genCA", &[s("x"), Value::Int(1)]).expect("genCA"));
    let b = call(
        "buildCustomCert",
        &[
            s(&base64_encode(cert.as_bytes())),
            s(&base64_encode(key.as_bytes())),
        ],
    )
    .expect("buildCustomCert");
    assert_eq!(fields(&b), (cert.clone(), key.clone()));
    // A CA rebuilt this way signs children.
    let leaf = call(
        "genSignedCert",
        &[s("l"), Value::Nil, Value::Nil, Value::Int(1), b],
    )
    .expect("signed");
    verify_rsa(&read_cert(&fields(&leaf).0), &rsa_public(&key));

    let e = |c: &str, k: &str| err("buildCustomCert", &[s(c), s(k)]);
    let b64 = |x: &str| base64_encode(x.as_bytes());
    assert_eq!(e("%%%", &b64(&key)), "unable to decode base64 certificate");
    assert_eq!(e(&b64(&cert), "%%%"), "unable to decode base64 private key");
    assert_eq!(e(&b64("hello"), &b64(&key)), "unable to decode certificate");
    assert_eq!(
        e(&b64(&cert), &b64("hello")),
        "error parsing private key: no PEM data in input"
    );
    assert_eq!(
        e(&b64(&cert), &b64(&cert)),
        "error parsing private key: no private key data in PEM block of type CERTIFICATE"
    );
    let junk = pem_encode("CERTIFICATE", b"\x30\x03\x02\x01\x01");
    assert!(
        e(&b64(&junk), &b64(&key))
            .starts_with("error parsing certificate: decodedCert.Bytes: x509: ")
    );
}

#[test]
fn cert_argument_errors() {
    let (_, key) = fields(&call("genCA", &[s("a"), Value::Int(1)]).expect("genCA"));
    let other = call("genCA", &[s("b"), Value::Int(1)]).expect("genCA");
    let (other_cert, _) = fields(&other);
    // A CA whose key does not match its certificate.
    let mismatched = call(
        "buildCustomCert",
        &[
            s(&base64_encode(other_cert.as_bytes())),
            s(&base64_encode(key.as_bytes())),
        ],
    )
    .expect("buildCustomCert");
    assert_eq!(
        err(
            "genSignedCert",
            &[s("x"), Value::Nil, Value::Nil, Value::Int(1), mismatched]
        ),
        "error creating certificate: x509: provided PrivateKey doesn't match parent's PublicKey"
    );
    assert_eq!(
        err(
            "genSelfSignedCert",
            &[
                s("x"),
                Value::list(vec![s("1.2.3")]),
                Value::Nil,
                Value::Int(1)
            ]
        ),
        "error parsing ip: 1.2.3"
    );
    assert_eq!(
        err(
            "genSelfSignedCert",
            &[
                s("x"),
                Value::list(vec![Value::Int(3)]),
                Value::Nil,
                Value::Int(1)
            ]
        ),
        "error parsing ip: 3 is not a string"
    );
    assert_eq!(
        err(
            "genSelfSignedCert",
            &[
                s("x"),
                Value::Nil,
                Value::list(vec![Value::Bool(true)]),
                Value::Int(1)
            ]
        ),
        "error processing alternate dns name: true is not a string"
    );
    assert_eq!(
        err(
            "genSelfSignedCert",
            &[s("x"), Value::Nil, Value::list(vec![s("é")]), Value::Int(1)]
        ),
        "error creating certificate: x509: \"é\" cannot be encoded as an IA5String"
    );
    assert_eq!(
        err("genCAWithKey", &[s("x"), Value::Int(1), s("nope")]),
        "parsing private key: no PEM data in input"
    );
    assert_eq!(
        err(
            "genSignedCert",
            &[
                s("x"),
                Value::Nil,
                Value::Nil,
                Value::Int(1),
                Value::empty_map()
            ]
        ),
        "wrong type for value; expected sprig.certificate; got map[string]interface {}"
    );
}

#[test]
fn ip_parsing_like_go() {
    assert_eq!(parse_ip("10.0.0.1"), Some(vec![10, 0, 0, 1]));
    assert_eq!(parse_ip("::ffff:10.0.0.1"), Some(vec![10, 0, 0, 1]));
    assert_eq!(parse_ip("2001:db8::1").map(|v| v.len()), Some(16));
    assert_eq!(parse_ip("1::2:3:4:5:6:7").map(|v| v.len()), Some(16));
    for bad in [
        "",
        "1.2.3",
        "1.2.3.4.5",
        "01.2.3.4",
        "256.1.1.1",
        "1::2::3",
        "fe80::1%eth0",
        "x",
    ] {
        assert_eq!(parse_ip(bad), None, "{bad}");
    }
}
