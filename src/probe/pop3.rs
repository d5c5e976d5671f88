//! POP3 (RFC 1939, 2449, 2595): CAPA, STLS, USER/PASS or AUTH PLAIN, QUIT.

use super::transport::{Conn, IoFailure, MAX_LINES};
use super::{Capabilities, Reply};

fn reply(line: String) -> Reply {
    Reply {
        ok: line.starts_with("+OK"),
        text: line,
    }
}

/// `CAPA`; a server without it (`-ERR`) simply lists nothing.
pub async fn capabilities(conn: &mut Conn) -> Result<Capabilities, IoFailure> {
    conn.send("CAPA", None).await?;
    let first = conn.read_line().await?;
    let mut words = Vec::new();
    if first.starts_with("+OK") {
        for _ in 0..MAX_LINES {
            let line = conn.read_line().await?;
            if line == "." {
                return Ok(parse_capabilities(&words));
            }
            words.push(line);
        }
        return Err(IoFailure::TooManyLines);
    }
    Ok(parse_capabilities(&words))
}

/// CAPA lines: `STLS`, `USER`, `SASL PLAIN LOGIN`, …
pub fn parse_capabilities(lines: &[String]) -> Capabilities {
    let upper: Vec<String> = lines
        .iter()
        .map(|l| l.trim().to_ascii_uppercase())
        .collect();
    let auth: Vec<String> = upper
        .iter()
        .filter_map(|l| l.strip_prefix("SASL"))
        .flat_map(|m| m.split_whitespace().map(str::to_owned).collect::<Vec<_>>())
        .collect();
    Capabilities {
        starttls: upper.iter().any(|l| l == "STLS"),
        // Without CAPA, USER/PASS is the protocol's own login.
        password_login: upper.is_empty() || upper.iter().any(|l| l == "USER"),
        login_disabled: false,
        id: false,
        sasl_ir: true,
        auth,
        raw: lines.to_vec(),
    }
}

pub async fn starttls(conn: &mut Conn) -> Result<Reply, IoFailure> {
    conn.send("STLS", None).await?;
    Ok(reply(conn.read_line().await?))
}

/// Logs in with USER/PASS when offered, else AUTH PLAIN.
pub async fn login(
    conn: &mut Conn,
    caps: &Capabilities,
    user: &str,
    password: &str,
) -> Result<Reply, IoFailure> {
    if !caps.password_login && caps.auth.iter().any(|m| m == "PLAIN") {
        let token = conn.sasl_plain(user, password);
        conn.send(&format!("AUTH PLAIN {token}"), Some("AUTH PLAIN ***"))
            .await?;
        return Ok(reply(conn.read_line().await?));
    }
    conn.send(&format!("USER {user}"), None).await?;
    let answer = reply(conn.read_line().await?);
    if !answer.ok {
        return Ok(answer);
    }
    conn.send(&format!("PASS {password}"), Some("PASS ***"))
        .await?;
    Ok(reply(conn.read_line().await?))
}

pub async fn logout(conn: &mut Conn) {
    if conn.send("QUIT", None).await.is_ok() {
        let _ = conn.read_line().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capa_lines() {
        let lines: Vec<String> = [
            "CAPA",
            "TOP",
            "UIDL",
            "RESP-CODES",
            "PIPELINING",
            "AUTH-RESP-CODE",
            "STLS",
            "SASL PLAIN LOGIN",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let caps = parse_capabilities(&lines);
        assert!(caps.starttls);
        assert!(!caps.password_login);
        assert_eq!(caps.auth, ["PLAIN", "LOGIN"]);
    }
}
