//! The Thunderbird autoconfig format (config-v1.1), with mailcheck's own namespace.
//!
//! One reader serves the bundled provider files and every autoconfig document fetched from a
//! domain or the ISPDB, so a domain's published file is a valid provider file. The format and
//! the extensions are described in `docs/providers.md`.

use quick_xml::NsReader;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::{Namespace, ResolveResult};

use crate::address::EmailAddress;
use crate::finding::FindingCode;
use crate::lang::{Lang, Localized};
use crate::settings::{Protocol, Security, ServerSettings};

/// The namespace of mailcheck's extensions to config-v1.1.
pub const MAILCHECK_NS: &str = "urn:mailcheck:provider:1";

/// Deepest element nesting accepted; real documents use five levels.
const MAX_DEPTH: usize = 32;
/// Most `<emailProvider>`s in one document; real documents have one. Each gets its own copy of
/// an `<enable>` beside them, so more would let a small document fill the memory.
const MAX_PROVIDERS: usize = 16;
/// Most warnings kept for one provider; each may repeat a host name, so they are bounded for
/// the same reason.
const MAX_WARNINGS: usize = 32;

/// Why a document could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    #[error("not well-formed XML: {0}")]
    Xml(String),
    #[error("the document declares entities (<!ENTITY>), which mailcheck refuses to expand")]
    EntityDeclaration,
    #[error("the document nests elements more than {MAX_DEPTH} deep")]
    TooDeep,
    /// The document stops with elements still open: it was cut short (a dropped connection, a
    /// full disk), and what it holds so far is no document.
    #[error("not well-formed XML: the document ends inside <{0}> (cut short?)")]
    Truncated(String),
    #[error("the document holds no XML element at all")]
    NoElement,
    #[error("the document has more than {MAX_PROVIDERS} <emailProvider>s")]
    TooManyProviders,
    #[error("the document has no <emailProvider>")]
    NoEmailProvider,
    #[error("the root element is <{0}>, not <clientConfig>")]
    WrongRoot(String),
}

/// A parsed config-v1.1 document.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClientConfig {
    pub providers: Vec<ProviderConfig>,
}

/// One `<emailProvider>`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProviderConfig {
    pub id: String,
    pub display_name: Option<String>,
    pub display_short_name: Option<String>,
    /// `mc:displayName` in other languages.
    pub localized_names: Localized,
    pub domains: Vec<String>,
    pub mx_patterns: Vec<String>,
    pub incoming: Vec<ServerTemplate>,
    pub outgoing: Vec<ServerTemplate>,
    pub documentation: Vec<Documentation>,
    pub enable: Option<Enable>,
    pub notes: Vec<Localized>,
    /// `mc:limitation protocol=…`: what the provider's service of that protocol cannot do.
    pub limitations: Vec<(Protocol, Localized)>,
    pub hints: Vec<(FindingCode, Localized)>,
    pub replies: Vec<ReplyPattern>,
    /// `mc:password`: what a mail client types as the password at this provider.
    pub password: Option<PasswordKind>,
    /// `mc:oauthPolicy`: since when password logins are refused, and what still works.
    pub oauth_policies: Vec<OauthPolicy>,
    /// `<oAuth2>` (autoconfig 1.2): where a mail client signs in with OAuth.
    pub oauth2: Option<OAuth2Config>,
    /// Kinds of server named without a host name that mailcheck does not probe anyway (JMAP
    /// by its URL, say): kept by kind only.
    pub named_by_url: Vec<String>,
    /// Values the reader skipped (an unknown socketType, a bad port, an unknown code): the
    /// first `MAX_WARNINGS`.
    pub warnings: Vec<String>,
}

/// What a mail client's password field takes at a provider (`mc:password`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PasswordKind {
    /// The account's own password.
    Account,
    /// An app password (app-specific password), never the account password.
    AppPassword,
    /// A client authorization code (授权码) generated in webmail, never the webmail password.
    AuthorizationCode,
    /// The webmail password, or the authorization code once the user switched it on.
    AuthorizationCodeIfOn,
    /// The mailbox password, or a client-specific password (客户端专用密码) once secure
    /// login is on.
    ClientPasswordIfSecureLogin,
}

impl PasswordKind {
    pub const ALL: [PasswordKind; 5] = [
        PasswordKind::Account,
        PasswordKind::AppPassword,
        PasswordKind::AuthorizationCode,
        PasswordKind::AuthorizationCodeIfOn,
        PasswordKind::ClientPasswordIfSecureLogin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PasswordKind::Account => "account",
            PasswordKind::AppPassword => "app_password",
            PasswordKind::AuthorizationCode => "authorization_code",
            PasswordKind::AuthorizationCodeIfOn => "authorization_code_if_on",
            PasswordKind::ClientPasswordIfSecureLogin => "client_password_if_secure_login",
        }
    }

    /// Whether the account's own password is refused whatever the user switched on.
    pub fn never_the_account_password(self) -> bool {
        matches!(
            self,
            PasswordKind::AppPassword | PasswordKind::AuthorizationCode
        )
    }
}

