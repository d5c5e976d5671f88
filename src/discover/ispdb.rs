//! Source: Thunderbird's ISPDB, `<ispdb-url><domain>`.

use reqwest::Url;

use super::document::fetch_config;
use super::{SourceKind, SourceResult, SourceStatus};
use crate::address::EmailAddress;
use crate::net::fetch::Fetcher;

/// The public ISPDB.
pub const DEFAULT_ISPDB_URL: &str = "https://autoconfig.thunderbird.net/v1.1/";

/// The ISPDB URL for `domain`: `{{domain}}` in the base is replaced, else the domain is
/// appended (Thunderbird's rule).
pub fn url_for(base: &Url, domain: &str) -> Option<Url> {
    let base = base.as_str();
    let text = if base.contains("%7B%7Bdomain%7D%7D") || base.contains("{{domain}}") {
        base.replace("%7B%7Bdomain%7D%7D", domain)
            .replace("{{domain}}", domain)
    } else {
        format!("{base}{domain}")
    };
    Url::parse(&text).ok()
}

pub async fn lookup(fetcher: &Fetcher, base: &Url, address: &EmailAddress) -> SourceResult {
    ask(
        SourceKind::Ispdb,
        fetcher,
        base,
        address,
        &[address.domain()],
    )
    .await
}

/// Asks the ISPDB for each name in turn; the first answer wins.
pub async fn ask(
    kind: SourceKind,
    fetcher: &Fetcher,
    base: &Url,
    address: &EmailAddress,
    names: &[&str],
) -> SourceResult {
    let mut misses = Vec::new();
    let mut broken = false;
    for name in names {
        let Some(url) = url_for(base, name) else {
            misses.push(format!("{name}: cannot build a URL from {base}"));
            broken = true;
            continue;
        };
        match fetch_config(fetcher, url.clone(), address).await {
            // Through a redirect to plain HTTP too: `insecure_source`, as for autoconfig.
            Ok(found) => return found.into_result(kind),
            Err(e) => {
                // An ISPDB that cannot be reached is an error, not "not listed".
                broken |= !e.not_listed;
                misses.push(e.detail);
            }
        }
    }
    let status = if broken {
        SourceStatus::Error
    } else {
        SourceStatus::NotFound
    };
    SourceResult::new(kind, status, misses.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_append_or_substitute_the_domain() {
        let base = Url::parse(DEFAULT_ISPDB_URL).unwrap();
        assert_eq!(
            url_for(&base, "example.com").unwrap().as_str(),
            "https://autoconfig.thunderbird.net/v1.1/example.com"
        );
        let templated = Url::parse("https://ispdb.test/{{domain}}.xml").unwrap();
        assert_eq!(
            url_for(&templated, "example.com").unwrap().as_str(),
            "https://ispdb.test/example.com.xml"
        );
    }
}
