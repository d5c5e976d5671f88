//! Source: Exchange Autodiscover (POX, MS-OXDISCO), read for its IMAP, POP3 and SMTP settings.
//!
//! The endpoints a client asks, all at once, taken in this order: `https://autodiscover.<d>/…`,
//! `https://<d>/…`, a plain-HTTP GET of `http://autodiscover.<d>/…` used only for the HTTPS
//! address it redirects to, and the `_autodiscover._tcp.<d>` SRV record's target. Each is a POST
//! of the address; no credentials are sent (an endpoint that wants them says so with 401, which
//! the detail reports). A response may redirect to another address (`redirectAddr`) or URL
//! (`redirectUrl`): followed at most [`MAX_HOPS`] times, and only over HTTPS.

use futures::future::join_all;
use quick_xml::Reader;
use quick_xml::events::Event;
use reqwest::Url;

use super::{NamedServer, SourceKind, SourceResult, SourceStatus};
use crate::address::EmailAddress;
use crate::net::dns::Dns;
use crate::net::fetch::{FetchError, Fetcher, without_query};
use crate::settings::{Protocol, Security, ServerSettings};

/// Redirects (`redirectAddr`, `redirectUrl`) followed at most, as Thunderbird does.
pub const MAX_HOPS: usize = 2;
/// Protocol entries read from one response at most.
const MAX_PROTOCOLS: usize = 16;

const PATH: &str = "/autodiscover/autodiscover.xml";

/// The POX request for `address`.
pub fn request_body(address: &str) -> String {
    format!(
        concat!(
            r#"<?xml version="1.0" encoding="utf-8"?>"#,
            r#"<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006">"#,
            "<Request><EMailAddress>{}</EMailAddress>",
            "<AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema>",
            "</Request></Autodiscover>"
        ),
        quick_xml::escape::escape(address)
    )
}

pub async fn lookup(fetcher: &Fetcher, dns: &Dns, address: &EmailAddress) -> SourceResult {
    let domain = address.domain();
    let url = |base: &str| Url::parse(&format!("{base}{PATH}")).ok();
    let direct = [
        url(&format!("https://autodiscover.{domain}")),
        url(&format!("https://{domain}")),
    ];
    let redirect = discover_by_redirect(fetcher, domain);
    let srv = discover_by_srv(dns, domain);
    let (redirected, srv_url) = tokio::join!(redirect, srv);
    let mut urls: Vec<Url> = direct.into_iter().flatten().collect();
    // What each endpoint said, and whether that means nothing is published there.
    let mut tried: Vec<(String, bool)> = Vec::new();
    for found in [redirected, srv_url] {
        match found {
            Ok(Some(url)) if !urls.contains(&url) => urls.push(url),
            Ok(_) => {}
            Err(note) => tried.push((note, false)),
        }
    }
    let answers = join_all(
        urls.iter()
            .map(|url| ask(fetcher, url.clone(), address.to_string())),
    )
    .await;
    let mut answered = Vec::new();
    let mut microsoft = false;
    for (url, answer) in urls.iter().zip(answers) {
        match answer {
            Ok(found) if !found.servers.is_empty() => {
                let mut result = SourceResult::new(
                    SourceKind::Autodiscover,
                    SourceStatus::Found,
                    found.detail(url),
                );
                result.provider_id = found.microsoft.then_some(MICROSOFT_365);
                result.servers = found.servers;
                return result;
            }
            Ok(found) => {
                microsoft |= found.microsoft;
                answered.push((
                    format!("{}: {}", without_query(url), found.nothing_for_mail()),
                    false,
                ));
            }
            Err(error) => {
                let absent = matches!(&error, AskError::Fetch(e) if e.is_absent());
                answered.push((format!("{}: {error}", without_query(url)), absent));
            }
        }
    }
    answered.extend(tried);
    let status = if answered.iter().all(|(_, absent)| *absent) {
        SourceStatus::NotFound
    } else {
        SourceStatus::Error
    };
    let detail: Vec<String> = answered.into_iter().map(|(note, _)| note).collect();
    let mut result = SourceResult::new(SourceKind::Autodiscover, status, detail.join("; "));
    result.provider_id = microsoft.then_some(MICROSOFT_365);
    result
}

