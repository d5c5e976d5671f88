//! Why a server refused an OAuth token: the token's own claims (read, never verified) against
//! the server and the account. Each problem found is one finding; a token whose claims show
//! nothing wrong, or cannot be read, is `oauth_token_rejected`.

use crate::finding::{Facts, Finding, FindingCode, TokenProblem};
use crate::oauth::{Claims, Mechanism, ServerError};
use crate::settings::{Endpoint, Protocol};

/// Audiences of other services that tokens for mail are often mistaken for: Microsoft Graph
/// (by URL and by application id).
const OTHER_SERVICES: [&str; 3] = [
    "https://graph.microsoft.com",
    "00000003-0000-0000-c000-000000000000",
    "https://graph.windows.net",
];

/// What a service wants of a token: the audiences it accepts and the scopes that grant the
/// protocol (any one will do).
struct Wanted {
    audiences: &'static [&'static str],
    scopes: Vec<String>,
}

/// What the server of `server` wants, from who runs it; the scope the server named in its
/// error is wanted too.
fn wanted(server: &Endpoint, server_error: Option<&ServerError>) -> Wanted {
    let host = server.host.to_ascii_lowercase();
    let under = |domains: &[&str]| {
        domains
            .iter()
            .any(|d| host == *d || host.ends_with(&format!(".{d}")))
    };
    let mut wanted = if under(&["office365.com", "outlook.com", "office.com", "outlook.cn"]) {
        let scopes: &[&str] = match server.protocol {
            Protocol::Imap => &["IMAP.AccessAsUser.All", "IMAP.AccessAsApp"],
            Protocol::Pop3 => &["POP.AccessAsUser.All", "POP.AccessAsApp"],
            Protocol::Smtp => &["SMTP.Send", "SMTP.SendAsApp"],
        };
        Wanted {
            audiences: &[
                "https://outlook.office.com",
                "https://outlook.office365.com",
                "00000002-0000-0ff1-ce00-000000000000",
            ],
            scopes: scopes.iter().map(|s| (*s).to_owned()).collect(),
        }
    } else if under(&["gmail.com", "googlemail.com", "google.com"]) {
        Wanted {
            audiences: &[],
            scopes: vec!["https://mail.google.com/".to_owned()],
        }
    } else {
        Wanted {
            audiences: &[],
            scopes: Vec::new(),
        }
    };
    if let Some(scope) = server_error.and_then(|e| e.scope.as_deref()) {
        for scope in scope.split_whitespace() {
            if !wanted.scopes.iter().any(|s| s == scope) {
                wanted.scopes.push(scope.to_owned());
            }
        }
    }
    wanted
}

/// `https://outlook.office.com/IMAP.AccessAsUser.All` grants `IMAP.AccessAsUser.All`.
fn grants(scope: &str, wanted: &str) -> bool {
    let short = |s: &str| {
        if s.ends_with('/') {
            s.to_ascii_lowercase()
        } else {
            s.rsplit('/').next().unwrap_or(s).to_ascii_lowercase()
        }
    };
    scope.eq_ignore_ascii_case(wanted) || short(scope) == short(wanted)
}

/// The problems a refused token's claims show against `server` and the user `login`.
pub fn problems(
    server: &Endpoint,
    claims: Option<&Claims>,
    server_error: Option<&ServerError>,
    login: &str,
    now: i64,
) -> Vec<TokenProblem> {
    let Some(claims) = claims else {
        return vec![TokenProblem::Opaque];
    };
    let wanted = wanted(server, server_error);
    let mut found = Vec::new();
    if let Some(exp) = claims.expires.filter(|exp| *exp <= now) {
        let at = time::OffsetDateTime::from_unix_timestamp(exp)
            .ok()
            .and_then(|t| {
                t.format(&time::format_description::well_known::Rfc3339)
                    .ok()
            })
            .unwrap_or_else(|| exp.to_string());
        found.push(TokenProblem::Expired { at });
    }
    let for_other_service = claims.audiences.iter().any(|a| {
        OTHER_SERVICES
            .iter()
            .any(|o| a.trim_end_matches('/').eq_ignore_ascii_case(o))
    });
    let not_for_this_one = !wanted.audiences.is_empty()
        && !claims.audiences.is_empty()
        && !claims.audiences.iter().any(|a| {
            wanted
                .audiences
                .iter()
                .any(|w| a.trim_end_matches('/').eq_ignore_ascii_case(w))
        });
    if for_other_service || not_for_this_one {
        found.push(TokenProblem::Audience {
            audiences: claims.audiences.clone(),
            wanted: wanted
                .audiences
                .first()
                .map_or_else(|| server.host.clone(), |w| (*w).to_owned()),
        });
    }
    if let Some(first) = wanted.scopes.first()
        && !claims
            .scopes
            .iter()
            .any(|s| wanted.scopes.iter().any(|w| grants(s, w)))
    {
        found.push(TokenProblem::Scope {
            scopes: claims.scopes.clone(),
            wanted: first.clone(),
        });
    }
    // `sub` is often an opaque id: only a value that is an address says who the user is.
    let users: Vec<&(String, String)> = claims
        .users
        .iter()
        .filter(|(claim, value)| claim != "sub" || value.contains('@'))
        .collect();
    if !users.is_empty() && !users.iter().any(|(_, v)| v.eq_ignore_ascii_case(login)) {
        let (claim, value) = users[0].clone();
        found.push(TokenProblem::User {
            claim,
            value,
            login: login.to_owned(),
        });
    }
    if found.is_empty() {
        found.push(TokenProblem::Unexplained);
    }
    found
}