/// The kind of an `incomingServer`/`outgoingServer`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ServerKind {
    Mail(Protocol),
    /// `exchange`, `ews`, `jmap`, … read and not probed.
    Other(String),
}

/// A server entry before the address is filled into its placeholders.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerTemplate {
    pub kind: ServerKind,
    pub hostname: String,
    pub port: Option<u16>,
    pub socket_types: Vec<Security>,
    pub authentication: Vec<String>,
    pub username: Option<String>,
    /// `mc:label`: an alternate such as `overseas`.
    pub label: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Documentation {
    pub url: String,
    pub descr: Localized,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Enable {
    pub visit_url: Option<String>,
    pub instruction: Localized,
}

/// `mc:reply`: a reply text that means a finding code at this provider.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReplyPattern {
    /// `None` matches replies of any protocol.
    pub protocol: Option<Protocol>,
    pub code: FindingCode,
    pub also: Vec<FindingCode>,
    /// Matched as a case-insensitive substring.
    pub text: String,
}

/// `<oAuth2>` of the autoconfig draft (file format 1.2): the identity provider a mail client
/// signs in at. Read and reported; mailcheck signs in nowhere.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OAuth2Config {
    pub issuer: String,
    pub scope: String,
    pub auth_url: String,
    pub token_url: String,
}

/// `mc:oauthPolicy`: a provider refuses password logins to `protocols` from `since` on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OauthPolicy {
    pub protocols: Vec<Protocol>,
    /// `None` only for `app-password`: in force, since a date not recorded.
    pub since: Option<time::Date>,
    /// What still works besides OAuth.
    pub allows: PasswordsAllowed,
    /// Until when that still works, where the provider has said so.
    pub until: Option<time::Date>,
}

/// What a provider's OAuth policy still allows besides OAuth.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PasswordsAllowed {
    /// Nothing: OAuth only (`none`).
    Nothing,
    /// An app password instead of the account password (`app-password`).
    AppPassword,
    /// Off by default; an administrator can switch password logins back on (`admin`).
    AdminSwitch,
}

impl OauthPolicy {
    /// Whether it applies on `today` to `protocol`.
    pub fn applies(&self, protocol: Protocol, today: time::Date) -> bool {
        self.protocols.contains(&protocol) && self.since.is_none_or(|since| today >= since)
    }
}

/// A `YYYY-MM-DD` date.
pub fn parse_date(text: &str) -> Option<time::Date> {
    let mut parts = text.trim().splitn(3, '-');
    let year = parts.next()?.parse().ok()?;
    let month: u8 = parts.next()?.parse().ok()?;
    let day = parts.next()?.parse().ok()?;
    time::Date::from_calendar_date(year, time::Month::try_from(month).ok()?, day).ok()
}

impl ServerTemplate {
    /// Whether OAuth2 is the only way to log in that the entry lists.
    pub fn oauth_only(&self) -> bool {
        !self.authentication.is_empty()
            && self
                .authentication
                .iter()
                .all(|a| a.eq_ignore_ascii_case("OAuth2") || a.eq_ignore_ascii_case("OAuth"))
    }

    pub fn protocol(&self) -> Option<Protocol> {
        match self.kind {
            ServerKind::Mail(p) => Some(p),
            ServerKind::Other(_) => None,
        }
    }

    /// The settings for `address`: placeholders filled in, the first (preferred) socket type,
    /// the registered port when none is given. `None` for kinds mailcheck does not probe or a
    /// host name that is not a host name once filled in.
    pub fn settings_for(&self, address: &EmailAddress) -> Option<ServerSettings> {
        let protocol = self.protocol()?;
        let security = self.socket_types.first().copied().unwrap_or(Security::Tls);
        let host = expand_placeholders(&self.hostname, address);
        let (host, _) = crate::address::normalise_domain(&host).ok()?;
        let username = self
            .username
            .as_deref()
            .map(|u| expand_placeholders(u, address))
            .filter(|u| !u.is_empty())
            .unwrap_or_else(|| address.to_string());
        Some(ServerSettings {
            protocol,
            host,
            port: self.port.unwrap_or_else(|| protocol.default_port(security)),
            security,
            username,
        })
    }
}

impl ProviderConfig {
    /// The provider's name in `lang`, falling back to `displayName`, then the id.
    pub fn name(&self, lang: Lang) -> &str {
        if lang != Lang::En
            && let Some(name) = self.localized_names.exact(lang)
        {
            return name;
        }
        self.default_name()
    }

    /// The provider's own name (`displayName`), else its short name, else its id: for technical
    /// details that are not translated.
    pub fn default_name(&self) -> &str {
        self.display_name
            .as_deref()
            .or(self.display_short_name.as_deref())
            .unwrap_or(&self.id)
    }