/// The bundled provider an Autodiscover answer from Microsoft means.
const MICROSOFT_365: &str = "microsoft365";

/// Why asking one endpoint gave nothing.
#[derive(Debug)]
enum AskError {
    Fetch(FetchError),
    /// The response is no Autodiscover response.
    Unreadable(String),
    /// More redirects than [`MAX_HOPS`].
    TooManyHops,
    /// The response says there is no such account, or returns an error code.
    Refused(String),
}

impl std::fmt::Display for AskError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AskError::Fetch(FetchError::Status(401)) => write!(
                f,
                "HTTP 401: the endpoint wants the account's credentials (mailcheck sends none to Autodiscover)"
            ),
            AskError::Fetch(e) => write!(f, "{e}"),
            AskError::Unreadable(why) => write!(f, "not an Autodiscover response: {why}"),
            AskError::TooManyHops => write!(f, "more than {MAX_HOPS} Autodiscover redirects"),
            AskError::Refused(why) => write!(f, "the response is an error: {why}"),
        }
    }
}

/// What an endpoint answered, after its redirects.
struct Answer {
    servers: Vec<NamedServer>,
    /// Protocol types it named that mailcheck does not probe (`EXCH`, `WEB`, …).
    others: Vec<String>,
    /// Where the answer finally came from, when redirects led elsewhere.
    via: Vec<String>,
    microsoft: bool,
}

impl Answer {
    fn detail(&self, url: &Url) -> String {
        let mut detail = format!("{} → {} server(s)", without_query(url), self.servers.len());
        if !self.via.is_empty() {
            detail.push_str(&format!(", via {}", self.via.join(" → ")));
        }
        if !self.others.is_empty() {
            detail.push_str(&format!(", also {}", self.others.join(" ")));
        }
        if self.microsoft {
            detail.push_str(" (Microsoft 365)");
        }
        detail
    }

    fn nothing_for_mail(&self) -> String {
        let mut text = "names no IMAP, POP3 or SMTP server".to_owned();
        if !self.others.is_empty() {
            text.push_str(&format!(" (only {})", self.others.join(" ")));
        }
        if self.microsoft {
            text.push_str(" (Microsoft 365)");
        }
        text
    }
}

/// POSTs the request for `address` to `url` and follows what the answer says.
async fn ask(fetcher: &Fetcher, url: Url, address: String) -> Result<Answer, AskError> {
    let mut url = url;
    let mut address = address;
    let mut via = Vec::new();
    for hop in 0..=MAX_HOPS {
        let fetched = fetcher
            .post_xml(url.clone(), &request_body(&address))
            .await
            .map_err(AskError::Fetch)?;
        let parsed = parse(&fetched.body).map_err(AskError::Unreadable)?;
        match parsed.action {
            Action::Settings => {
                let username = |login: &Option<String>| login.clone().unwrap_or(address.clone());
                let servers = parsed
                    .protocols
                    .iter()
                    .filter_map(|p| {
                        Some(NamedServer {
                            settings: ServerSettings {
                                protocol: p.protocol?,
                                host: p.server.clone(),
                                port: p.port?,
                                security: p.security(),
                                username: username(&p.login),
                            },
                            label: None,
                            insecure: fetched.insecure,
                            // Autodiscover names no OAuth-only login for IMAP/POP3/SMTP.
                            oauth_only: false,
                        })
                    })
                    .collect();
                let others = parsed
                    .protocols
                    .iter()
                    .filter(|p| p.protocol.is_none())
                    .map(|p| p.kind.clone())
                    .collect();
                let microsoft = is_microsoft(fetched.url.host_str().unwrap_or_default())
                    || parsed.protocols.iter().any(|p| is_microsoft(&p.server));
                return Ok(Answer {
                    servers,
                    others,
                    via,
                    microsoft,
                });
            }
            Action::RedirectAddr(next) => {
                let Some((_, domain)) = next.rsplit_once('@') else {
                    return Err(AskError::Unreadable(format!("redirect to {next:?}")));
                };
                url = Url::parse(&format!("https://autodiscover.{domain}{PATH}"))
                    .map_err(|e| AskError::Unreadable(e.to_string()))?;
                via.push(next.clone());
                address = next;
            }
            Action::RedirectUrl(next) => {
                url = Url::parse(&next)
                    .ok()
                    .filter(|u| u.scheme() == "https")
                    .ok_or_else(|| AskError::Unreadable(format!("redirect to {next:?}")))?;
                via.push(without_query(&url));
            }
            Action::Error(why) => return Err(AskError::Refused(why)),
        }
        if hop == MAX_HOPS {
            break;
        }
    }
    Err(AskError::TooManyHops)
}

