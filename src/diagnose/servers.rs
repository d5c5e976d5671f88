//! From what a probe saw to findings in plain words, with the evidence and the fix.

use crate::clientconfig::ProviderConfig;
use crate::finding::Stage;
use crate::finding::{Finding, FindingCode};
use crate::lang::Lang;
use crate::probe::tls::CertProblem;
use crate::probe::{Issue, ProbeOutcome};
use crate::settings::{Endpoint, Security};

use super::classify::{self, Classification};
use super::text::generic;

/// The findings one probe's issues amount to. `verified` tells whether other settings were
/// probed in full and worked: only then does a hint call its suggestion "proved to work".
pub fn findings_for(
    outcome: &ProbeOutcome,
    provider: Option<&ProviderConfig>,
    verified: &dyn Fn(&Endpoint) -> bool,
    lang: Lang,
) -> Vec<Finding> {
    outcome
        .issues
        .iter()
        .map(|issue| finding_for(&outcome.endpoint, issue, provider, verified, lang))
        .collect()
}

fn finding_for(
    server: &Endpoint,
    issue: &Issue,
    provider: Option<&ProviderConfig>,
    verified: &dyn Fn(&Endpoint) -> bool,
    lang: Lang,
) -> Finding {
    let en = lang == Lang::En;
    // The same host with another port or TLS mode, as the neighbour check found it.
    let proved = |port: u16, security: Security| {
        verified(&Endpoint {
            port,
            security,
            ..server.clone()
        })
    };
    // Said only of a suggestion whose own probe worked, login included.
    let proof = |yes: bool| {
        if yes {
            lang.pick(" (proved to work)", "（已验证可用）")
        } else {
            ""
        }
    };
    let at = format!("{}:{}", server.host, server.port);
    let proto = server.protocol.display_name();
    let (code, message, hint, evidence): (FindingCode, String, String, Option<String>) = match issue
    {
        Issue::Unresolvable(e) => (
            FindingCode::WrongHost,
            if en {
                format!("{} does not resolve: {e}.", server.host)
            } else {
                format!("{} 无法解析：{e}。", server.host)
            },
            generic(FindingCode::WrongHost, lang).1.to_owned(),
            Some(e.to_string()),
        ),
        Issue::Refused { detail, works } => {
            let hint = match works {
                Some((port, security)) => {
                    if en {
                        format!(
                            "{proto} answers on port {port} with {}: use that port.",
                            security.client_label()
                        )
                    } else {
                        format!(
                            "{proto} 在 {port} 端口（{}）可用：请改用该端口。",
                            security.client_label()
                        )
                    }
                }
                None => generic(FindingCode::WrongPort, lang).1.to_owned(),
            };
            (
                FindingCode::WrongPort,
                if en {
                    format!("Nothing listens on {at}.")
                } else {
                    format!("{at} 上没有服务在监听。")
                },
                hint,
                Some(detail.clone()),
            )
        }
        Issue::NoAnswer { step, limit } => (
            FindingCode::Timeout,
            if en {
                format!(
                    "{at} gave no answer at the {step} step within {:.1} s.",
                    limit.as_secs_f64()
                )
            } else {
                format!(
                    "{at} 在“{step}”阶段 {:.1} 秒内没有响应。",
                    limit.as_secs_f64()
                )
            },
            generic(FindingCode::Timeout, lang).1.to_owned(),
            None,
        ),
        Issue::OtherProtocol { protocol, greeting } => (
            FindingCode::WrongPort,
            if en {
                format!(
                    "{at} answers with {} instead of {proto}.",
                    protocol.display_name()
                )
            } else {
                format!(
                    "{at} 上运行的是 {} 而不是 {proto}。",
                    protocol.display_name()
                )
            },
            if en {
                format!(
                    "Use {proto}'s port: {} (SSL/TLS) or {} (STARTTLS).",
                    server.protocol.default_port(Security::Tls),
                    server.protocol.default_port(Security::Starttls)
                )
            } else {
                format!(
                    "请使用 {proto} 的端口：{}（SSL/TLS）或 {}（STARTTLS）。",
                    server.protocol.default_port(Security::Tls),
                    server.protocol.default_port(Security::Starttls)
                )
            },
            Some(greeting.clone()),
        ),
        Issue::NotMail { greeting } => (
            FindingCode::WrongPort,
            if en {
                format!("{at} does not answer like a mail server.")
            } else {
                format!("{at} 的响应不像邮件服务器。")
            },
            generic(FindingCode::WrongPort, lang).1.to_owned(),
            Some(greeting.clone()),
        ),
        Issue::PlaintextOnTlsPort { said, works } => (
            FindingCode::TlsMismatch,
            if en {
                format!("{at} speaks plaintext, but the settings say SSL/TLS from the first byte.")
            } else {
                format!("{at} 使用明文通信，但设置为 SSL/TLS。")
            },
            match works {
                Some(security) => {
                    let proof = proof(proved(server.port, *security));
                    if en {
                        format!(
                            "This server speaks plaintext on {}: choose STARTTLS, not SSL/TLS{proof}.",
                            server.port
                        )
                    } else {
                        format!(
                            "该服务器在 {} 端口使用明文：请选择 STARTTLS 而不是 SSL/TLS{proof}。",
                            server.port
                        )
                    }
                }
                None => {
                    if en {
                        format!(
                            "This server speaks plaintext on {}: use STARTTLS on {}, or SSL/TLS on the provider's TLS port.",
                            server.port,
                            server.protocol.default_port(Security::Starttls)
                        )
                    } else {
                        format!(
                            "该服务器在 {} 端口使用明文：请在 {} 端口使用 STARTTLS，或使用服务商的 SSL/TLS 端口。",
                            server.port,
                            server.protocol.default_port(Security::Starttls)
                        )
                    }
                }
            },
            Some(said.clone()),
        ),
        Issue::TlsOnPlaintextPort { works } => {
            let proof = proof(works.is_some_and(|security| proved(server.port, security)));
            (
                FindingCode::TlsMismatch,
                if en {
                    format!(
                        "{at} expects TLS from the first byte, but the settings say {}.",
                        server.security.client_label()
                    )
                } else {
                    format!(
                        "{at} 要求一开始就使用 TLS，但设置为 {}。",
                        server.security.client_label()
                    )
                },
                if en {
                    format!(
                        "Port {} expects TLS from the first byte: choose SSL/TLS, not {}{proof}.",
                        server.port,
                        server.security.client_label(),
                    )
                } else {
                    format!(
                        "{} 端口要求直接使用 TLS：请选择 SSL/TLS，而不是 {}{proof}。",
                        server.port,
                        server.security.client_label(),
                    )
                },
                Some(if en {
                    "no plaintext greeting; a TLS handshake on the same port succeeds".to_owned()
                } else {
                    "没有明文问候；同一端口 TLS 握手成功".to_owned()
                }),
            )
        }
        Issue::StarttlsNotOffered {
            capabilities,
            implicit_tls_port,
        } => (
            FindingCode::TlsMismatch,
            if en {
                format!("{at} does not offer STARTTLS.")
            } else {
                format!("{at} 不支持 STARTTLS。")
            },
            match implicit_tls_port {
                Some(port) => {
                    let proof = proof(proved(*port, Security::Tls));
                    if en {
                        format!("Choose SSL/TLS on port {port} instead{proof}.")
                    } else {
                        format!("请改用 {port} 端口的 SSL/TLS{proof}。")
                    }
                }
                None => generic(FindingCode::PlaintextOnly, lang).1.to_owned(),
            },
            Some(capabilities.clone()),
        ),
        Issue::StarttlsRefused { reply } => (
            FindingCode::TlsMismatch,
            if en {
                format!("{at} refused the STARTTLS command.")
            } else {
                format!("{at} 拒绝了 STARTTLS 命令。")
            },
            generic(FindingCode::TlsMismatch, lang).1.to_owned(),
            Some(reply.clone()),
        ),
        Issue::Injection { bytes } => (
            FindingCode::StarttlsInjection,
            if en {
                format!(
                    "{at} sent data after its STARTTLS reply, before TLS began; mailcheck stopped there."
                )
            } else {
                format!("{at} 在 STARTTLS 应答后、TLS 开始前发送了数据；mailcheck 已中止。")
            },
            generic(FindingCode::StarttlsInjection, lang).1.to_owned(),
            Some(bytes.clone()),
        ),
        Issue::TlsFailed { reason } => (
            FindingCode::TlsMismatch,
            if en {
                format!("The TLS handshake with {at} failed.")
            } else {
                format!("与 {at} 的 TLS 握手失败。")
            },
            generic(FindingCode::TlsMismatch, lang).1.to_owned(),
            Some(reason.clone()),
        ),
        Issue::Certificate {
            problem,
            facts,
            alias_of,
        } => {
            let names = name_list(&facts.names, lang);
            let (code, message, hint) = match problem {
                CertProblem::Expired(_) => (
                    FindingCode::CertExpired,
                    if en {
                        format!(
                            "The certificate of {at} is not valid now (valid until {}).",
                            facts.not_after
                        )
                    } else {
                        format!("{at} 的证书当前无效（有效期至 {}）。", facts.not_after)
                    },
                    generic(FindingCode::CertExpired, lang).1.to_owned(),
                ),
                CertProblem::NameMismatch => (
                    FindingCode::CertNameMismatch,
                    if en {
                        format!("The certificate of {at} is not for {}.", server.host)
                    } else {
                        format!("{at} 的证书不包含 {}。", server.host)
                    },
                    match (alias_of, en) {
                        (Some(target), true) => format!(
                            "{} is an alias (CNAME) of {target}; type {target} as the server. The certificate covers: {names}.",
                            server.host
                        ),
                        (Some(target), false) => format!(
                            "{} 是 {target} 的别名（CNAME）；请将服务器地址填写为 {target}。证书包含的名称：{names}。",
                            server.host
                        ),
                        (None, true) => format!(
                            "The certificate covers: {names}. Use one of those names as the server name."
                        ),
                        (None, false) => {
                            format!("证书包含的名称：{names}。请使用其中之一作为服务器地址。")
                        }
                    },
                ),
                CertProblem::Untrusted(_) => (
                    FindingCode::CertUntrusted,
                    if en {
                        format!(
                            "The certificate of {at} is not signed by a trusted authority (issuer: {}).",
                            facts.issuer
                        )
                    } else {
                        format!("{at} 的证书不受信任（签发者：{}）。", facts.issuer)
                    },
                    generic(FindingCode::CertUntrusted, lang).1.to_owned(),
                ),
            };
            let evidence = match problem {
                CertProblem::Expired(e) | CertProblem::Untrusted(e) => {
                    format!("{e}; subject {}", facts.subject)
                }
                CertProblem::NameMismatch => format!("subject {}; names {names}", facts.subject),
            };
            (code, message, hint, Some(evidence))
        }
        Issue::CertificateExpiring { days, facts } => (
            FindingCode::CertExpiring,
            if en {
                format!(
                    "The certificate of {at} expires in {days} day(s), on {}.",
                    facts.not_after
                )
            } else {
                format!("{at} 的证书将在 {days} 天后（{}）过期。", facts.not_after)
            },
            generic(FindingCode::CertExpiring, lang).1.to_owned(),
            None,
        ),
        Issue::NoTlsAtAll { capabilities } => (
            FindingCode::PlaintextOnly,
            if en {
                format!("{at} offers no encryption at all.")
            } else {
                format!("{at} 完全不支持加密。")
            },
            generic(FindingCode::PlaintextOnly, lang).1.to_owned(),
            Some(capabilities.clone()),
        ),
        Issue::TlsRequired { evidence } => (
            FindingCode::TlsRequired,
            if en {
                format!("{at} will not accept a login without encryption.")
            } else {
                format!("{at} 不接受未加密的登录。")
            },
            generic(FindingCode::TlsRequired, lang).1.to_owned(),
            Some(evidence.clone()),
        ),
        Issue::NoSmtpAuth { capabilities } => (
            FindingCode::SmtpDisabled,
            if en {
                format!("{at} offers no SMTP AUTH: sending with a password is switched off here.")
            } else {
                format!("{at} 不提供 SMTP 认证：此处已关闭带密码发信。")
            },
            provider_hint(provider, FindingCode::SmtpDisabled, lang),
            Some(capabilities.clone()),
        ),
        Issue::Refusal { stage, reply } => {
            let class = classify::classify(Some(server.protocol), Some(*stage), reply, provider);
            return refusal(server, *stage, reply, class, provider, lang);
        }
        Issue::Broken { step, failure } => (
            FindingCode::TemporarilyUnavailable,
            if en {
                format!("The connection to {at} broke at the {step} step.")
            } else {
                format!("与 {at} 的连接在“{step}”阶段中断。")
            },
            generic(FindingCode::TemporarilyUnavailable, lang)
                .1
                .to_owned(),
            Some(failure.to_string()),
        ),
    };
    let mut finding = Finding::new(code, message, hint).about(server);
    finding.evidence = evidence;
    finding
}