    /// The provider's own advice for a finding code, if it has some.
    pub fn hint_for(&self, code: FindingCode) -> Option<&Localized> {
        self.hints.iter().find(|(c, _)| *c == code).map(|(_, h)| h)
    }

    /// All incoming and outgoing servers of probed kinds, in document order.
    pub fn mail_servers(&self) -> impl Iterator<Item = &ServerTemplate> {
        self.incoming
            .iter()
            .chain(&self.outgoing)
            .filter(|s| s.protocol().is_some())
    }

    /// The kinds of server the document names that mailcheck does not probe (`jmap`, `ews`,
    /// `activesync`, `graph`, `exchange`, …), each once, in document order.
    pub fn other_kinds(&self) -> Vec<String> {
        let mut kinds: Vec<String> = self.named_by_url.clone();
        for server in self.incoming.iter().chain(&self.outgoing) {
            if let ServerKind::Other(kind) = &server.kind
                && !kinds.contains(kind)
            {
                kinds.push(kind.clone());
            }
        }
        kinds
    }
}

/// Replaces `%EMAILADDRESS%`, `%EMAILLOCALPART%` and `%EMAILDOMAIN%` (and the ISPDB's typo
/// `%EMAILADDRESS` without its closing `%`).
pub fn expand_placeholders(template: &str, address: &EmailAddress) -> String {
    template
        .replace("%EMAILADDRESS%", &address.to_string())
        .replace("%EMAILLOCALPART%", address.local_part())
        .replace("%EMAILDOMAIN%", address.domain())
        .replace("%EMAILADDRESS", &address.to_string())
}

/// Reads a config-v1.1 document.
pub fn parse(xml: &str) -> Result<ClientConfig, ConfigError> {
    Parser::default().run(xml)
}

/// Where the reader is: the path of local names from the root, and whether each is ours.
#[derive(Default)]
struct Parser {
    path: Vec<(String, bool)>,
    text: String,
    config: ClientConfig,
    provider: Option<ProviderConfig>,
    server: Option<ServerTemplate>,
    /// `lang` and other attributes of the element whose text is being read.
    lang: Option<String>,
    code: Option<String>,
    reply_protocol: Option<String>,
    reply_also: Option<String>,
    since: Option<String>,
    until: Option<String>,
    documentation: Option<Documentation>,
    enable: Option<Enable>,
    root_enable: Option<Enable>,
    /// Whether the root element has been read: a document without one is no document.
    saw_root: bool,
}

impl Parser {
    fn run(mut self, xml: &str) -> Result<ClientConfig, ConfigError> {
        let mut reader = NsReader::from_str(xml);
        reader.config_mut().trim_text(true);
        loop {
            let event = reader
                .read_event()
                .map_err(|e| ConfigError::Xml(e.to_string()))?;
            match event {
                Event::DocType(doctype) if String::from_utf8_lossy(&doctype).contains("ENTITY") => {
                    return Err(ConfigError::EntityDeclaration);
                }
                Event::Start(start) => {
                    let (ours, local) = element_name(&reader, &start);
                    self.open(&reader, &start, &local, ours)?;
                    self.path.push((local, ours));
                    if self.path.len() > MAX_DEPTH {
                        return Err(ConfigError::TooDeep);
                    }
                }
                Event::Empty(start) => {
                    let (ours, local) = element_name(&reader, &start);
                    self.open(&reader, &start, &local, ours)?;
                    self.path.push((local, ours));
                    self.close();
                }
                Event::End(_) => self.close(),
                Event::Text(text) => {
                    let text = text
                        .unescape()
                        .map_err(|e| ConfigError::Xml(e.to_string()))?;
                    self.text.push_str(&text);
                }
                Event::CData(data) => {
                    self.text.push_str(&String::from_utf8_lossy(&data));
                }
                Event::Eof => break,
                _ => {}
            }
        }
        if let Some((open, _)) = self.path.last() {
            return Err(ConfigError::Truncated(open.clone()));
        }
        if !self.saw_root {
            return Err(ConfigError::NoElement);
        }
        if self.config.providers.is_empty() {
            return Err(ConfigError::NoEmailProvider);
        }
        if let Some(enable) = self.root_enable {
            // Newer files put <enable> beside <emailProvider>; it belongs to the provider.
            for provider in &mut self.config.providers {
                provider.enable.get_or_insert_with(|| enable.clone());
            }
        }
        Ok(self.config)
    }

