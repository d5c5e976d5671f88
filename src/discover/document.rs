//! A config-v1.1 document fetched over HTTP(S) and read for the servers it names: shared by
//! every source that publishes one (autoconfig, .well-known, the ISPDB).

use reqwest::Url;

use super::{SourceKind, SourceResult, SourceStatus};
use crate::finding::{Facts, Finding, FindingCode};
use crate::net::fetch::{FetchError, Fetched, Fetcher, without_query};

/// A config-v1.1 document fetched and read: the servers it names for `address`.
pub struct FetchedConfig {
    pub fetched: Fetched,
    pub servers: Vec<super::NamedServer>,
    pub provider_name: Option<String>,
    /// Server kinds the document names that are not probed (`jmap`, `ews`, …).
    pub others: Vec<String>,
    /// The `<oAuth2>` issuer the document names (autoconfig 1.2), if any.
    pub oauth2_issuer: Option<String>,
    /// What the reader skipped (a server without a host name, an unknown socketType).
    pub skipped: Vec<String>,
}

impl FetchedConfig {
    /// The source's detail: where the document came from and what it named.
    pub fn summary(&self) -> String {
        let mut summary = format!(
            "{} → {} server(s){}",
            without_query(&self.fetched.url),
            self.servers.len(),
            self.provider_name
                .as_deref()
                .map(|n| format!(" ({n})"))
                .unwrap_or_default()
        );
        if !self.others.is_empty() {
            summary.push_str(&format!(", also {} (not probed)", self.others.join(", ")));
        }
        if let Some(issuer) = &self.oauth2_issuer {
            summary.push_str(&format!(", OAuth2 sign-in at {issuer}"));
        }
        if !self.skipped.is_empty() {
            summary.push_str(&format!("; skipped: {}", self.skipped.join("; ")));
        }
        summary
    }
}

impl FetchedConfig {
    /// The source's answer: its servers, where they came from, and `insecure_source` when the
    /// document or a redirect on its way travelled over plain HTTP (the same rule for every
    /// source that fetches a document).
    pub fn into_result(self, kind: SourceKind) -> SourceResult {
        let mut detail = self.summary();
        if !self.fetched.redirects.is_empty() {
            detail.push_str(&format!(
                ", after {} redirect(s)",
                self.fetched.redirects.len()
            ));
        }
        let mut result = SourceResult::new(kind, SourceStatus::Found, detail);
        if self.fetched.insecure {
            result.findings.push(
                Finding::new(
                    FindingCode::InsecureSource,
                    Facts::InsecureSource { source: kind },
                )
                .with_evidence(without_query(&self.fetched.url)),
            );
        }
        result.servers = self.servers;
        result
    }
}

/// Why no config came from a URL: the report's detail, and whether nothing is published there.
#[derive(Debug, Clone)]
pub struct DocumentError {
    /// Nobody is there, or the server says there is no such document.
    pub absent: bool,
    /// The server answered that it has no such document (HTTP 404 or 410): for a directory
    /// such as the ISPDB, the only answer that means "not listed" rather than "broken".
    pub not_listed: bool,
    pub detail: String,
}

impl DocumentError {
    fn broken(url: &Url, why: impl std::fmt::Display) -> Self {
        Self {
            absent: false,
            not_listed: false,
            detail: format!("{}: {why}", without_query(url)),
        }
    }
}

/// Fetches `url` and reads it as a config-v1.1 document.
pub async fn fetch_config(
    fetcher: &Fetcher,
    url: Url,
    address: &crate::address::EmailAddress,
) -> Result<FetchedConfig, DocumentError> {
    let fetched = fetcher
        .fetch_xml(url.clone())
        .await
        .map_err(|e| DocumentError {
            absent: e.is_absent(),
            not_listed: matches!(e, FetchError::Status(404 | 410)),
            detail: format!("{}: {e}", without_query(&url)),
        })?;
    let config = crate::clientconfig::parse(&fetched.body)
        .map_err(|e| DocumentError::broken(&fetched.url, e))?;
    let provider = config.providers.first();
    let servers: Vec<super::NamedServer> = config
        .providers
        .iter()
        .flat_map(|p| p.mail_servers())
        .filter_map(|server| {
            Some(super::NamedServer {
                settings: server.settings_for(address)?,
                label: server.label.clone(),
                insecure: fetched.insecure,
                oauth_only: server.oauth_only(),
            })
        })
        .collect();
    if servers.is_empty() {
        let others: Vec<String> = config
            .providers
            .iter()
            .flat_map(|p| p.other_kinds())
            .collect();
        let only = if others.is_empty() {
            String::new()
        } else {
            format!(" (only {})", others.join(", "))
        };
        return Err(DocumentError::broken(
            &fetched.url,
            format!("the document names no IMAP, POP3 or SMTP server{only}"),
        ));
    }
    Ok(FetchedConfig {
        provider_name: provider.map(|p| p.default_name().to_owned()),
        others: config
            .providers
            .iter()
            .flat_map(|p| p.other_kinds())
            .collect(),
        oauth2_issuer: provider
            .and_then(|p| p.oauth2.as_ref())
            .map(|o| o.issuer.clone())
            .filter(|i| !i.is_empty()),
        skipped: config
            .providers
            .iter()
            .flat_map(|p| p.warnings.iter().take(3).cloned())
            .collect(),
        fetched,
        servers,
    })
}
