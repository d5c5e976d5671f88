//! Finding the provider a name given to `mailcheck explain --provider` belongs to.

use crate::clientconfig::ProviderConfig;
use crate::discover::provider_db::ProviderDb;

/// Finds the provider for `explain --provider X`: X is a mail domain (`qq.com`), an address
/// (`alice@qq.com`), a provider id (`exmail`), an MX host (`mxbiz1.qq.com`) or a server host name
/// below a provider's domain (`smtp.qq.com`). Uses the bundled database.
pub fn provider_for(name: &str) -> Option<&'static ProviderConfig> {
    find_provider(ProviderDb::bundled(), name)
}

fn find_provider<'a>(db: &'a ProviderDb, name: &str) -> Option<&'a ProviderConfig> {
    let name = name.trim().trim_end_matches('.');
    let name = name.rsplit_once('@').map_or(name, |(_, domain)| domain);
    if name.is_empty() {
        return None;
    }
    let lower = name.to_lowercase();
    if let Some(p) = db.get(&lower).or_else(|| db.get(name)) {
        return Some(p);
    }
    let domain = crate::address::normalise_domain(&lower)
        .map(|(ascii, _)| ascii)
        .unwrap_or(lower);
    if let Some(p) = db.by_domain(&domain) {
        return Some(p);
    }
    if let Some((p, _)) = db.by_mx(std::slice::from_ref(&domain)) {
        return Some(p);
    }
    // A host below a provider's domain (smtp.qq.com → qq.com), nearest parent first.
    let mut rest = domain.as_str();
    while let Some((_, parent)) = rest.split_once('.') {
        if !parent.contains('.') {
            break;
        }
        if let Some(p) = db.by_domain(parent) {
            return Some(p);
        }
        rest = parent;
    }
    db.providers.iter().find(|p| {
        [p.display_name.as_deref(), p.display_short_name.as_deref()]
            .into_iter()
            .flatten()
            .any(|n| n.eq_ignore_ascii_case(name))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnose::classify::tests::db;

    #[test]
    fn provider_lookup_by_domain_id_mx_and_host() {
        let db = db();
        let id = |name: &str| find_provider(&db, name).map(|p| p.id.as_str());
        assert_eq!(id("qq.com"), Some("qq"));
        assert_eq!(id("QQ.COM."), Some("qq"));
        assert_eq!(id("alice@foxmail.com"), Some("qq"));
        assert_eq!(id("exmail"), Some("exmail"));
        assert_eq!(id("exmail.qq.com"), Some("exmail"));
        assert_eq!(id("imap.exmail.qq.com"), Some("exmail"));
        assert_eq!(id("mxbiz1.qq.com"), Some("exmail"));
        assert_eq!(id("smtp.qq.com"), Some("qq"));
        assert_eq!(id("163"), Some("163"));
        assert_eq!(id("Gmail"), Some("gmail"));
        assert_eq!(id("contoso.onmicrosoft.com"), Some("microsoft365"));
        assert_eq!(id("example.org"), None);
        assert_eq!(id("com"), None);
        assert_eq!(id(""), None);
        assert_eq!(id("@"), None);
        assert_eq!(id("not a domain at all"), None);
        // The bundled database may still be empty here; the call must not fail either way.
        let _ = provider_for("qq.com");
        assert!(provider_for("").is_none());
    }
}
