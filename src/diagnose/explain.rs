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
    /// What was given to `--provider`, as given (the contract's `provider`, when recognised).
    pub provider_given: Option<String>,
}

impl Explanation {
    /// A `--provider` was given that no provider in the database has: the reply was explained
    /// without provider knowledge.
    pub fn provider_not_recognised(&self) -> bool {
        self.provider_given.is_some() && self.provider.is_none()
    }
}

/// Why a reply could not be explained at all. Nothing fails today: a `--provider` that is not
/// recognised (a company's own domain) is explained without provider knowledge.
#[derive(Debug, thiserror::Error)]
pub enum ExplainError {
    #[error("--provider {0}: not a known provider or mail domain")]
    UnknownProvider(String),
}

/// Explains `reply`, read as `protocol` when given, for the provider `provider` names (a mail
/// domain, an address, a provider id, an MX or server host). A name the database does not know
/// is no error: the reply is explained without provider knowledge (see
/// [`Explanation::provider_not_recognised`]).
pub fn explain(
    reply: &str,
    protocol: Option<Protocol>,
    provider: Option<&str>,
) -> Result<Explanation, ExplainError> {
    let given = provider.map(str::trim).filter(|p| !p.is_empty());
    let config = given.and_then(classify::provider_for);
    let class = classify::classify(protocol, None, reply, config);
    Ok(Explanation {
        code: class.code,
        possible_causes: class.possible_causes,
        protocol,
        provider: config,
        provider_given: given.map(str::to_owned),
    })
}
