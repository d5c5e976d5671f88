//! `mailcheck explain`: the classifier on one reply pasted from a mail client or a log, with
//! no probe around it.

use crate::clientconfig::ProviderConfig;
use crate::finding::FindingCode;
use crate::settings::Protocol;

use super::classify;

/// What a pasted reply means.
#[derive(Clone, Debug)]
pub struct Explanation {
    /// The most likely cause; `None` when the reply says nothing recognisable.
    pub code: Option<FindingCode>,
    /// Every cause the reply leaves open, most likely first.
    pub possible_causes: Vec<FindingCode>,
    pub protocol: Option<Protocol>,
    /// The provider whose reply patterns and hints were used.
    pub provider: Option<&'static ProviderConfig>,
}

/// Why a reply could not be explained at all.
#[derive(Debug, thiserror::Error)]
pub enum ExplainError {
    #[error("--provider {0}: not a known provider or mail domain")]
    UnknownProvider(String),
}

/// Explains `reply`, read as `protocol` when given, for the provider `provider` names (a mail
/// domain, an address, a provider id, an MX or server host).
pub fn explain(
    reply: &str,
    protocol: Option<Protocol>,
    provider: Option<&str>,
) -> Result<Explanation, ExplainError> {
    let provider = match provider {
        Some(name) => Some(
            classify::provider_for(name)
                .ok_or_else(|| ExplainError::UnknownProvider(name.to_owned()))?,
        ),
        None => None,
    };
    let class = classify::classify(protocol, None, reply, provider);
    Ok(Explanation {
        code: class.code,
        possible_causes: class.possible_causes,
        protocol,
        provider,
    })
}