/// Microsoft's own Autodiscover and mail hosts.
fn is_microsoft(host: &str) -> bool {
    let host = host.to_ascii_lowercase();
    ["office365.com", "outlook.com", "office.com"]
        .iter()
        .any(|d| host == *d || host.ends_with(&format!(".{d}")))
}

/// The plain-HTTP GET that only looks for an HTTPS redirect.
async fn discover_by_redirect(fetcher: &Fetcher, domain: &str) -> Result<Option<Url>, String> {
    let Ok(url) = Url::parse(&format!("http://autodiscover.{domain}{PATH}")) else {
        return Ok(None);
    };
    match fetcher.redirect_of(url.clone()).await {
        Ok(Some(next)) if next.scheme() == "https" => Ok(Some(next)),
        Ok(Some(next)) => Err(format!(
            "{} redirects to plain HTTP {}: not followed",
            without_query(&url),
            without_query(&next)
        )),
        Ok(None) => Ok(None),
        Err(e) if e.is_absent() => Ok(None),
        Err(e) => Err(format!("{}: {e}", without_query(&url))),
    }
}

/// The `_autodiscover._tcp` SRV record's target, as an HTTPS endpoint.
async fn discover_by_srv(dns: &Dns, domain: &str) -> Result<Option<Url>, String> {
    let name = format!("_autodiscover._tcp.{domain}");
    match dns.srv(&name).await {
        Ok(records) => Ok(records
            .into_iter()
            .find(|r| r.target != "." && !r.target.is_empty())
            .and_then(|r| {
                let target = r.target.trim_end_matches('.');
                let port = if r.port == 443 {
                    String::new()
                } else {
                    format!(":{}", r.port)
                };
                Url::parse(&format!("https://{target}{port}{PATH}")).ok()
            })),
        Err(e) if e.is_absent() => Ok(None),
        Err(e) => Err(format!("SRV {name}: {e}")),
    }
}

/// The IMAP, POP3 and SMTP servers a POX response names for `address` (what `--emit
/// autodiscover` writes is read back with this in the tests).
pub fn servers_in(body: &str, address: &str) -> Result<Vec<ServerSettings>, String> {
    let parsed = parse(body)?;
    Ok(parsed
        .protocols
        .iter()
        .filter_map(|p| {
            Some(ServerSettings {
                protocol: p.protocol?,
                host: p.server.clone(),
                port: p.port?,
                security: p.security(),
                username: p.login.clone().unwrap_or_else(|| address.to_owned()),
            })
        })
        .collect())
}

/// What a response says to do.
#[derive(Debug, PartialEq, Eq)]
enum Action {
    Settings,
    RedirectAddr(String),
    RedirectUrl(String),
    Error(String),
}

/// One `Account/Protocol` entry.
#[derive(Debug, Default, PartialEq, Eq)]
struct ProtocolEntry {
    kind: String,
    protocol: Option<Protocol>,
    server: String,
    port: Option<u16>,
    ssl: Option<bool>,
    encryption: Option<String>,
    login: Option<String>,
}

