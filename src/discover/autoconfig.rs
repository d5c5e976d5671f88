//! Source: the domain's own autoconfig server, `autoconfig.<domain>` (HTTPS, then plain HTTP
//! as a fallback, which raises `insecure_source`).

use reqwest::Url;

use super::document::fetch_config;
use super::{SourceKind, SourceResult, SourceStatus};
use crate::address::EmailAddress;
use crate::net::fetch::Fetcher;

pub async fn lookup(fetcher: &Fetcher, address: &EmailAddress) -> SourceResult {
    let url = |scheme: &str| {
        config_url(
            &format!(
                "{scheme}://autoconfig.{}/mail/config-v1.1.xml",
                address.domain()
            ),
            address,
        )
    };
    published(
        SourceKind::Autoconfig,
        fetcher,
        url("https"),
        url("http"),
        address,
    )
    .await
}

/// Adds `?emailaddress=…`, as Thunderbird does on every autoconfig URL.
pub fn config_url(base: &str, address: &EmailAddress) -> Url {
    let mut url = Url::parse(base).expect("autoconfig URLs are built from a valid domain");
    url.query_pairs_mut()
        .append_pair("emailaddress", &address.to_string());
    url
}

/// Tries HTTPS and plain HTTP at once; plain HTTP counts only when HTTPS gave nothing, so an
/// HTTPS answer is used as soon as it arrives, without waiting for plain HTTP (which may be a
/// black-holed port that only gives up at the timeout).
pub async fn published(
    kind: SourceKind,
    fetcher: &Fetcher,
    https: Url,
    http: Url,
    address: &EmailAddress,
) -> SourceResult {
    let secure = fetch_config(fetcher, https, address);
    let plain = fetch_config(fetcher, http, address);
    tokio::pin!(secure, plain);
    let (secure, plain) = tokio::select! {
        secure_done = &mut secure => match secure_done {
            Ok(found) => return found.into_result(kind),
            Err(e) => (Err(e), plain.await),
        },
        plain_done = &mut plain => (secure.await, plain_done),
    };
    match (secure, plain) {
        (Ok(found), _) => found.into_result(kind),
        (Err(secure_error), Ok(found)) => {
            let mut result = found.into_result(kind);
            result.report.detail = format!(
                "{}; HTTPS failed: {}",
                result.report.detail, secure_error.detail
            );
            result
        }
        (Err(secure_error), Err(plain_error)) => {
            let status = if secure_error.absent && plain_error.absent {
                SourceStatus::NotFound
            } else {
                SourceStatus::Error
            };
            let detail = format!("{}; {}", secure_error.detail, plain_error.detail);
            SourceResult::new(kind, status, detail)
        }
    }
}