    fn open(
        &mut self,
        reader: &NsReader<&[u8]>,
        start: &BytesStart<'_>,
        local: &str,
        ours: bool,
    ) -> Result<(), ConfigError> {
        self.text.clear();
        let attrs = Attributes::read(reader, start);
        self.lang = attrs.get("lang", false);
        let depth = self.path.len();
        if depth == 0 && local != "clientConfig" {
            return Err(ConfigError::WrongRoot(local.to_owned()));
        }
        self.saw_root = true;
        let parent = self.path.last().map(|(n, o)| (n.as_str(), *o));
        match (parent, local, ours) {
            (Some(("clientConfig", false)), "emailProvider", false) => {
                if self.config.providers.len() == MAX_PROVIDERS {
                    return Err(ConfigError::TooManyProviders);
                }
                self.provider = Some(ProviderConfig {
                    id: attrs.get("id", false).unwrap_or_default(),
                    ..ProviderConfig::default()
                });
            }
            (Some(("emailProvider", false)), "incomingServer" | "outgoingServer", false) => {
                let kind = attrs.get("type", false).unwrap_or_default();
                let kind = match kind.to_ascii_lowercase().as_str() {
                    "imap" => ServerKind::Mail(Protocol::Imap),
                    "pop3" => ServerKind::Mail(Protocol::Pop3),
                    "smtp" => ServerKind::Mail(Protocol::Smtp),
                    _ => ServerKind::Other(kind),
                };
                self.server = Some(ServerTemplate {
                    kind,
                    hostname: String::new(),
                    port: None,
                    socket_types: Vec::new(),
                    authentication: Vec::new(),
                    username: None,
                    label: attrs.get("label", true),
                });
            }
            (Some(("emailProvider", false)), "documentation", false) => {
                self.documentation = Some(Documentation {
                    url: attrs.get("url", false).unwrap_or_default(),
                    descr: Localized::default(),
                });
            }
            (Some(("emailProvider" | "clientConfig", false)), "enable", false) => {
                self.enable = Some(Enable {
                    visit_url: attrs.get("visiturl", false),
                    instruction: Localized::default(),
                });
            }
            (Some(("emailProvider", false)), "hint", true) => {
                self.code = attrs.get("code", false);
            }
            (Some(("emailProvider", false)), "oauthPolicy", true) => {
                self.reply_protocol = attrs.get("protocol", false);
                self.since = attrs.get("since", false);
                self.until = attrs.get("until", false);
            }
            (Some(("emailProvider", false)), "limitation", true) => {
                self.reply_protocol = attrs.get("protocol", false);
            }
            (Some(("emailProvider", false)), "reply", true) => {
                self.code = attrs.get("code", false);
                self.reply_protocol = attrs.get("protocol", false);
                self.reply_also = attrs.get("also", false);
            }
            _ => {}
        }
        Ok(())
    }

    fn close(&mut self) {
        let Some((local, ours)) = self.path.pop() else {
            return;
        };
        let text = std::mem::take(&mut self.text).trim().to_owned();
        let parent = self.path.last().map(|(n, o)| (n.as_str(), *o));
        let lang = self.lang.clone().unwrap_or_else(|| "en".to_owned());
        match (parent, local.as_str(), ours) {
            (Some(("clientConfig", false)), "emailProvider", false) => {
                if let Some(provider) = self.provider.take() {
                    self.config.providers.push(provider);
                }
            }
            (Some(("emailProvider", false)), "incomingServer" | "outgoingServer", false) => {
                if let (Some(server), Some(provider)) = (self.server.take(), &mut self.provider) {
                    if let (true, ServerKind::Other(kind)) =
                        (server.hostname.is_empty(), &server.kind)
                    {
                        if !provider.named_by_url.contains(kind) && provider.named_by_url.len() < 8
                        {
                            provider.named_by_url.push(kind.clone());
                        }
                    } else if server.hostname.is_empty() {
                        warn(
                            &mut provider.warnings,
                            format!("a <{local}> without <hostname> was skipped"),
                        );
                    } else if local == "incomingServer" {
                        provider.incoming.push(server);
                    } else {
                        provider.outgoing.push(server);
                    }
                }
            }
            (Some(("incomingServer" | "outgoingServer", false)), field, false) => {
                self.server_field(field, text);
            }
            (Some(("emailProvider", false)), field, false) => {
                let Some(provider) = &mut self.provider else {
                    return;
                };
                match field {
                    "domain" if !text.is_empty() => {
                        provider.domains.push(text.to_ascii_lowercase());
                    }
                    "displayName" => provider.display_name = Some(text),
                    "displayShortName" => provider.display_short_name = Some(text),
                    "documentation" => {
                        if let Some(doc) = self.documentation.take() {
                            provider.documentation.push(doc);
                        }
                    }
                    "enable" => provider.enable = self.enable.take(),
                    _ => {}
                }
            }
            (Some(("clientConfig", false)), "enable", false) => {
                self.root_enable = self.enable.take();
            }
            (Some(("oAuth2", false)), field, false) => {
                if let Some(provider) = &mut self.provider {
                    let oauth2 = provider.oauth2.get_or_insert_with(OAuth2Config::default);
                    match field {
                        "issuer" => oauth2.issuer = text,
                        "scope" => oauth2.scope = text,
                        "authURL" => oauth2.auth_url = text,
                        "tokenURL" => oauth2.token_url = text,
                        _ => {}
                    }
                }
            }
            (Some(("documentation", false)), "descr", false) => {
                if let Some(doc) = &mut self.documentation {
                    doc.descr.push(lang, text);
                }
            }
            (Some(("enable", false)), "instruction", false) => {
                if let Some(enable) = &mut self.enable {
                    enable.instruction.push(lang, text);
                }
            }
            (Some(("emailProvider", false)), field, true) => self.extension(field, lang, text),
            _ => {}
        }
    }

