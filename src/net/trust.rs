//! The trust anchors (webpki-roots plus `--ca-file`) for mail and HTTPS alike.

use std::path::Path;
use std::sync::Arc;

use rustls::RootCertStore;
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;

/// Why `--ca-file` could not be used.
#[derive(Debug, thiserror::Error)]
pub enum CaFileError {
    #[error("cannot read {path}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path} holds no PEM certificate")]
    Empty { path: String },
    #[error("{path}: {reason}")]
    Invalid { path: String, reason: String },
}

/// The certificates a server's chain may lead to, and what checks a chain against them: built
/// once, shared by every handshake of a run (or of a batch).
#[derive(Clone, Debug)]
pub struct TrustAnchors {
    roots: Arc<RootCertStore>,
    provider: Arc<CryptoProvider>,
    verifier: Arc<WebPkiServerVerifier>,
}

impl TrustAnchors {
    /// The built-in roots, plus every certificate in `ca_file`.
    pub fn load(ca_file: Option<&Path>) -> Result<Self, CaFileError> {
        let mut roots = RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
        };
        if let Some(path) = ca_file {
            let shown = path.display().to_string();
            // A system's whole CA bundle is about 200 KiB; far more is a wrong file.
            let bytes = std::fs::File::open(path)
                .and_then(|file| super::bounded::read_at_most(file, 16 << 20))
                .map_err(|source| CaFileError::Read {
                    path: shown.clone(),
                    source,
                })?;
            let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(&bytes)
                .collect::<Result<_, _>>()
                .map_err(|e| CaFileError::Invalid {
                    path: shown.clone(),
                    reason: e.to_string(),
                })?;
            if certs.is_empty() {
                return Err(CaFileError::Empty { path: shown });
            }
            for cert in certs {
                roots.add(cert).map_err(|e| CaFileError::Invalid {
                    path: shown.clone(),
                    reason: e.to_string(),
                })?;
            }
        }
        let roots = Arc::new(roots);
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        // It refuses only an empty store, and the built-in roots are always in it.
        let verifier =
            WebPkiServerVerifier::builder_with_provider(Arc::clone(&roots), Arc::clone(&provider))
                .build()
                .expect("the built-in roots make a verifier");
        Ok(Self {
            roots,
            provider,
            verifier,
        })
    }

    /// The cryptography every handshake uses (ring).
    pub fn provider(&self) -> Arc<CryptoProvider> {
        Arc::clone(&self.provider)
    }

    /// The webpki verifier of these anchors.
    pub fn verifier(&self) -> Arc<WebPkiServerVerifier> {
        Arc::clone(&self.verifier)
    }

    /// A client configuration that verifies certificates against these anchors.
    pub fn client_config(&self, alpn: &[&[u8]]) -> rustls::ClientConfig {
        let mut config = rustls::ClientConfig::builder_with_provider(self.provider())
            .with_safe_default_protocol_versions()
            .expect("ring supports the default protocol versions")
            .with_root_certificates(Arc::clone(&self.roots))
            .with_no_client_auth();
        config.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
        config
    }
}
