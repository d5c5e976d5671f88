//! HTTP(S) for the discovery sources: bounded in time, size and redirects, and
//! honest about whether anything travelled over plain HTTP.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use reqwest::Url;
use reqwest::header::{CONTENT_TYPE, HOST, LOCATION};

use super::connect::{self, Connector};
use super::dns::{Dns, HostLookupError};
use super::trust::TrustAnchors;
use crate::timing::Timing;

/// Largest autoconfig document accepted. Real ones are a few kilobytes.
pub const MAX_BODY: usize = 512 * 1024;
/// Redirects followed before giving up (Thunderbird's XMLHttpRequest follows a few too).
pub const MAX_REDIRECTS: usize = 3;

/// A document that arrived.
#[derive(Debug, Clone)]
pub struct Fetched {
    pub url: Url,
    pub body: String,
    /// The body's exact bytes (what a PACC digest is taken of); `body` is them as text.
    pub bytes: Vec<u8>,
    /// The request or one of its redirects used plain HTTP.
    pub insecure: bool,
    pub redirects: Vec<Url>,
}

/// Why no document arrived. The text is what the report's `sources[].detail` shows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    #[error("HTTP {0}")]
    Status(u16),
    #[error("the body is larger than {MAX_BODY} bytes; refused")]
    TooLarge,
    #[error("served as {0:?}, not XML (mail clients ignore such a file)")]
    ContentType(String),
    /// The HTTPS server's certificate was refused (expired, another name, unknown issuer).
    #[error("{0}")]
    Certificate(String),
    #[error("more than {MAX_REDIRECTS} redirects")]
    TooManyRedirects,
    /// A redirect back to a URL already asked.
    #[error("a redirect loop: back to {0}")]
    RedirectLoop(String),
    #[error("redirect to an unusable location {0:?}")]
    BadRedirect(String),
    #[error("no answer within {0:?}")]
    Timeout(Duration),
    /// The answer began but its body did not end within the fetch's limit.
    #[error("the body did not arrive within {limit:?} ({received} bytes received)")]
    TooSlow { limit: Duration, received: usize },
    /// Nobody is there: the name does not resolve or the connection is refused.
    #[error("{0}")]
    Unreachable(String),
    #[error("{0}")]
    Network(String),
}

impl FetchError {
    /// Nothing is published there (as opposed to something broken being published).
    pub fn is_absent(&self) -> bool {
        matches!(
            self,
            FetchError::Status(404 | 410) | FetchError::Unreachable(_)
        )
    }
}

/// An HTTP client bound to mailcheck's DNS, trust anchors and connector.
#[derive(Clone, Debug)]
pub struct Fetcher {
    clients: Clients,
    /// The limit of one fetch in all, redirects and body included.
    timeout: Duration,
    /// The run's resolver ([`Fetcher::for_run`]), which looks up every URL's host before the
    /// client does.
    run_dns: Option<Dns>,
}

#[derive(Clone, Debug)]
enum Clients {
    /// One client, connecting where the URL and the DNS say.
    Direct(reqwest::Client),
    /// One client per port of the connector's map. reqwest asks a resolver for a host name
    /// alone, without the port, so each client's resolver answers for one port: with the
    /// map's destinations of the host's addresses on that port.
    Mapped {
        by_port: Arc<HashMap<u16, reqwest::Client>>,
        connector: Connector,
    },
}

impl Fetcher {
    /// `timeout` is the step limit; one fetch may take [`Timing::fetch_limit`] in all.
    pub fn new(
        dns: &Dns,
        anchors: &TrustAnchors,
        connector: &Connector,
        timeout: Duration,
    ) -> Result<Self, String> {
        let timeout = Timing::new(timeout).fetch_limit();
        let clients = if connector.is_direct() {
            Clients::Direct(client(Arc::new(dns.clone()), anchors, timeout)?)
        } else {
            let mut by_port = HashMap::new();
            for port in connector.mapped_ports() {
                let resolver = MappedResolver {
                    dns: dns.clone(),
                    connector: connector.clone(),
                    port,
                };
                by_port.insert(port, client(Arc::new(resolver), anchors, timeout)?);
            }
            Clients::Mapped {
                by_port: Arc::new(by_port),
                connector: connector.clone(),
            }
        };
        Ok(Self {
            clients,
            timeout,
            run_dns: None,
        })
    }