    fn server_field(&mut self, field: &str, text: String) {
        let (Some(server), Some(provider)) = (&mut self.server, &mut self.provider) else {
            return;
        };
        match field {
            "hostname" => server.hostname = text,
            "port" => match text.parse::<u16>() {
                Ok(port) if port > 0 => server.port = Some(port),
                _ => warn(
                    &mut provider.warnings,
                    format!("port {text:?} of {} is not a port number", server.hostname),
                ),
            },
            "socketType" => match text.to_ascii_lowercase().as_str() {
                "ssl" | "tls" => server.socket_types.push(Security::Tls),
                "starttls" => server.socket_types.push(Security::Starttls),
                "plain" => server.socket_types.push(Security::Plain),
                _ => warn(
                    &mut provider.warnings,
                    format!("unknown socketType {text:?} was skipped"),
                ),
            },
            "authentication" if !text.is_empty() => server.authentication.push(text),
            "username" => server.username = Some(text),
            _ => {}
        }
    }

    fn extension(&mut self, field: &str, lang: String, text: String) {
        if field == "oauthPolicy" {
            let policy = self.oauth_policy(&text);
            if let Some(provider) = &mut self.provider {
                match policy {
                    Ok(policy) => provider.oauth_policies.push(policy),
                    Err(e) => warn(&mut provider.warnings, e),
                }
            }
            return;
        }
        let Some(provider) = &mut self.provider else {
            return;
        };
        match field {
            "displayName" => provider.localized_names.push(lang, text),
            "mx" if !text.is_empty() => provider.mx_patterns.push(text.to_ascii_lowercase()),
            "password" => match PasswordKind::ALL.into_iter().find(|k| k.as_str() == text) {
                Some(kind) => provider.password = Some(kind),
                None => warn(
                    &mut provider.warnings,
                    format!("unknown mc:password {text:?}"),
                ),
            },
            "note" => {
                // A note in another language continues the note before it; a language seen
                // again starts the next note.
                match provider.notes.last_mut() {
                    Some(note) if !note.has(&lang) => note.push(lang, text),
                    _ => {
                        let mut note = Localized::default();
                        note.push(lang, text);
                        provider.notes.push(note);
                    }
                }
            }
            "limitation" => {
                let protocol = self.reply_protocol.take().unwrap_or_default();
                let protocol = match protocol.parse::<Protocol>() {
                    Ok(protocol) => protocol,
                    Err(e) => return warn(&mut provider.warnings, e),
                };
                // Like a note: another language continues the limitation before it.
                match provider.limitations.last_mut() {
                    Some((p, localized)) if *p == protocol && !localized.has(&lang) => {
                        localized.push(lang, text)
                    }
                    _ => {
                        let mut localized = Localized::default();
                        localized.push(lang, text);
                        provider.limitations.push((protocol, localized));
                    }
                }
            }
            "hint" => {
                if let Some(code) = parse_code(self.code.take(), &mut provider.warnings) {
                    match provider.hints.iter_mut().find(|(c, _)| *c == code) {
                        Some((_, hint)) => hint.push(lang, text),
                        None => {
                            let mut hint = Localized::default();
                            hint.push(lang, text);
                            provider.hints.push((code, hint));
                        }
                    }
                }
            }
            "reply" => {
                let Some(code) = parse_code(self.code.take(), &mut provider.warnings) else {
                    return;
                };
                let protocol = match self.reply_protocol.take().as_deref() {
                    None | Some("any") => None,
                    Some(p) => match p.parse() {
                        Ok(p) => Some(p),
                        Err(e) => {
                            warn(&mut provider.warnings, e);
                            return;
                        }
                    },
                };
                let also = self
                    .reply_also
                    .take()
                    .unwrap_or_default()
                    .split_whitespace()
                    .filter_map(|c| parse_code(Some(c.to_owned()), &mut provider.warnings))
                    .collect();
                if !text.is_empty() {
                    provider.replies.push(ReplyPattern {
                        protocol,
                        code,
                        also,
                        text,
                    });
                }
            }
            _ => {}
        }
    }
}

