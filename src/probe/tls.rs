//! TLS for mail servers: the handshake, and a verifier that records what is wrong with a
//! certificate instead of only refusing it.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, SignatureScheme};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;

use crate::finding::Chain;
use crate::net::trust::TrustAnchors;

/// The certificate and session facts of a TLS connection.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TlsFacts {
    pub version: String,
    pub subject: String,
    pub issuer: String,
    pub names: Vec<String>,
    /// RFC 3339, UTC.
    pub not_after: String,
}

/// What is wrong with a server's certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CertProblem {
    /// Expired or not yet valid.
    Expired(String),
    /// Valid, but for other names.
    NameMismatch,
    /// The chain leads to no trusted root (self-signed, unknown CA, bad signature); the chain
    /// the server sent says which.
    Untrusted(String, Chain),
}

/// Why a TLS handshake did not complete.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HandshakeFailure {
    Timeout(Duration),
    /// The server answered the ClientHello with something that is not TLS (a greeting).
    NotTls(String),
    Closed,
    Other(String),
}

/// A TCP stream that keeps the first bytes it reads, so a plaintext answer to a ClientHello
/// can be shown as evidence.
pub struct Recorded {
    inner: TcpStream,
    first: Vec<u8>,
}

impl Recorded {
    const KEEP: usize = 512;

    /// The connection under the TLS.
    pub fn tcp(&self) -> &TcpStream {
        &self.inner
    }
}

impl AsyncRead for Recorded {
    fn poll_read(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let poll = std::pin::Pin::new(&mut this.inner).poll_read(cx, buf);
        if this.first.len() < Self::KEEP {
            let new = &buf.filled()[before..];
            let room = Self::KEEP - this.first.len();
            this.first.extend_from_slice(&new[..new.len().min(room)]);
        }
        poll
    }
}

impl AsyncWrite for Recorded {
    fn poll_write(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        std::pin::Pin::new(&mut self.get_mut().inner).poll_write(cx, buf)
    }
    fn poll_flush(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }
    fn poll_shutdown(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

/// Verifies like webpki, but lets the handshake finish so the certificate can be reported;
/// the verdict is kept and the caller must not trust the session when it failed.
#[derive(Debug)]
struct RecordingVerifier {
    inner: Arc<WebPkiServerVerifier>,
    /// For servers found through SRV, a certificate for the mail domain also counts (RFC 7817).
    also_valid_for: Option<ServerName<'static>>,
    seen: Mutex<Option<Seen>>,
}

/// What the verifier saw: the leaf, the verdict, and the shape of the chain sent.
type Seen = (CertificateDer<'static>, Result<(), rustls::Error>, Chain);

impl ServerCertVerifier for RecordingVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let verify = |name: &ServerName<'_>| {
            self.inner
                .verify_server_cert(end_entity, intermediates, name, ocsp_response, now)
                .map(|_| ())
        };
        let mut verdict = verify(server_name);
        if let (Err(rustls::Error::InvalidCertificate(e)), Some(alt)) =
            (&verdict, &self.also_valid_for)
            && is_name_error(e)
            && verify(alt).is_ok()
        {
            verdict = Ok(());
        }
        let chain = match &verdict {
            Err(rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer)) => {
                chain_shape(end_entity, intermediates)
            }
            _ => Chain::Other,
        };
        *self.seen.lock().expect("verifier lock") =
            Some((end_entity.clone().into_owned(), verdict, chain));
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

/// Why a chain that leads to no known issuer does so: a self-signed certificate, a root that is
/// not trusted here, or a last certificate whose issuer the server did not send.
fn chain_shape(end_entity: &CertificateDer<'_>, intermediates: &[CertificateDer<'_>]) -> Chain {
    use x509_parser::prelude::{FromDer, X509Certificate};
    let names = |der: &CertificateDer<'_>| {
        X509Certificate::from_der(der.as_ref())
            .ok()
            .map(|(_, c)| (c.subject().to_string(), c.issuer().to_string()))
    };
    let Some(leaf) = names(end_entity) else {
        return Chain::Other;
    };
    if leaf.0 == leaf.1 {
        return Chain::SelfSigned;
    }
    let (subject, issuer) = intermediates.last().and_then(names).unwrap_or(leaf);
    if subject == issuer {
        Chain::RootNotTrusted { root: subject }
    } else {
        Chain::IssuerMissing { issuer }
    }
}

fn is_name_error(e: &CertificateError) -> bool {
    matches!(
        e,
        CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. }
    )
}

/// A finished handshake: the stream, what the certificate says, and what is wrong with it.
pub struct Established {
    pub stream: TlsStream<Recorded>,
    pub facts: TlsFacts,
    pub problem: Option<CertProblem>,
}

