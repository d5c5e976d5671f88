//! Source: the bundled provider database (`providers/`), matched by domain and by MX host.

use std::sync::OnceLock;

use futures::future::join_all;

use crate::address::EmailAddress;
use crate::clientconfig::{self, ProviderConfig};
use crate::discover::{NamedServer, SourceKind, SourceResult, SourceStatus};
use crate::net::dns::{Dns, DnsError, Mx};

mod files {
    include!(concat!(env!("OUT_DIR"), "/providers.rs"));
}

/// How the provider was recognised.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MatchedBy {
    Domain,
    Mx,
    /// Added: the domain's Exchange Autodiscover is answered by the provider (Microsoft 365).
    Autodiscover,
}

impl MatchedBy {
    pub fn as_str(self) -> &'static str {
        match self {
            MatchedBy::Domain => "domain",
            MatchedBy::Mx => "mx",
            MatchedBy::Autodiscover => "autodiscover",
        }
    }
}

/// The provider behind a mail domain.
#[derive(Clone, Debug)]
pub struct ProviderMatch {
    pub provider: &'static ProviderConfig,
    pub matched_by: MatchedBy,
    /// The MX host that matched, for `MatchedBy::Mx`.
    pub mx_host: Option<String>,
}

/// A bundled provider file that does not parse. Only the database test should ever see one.
#[derive(Debug, Clone)]
pub struct BrokenFile {
    pub file: &'static str,
    pub error: String,
}

/// The parsed database: built once, on first use.
pub struct ProviderDb {
    pub providers: Vec<ProviderConfig>,
    pub broken: Vec<BrokenFile>,
}

impl ProviderDb {
    /// The bundled database.
    pub fn bundled() -> &'static ProviderDb {
        static DB: OnceLock<ProviderDb> = OnceLock::new();
        DB.get_or_init(|| Self::from_files(files::PROVIDER_FILES))
    }

    /// The raw bundled files, by file name.
    pub fn files() -> &'static [(&'static str, &'static str)] {
        files::PROVIDER_FILES
    }

    fn from_files(files: &'static [(&'static str, &'static str)]) -> Self {
        let mut providers = Vec::new();
        let mut broken = Vec::new();
        for (file, xml) in files {
            match clientconfig::parse(xml) {
                Ok(config) => providers.extend(config.providers),
                Err(e) => broken.push(BrokenFile {
                    file,
                    error: e.to_string(),
                }),
            }
        }
        Self { providers, broken }
    }

    pub fn get(&self, id: &str) -> Option<&ProviderConfig> {
        self.providers.iter().find(|p| p.id == id)
    }

    /// The provider that serves `domain` (lower-case ASCII).
    pub fn by_domain(&self, domain: &str) -> Option<&ProviderConfig> {
        self.providers
            .iter()
            .find(|p| p.domains.iter().any(|d| d == domain))
    }

    /// The provider whose MX patterns match one of `mx_hosts`, tried in the order given
    /// (most preferred MX first). Returns the host that matched.
    pub fn by_mx<'a>(&self, mx_hosts: &'a [String]) -> Option<(&ProviderConfig, &'a str)> {
        first_mx_served(mx_hosts, |host| {
            self.providers.iter().find(|p| {
                p.mx_patterns
                    .iter()
                    .any(|pat| mx_pattern_matches(pat, host))
            })
        })
    }
}

/// The first of `mx_hosts` (most preferred first) that `provider_of` knows, with that host
/// as the DNS gave it less its final dot.
fn first_mx_served<P>(
    mx_hosts: &[String],
    provider_of: impl Fn(&str) -> Option<P>,
) -> Option<(P, &str)> {
    mx_hosts.iter().find_map(|host| {
        let host = host.trim_end_matches('.');
        provider_of(host).map(|p| (p, host))
    })
}

/// The bundled provider that serves `domain` (lower-case ASCII), found in the table `build.rs`
/// writes: only that provider's file is parsed (once), so an offline answer does not pay for
/// parsing the whole database.
pub fn bundled_by_domain(domain: &str) -> Option<&'static ProviderConfig> {
    let at = files::DOMAINS
        .binary_search_by(|(d, _)| (*d).cmp(domain))
        .ok()?;
    bundled_file(files::DOMAINS[at].1)
}