impl Parser {
    /// The `mc:oauthPolicy` just read, whose text is what still works.
    fn oauth_policy(&mut self, text: &str) -> Result<OauthPolicy, String> {
        let date = |d: Option<String>| -> Result<Option<time::Date>, String> {
            d.map(|d| parse_date(&d).ok_or(format!("oauthPolicy: {d:?} is not a YYYY-MM-DD date")))
                .transpose()
        };
        let since = date(self.since.take())?;
        let until = date(self.until.take())?;
        let protocols = self
            .reply_protocol
            .take()
            .unwrap_or_default()
            .split_whitespace()
            .map(|p| match p {
                "any" => Ok(Protocol::ALL.to_vec()),
                p => p.parse().map(|p| vec![p]),
            })
            .collect::<Result<Vec<_>, _>>()?
            .concat();
        let allows = match text {
            "none" => PasswordsAllowed::Nothing,
            "app-password" => PasswordsAllowed::AppPassword,
            "admin" => PasswordsAllowed::AdminSwitch,
            other => return Err(format!("oauthPolicy: unknown {other:?}")),
        };
        if since.is_none() && allows != PasswordsAllowed::AppPassword {
            return Err(format!("oauthPolicy {text:?} without since"));
        }
        if protocols.is_empty() {
            return Err("oauthPolicy without protocol".to_owned());
        }
        Ok(OauthPolicy {
            protocols,
            since,
            allows,
            until,
        })
    }
}

fn parse_code(code: Option<String>, warnings: &mut Vec<String>) -> Option<FindingCode> {
    let code = code?;
    match code.parse() {
        Ok(code) => Some(code),
        Err(e) => {
            warn(warnings, e);
            None
        }
    }
}

fn warn(warnings: &mut Vec<String>, warning: String) {
    if warnings.len() < MAX_WARNINGS {
        warnings.push(warning);
    }
}

/// An element's local name, and whether it is in mailcheck's namespace.
fn element_name(reader: &NsReader<&[u8]>, start: &BytesStart<'_>) -> (bool, String) {
    let (ns, local) = reader.resolve_element(start.name());
    let ours = matches!(ns, ResolveResult::Bound(Namespace(uri)) if uri == MAILCHECK_NS.as_bytes());
    (ours, String::from_utf8_lossy(local.as_ref()).into_owned())
}

/// An element's attributes: (local name, ours, value).
struct Attributes(Vec<(String, bool, String)>);

impl Attributes {
    fn read(reader: &NsReader<&[u8]>, start: &BytesStart<'_>) -> Self {
        let attrs = start
            .attributes()
            .flatten()
            .filter_map(|attr| {
                let (ns, local) = reader.resolve_attribute(attr.key);
                let ours =
                    matches!(ns, ResolveResult::Bound(Namespace(uri)) if uri == MAILCHECK_NS.as_bytes());
                let value = attr.unescape_value().ok()?.trim().to_owned();
                Some((String::from_utf8_lossy(local.as_ref()).into_owned(), ours, value))
            })
            .collect();
        Self(attrs)
    }