    /// The same clients, for one run whose lookups `dns` keeps. A session's clients resolve
    /// through the session, which forgets a failed lookup so that the next run asks again; one
    /// run asks each name once, so a run's two fetches from one host (HTTPS and plain HTTP at
    /// once) get the same answer, however far apart they start.
    pub fn for_run(&self, dns: &Dns) -> Self {
        Self {
            run_dns: Some(dns.clone()),
            ..self.clone()
        }
    }

    /// Looks `url`'s host up through the run first, by `deadline`: a failure there is the
    /// fetch's, and an answer is the one the client then finds in the session's lookups or the
    /// cache.
    async fn resolve_before(
        &self,
        url: &Url,
        deadline: tokio::time::Instant,
    ) -> Result<(), FetchError> {
        // An IP address is its own answer (`Dns::ips`).
        let (Some(dns), Some(host)) = (&self.run_dns, url.host_str()) else {
            return Ok(());
        };
        let lookup = tokio::time::timeout_at(deadline, dns.ips(host));
        match lookup
            .await
            .map_err(|_| FetchError::Timeout(self.timeout))?
        {
            Ok(_) => Ok(()),
            Err(error) => Err(failure_of(&HostLookupError {
                host: host.to_owned(),
                error,
            })),
        }
    }

    /// A request of `url`, through the client that connects where the connector says.
    fn request_of(
        &self,
        method: reqwest::Method,
        url: &Url,
    ) -> Result<reqwest::RequestBuilder, FetchError> {
        let (by_port, connector) = match &self.clients {
            Clients::Direct(client) => return Ok(client.request(method, url.clone())),
            Clients::Mapped { by_port, connector } => (by_port, connector),
        };
        let refused = || FetchError::Unreachable(connect::refused().to_string());
        let port = url.port_or_known_default().unwrap_or_default();
        let client = by_port.get(&port).ok_or_else(refused)?;
        // The Host header says what the URL says (host, and a port other than the scheme's),
        // whatever the URL sent to reqwest says.
        let host = url.host_str().unwrap_or_default();
        let host = match url.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_owned(),
        };
        let mut sent = url.clone();
        let literal = url.host_str().unwrap_or_default().trim_matches(['[', ']']);
        match literal.parse::<IpAddr>() {
            // hyper-util connects to the port the resolver gave only when the URL names none.
            // (A URL with a host always takes a port, so this cannot fail.)
            Err(_) => drop(sent.set_port(None)),
            // An IP address is never resolved: it is replaced by its destination itself.
            Ok(ip) => {
                let destination = connector
                    .destination(SocketAddr::new(ip, port))
                    .ok_or_else(refused)?;
                let _ = sent.set_ip_host(destination.ip());
                let _ = sent.set_port(Some(destination.port()));
            }
        }
        Ok(client.request(method, sent).header(HOST, host))
    }

    /// Fetches an XML document, following at most [`MAX_REDIRECTS`] redirects, all of it
    /// within one deadline: every redirect and every byte of the body count against it.
    pub async fn fetch_xml(&self, url: Url) -> Result<Fetched, FetchError> {
        self.request_xml(url, None).await
    }

    /// Fetches a JSON document as [`Self::fetch_xml`] fetches XML, following redirects only
    /// to HTTPS (a PACC document is taken over HTTPS or not at all).
    pub async fn fetch_json(&self, url: Url) -> Result<Fetched, FetchError> {
        self.request(url, None, Kind::Json).await
    }

    /// Where a GET of `url` redirects to, without following it: `None` when it answers
    /// anything but a redirect (Autodiscover's plain-HTTP step, used only for that).
    pub async fn redirect_of(&self, url: Url) -> Result<Option<Url>, FetchError> {
        let deadline = tokio::time::Instant::now() + self.timeout;
        self.resolve_before(&url, deadline).await?;
        let request = self.request_of(reqwest::Method::GET, &url)?.send();
        let response = tokio::time::timeout_at(deadline, request)
            .await
            .map_err(|_| FetchError::Timeout(self.timeout))?
            .map_err(|e| self.network_error(&e))?;
        if !response.status().is_redirection() {
            return Ok(None);
        }
        let location = response
            .headers()
            .get(LOCATION)
            .and_then(|l| l.to_str().ok())
            .unwrap_or_default();
        Ok(url.join(location).ok())
    }

    /// POSTs `body` (XML) to `url` and reads the XML answer, as [`Self::fetch_xml`] reads one;
    /// a redirect is POSTed to again, and only over HTTPS (Exchange Autodiscover).
    pub async fn post_xml(&self, url: Url, body: &str) -> Result<Fetched, FetchError> {
        self.request_xml(url, Some(body)).await
    }

    async fn request_xml(&self, url: Url, post: Option<&str>) -> Result<Fetched, FetchError> {
        self.request(url, post, Kind::Xml).await
    }

    async fn request(
        &self,
        url: Url,
        post: Option<&str>,
        kind: Kind,
    ) -> Result<Fetched, FetchError> {
        let deadline = tokio::time::Instant::now() + self.timeout;
        let first = url.clone();
        let mut url = url;
        let mut insecure = false;
        let mut redirects: Vec<Url> = Vec::new();
        loop {
            insecure |= url.scheme() == "http";
            let method = match post {
                Some(_) => reqwest::Method::POST,
                None => reqwest::Method::GET,
            };
            let accept = match kind {
                Kind::Xml => "application/xml, text/xml",
                Kind::Json => "application/json",
            };
            let mut request = self.request_of(method, &url)?.header("Accept", accept);
            if let Some(body) = post {
                // outlook.com answers only this exact Content-Type.
                request = request
                    .header(CONTENT_TYPE, "text/xml; charset=utf-8")
                    .body(body.to_owned());
            }
            self.resolve_before(&url, deadline).await?;
            let request = request.send();
            let response = tokio::time::timeout_at(deadline, request)
                .await
                .map_err(|_| FetchError::Timeout(self.timeout))?
                .map_err(|e| self.network_error(&e))?;
            let status = response.status();
            if status.is_redirection() {
                if redirects.len() == MAX_REDIRECTS {
                    return Err(FetchError::TooManyRedirects);
                }
                let location = response
                    .headers()
                    .get(LOCATION)
                    .and_then(|l| l.to_str().ok())
                    .unwrap_or_default()
                    .to_owned();
                // An empty (or missing) Location would resolve to the same URL again.
                let next = Some(&location)
                    .filter(|l| !l.trim().is_empty())
                    .and_then(|l| url.join(l).ok())
                    .filter(|u| matches!(u.scheme(), "http" | "https"))
                    // What is posted (an address) goes nowhere in the clear, nor is a
                    // JSON document taken from there.
                    .filter(|u| (post.is_none() && kind == Kind::Xml) || u.scheme() == "https")
                    .ok_or(FetchError::BadRedirect(location))?;
                if next == first || redirects.contains(&next) {
                    return Err(FetchError::RedirectLoop(without_query(&next)));
                }
                redirects.push(next.clone());
                url = next;
                continue;
            }
            if !status.is_success() {
                return Err(FetchError::Status(status.as_u16()));
            }
            let content_type = response
                .headers()
                .get(CONTENT_TYPE)
                .and_then(|c| c.to_str().ok())
                .unwrap_or_default()
                .to_ascii_lowercase();
            // A JSON document's type is not checked: its digest and its parse decide.
            if kind == Kind::Xml && !is_xml_type(&content_type) {
                return Err(FetchError::ContentType(content_type));
            }
            if response
                .content_length()
                .is_some_and(|len| len > MAX_BODY as u64)
            {
                return Err(FetchError::TooLarge);
            }
            let bytes = self.read_body(response, deadline).await?;
            return Ok(Fetched {
                url,
                body: String::from_utf8_lossy(&bytes).into_owned(),
                bytes,
                insecure,
                redirects,
            });
        }
    }

    /// Reads the body chunk by chunk, so a lying or missing Content-Length cannot make
    /// mailcheck hold more than [`MAX_BODY`] bytes, nor a trickle keep it past `deadline`.
    async fn read_body(
        &self,
        mut response: reqwest::Response,
        deadline: tokio::time::Instant,
    ) -> Result<Vec<u8>, FetchError> {
        let mut body = Vec::new();
        loop {
            let chunk = tokio::time::timeout_at(deadline, response.chunk())
                .await
                .map_err(|_| FetchError::TooSlow {
                    limit: self.timeout,
                    received: body.len(),
                })?
                .map_err(|e| self.network_error(&e))?;
            let Some(chunk) = chunk else {
                break;
            };
            if body.len() + chunk.len() > MAX_BODY {
                return Err(FetchError::TooLarge);
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }

    fn network_error(&self, e: &reqwest::Error) -> FetchError {
        if e.is_timeout() {
            return FetchError::Timeout(self.timeout);
        }
        failure_of(e)
    }
}

/// What a failed request's innermost cause says happened (DNS, refused, certificate).
fn failure_of(e: &(dyn std::error::Error + 'static)) -> FetchError {
    let mut source: &dyn std::error::Error = e;
    let mut unreachable = false;
    let mut certificate = false;
    loop {
        // io::Error's source skips the error it wraps, which may be rustls's own.
        let wrapped = source
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
            .map(|inner| inner as &dyn std::error::Error);
        certificate |= [Some(source), wrapped].into_iter().flatten().any(|e| {
            matches!(
                e.downcast_ref::<rustls::Error>(),
                Some(rustls::Error::InvalidCertificate(_))
            )
        });
        if let Some(io) = source.downcast_ref::<std::io::Error>() {
            unreachable |= io.kind() == std::io::ErrorKind::ConnectionRefused;
        }
        // A host name that does not exist (or has no address); a failed lookup is no
        // such statement about the name.
        if let Some(lookup) = source.downcast_ref::<HostLookupError>() {
            unreachable |= lookup.error.is_absent();
        }
        match source.source() {
            Some(next) => source = next,
            None => break,
        }
    }
    let text = source.to_string();
    // rustls's own words, when its error reaches here only as text.
    certificate |= text.starts_with("invalid peer certificate");
    if unreachable {
        FetchError::Unreachable(text)
    } else if certificate {
        FetchError::Certificate(text)
    } else {
        FetchError::Network(text)
    }
}

/// Idle connections kept per host, for the next fetch from it.
const IDLE_PER_HOST: usize = 8;

fn client<R: reqwest::dns::Resolve + 'static>(
    resolver: Arc<R>,
    anchors: &TrustAnchors,
    timeout: Duration,
) -> Result<reqwest::Client, String> {
    reqwest::Client::builder()
        .use_preconfigured_tls(anchors.client_config(&[b"http/1.1"]))
        .dns_resolver(resolver)
        .redirect(reqwest::redirect::Policy::none())
        // The whole fetch's deadline is `fetch_xml`'s, across redirects.
        .connect_timeout(timeout)
        // A batch fetches from the same few hosts (the ISPDB, one provider's) for many accounts
        // at once; keeping every connection it opened idle held a TLS session and buffers each.
        .pool_max_idle_per_host(IDLE_PER_HOST)
        .no_proxy()
        .user_agent(concat!("mailcheck/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| format!("cannot build the HTTP client: {e}"))
}

/// Resolves through mailcheck's DNS, then answers with where the connector sends the host's
/// addresses on `port`; an address the map does not name is refused.
struct MappedResolver {
    dns: Dns,
    connector: Connector,
    port: u16,
}

impl reqwest::dns::Resolve for MappedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let (dns, connector, port) = (self.dns.clone(), self.connector.clone(), self.port);
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let destinations: Vec<SocketAddr> = dns
                .http_ips(&host)
                .await?
                .into_iter()
                .filter_map(|ip| connector.destination(SocketAddr::new(ip, port)))
                .collect();
            if destinations.is_empty() {
                return Err(Box::new(connect::refused()) as _);
            }
            let addrs: reqwest::dns::Addrs = Box::new(destinations.into_iter());
            Ok(addrs)
        })
    }
}

/// What a fetch expects to come back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Xml,
    Json,
}

/// Thunderbird parses a body only when it is served as one of these.
fn is_xml_type(content_type: &str) -> bool {
    let mime = content_type.split(';').next().unwrap_or("").trim();
    matches!(mime, "text/xml" | "application/xml" | "text/rdf") || mime.ends_with("+xml")
}

/// A URL as shown in the report: the `emailaddress` query would only repeat the address.
pub fn without_query(url: &Url) -> String {
    let mut shown = url.clone();
    shown.set_query(None);
    shown.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_content_types() {
        assert!(is_xml_type("application/xml"));
        assert!(is_xml_type("text/xml; charset=utf-8"));
        assert!(!is_xml_type("text/html"));
        assert!(!is_xml_type("text/plain"));
        assert!(!is_xml_type(""));
    }
}