/// The code of each problem.
pub fn code(problem: &TokenProblem) -> FindingCode {
    match problem {
        TokenProblem::Expired { .. } => FindingCode::OauthTokenExpired,
        TokenProblem::Audience { .. } => FindingCode::OauthTokenWrongAudience,
        TokenProblem::Scope { .. } => FindingCode::OauthTokenMissingScope,
        TokenProblem::User { .. } => FindingCode::OauthTokenWrongUser,
        TokenProblem::Opaque | TokenProblem::Unexplained => FindingCode::OauthTokenRejected,
    }
}

/// The findings of one refused token: one per problem, each with the server's reply as its
/// evidence.
pub fn findings(
    server: &Endpoint,
    mechanism: Mechanism,
    reply: &str,
    server_error: Option<&ServerError>,
    claims: Option<&Claims>,
    login: &str,
    now: i64,
) -> Vec<Finding> {
    let found = problems(server, claims, server_error, login, now);
    let causes: Vec<FindingCode> = found.iter().map(code).collect();
    found
        .into_iter()
        .map(|problem| {
            let mut finding = Finding::new(
                code(&problem),
                Facts::OauthToken {
                    mechanism: mechanism.as_str().to_owned(),
                    problem,
                    server_status: server_error.and_then(|e| e.status.clone()),
                },
            )
            .about(server)
            .with_evidence(reply);
            finding.possible_causes = causes.clone();
            finding
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::Security;

    fn at(host: &str, protocol: Protocol) -> Endpoint {
        Endpoint {
            protocol,
            host: host.into(),
            port: 993,
            security: Security::Tls,
        }
    }

    fn claims(aud: &str, scopes: &[&str], exp: i64, upn: &str) -> Claims {
        Claims {
            audiences: vec![aud.into()],
            scopes: scopes.iter().map(|s| (*s).to_owned()).collect(),
            expires: Some(exp),
            users: vec![("upn".into(), upn.into())],
        }
    }

    #[test]
    fn a_graph_token_for_outlook_imap_is_for_another_service_and_lacks_the_scope() {
        let server = at("outlook.office365.com", Protocol::Imap);
        let token = claims(
            "https://graph.microsoft.com",
            &["Mail.Read", "User.Read"],
            2_000,
            "alice@contoso.com",
        );
        let found = problems(&server, Some(&token), None, "alice@contoso.com", 1_000);
        let codes: Vec<_> = found.iter().map(code).collect();
        assert_eq!(
            codes,
            [
                FindingCode::OauthTokenWrongAudience,
                FindingCode::OauthTokenMissingScope
            ]
        );
        assert!(
            matches!(&found[1], TokenProblem::Scope { wanted, .. } if wanted == "IMAP.AccessAsUser.All")
        );
    }

    #[test]
    fn a_right_token_names_nothing_and_each_wrong_claim_is_told() {
        let server = at("outlook.office365.com", Protocol::Smtp);
        let right = claims(
            "https://outlook.office.com",
            &["https://outlook.office.com/SMTP.Send"],
            2_000,
            "alice@contoso.com",
        );
        let login = "Alice@contoso.com";
        assert_eq!(
            problems(&server, Some(&right), None, login, 1_000),
            [TokenProblem::Unexplained]
        );
        // Both sides of the expiry: valid at 1999, expired at 2000.
        assert_eq!(
            problems(&server, Some(&right), None, login, 1_999),
            [TokenProblem::Unexplained]
        );
        assert!(matches!(
            &problems(&server, Some(&right), None, login, 2_000)[0],
            TokenProblem::Expired { at } if at == "1970-01-01T00:33:20Z"
        ));
        let bob = claims(
            "https://outlook.office.com",
            &["SMTP.Send"],
            2_000,
            "bob@contoso.com",
        );
        assert!(matches!(
            &problems(&server, Some(&bob), None, login, 1_000)[0],
            TokenProblem::User { claim, value, .. } if claim == "upn" && value == "bob@contoso.com"
        ));
        assert_eq!(
            problems(&server, None, None, login, 1_000),
            [TokenProblem::Opaque]
        );
    }

    #[test]
    fn the_documented_words_are_the_reports() {
        let server = at("outlook.office365.com", Protocol::Imap);
        let token = claims(
            "https://graph.microsoft.com",
            &["IMAP.AccessAsUser.All"],
            2_000,
            "alice@contoso.com",
        );
        let found = findings(
            &server,
            Mechanism::Xoauth2,
            "a3 NO AUTHENTICATE failed.",
            None,
            Some(&token),
            "alice@contoso.com",
            1_000,
        );
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].code, FindingCode::OauthTokenWrongAudience);
        let doc = include_str!("../../docs/report.md");
        for lang in [crate::Lang::En, crate::Lang::Zh] {
            let message = crate::text::finding::word(&found[0], None, lang).message;
            assert!(doc.contains(&format!("`{message}`")), "{message}");
        }
    }

    #[test]
    fn the_scope_a_server_names_in_its_error_is_wanted() {
        let server = at("imap.example.net", Protocol::Imap);
        let error = ServerError {
            status: Some("invalid_token".into()),
            scope: Some("mail".into()),
        };
        let token = Claims {
            scopes: vec!["openid".into()],
            ..Claims::default()
        };
        assert_eq!(
            problems(&server, Some(&token), Some(&error), "a@example.net", 0),
            [TokenProblem::Scope {
                scopes: vec!["openid".into()],
                wanted: "mail".into()
            }]
        );
        let gmail = at("imap.gmail.com", Protocol::Imap);
        let google = Claims {
            scopes: vec!["https://mail.google.com/".into()],
            ..Claims::default()
        };
        assert_eq!(
            problems(&gmail, Some(&google), None, "a@gmail.com", 0),
            [TokenProblem::Unexplained]
        );
    }
}