    fn get(&self, name: &str, ours: bool) -> Option<String> {
        self.0
            .iter()
            .find(|(n, o, _)| n == name && *o == ours)
            .map(|(_, _, v)| v.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oauth_policies_are_read_and_bad_ones_warned_about() {
        let xml = |policies: &str| {
            format!(
                r#"<clientConfig xmlns:mc="urn:mailcheck:provider:1"><emailProvider id="x">
                <incomingServer type="imap"><hostname>imap.x.test</hostname>
                <authentication>OAuth2</authentication></incomingServer>{policies}
                </emailProvider></clientConfig>"#
            )
        };
        let config = parse(&xml(
            r#"<mc:oauthPolicy protocol="imap smtp" since="2024-09-16" until="2027-06-30">admin</mc:oauthPolicy>
               <mc:oauthPolicy protocol="any">app-password</mc:oauthPolicy>"#,
        ))
        .unwrap();
        let p = &config.providers[0];
        assert!(p.warnings.is_empty(), "{:?}", p.warnings);
        assert_eq!(p.oauth_policies.len(), 2);
        let admin = &p.oauth_policies[0];
        assert_eq!(admin.protocols, [Protocol::Imap, Protocol::Smtp]);
        assert_eq!(admin.allows, PasswordsAllowed::AdminSwitch);
        assert_eq!(admin.until, parse_date("2027-06-30"));
        let day = |d: &str| parse_date(d).unwrap();
        assert!(!admin.applies(Protocol::Imap, day("2024-09-15")));
        assert!(admin.applies(Protocol::Imap, day("2024-09-16")));
        assert!(!admin.applies(Protocol::Pop3, day("2025-01-01")));
        assert_eq!(p.oauth_policies[1].protocols, Protocol::ALL);
        assert!(p.incoming[0].oauth_only());
        for bad in [
            r#"<mc:oauthPolicy protocol="imap" since="2024-13-01">none</mc:oauthPolicy>"#,
            r#"<mc:oauthPolicy protocol="imap">none</mc:oauthPolicy>"#,
            r#"<mc:oauthPolicy protocol="imap" since="2024-01-01">sometimes</mc:oauthPolicy>"#,
            r#"<mc:oauthPolicy protocol="nntp" since="2024-01-01">none</mc:oauthPolicy>"#,
        ] {
            let p = &parse(&xml(bad)).unwrap().providers[0];
            assert!(
                p.oauth_policies.is_empty() && p.warnings.len() == 1,
                "{bad}: {p:?}"
            );
        }
    }

    const EXAMPLE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1" xmlns:x="urn:mailcheck:provider:1">
  <emailProvider id="example">
    <domain>Example.com</domain>
    <domain>example.net</domain>
    <displayName>Example Mail</displayName>
    <x:displayName lang="zh">Shili Youxiang</x:displayName>
    <x:mx>mx*.example.com</x:mx>
    <incomingServer type="imap">
      <hostname>imap.%EMAILDOMAIN%</hostname>
      <port>993</port>
      <socketType>SSL</socketType>
      <authentication>password-cleartext</authentication>
      <authentication>OAuth2</authentication>
      <username>%EMAILLOCALPART%</username>
      <unknownThing>ignored</unknownThing>
    </incomingServer>
    <incomingServer type="pop3" x:label="overseas">
      <hostname>pop.example.com</hostname>
      <port>995</port>
      <socketType>SSL</socketType>
      <username>%EMAILADDRESS%</username>
    </incomingServer>
    <incomingServer type="exchange">
      <hostname>ews.example.com</hostname>
    </incomingServer>
    <outgoingServer type="smtp">
      <hostname>smtp.example.com</hostname>
      <port>587</port>
      <socketType>STARTTLS</socketType>
      <socketType>bogus</socketType>
      <username>%EMAILADDRESS</username>
    </outgoingServer>
    <documentation url="https://example.com/help?a=1&amp;b=2">
      <descr lang="en">Help</descr>
    </documentation>
    <x:note lang="en">First</x:note>
    <x:note lang="zh">diyi</x:note>
    <x:note lang="en">Second</x:note>
    <x:limitation protocol="imap" lang="en">No renames</x:limitation>
    <x:limitation protocol="imap" lang="zh">bu neng</x:limitation>
    <x:limitation protocol="fax" lang="en">Not a protocol</x:limitation>
    <x:hint code="app_password_required" lang="en">Use an app password</x:hint>
    <x:hint code="app_password_required" lang="zh">shiyong yingyong mima</x:hint>
    <x:reply protocol="smtp" code="app_password_required" also="smtp_disabled bad_credentials">authorization code</x:reply>
    <x:reply code="rate_limited">too many</x:reply>
  </emailProvider>
  <enable visiturl="https://example.com/settings">
    <instruction lang="en">Enable IMAP</instruction>
  </enable>
</clientConfig>"#;

    fn alice() -> EmailAddress {
        EmailAddress::parse("alice@example.com").unwrap()
    }

    #[test]
    fn reads_every_part_of_a_document() {
        let config = parse(EXAMPLE).unwrap();
        let p = &config.providers[0];
        assert_eq!(p.id, "example");
        assert_eq!(p.domains, ["example.com", "example.net"]);
        assert_eq!(p.name(Lang::En), "Example Mail");
        assert_eq!(p.name(Lang::Zh), "Shili Youxiang");
        assert_eq!(p.mx_patterns, ["mx*.example.com"]);
        assert_eq!(p.incoming.len(), 3);
        assert_eq!(
            p.incoming[0].authentication,
            ["password-cleartext", "OAuth2"]
        );
        assert_eq!(p.incoming[1].label.as_deref(), Some("overseas"));
        assert_eq!(p.incoming[2].kind, ServerKind::Other("exchange".into()));
        assert_eq!(p.outgoing[0].socket_types, [Security::Starttls]);
        // The bogus socketType, and the limitation of a protocol that does not exist.
        assert_eq!(p.warnings.len(), 2, "{:?}", p.warnings);
        assert_eq!(p.documentation[0].url, "https://example.com/help?a=1&b=2");
        assert_eq!(p.notes.len(), 2);
        assert_eq!(p.limitations.len(), 1);
        assert_eq!(p.limitations[0].0, Protocol::Imap);
        assert_eq!(p.limitations[0].1.get(Lang::Zh), "bu neng");
        assert_eq!(p.limitations[0].1.get(Lang::En), "No renames");
        assert_eq!(p.notes[0].get(Lang::Zh), "diyi");
        assert_eq!(
            p.hint_for(FindingCode::AppPasswordRequired)
                .unwrap()
                .get(Lang::Zh),
            "shiyong yingyong mima"
        );
        assert_eq!(p.replies.len(), 2);
        assert_eq!(p.replies[0].protocol, Some(Protocol::Smtp));
        assert_eq!(
            p.replies[0].also,
            [FindingCode::SmtpDisabled, FindingCode::BadCredentials]
        );
        assert_eq!(p.replies[1].protocol, None);
        let enable = p.enable.as_ref().unwrap();
        assert_eq!(enable.instruction.get(Lang::En), "Enable IMAP");
    }

    #[test]
    fn placeholders_are_filled_in_host_and_user_names() {
        let p = &parse(EXAMPLE).unwrap().providers[0];
        let imap = p.incoming[0].settings_for(&alice()).unwrap();
        assert_eq!(imap.host, "imap.example.com");
        assert_eq!(imap.username, "alice");
        assert_eq!(imap.security, Security::Tls);
        let smtp = p.outgoing[0].settings_for(&alice()).unwrap();
        assert_eq!(smtp.username, "alice@example.com");
        assert!(p.incoming[2].settings_for(&alice()).is_none());
    }

    #[test]
    fn missing_port_takes_the_registered_one() {
        let xml = r#"<clientConfig><emailProvider id="x"><incomingServer type="imap">
            <hostname>imap.x.test</hostname><socketType>STARTTLS</socketType>
            </incomingServer></emailProvider></clientConfig>"#;
        let p = &parse(xml).unwrap().providers[0];
        assert_eq!(p.incoming[0].settings_for(&alice()).unwrap().port, 143);
    }

    #[test]
    fn entity_declarations_are_refused() {
        let xml = r#"<?xml version="1.0"?>
<!DOCTYPE clientConfig [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>
<clientConfig><emailProvider id="x"><domain>&b;</domain></emailProvider></clientConfig>"#;
        assert_eq!(parse(xml), Err(ConfigError::EntityDeclaration));
    }

    #[test]
    fn broken_documents_are_errors_not_panics() {
        for xml in [
            "",
            "not xml at all",
            "<clientConfig><emailProvider id='x'>",
            "<html><body>404</body></html>",
            "<clientConfig></clientConfig>",
            "<clientConfig><emailProvider id='x'><domain>&undefined;</domain></emailProvider></clientConfig>",
            "<clientConfig><emailProvider></clientConfig>",
        ] {
            assert!(parse(xml).is_err(), "{xml}");
        }
    }

    /// Found while writing the size check of `fuzz/` (clientconfig): an `<enable>` beside the
    /// providers was copied into each, so 512 KiB of XML could be read as gigabytes.
    #[test]
    fn a_document_with_too_many_providers_is_refused() {
        let document = |providers: usize| {
            format!(
                "<clientConfig><enable><instruction>{}</instruction></enable>{}</clientConfig>",
                "x".repeat(1000),
                "<emailProvider/>".repeat(providers)
            )
        };
        let most = parse(&document(MAX_PROVIDERS)).unwrap();
        assert_eq!(most.providers.len(), MAX_PROVIDERS);
        assert!(most.providers.iter().all(|p| p.enable.is_some()));
        assert_eq!(
            parse(&document(MAX_PROVIDERS + 1)),
            Err(ConfigError::TooManyProviders)
        );
    }

    /// Found while writing the size check of `fuzz/` (clientconfig): every bad `<port>` warned
    /// with the server's host name, so repeating `<port/>` multiplied a long host name.
    #[test]
    fn warnings_are_bounded() {
        let xml = format!(
            "<clientConfig><emailProvider><incomingServer type='imap'><hostname>{}</hostname>{}\
             </incomingServer></emailProvider></clientConfig>",
            "h".repeat(1000),
            "<port/>".repeat(1000)
        );
        let config = parse(&xml).unwrap();
        assert_eq!(config.providers[0].warnings.len(), MAX_WARNINGS);
    }

    #[test]
    fn a_document_cut_short_is_not_well_formed() {
        let whole = r#"<clientConfig><emailProvider id="x"><incomingServer type="imap">
            <hostname>imap.x.test</hostname></incomingServer></emailProvider></clientConfig>"#;
        assert!(parse(whole).is_ok());
        let cut = &whole[..whole.find("</emailProvider>").unwrap()];
        assert_eq!(
            parse(cut),
            Err(ConfigError::Truncated("emailProvider".into()))
        );
        // Cut after the provider is complete: still not a document.
        let cut = &whole[..whole.find("</clientConfig>").unwrap()];
        assert_eq!(
            parse(cut),
            Err(ConfigError::Truncated("clientConfig".into()))
        );
        assert_eq!(parse(""), Err(ConfigError::NoElement));
        assert_eq!(parse("<!-- nothing -->"), Err(ConfigError::NoElement));
        assert!(
            ConfigError::Truncated("emailProvider".into())
                .to_string()
                .starts_with("not well-formed XML")
        );
    }

    #[test]
    fn deep_nesting_is_refused() {
        let xml = format!(
            "<clientConfig>{}{}</clientConfig>",
            "<a>".repeat(100),
            "</a>".repeat(100)
        );
        assert_eq!(parse(&xml), Err(ConfigError::TooDeep));
    }
}
