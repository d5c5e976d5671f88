//! What a server's refusal means: the reply classifier behind probing and `mailcheck explain`.

use crate::clientconfig::ProviderConfig;
use crate::discover::ProviderDb;
use crate::finding::FindingCode;
use crate::settings::Protocol;

/// What a refusal means.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Classification {
    /// The most likely code; `None` when the reply says nothing recognisable.
    pub code: Option<FindingCode>,
    /// Every cause the reply leaves open, most likely first, starting with `code`.
    pub possible_causes: Vec<FindingCode>,
    /// Which rule decided.
    pub rule: String,
    /// IMAP `[ALERT]` text, to show as-is.
    pub alert: Option<String>,
}

/// Where in the dialogue the reply came.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    Greeting,
    Login,
    AfterLogin,
    Other,
}

/// Classifies a reply: the provider's patterns first, then standard codes, then wording.
pub fn classify(
    protocol: Option<Protocol>,
    stage: Stage,
    reply: &str,
    provider: Option<&ProviderConfig>,
) -> Classification {
    let lower = reply.to_lowercase();
    let alert = reply
        .find("[ALERT]")
        .map(|i| reply[i + 7..].trim().to_owned());
    if let Some(provider) = provider {
        for pattern in &provider.replies {
            let protocol_fits = pattern.protocol.is_none() || pattern.protocol == protocol;
            if protocol_fits && lower.contains(&pattern.text.to_lowercase()) {
                let mut causes = vec![pattern.code];
                causes.extend(pattern.also.iter().copied());
                return Classification {
                    code: Some(pattern.code),
                    possible_causes: causes,
                    rule: format!("provider {}: reply pattern", provider.id),
                    alert,
                };
            }
        }
    }
    let disabled = protocol.map_or(FindingCode::SmtpDisabled, FindingCode::disabled_for);
    let rules: &[(&[&str], &str, &[FindingCode])] = &[
        (
            &[
                "application-specific password",
                "app password",
                "授权码",
                "专用密码",
                "authorization code",
                "5.7.9",
            ],
            "wording: app password",
            &[FindingCode::AppPasswordRequired],
        ),
        (
            &["web browser", "weblogin", "web login"],
            "wording: web login",
            &[FindingCode::WebLoginRequired],
        ),
        (
            &[
                "starttls",
                "privacyrequired",
                "5.7.11",
                "encryption required",
            ],
            "TLS required",
            &[FindingCode::TlsRequired],
        ),
        (
            &[
                "not enabled",
                "disabled",
                "not open",
                "未开启",
                "no permission",
                "contactadmin",
            ],
            "wording: service disabled",
            &[],
        ),
        (
            &["locked", "suspended", "frozen", "冻结"],
            "wording: locked",
            &[FindingCode::AccountLocked],
        ),
        (
            &["too many", "frequency", "频繁", "[limit]", "login-delay"],
            "wording: rate limit",
            &[FindingCode::RateLimited],
        ),
        (
            &[
                "authenticationfailed",
                "[auth]",
                "5.7.8",
                "535",
                "invalid credentials",
                "authentication failed",
                "password",
                "login fail",
            ],
            "credentials",
            &[
                FindingCode::BadCredentials,
                FindingCode::AppPasswordRequired,
            ],
        ),
        (
            &[
                "try again later",
                "unavailable",
                "sys/temp",
                "4.7.0",
                "busy",
            ],
            "wording: temporary",
            &[FindingCode::TemporarilyUnavailable],
        ),
    ];
    for (needles, rule, causes) in rules {
        if needles.iter().any(|n| lower.contains(n)) {
            let causes: Vec<FindingCode> = if causes.is_empty() {
                vec![disabled]
            } else {
                causes.to_vec()
            };
            return Classification {
                code: causes.first().copied(),
                possible_causes: causes,
                rule: (*rule).to_owned(),
                alert,
            };
        }
    }
    let _ = stage;
    Classification {
        code: None,
        possible_causes: Vec::new(),
        rule: "no rule matched".into(),
        alert,
    }
}

/// Server replies as text: UTF-8 when valid, else GBK (older QQ and NetEase servers).
pub fn decode_reply(bytes: &[u8]) -> String {
    crate::probe::decode(bytes)
}

/// The provider for `explain --provider X`: a mail domain or a provider id.
pub fn provider_for(name: &str) -> Option<&'static ProviderConfig> {
    let db = ProviderDb::bundled();
    let name = name.trim().to_ascii_lowercase();
    db.get(&name).or_else(|| db.by_domain(&name))
}