impl ProtocolEntry {
    /// `Encryption` when given (`SSL` implicit TLS, `TLS` STARTTLS, `None`), else `SSL on`
    /// read by the port as Thunderbird reads it: STARTTLS on 143, 110, 25 and 587, implicit TLS
    /// elsewhere.
    fn security(&self) -> Security {
        let by_port = || match self.port {
            Some(143 | 110 | 25 | 587) => Security::Starttls,
            _ => Security::Tls,
        };
        match self
            .encryption
            .as_deref()
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("ssl") => Security::Tls,
            Some("tls") => Security::Starttls,
            Some("none") => Security::Plain,
            Some("auto") => by_port(),
            _ => match self.ssl {
                Some(false) => Security::Plain,
                _ => by_port(),
            },
        }
    }
}

#[derive(Debug, PartialEq, Eq)]
struct Parsed {
    action: Action,
    protocols: Vec<ProtocolEntry>,
}

/// Reads a POX response: the action, and every `Protocol` of the account (at most
/// [`MAX_PROTOCOLS`]). Element names are matched without their namespace prefix.
fn parse(body: &str) -> Result<Parsed, String> {
    let mut reader = Reader::from_str(body);
    let mut path: Vec<String> = Vec::new();
    let mut protocols: Vec<ProtocolEntry> = Vec::new();
    let mut action: Option<String> = None;
    let (mut redirect_addr, mut redirect_url, mut error) = (None, None, None);
    let mut seen_root = false;
    loop {
        match reader.read_event() {
            Ok(Event::Start(start)) => {
                let name = String::from_utf8_lossy(start.local_name().as_ref()).into_owned();
                if path.is_empty() {
                    if name != "Autodiscover" {
                        return Err(format!("the root element is <{name}>"));
                    }
                    seen_root = true;
                }
                if name == "Protocol" && path.last().is_some_and(|p| p == "Account") {
                    if protocols.len() == MAX_PROTOCOLS {
                        return Err(format!("more than {MAX_PROTOCOLS} protocols"));
                    }
                    protocols.push(ProtocolEntry::default());
                }
                path.push(name);
                if path.len() > 16 {
                    return Err("nested too deep".to_owned());
                }
            }
            Ok(Event::End(_)) => {
                path.pop();
            }
            Ok(Event::Text(text)) => {
                let text = text
                    .unescape()
                    .map_err(|e| e.to_string())?
                    .trim()
                    .to_owned();
                let here: Vec<&str> = path.iter().map(String::as_str).collect();
                match here.as_slice() {
                    [.., "Account", "Action"] => action = Some(text),
                    [.., "Account", "RedirectAddr"] => redirect_addr = Some(text),
                    [.., "Account", "RedirectUrl"] => redirect_url = Some(text),
                    [.., "Error", "Message"] => error = Some(text),
                    [.., "Account", "Protocol", field] => {
                        if let Some(entry) = protocols.last_mut() {
                            read_field(entry, field, text);
                        }
                    }
                    _ => {}
                }
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => return Err(format!("not well-formed XML: {e}")),
        }
    }
    if !seen_root {
        return Err("empty".to_owned());
    }
    if !path.is_empty() {
        return Err("not well-formed XML: the document ends inside an element".to_owned());
    }
    let action = match action.as_deref().map(str::to_ascii_lowercase).as_deref() {
        Some("redirectaddr") => Action::RedirectAddr(redirect_addr.unwrap_or_default()),
        Some("redirecturl") => Action::RedirectUrl(redirect_url.unwrap_or_default()),
        _ if error.is_some() && protocols.is_empty() => Action::Error(error.unwrap_or_default()),
        _ => Action::Settings,
    };
    Ok(Parsed { action, protocols })
}

fn read_field(entry: &mut ProtocolEntry, field: &str, text: String) {
    match field {
        "Type" => {
            entry.protocol = match text.to_ascii_uppercase().as_str() {
                "IMAP" => Some(Protocol::Imap),
                "POP3" => Some(Protocol::Pop3),
                "SMTP" => Some(Protocol::Smtp),
                _ => None,
            };
            entry.kind = text;
        }
        "Server" => entry.server = text.trim_end_matches('.').to_ascii_lowercase(),
        "Port" => entry.port = text.parse().ok().filter(|p| *p != 0),
        "SSL" => entry.ssl = Some(text.eq_ignore_ascii_case("on")),
        "Encryption" => entry.encryption = Some(text),
        "LoginName" if !text.is_empty() => entry.login = Some(text),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RESPONSE: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006">
  <Response xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a">
    <Account>
      <AccountType>email</AccountType>
      <Action>settings</Action>
      <Protocol>
        <Type>IMAP</Type><Server>mail.example.com</Server><Port>993</Port>
        <SSL>on</SSL><SPA>off</SPA><LoginName>alice@example.com</LoginName>
      </Protocol>
      <Protocol>
        <Type>SMTP</Type><Server>mail.example.com</Server><Port>587</Port>
        <SSL>on</SSL><Encryption>TLS</Encryption><SPA>off</SPA>
      </Protocol>
      <Protocol><Type>EXCH</Type><Server>ex.example.com</Server></Protocol>
    </Account>
  </Response>
</Autodiscover>"#;

    #[test]
    fn a_pox_response_gives_its_mail_servers() {
        let parsed = parse(RESPONSE).unwrap();
        assert_eq!(parsed.action, Action::Settings);
        let mail: Vec<(Option<Protocol>, &str, Option<u16>, Security)> = parsed
            .protocols
            .iter()
            .map(|p| (p.protocol, p.server.as_str(), p.port, p.security()))
            .collect();
        assert_eq!(
            mail,
            [
                (
                    Some(Protocol::Imap),
                    "mail.example.com",
                    Some(993),
                    Security::Tls
                ),
                (
                    Some(Protocol::Smtp),
                    "mail.example.com",
                    Some(587),
                    Security::Starttls
                ),
                (None, "ex.example.com", None, Security::Tls),
            ]
        );
    }

    #[test]
    fn ssl_on_is_read_by_the_port_and_encryption_wins() {
        let entry = |port, ssl, encryption: Option<&str>| ProtocolEntry {
            port: Some(port),
            ssl,
            encryption: encryption.map(str::to_owned),
            ..ProtocolEntry::default()
        };
        assert_eq!(entry(143, Some(true), None).security(), Security::Starttls);
        assert_eq!(entry(465, Some(true), None).security(), Security::Tls);
        assert_eq!(entry(143, Some(false), None).security(), Security::Plain);
        assert_eq!(
            entry(587, Some(true), Some("SSL")).security(),
            Security::Tls
        );
        assert_eq!(
            entry(993, Some(true), Some("None")).security(),
            Security::Plain
        );
        assert_eq!(
            entry(110, None, Some("Auto")).security(),
            Security::Starttls
        );
    }

    #[test]
    fn redirects_and_errors_are_actions() {
        let redirect = RESPONSE.replace(
            "<Action>settings</Action>",
            "<Action>redirectAddr</Action><RedirectAddr>alice@other.test</RedirectAddr>",
        );
        assert_eq!(
            parse(&redirect).unwrap().action,
            Action::RedirectAddr("alice@other.test".into())
        );
        let error = r#"<Autodiscover xmlns="x"><Response><Error Time="1" Id="2"><ErrorCode>600</ErrorCode><Message>Invalid Request</Message></Error></Response></Autodiscover>"#;
        assert_eq!(
            parse(error).unwrap().action,
            Action::Error("Invalid Request".into())
        );
    }

    #[test]
    fn broken_documents_say_why() {
        assert!(
            parse("<html><body>hi</body></html>")
                .unwrap_err()
                .contains("root")
        );
        let cut = &RESPONSE[..RESPONSE.len() / 2];
        assert!(
            parse(cut).unwrap_err().contains("well-formed"),
            "{:?}",
            parse(cut)
        );
        assert!(parse("").is_err());
        let many = format!(
            "<Autodiscover><Response><Account>{}</Account></Response></Autodiscover>",
            "<Protocol><Type>IMAP</Type></Protocol>".repeat(100)
        );
        assert!(parse(&many).unwrap_err().contains("more than"));
    }

    #[test]
    fn the_request_escapes_the_address() {
        assert!(
            request_body("a&b@example.com")
                .contains("<EMailAddress>a&amp;b@example.com</EMailAddress>")
        );
    }
}