/// The bundled provider whose MX patterns match one of `mx_hosts`, tried in the order given
/// (most preferred MX first), with the host that matched; as [`ProviderDb::by_mx`] answers,
/// but through the pattern table `build.rs` writes: parsing the whole database would hold a
/// runtime thread for milliseconds in the middle of discovery.
pub fn bundled_by_mx(mx_hosts: &[String]) -> Option<(&'static ProviderConfig, &str)> {
    first_mx_served(mx_hosts, |host| {
        let (_, index) = files::MX_PATTERNS
            .iter()
            .find(|(pattern, _)| mx_pattern_matches(pattern, host))?;
        bundled_file(*index)
    })
}

/// The bundled provider `id`: its file is `{id}.xml`, and the files are sorted by name.
pub fn bundled_by_id(id: &str) -> Option<&'static ProviderConfig> {
    let file = format!("{id}.xml");
    let index = files::PROVIDER_FILES
        .binary_search_by(|(name, _)| (*name).cmp(file.as_str()))
        .ok()?;
    bundled_file(index)
}

/// The provider of the bundled file `index`, parsed on first use.
fn bundled_file(index: usize) -> Option<&'static ProviderConfig> {
    static PARSED: OnceLock<Vec<OnceLock<Option<ProviderConfig>>>> = OnceLock::new();
    let cells = PARSED.get_or_init(|| {
        files::PROVIDER_FILES
            .iter()
            .map(|_| OnceLock::new())
            .collect()
    });
    cells
        .get(index)?
        .get_or_init(|| {
            let config = clientconfig::parse(files::PROVIDER_FILES[index].1).ok()?;
            config.providers.into_iter().next()
        })
        .as_ref()
}

impl ProviderMatch {
    /// The bundled provider `id`, recognised by the domain's Autodiscover answer.
    pub fn by_autodiscover(id: &str) -> Option<ProviderMatch> {
        bundled_by_id(id).map(|provider| ProviderMatch {
            provider,
            matched_by: MatchedBy::Autodiscover,
            mx_host: None,
        })
    }

    /// Recognises the provider of `domain`, by domain first, then by its MX hosts.
    pub fn find(domain: &str, mx_hosts: &[String]) -> Option<ProviderMatch> {
        if let Some(provider) = bundled_by_domain(domain) {
            return Some(ProviderMatch {
                provider,
                matched_by: MatchedBy::Domain,
                mx_host: None,
            });
        }
        if mx_hosts.is_empty() {
            return None;
        }
        bundled_by_mx(mx_hosts).map(|(provider, host)| ProviderMatch {
            provider,
            matched_by: MatchedBy::Mx,
            mx_host: Some(host.to_owned()),
        })
    }
}

/// The database's answer as a discovery source: the provider's servers for this address.
pub fn source_result(address: &EmailAddress, found: Option<&ProviderMatch>) -> SourceResult {
    let Some(found) = found else {
        return SourceResult::new(
            SourceKind::ProviderDb,
            SourceStatus::NotFound,
            format!("no bundled provider serves {}", address.domain()),
        );
    };
    let provider = found.provider;
    let detail = match (&found.matched_by, &found.mx_host) {
        (MatchedBy::Mx, Some(mx)) => format!("{} (MX {mx})", provider.default_name()),
        (MatchedBy::Autodiscover, _) => format!(
            "{} (the Autodiscover of {} is answered by Microsoft)",
            provider.default_name(),
            address.domain()
        ),
        _ => format!("{} (domain {})", provider.default_name(), address.domain()),
    };
    let mut result = SourceResult::new(SourceKind::ProviderDb, SourceStatus::Found, detail);
    result.servers = provider
        .mail_servers()
        .filter_map(|server| {
            Some(NamedServer {
                settings: server.settings_for(address)?,
                label: server.label.clone(),
                insecure: false,
                oauth_only: server.oauth_only(),
            })
        })
        .collect();
    result
}

/// How many MX hosts a detail names (and are checked for an address); a domain has one to three.
const MX_SHOWN: usize = 4;

