//! The vocabulary every stage shares: protocols, TLS modes and one server's settings.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A mail protocol mailcheck knows how to probe.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Protocol {
    Imap,
    Pop3,
    Smtp,
}

impl Protocol {
    pub const ALL: [Protocol; 3] = [Protocol::Imap, Protocol::Pop3, Protocol::Smtp];

    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::Imap => "imap",
            Protocol::Pop3 => "pop3",
            Protocol::Smtp => "smtp",
        }
    }

    /// The name people know it by.
    pub fn display_name(self) -> &'static str {
        match self {
            Protocol::Imap => "IMAP",
            Protocol::Pop3 => "POP3",
            Protocol::Smtp => "SMTP",
        }
    }

    /// The registered port for each TLS mode (RFC 8314 §7; 587 for SMTP submission).
    pub fn default_port(self, security: Security) -> u16 {
        match (self, security) {
            (Protocol::Imap, Security::Tls) => 993,
            (Protocol::Imap, _) => 143,
            (Protocol::Pop3, Security::Tls) => 995,
            (Protocol::Pop3, _) => 110,
            (Protocol::Smtp, Security::Tls) => 465,
            (Protocol::Smtp, _) => 587,
        }
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Protocol {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "imap" => Ok(Protocol::Imap),
            "pop3" | "pop" => Ok(Protocol::Pop3),
            "smtp" | "submission" => Ok(Protocol::Smtp),
            other => Err(format!(
                "unknown protocol {other:?} (expected imap, pop3 or smtp)"
            )),
        }
    }
}

/// How the connection is protected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Security {
    /// TLS from the first byte ("SSL/TLS" in mail clients).
    Tls,
    /// Plaintext upgraded with STARTTLS/STLS.
    Starttls,
    /// No encryption at all.
    Plain,
}

impl Security {
    pub fn as_str(self) -> &'static str {
        match self {
            Security::Tls => "tls",
            Security::Starttls => "starttls",
            Security::Plain => "plain",
        }
    }

    /// What mail clients call this mode in their settings dialogs.
    pub fn client_label(self) -> &'static str {
        match self {
            Security::Tls => "SSL/TLS",
            Security::Starttls => "STARTTLS",
            Security::Plain => "None",
        }
    }

    /// Rank for RFC 8314's preference: implicit TLS, then STARTTLS, then nothing.
    pub fn preference(self) -> u8 {
        match self {
            Security::Tls => 0,
            Security::Starttls => 1,
            Security::Plain => 2,
        }
    }
}

impl fmt::Display for Security {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Security {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "tls" | "ssl" | "ssl/tls" => Ok(Security::Tls),
            "starttls" | "stls" => Ok(Security::Starttls),
            "plain" | "none" => Ok(Security::Plain),
            other => Err(format!(
                "unknown TLS mode {other:?} (expected tls, ssl, starttls or plain)"
            )),
        }
    }
}

/// Everything a mail client needs for one server.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ServerSettings {
    pub protocol: Protocol,
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub username: String,
}

impl ServerSettings {
    /// The identity of a server regardless of who named it or with which user name.
    pub fn endpoint(&self) -> Endpoint {
        Endpoint {
            protocol: self.protocol,
            host: self.host.clone(),
            port: self.port,
            security: self.security,
        }
    }
}

/// Protocol, host, port and TLS mode: what makes two candidate servers the same server.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Endpoint {
    pub protocol: Protocol,
    pub host: String,
    pub port: u16,
    pub security: Security,
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}:{} ({})",
            self.protocol.display_name(),
            self.host,
            self.port,
            self.security
        )
    }
}

/// Parses the `HOST:PORT[:MODE]` form of `--imap`, `--pop3` and `--smtp`.
///
/// Without a mode, the port decides (993/995/465 are implicit TLS, anything else STARTTLS),
/// the way most mail clients pre-select it.
pub fn parse_user_server(
    protocol: Protocol,
    spec: &str,
) -> Result<(String, u16, Security), ServerSpecError> {
    let parts: Vec<&str> = spec.split(':').collect();
    let (host, port, mode) = match parts.as_slice() {
        [host, port] => (*host, *port, None),
        [host, port, mode] => (*host, *port, Some(*mode)),
        _ => return Err(ServerSpecError::Shape(spec.to_owned())),
    };
    if host.is_empty() {
        return Err(ServerSpecError::NoHost(spec.to_owned()));
    }
    let port: u16 = port
        .parse()
        .ok()
        .filter(|p| *p != 0)
        .ok_or_else(|| ServerSpecError::Port(port.to_owned()))?;
    let security = match mode {
        Some(mode) => mode
            .parse()
            .map_err(|_| ServerSpecError::Mode(mode.to_owned()))?,
        None if port == protocol.default_port(Security::Tls) => Security::Tls,
        None => Security::Starttls,
    };
    let (host, _) =
        crate::address::normalise_domain(host).map_err(|error| ServerSpecError::Host {
            host: host.to_owned(),
            error,
        })?;
    Ok((host, port, security))
}

/// Why typed server settings (`HOST:PORT[:MODE]`) are not usable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ServerSpecError {
    #[error("{0:?} is not HOST:PORT or HOST:PORT:MODE")]
    Shape(String),
    #[error("{0:?} has no host name")]
    NoHost(String),
    #[error("{0:?} is not a port number (1-65535)")]
    Port(String),
    #[error("unknown TLS mode {0:?} (expected tls, ssl, starttls or plain)")]
    Mode(String),
    #[error("{host:?} is not a valid host name: {error}")]
    Host {
        host: String,
        error: crate::address::AddressError,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_server_spec_parses_all_forms() {
        assert_eq!(
            parse_user_server(Protocol::Imap, "IMAP.Example.com:993").unwrap(),
            ("imap.example.com".into(), 993, Security::Tls)
        );
        assert_eq!(
            parse_user_server(Protocol::Smtp, "smtp.example.com:587").unwrap(),
            ("smtp.example.com".into(), 587, Security::Starttls)
        );
        assert_eq!(
            parse_user_server(Protocol::Pop3, "pop.example.com:995:ssl").unwrap(),
            ("pop.example.com".into(), 995, Security::Tls)
        );
        assert_eq!(
            parse_user_server(Protocol::Imap, "mail.example.com:143:plain").unwrap(),
            ("mail.example.com".into(), 143, Security::Plain)
        );
    }

    #[test]
    fn user_server_spec_rejects_garbage() {
        for bad in [
            "example.com",
            ":993",
            "h:0",
            "h:70000",
            "h:993:weird",
            "a:1:2:3",
        ] {
            assert!(parse_user_server(Protocol::Imap, bad).is_err(), "{bad}");
        }
    }
}
