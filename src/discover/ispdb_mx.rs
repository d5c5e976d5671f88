//! Source: the ISPDB asked for the domain of the mail exchanger (Thunderbird's MX lookup): the
//! MX host without its first label, then its registrable base domain.

use reqwest::Url;

use super::{SourceKind, SourceResult, SourceStatus, ispdb};
use crate::address::EmailAddress;
use crate::net::dns::{DnsError, Mx};
use crate::net::fetch::Fetcher;

/// The names to ask for, most specific first, without repeats and without the mail domain
/// itself (the plain ISPDB source asks for that already).
pub fn names_for(mx_host: &str, mail_domain: &str) -> Vec<String> {
    let mut names = Vec::new();
    if let Some((_, parent)) = mx_host.split_once('.')
        && parent.contains('.')
    {
        names.push(parent.to_owned());
    }
    if let Some(base) = psl::domain_str(mx_host)
        && !names.iter().any(|n| n == base)
    {
        names.push(base.to_owned());
    }
    names.retain(|n| n != mail_domain);
    names
}

pub async fn lookup(
    fetcher: &Fetcher,
    base: &Url,
    address: &EmailAddress,
    mx: &Result<Vec<Mx>, DnsError>,
) -> SourceResult {
    let skipped = |why: &str| SourceResult::new(SourceKind::IspdbMx, SourceStatus::Skipped, why);
    let records = match mx {
        Ok(records) => records,
        Err(e) if e.is_absent() => return skipped("no MX records"),
        // Nothing is known about the MX: the source could not be asked.
        Err(e) => {
            return SourceResult::new(
                SourceKind::IspdbMx,
                SourceStatus::Error,
                format!("MX lookup failed: {e}"),
            );
        }
    };
    if records.iter().any(Mx::is_null) {
        return skipped("null MX (RFC 7505): the domain accepts no mail");
    }
    let Some(first) = records.first() else {
        return skipped("no MX records");
    };
    let names = names_for(&first.exchange, address.domain());
    if names.is_empty() {
        return SourceResult::new(
            SourceKind::IspdbMx,
            SourceStatus::Skipped,
            format!("MX {} is inside the mail domain itself", first.exchange),
        );
    }
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let mut result = ispdb::ask(SourceKind::IspdbMx, fetcher, base, address, &names).await;
    result.report.detail = format!("MX {}: {}", first.exchange, result.report.detail);
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mx_domains_follow_thunderbird() {
        assert_eq!(
            names_for("contoso-com.mail.protection.outlook.com", "contoso.com"),
            ["mail.protection.outlook.com", "outlook.com"]
        );
        assert_eq!(
            names_for("in1-smtp.messagingengine.com", "example.org"),
            ["messagingengine.com"]
        );
        assert_eq!(
            names_for("mx.example.org", "example.org"),
            Vec::<String>::new()
        );
    }
}
