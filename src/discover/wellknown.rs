//! Source: the domain's web server, `<domain>/.well-known/autoconfig/mail/config-v1.1.xml`.

use super::autoconfig::{config_url, published};
use super::{SourceKind, SourceResult};
use crate::address::EmailAddress;
use crate::net::fetch::Fetcher;

pub async fn lookup(fetcher: &Fetcher, address: &EmailAddress) -> SourceResult {
    let url = |scheme: &str| {
        config_url(
            &format!(
                "{scheme}://{}/.well-known/autoconfig/mail/config-v1.1.xml",
                address.domain()
            ),
            address,
        )
    };
    published(
        SourceKind::Wellknown,
        fetcher,
        url("https"),
        url("http"),
        address,
    )
    .await
}