/// A refused greeting, login or mailbox access, classified; the hint is the provider's own
/// advice for that cause when it has some.
fn refusal(
    server: &Endpoint,
    stage: Stage,
    reply: &str,
    class: Classification,
    provider: Option<&ProviderConfig>,
    lang: Lang,
) -> Finding {
    let en = lang == Lang::En;
    let at = format!("{}:{}", server.host, server.port);
    let fallback = match stage {
        Stage::Greeting => FindingCode::TemporarilyUnavailable,
        Stage::Login | Stage::AfterLogin => FindingCode::BadCredentials,
    };
    let code = class.code.unwrap_or(fallback);
    let message = match (stage, en) {
        (Stage::Greeting, true) => format!("{at} refused the session."),
        (Stage::Greeting, false) => format!("{at} 拒绝了连接。"),
        (Stage::Login, true) => format!("{at} refused the login: {}", generic(code, lang).0),
        (Stage::Login, false) => format!("{at} 拒绝登录：{}", generic(code, lang).0),
        (Stage::AfterLogin, true) => format!(
            "{at} accepted the login but refused access to the mailbox: {}",
            generic(code, lang).0
        ),
        (Stage::AfterLogin, false) => {
            format!("{at} 接受了登录但拒绝访问邮箱：{}", generic(code, lang).0)
        }
    };
    let mut hint = refusal_hint(provider, code, &class.possible_causes, lang);
    if let Some(alert) = &class.alert {
        hint = if en {
            format!("{hint} (the server says: {alert})")
        } else {
            format!("{hint}（服务器提示：{alert}）")
        };
    }
    let mut finding = Finding::new(code, message, hint)
        .about(server)
        .with_evidence(reply);
    finding.possible_causes = if class.possible_causes.is_empty() {
        vec![code]
    } else {
        class.possible_causes
    };
    finding
}