/// Adds what the MX lookup said to the database's answer for a domain that is not its own: the
/// exchanges, RFC 7505's null MX, or why the lookup failed. A failed lookup makes the source an
/// error: the database could not be asked by MX, which says nothing about the domain.
pub fn add_mx(db: &mut SourceResult, mx: &Result<Vec<Mx>, DnsError>) {
    let said = match mx {
        Ok(records) if records.iter().any(Mx::is_null) => {
            "null MX (RFC 7505): the domain accepts no mail".to_owned()
        }
        Ok(records) if !records.is_empty() => {
            let mut hosts: Vec<String> = records
                .iter()
                .take(MX_SHOWN)
                .map(|r| r.exchange.clone())
                .collect();
            if records.len() > MX_SHOWN {
                hosts.push(format!("{} more", records.len() - MX_SHOWN));
            }
            format!("MX: {}", hosts.join(", "))
        }
        Ok(_) => "no MX records".to_owned(),
        Err(e) if e.is_absent() => "no MX records".to_owned(),
        Err(e) => {
            db.report.status = SourceStatus::Error;
            format!("MX lookup failed: {e}")
        }
    };
    db.report.detail = format!("{}; {said}", db.report.detail);
}

/// The first MX hosts that have no address, and why: each looked up at once.
pub async fn exchanges_without_address(dns: &Dns, hosts: &[String]) -> Vec<(String, DnsError)> {
    join_all(
        hosts
            .iter()
            .take(MX_SHOWN)
            .map(|host| async move { dns.ips(host).await.err().map(|e| (host.clone(), e)) }),
    )
    .await
    .into_iter()
    .flatten()
    .collect()
}

/// Says which MX hosts have no address (or could not be looked up).
pub fn add_exchanges_without_address(db: &mut SourceResult, hosts: &[(String, DnsError)]) {
    for (host, error) in hosts {
        let what = if error.is_absent() {
            "has no address"
        } else {
            "could not be looked up"
        };
        db.report
            .detail
            .push_str(&format!("; MX {host} {what}: {error}"));
    }
}