/// Runs a TLS handshake on `tcp` for `host`, under the time limit.
pub async fn handshake(
    tcp: TcpStream,
    host: &str,
    also_valid_for: Option<&str>,
    anchors: &TrustAnchors,
    timeout: Duration,
) -> Result<Established, HandshakeFailure> {
    // What the verifier records belongs to this connection; the rest is the anchors', built once.
    let verifier = Arc::new(RecordingVerifier {
        inner: anchors.verifier(),
        also_valid_for: also_valid_for.and_then(|n| ServerName::try_from(n.to_owned()).ok()),
        seen: Mutex::new(None),
    });
    let mut config = rustls::ClientConfig::builder_with_provider(anchors.provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| HandshakeFailure::Other(e.to_string()))?
        .dangerous()
        .with_custom_certificate_verifier(verifier.clone())
        .with_no_client_auth();
    // Each handshake has its own config (its verifier records what it saw), so the session
    // cache rustls adds by default (room for 32 servers' tickets) could never be used and is
    // only memory held by every open connection: 65.5 MiB to 58.5 MiB peak over 10,000
    // accounts at --jobs 64. A resumed session would also hide the certificate a probe checks.
    config.resumption = rustls::client::Resumption::disabled();
    let name = ServerName::try_from(host.to_owned())
        .map_err(|e| HandshakeFailure::Other(format!("{host:?} is not a server name: {e}")))?;
    let io = Recorded {
        inner: tcp,
        first: Vec::new(),
    };
    let connector = TlsConnector::from(Arc::new(config));
    let connecting = connector.connect(name, io).into_fallible();
    let stream = match tokio::time::timeout(timeout, connecting).await {
        Err(_) => return Err(HandshakeFailure::Timeout(timeout)),
        Ok(Ok(stream)) => stream,
        Ok(Err((e, io))) => return Err(classify_handshake_error(&e, &io.first)),
    };
    let (leaf, verdict, chain) = verifier
        .seen
        .lock()
        .expect("verifier lock")
        .take()
        .ok_or_else(|| HandshakeFailure::Other("the server sent no certificate".into()))?;
    let mut facts = certificate_facts(&leaf);
    facts.version = match stream.get_ref().1.protocol_version() {
        Some(rustls::ProtocolVersion::TLSv1_3) => "TLSv1.3".into(),
        Some(rustls::ProtocolVersion::TLSv1_2) => "TLSv1.2".into(),
        Some(other) => format!("{other:?}"),
        None => String::new(),
    };
    // In words and dates, not rustls' UNIX seconds: the evidence is read by a person.
    let problem = verdict.err().map(|e| match e {
        rustls::Error::InvalidCertificate(
            CertificateError::Expired | CertificateError::ExpiredContext { .. },
        ) => CertProblem::Expired(format!("certificate expired on {}", facts.not_after)),
        rustls::Error::InvalidCertificate(
            CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. },
        ) => CertProblem::Expired("certificate not valid yet".to_owned()),
        rustls::Error::InvalidCertificate(ref c) if is_name_error(c) => CertProblem::NameMismatch,
        other => CertProblem::Untrusted(other.to_string(), chain),
    });
    Ok(Established {
        stream,
        facts,
        problem,
    })
}

/// Whether a certificate naming `names` (subjectAltName DNS names) covers `host`: the same name,
/// or a wildcard that is the whole left-most label (RFC 6125 §6.4.3).
pub fn covers(names: &[String], host: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    names.iter().any(|name| {
        let name = name.trim_end_matches('.').to_ascii_lowercase();
        match name.strip_prefix("*.") {
            Some(parent) => host
                .split_once('.')
                .is_some_and(|(label, rest)| !label.is_empty() && rest == parent),
            None => name == host,
        }
    })
}

/// Tells a server that answered in plaintext from other handshake failures. A TLS record starts
/// with a content type of 20-24; a greeting starts with `*`, `+`, `-` or a digit.
fn classify_handshake_error(e: &std::io::Error, first: &[u8]) -> HandshakeFailure {
    match first.first() {
        Some(byte) if !(20..=24).contains(byte) => HandshakeFailure::NotTls(recorded_text(first)),
        _ if e.kind() == std::io::ErrorKind::UnexpectedEof && first.is_empty() => {
            HandshakeFailure::Closed
        }
        _ => HandshakeFailure::Other(e.to_string()),
    }
}

/// Subject, issuer, DNS names and expiry of a certificate; empty fields when it cannot be read.
pub fn certificate_facts(der: &CertificateDer<'_>) -> TlsFacts {
    use x509_parser::prelude::{FromDer, GeneralName, X509Certificate};
    let Ok((_, cert)) = X509Certificate::from_der(der.as_ref()) else {
        return TlsFacts::default();
    };
    let names = cert
        .subject_alternative_name()
        .ok()
        .flatten()
        .map(|san| {
            san.value
                .general_names
                .iter()
                .filter_map(|n| match n {
                    GeneralName::DNSName(d) => Some(d.to_string()),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    let not_after = cert
        .validity()
        .not_after
        .to_datetime()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    TlsFacts {
        version: String::new(),
        subject: cert.subject().to_string(),
        issuer: cert.issuer().to_string(),
        names,
        not_after,
    }
}

/// The first bytes a server sent during a failed handshake, as text for the evidence.
pub fn recorded_text(first: &[u8]) -> String {
    crate::net::decode::reply_text(first)
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::covers;

    #[test]
    fn names_and_left_most_wildcards_cover_a_host() {
        let names = vec!["imap.exmail.qq.com".to_owned(), "*.qq.com".to_owned()];
        assert!(covers(&names, "IMAP.exmail.qq.com."));
        assert!(covers(&names, "smtp.qq.com"));
        assert!(!covers(&names, "qq.com"));
        assert!(!covers(&names, "a.b.qq.com"));
        assert!(!covers(&names, "imap.company.test"));
    }
}
