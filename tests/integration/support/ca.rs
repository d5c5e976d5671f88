//! A test certificate authority, made at test time: a CA, one leaf certificate for every host
//! name the test web server answers for, and on request leaf certificates for the fake mail
//! servers that are valid, expired, expiring soon, for other names, or from an unknown CA.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rcgen::{
    BasicConstraints, Certificate, CertificateParams, DistinguishedName, DnType,
    ExtendedKeyUsagePurpose, IsCa, KeyPair, KeyUsagePurpose,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use time::{Duration, OffsetDateTime};

/// A certificate authority that can sign more leaves.
pub struct Ca {
    cert: Certificate,
    key: KeyPair,
}

/// A leaf certificate with its chain and key, ready for a TLS server.
pub struct ServerCert {
    pub chain: Vec<CertificateDer<'static>>,
    pub key: PrivateKeyDer<'static>,
}

impl ServerCert {
    /// A rustls server configuration presenting this certificate.
    pub fn server_config(&self, alpn: &[&[u8]]) -> Arc<rustls::ServerConfig> {
        let mut tls = rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .expect("TLS versions")
        .with_no_client_auth()
        .with_single_cert(self.chain.clone(), self.key.clone_key())
        .expect("the server certificate");
        tls.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
        Arc::new(tls)
    }
}

/// When a leaf is valid.
#[derive(Clone, Copy, Debug)]
pub enum Validity {
    /// From yesterday for a year.
    Current,
    /// Ended yesterday.
    Expired,
    /// Ends in this many days.
    EndsInDays(i64),
}

/// The CA (as PEM, for `--ca-file`) and the leaf certificate the web server presents.
pub struct TestPki {
    pub ca: Ca,
    pub ca_pem: String,
    pub web: ServerCert,
}

fn name(common_name: &str) -> DistinguishedName {
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, common_name);
    dn.push(DnType::OrganizationName, "mailcheck integration tests");
    dn
}

/// What a CA certificate called `common_name` says, root or intermediate.
fn ca_params(common_name: &str) -> CertificateParams {
    let mut ca = CertificateParams::new(Vec::<String>::new()).expect("CA params");
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name = name(common_name);
    ca.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    ca
}

impl Ca {
    /// A fresh CA called `common_name`.
    pub fn new(common_name: &str) -> Ca {
        let key = KeyPair::generate().expect("CA key");
        let cert = ca_params(common_name)
            .self_signed(&key)
            .expect("CA certificate");
        Ca { cert, key }
    }

    /// A CA signed by this one.
    fn intermediate(&self, common_name: &str) -> Ca {
        let key = KeyPair::generate().expect("intermediate key");
        let cert = ca_params(common_name)
            .signed_by(&key, &self.cert, &self.key)
            .expect("intermediate certificate");
        Ca { cert, key }
    }

    /// A leaf for `hosts` under a chain of `length` certificates in all: the leaf, then
    /// `length - 2` intermediates each signed by the next, then this CA.
    pub fn long_chain(&self, hosts: &[&str], length: usize) -> ServerCert {
        let mut issuers = vec![self.intermediate("intermediate 1")];
        for i in 2..=length.saturating_sub(2) {
            let next = issuers
                .last()
                .expect("one at least")
                .intermediate(&format!("intermediate {i}"));
            issuers.push(next);
        }
        let mut cert = issuers
            .last()
            .expect("one at least")
            .leaf(hosts, Validity::Current);
        cert.chain.truncate(1);
        cert.chain
            .extend(issuers.iter().rev().map(|ca| ca.cert.der().clone()));
        cert.chain.push(self.cert.der().clone());
        cert
    }

    /// A leaf for `hosts` signed by an intermediate of this CA, sent without it: the chain a
    /// server that lacks its intermediate sends.
    pub fn leaf_without_intermediate(&self, hosts: &[&str]) -> ServerCert {
        let mut cert = self
            .intermediate("intermediate not sent")
            .leaf(hosts, Validity::Current);
        cert.chain.truncate(1);
        cert
    }

    pub fn pem(&self) -> String {
        self.cert.pem()
    }

    /// A leaf for `hosts` (the first is also the common name), valid as `validity` says.
    pub fn leaf(&self, hosts: &[&str], validity: Validity) -> ServerCert {
        let leaf_key = KeyPair::generate().expect("leaf key");
        let hosts: Vec<String> = hosts.iter().map(|h| (*h).to_owned()).collect();
        let mut leaf = CertificateParams::new(hosts.clone()).expect("leaf params");
        leaf.distinguished_name = name(hosts.first().map_or("localhost", String::as_str));
        leaf.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        leaf.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        let now = OffsetDateTime::now_utc();
        (leaf.not_before, leaf.not_after) = match validity {
            Validity::Current => (now - Duration::days(1), now + Duration::days(365)),
            Validity::Expired => (now - Duration::days(90), now - Duration::days(1)),
            Validity::EndsInDays(days) => (now - Duration::days(80), now + Duration::days(days)),
        };
        let leaf_cert = leaf
            .signed_by(&leaf_key, &self.cert, &self.key)
            .expect("leaf certificate");
        ServerCert {
            chain: vec![leaf_cert.der().clone(), self.cert.der().clone()],
            key: PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der())),
        }
    }
}

/// A fresh CA, and the web server's leaf certificate signed by it: for every host of `hosts`
/// except those that test a certificate that does not fit (names containing `nocert`).
pub fn issue(hosts: &[String]) -> TestPki {
    let ca = Ca::new("mailcheck test CA");
    let names: Vec<&str> = hosts
        .iter()
        .map(String::as_str)
        .filter(|h| !h.contains("nocert"))
        .collect();
    let web = ca.leaf(&names, Validity::Current);
    TestPki {
        ca_pem: ca.pem(),
        ca,
        web,
    }
}

impl TestPki {
    /// Writes the CA (PEM) into `dir`, for `--ca-file`; returns the file's path.
    pub fn write_ca_file(&self, dir: &Path) -> PathBuf {
        let path = dir.join("test-ca.pem");
        std::fs::write(&path, &self.ca_pem).expect("the CA file");
        path
    }
}