/// Matches an MX host against a pattern of `docs/providers.md`: an exact name, `*.suffix` for
/// any name below the suffix, or one `*` inside the first label (`mxbiz*.qq.com`).
pub fn mx_pattern_matches(pattern: &str, host: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let pattern = pattern.trim_end_matches('.');
    if let Some(suffix) = pattern.strip_prefix("*.") {
        return host
            .strip_suffix(suffix)
            .is_some_and(|rest| rest.len() > 1 && rest.ends_with('.'));
    }
    let Some((first, rest)) = pattern.split_once('.') else {
        return pattern == host;
    };
    let Some((host_first, host_rest)) = host.split_once('.') else {
        return false;
    };
    if rest != host_rest {
        return false;
    }
    match first.split_once('*') {
        None => first == host_first,
        Some((before, after)) => {
            host_first.len() >= before.len() + after.len()
                && host_first.starts_with(before)
                && host_first.ends_with(after)
                && host_first[before.len()..host_first.len() - after.len()]
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clientconfig::ServerKind;
    use crate::settings::Protocol;
    use std::collections::HashMap;

    #[test]
    fn every_bundled_file_is_a_valid_provider() {
        let db = ProviderDb::bundled();
        assert!(db.broken.is_empty(), "{:?}", db.broken);
        assert!(
            ProviderDb::files().len() >= 190,
            "only {} providers",
            ProviderDb::files().len()
        );
        for (file, xml) in ProviderDb::files() {
            let config = clientconfig::parse(xml).unwrap();
            assert_eq!(config.providers.len(), 1, "{file}: one emailProvider");
            let p = &config.providers[0];
            assert_eq!(
                format!("{}.xml", p.id),
                *file,
                "id must equal the file name"
            );
            assert!(p.warnings.is_empty(), "{file}: {:?}", p.warnings);
            assert!(p.display_name.is_some(), "{file}: displayName");
            assert!(
                p.documentation.iter().any(|d| d.url.starts_with("http")),
                "{file}: documentation URL"
            );
            assert!(
                !p.domains.is_empty() || !p.mx_patterns.is_empty(),
                "{file}: no way to match it"
            );
            let has = |servers: &[crate::clientconfig::ServerTemplate], wanted: &[Protocol]| {
                servers
                    .iter()
                    .any(|s| matches!(s.kind, ServerKind::Mail(p) if wanted.contains(&p)))
            };
            assert!(
                has(&p.incoming, &[Protocol::Imap, Protocol::Pop3]),
                "{file}: incoming"
            );
            assert!(has(&p.outgoing, &[Protocol::Smtp]), "{file}: outgoing");
            for server in p.incoming.iter().chain(&p.outgoing) {
                assert!(
                    matches!(server.port, Some(1..=65535)),
                    "{file}: port of {}",
                    server.hostname
                );
                assert!(
                    !server.socket_types.is_empty(),
                    "{file}: socketType of {}",
                    server.hostname
                );
            }
        }
    }

    #[test]
    fn no_domain_or_mx_pattern_belongs_to_two_providers() {
        let db = ProviderDb::bundled();
        let mut owners: HashMap<String, &str> = HashMap::new();
        for p in &db.providers {
            for key in p
                .domains
                .iter()
                .map(|d| format!("domain {d}"))
                .chain(p.mx_patterns.iter().map(|m| format!("mx {m}")))
            {
                if let Some(other) = owners.insert(key.clone(), &p.id) {
                    panic!("{key} belongs to {other} and {}", p.id);
                }
            }
        }
        // Patterns of one provider must not match another provider's literal MX names either.
        for p in &db.providers {
            for q in &db.providers {
                if p.id == q.id {
                    continue;
                }
                for literal in q.mx_patterns.iter().filter(|m| !m.contains('*')) {
                    assert!(
                        !p.mx_patterns
                            .iter()
                            .any(|pat| mx_pattern_matches(pat, literal)),
                        "{} also matches {}'s MX {literal}",
                        p.id,
                        q.id
                    );
                }
            }
        }
    }

    /// The table `build.rs` writes holds exactly the domains the reader takes from each file, so
    /// the quick lookup answers what a search of the parsed database would.
    #[test]
    fn the_domain_table_agrees_with_the_parsed_files() {
        let mut from_table: Vec<Vec<&str>> = vec![Vec::new(); ProviderDb::files().len()];
        for (domain, index) in files::DOMAINS {
            from_table[*index].push(domain);
        }
        assert!(
            files::DOMAINS.is_sorted_by(|a, b| a.0 < b.0),
            "sorted, no repeats"
        );
        for (index, (file, xml)) in ProviderDb::files().iter().enumerate() {
            let config = clientconfig::parse(xml).unwrap();
            let mut parsed: Vec<&str> = config.providers[0]
                .domains
                .iter()
                .map(String::as_str)
                .collect();
            parsed.sort();
            from_table[index].sort();
            assert_eq!(from_table[index], parsed, "{file}");
        }
        let db = ProviderDb::bundled();
        for p in &db.providers {
            for d in &p.domains {
                assert_eq!(
                    bundled_by_domain(d).map(|q| q.id.as_str()),
                    Some(p.id.as_str()),
                    "{d}"
                );
            }
        }
        assert!(bundled_by_domain("example.com").is_none());
        assert!(
            bundled_by_domain("QQ.COM").is_none(),
            "callers pass lower-case"
        );
        assert!(bundled_by_domain("").is_none());
    }

    /// The MX table `build.rs` writes holds exactly each file's patterns, in the files' order,
    /// so the quick lookup answers what a search of the parsed database would; and every
    /// provider is found by its id.
    #[test]
    fn the_mx_table_and_the_ids_agree_with_the_parsed_database() {
        let db = ProviderDb::bundled();
        let from_table: Vec<(String, &str)> = files::MX_PATTERNS
            .iter()
            .map(|(pattern, index)| {
                let file = ProviderDb::files()[*index].0;
                (pattern.to_string(), file.trim_end_matches(".xml"))
            })
            .collect();
        let parsed: Vec<(String, &str)> = db
            .providers
            .iter()
            .flat_map(|p| p.mx_patterns.iter().map(|m| (m.clone(), p.id.as_str())))
            .collect();
        assert_eq!(from_table, parsed);
        assert!(parsed.len() >= 40, "only {} MX patterns", parsed.len());
        // Every pattern, made into a host it matches, finds its own provider both ways.
        for (pattern, id) in &parsed {
            let host = vec![pattern.replace('*', "x1")];
            assert!(mx_pattern_matches(pattern, &host[0]), "{pattern}");
            let quick = bundled_by_mx(&host).map(|(p, h)| (p.id.as_str(), h));
            let full = db.by_mx(&host).map(|(p, h)| (p.id.as_str(), h));
            assert_eq!(quick, full, "{pattern}");
            assert_eq!(quick.map(|(p, _)| p), Some(*id), "{pattern}");
        }
        // The first host that matches wins, as in the full search.
        let hosts = vec!["mx.example.org".to_string(), "mxbiz1.qq.com.".to_string()];
        assert_eq!(
            bundled_by_mx(&hosts).map(|(p, h)| (p.id.as_str(), h)),
            Some(("exmail", "mxbiz1.qq.com"))
        );
        assert!(bundled_by_mx(&["mx.example.org".to_string()]).is_none());
        assert!(bundled_by_mx(&[]).is_none());
        for p in &db.providers {
            assert_eq!(
                bundled_by_id(&p.id).map(|q| q.id.as_str()),
                Some(p.id.as_str())
            );
        }
        assert!(bundled_by_id("no-such-provider").is_none());
        assert!(bundled_by_id("").is_none());
    }

    #[test]
    fn matching_by_domain_alias_and_mx() {
        let db = ProviderDb::bundled();
        assert_eq!(db.by_domain("qq.com").unwrap().id, "qq");
        assert_eq!(db.by_domain("foxmail.com").unwrap().id, "qq");
        assert_eq!(db.by_domain("vip.qq.com").unwrap().id, "qq");
        assert_eq!(db.by_domain("exmail.qq.com").unwrap().id, "exmail");
        assert_eq!(db.by_domain("googlemail.com").unwrap().id, "gmail");
        assert!(db.by_domain("example.com").is_none());

        let exmail = ProviderMatch::find("company.example", &["mxbiz2.qq.com.".into()]).unwrap();
        assert_eq!(exmail.provider.id, "exmail");
        assert_eq!(exmail.matched_by, MatchedBy::Mx);
        let personal = ProviderMatch::find("company.example", &["mx3.qq.com".into()]).unwrap();
        assert_eq!(personal.provider.id, "qq");
        let m365 = ProviderMatch::find(
            "contoso.example",
            &["contoso-example.mail.protection.outlook.com".into()],
        )
        .unwrap();
        assert_eq!(m365.provider.id, "microsoft365");
        // The domain wins over the MX.
        let by_domain = ProviderMatch::find("qq.com", &["mxbiz1.qq.com".into()]).unwrap();
        assert_eq!(
            (by_domain.provider.id.as_str(), by_domain.matched_by),
            ("qq", MatchedBy::Domain)
        );
    }

    #[test]
    fn mx_patterns() {
        assert!(mx_pattern_matches("mxbiz1.qq.com", "mxbiz1.qq.com."));
        assert!(mx_pattern_matches("mxbiz*.qq.com", "MXBIZ2.qq.com"));
        assert!(!mx_pattern_matches("mxbiz*.qq.com", "mx1.qq.com"));
        assert!(!mx_pattern_matches("mxbiz*.qq.com", "mxbiz1.evil.qq.com"));
        assert!(mx_pattern_matches(
            "*.mail.protection.outlook.com",
            "contoso-com.mail.protection.outlook.com"
        ));
        assert!(!mx_pattern_matches(
            "*.mail.protection.outlook.com",
            "mail.protection.outlook.com"
        ));
        assert!(!mx_pattern_matches(
            "*.mail.protection.outlook.com",
            "evilmail.protection.outlook.com"
        ));
        assert!(!mx_pattern_matches("mx.example.com", "mx.example.com.evil"));
    }
}