/// The names a certificate covers, for a person: a CDN's certificate can carry a hundred, of
/// which the first few say enough (the JSON report's `cert_names` has them all).
fn name_list(names: &[String], lang: Lang) -> String {
    const SHOWN: usize = 8;
    let mut list = names
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > SHOWN {
        let more = names.len() - SHOWN;
        list.push_str(&match lang {
            Lang::En => format!(" and {more} more"),
            Lang::Zh => format!(" 等另外 {more} 个"),
        });
    }
    list
}

/// The advice for a refusal: the provider's (or the generic) hint for the most likely cause,
/// and, when the reply leaves several causes open, how to tell them apart.
pub fn refusal_hint(
    provider: Option<&ProviderConfig>,
    code: FindingCode,
    causes: &[FindingCode],
    lang: Lang,
) -> String {
    let hint = provider_hint(provider, code, lang);
    let mut tell_apart = classify::how_to_tell_apart(causes, lang);
    // For these codes the check of the most likely cause is the fix itself, which the hint
    // has just said: saying it twice only makes the hint longer.
    let check_is_the_fix = matches!(
        code,
        FindingCode::AppPasswordRequired
            | FindingCode::ImapDisabled
            | FindingCode::Pop3Disabled
            | FindingCode::SmtpDisabled
    );
    if check_is_the_fix && causes.first() == Some(&code) && !tell_apart.is_empty() {
        tell_apart.remove(0);
    }
    if tell_apart.is_empty() {
        hint
    } else {
        let gap = lang.sentence_gap();
        format!("{hint}{gap}{}", tell_apart.join(gap))
    }
}

/// The provider's advice for a code, else the generic one.
pub fn provider_hint(provider: Option<&ProviderConfig>, code: FindingCode, lang: Lang) -> String {
    provider
        .and_then(|p| p.hint_for(code))
        .map(|h| h.get(lang).to_owned())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| generic(code, lang).1.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_name_lists_are_cut_with_a_count() {
        let names: Vec<String> = (1..=20).map(|i| format!("h{i}.cdn.example")).collect();
        let en = name_list(&names, Lang::En);
        assert!(en.starts_with("h1.cdn.example, h2.cdn.example"), "{en}");
        assert!(en.ends_with("h8.cdn.example and 12 more"), "{en}");
        assert!(name_list(&names, Lang::Zh).ends_with("等另外 12 个"));
        assert_eq!(
            name_list(&names[..2], Lang::En),
            "h1.cdn.example, h2.cdn.example"
        );
    }
}
