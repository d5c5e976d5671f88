//! OAuth tokens as mail servers take them: the SASL mechanisms OAUTHBEARER (RFC 7628) and
//! XOAUTH2 (Google's and Microsoft's), what a token says about itself (a JWT's claims, read
//! WITHOUT verifying its signature: only to explain a refusal), and what a server says when it
//! refuses one (the JSON error of RFC 7628 §3.2.2, base64 in the continuation).

use base64::Engine as _;
use zeroize::Zeroizing;

use crate::secret::Password;

/// A SASL mechanism that carries a bearer token.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Mechanism {
    OauthBearer,
    Xoauth2,
}

impl Mechanism {
    /// In the order mailcheck prefers them: XOAUTH2 first, as its error challenge names the
    /// scope the server wants (Gmail's, Dovecot's), where Dovecot's OAUTHBEARER error says only
    /// `invalid_token`; OAUTHBEARER (RFC 7628) where it is the only one offered.
    pub const ALL: [Mechanism; 2] = [Mechanism::Xoauth2, Mechanism::OauthBearer];

    pub fn as_str(self) -> &'static str {
        match self {
            Mechanism::OauthBearer => "OAUTHBEARER",
            Mechanism::Xoauth2 => "XOAUTH2",
        }
    }

    /// The client's first message, base64-encoded: it holds the token, so it is a secret.
    pub fn initial_response(self, user: &str, token: &Password) -> Zeroizing<String> {
        let message = Zeroizing::new(match self {
            // gs2 header with the authorization identity (`,` and `=` escaped, RFC 5801),
            // then the key/value pairs, each ended by ^A.
            Mechanism::OauthBearer => format!(
                "n,a={},\x01auth=Bearer {}\x01\x01",
                user.replace('=', "=3D").replace(',', "=2C"),
                token.expose()
            ),
            Mechanism::Xoauth2 => {
                format!("user={user}\x01auth=Bearer {}\x01\x01", token.expose())
            }
        });
        Zeroizing::new(base64::engine::general_purpose::STANDARD.encode(message.as_bytes()))
    }

    /// What the client answers to the server's error challenge to end the exchange: RFC 7628
    /// §3.2.3 asks for a single ^A (base64 `AQ==`); XOAUTH2 clients send an empty line.
    pub fn error_acknowledgement(self) -> &'static str {
        match self {
            Mechanism::OauthBearer => "AQ==",
            Mechanism::Xoauth2 => "",
        }
    }
}

/// The mechanism to use among those a server offers (upper-case), if any carries a token.
pub fn offered(mechanisms: &[String]) -> Option<Mechanism> {
    Mechanism::ALL
        .into_iter()
        .find(|m| mechanisms.iter().any(|o| o == m.as_str()))
}

/// What a server's error challenge says (`{"status":"invalid_token","scope":"…"}`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServerError {
    pub status: Option<String>,
    pub scope: Option<String>,
}

impl ServerError {
    /// Reads the base64 text of a continuation (`+ …`, `334 …`); `None` when it is no JSON
    /// object.
    pub fn read(challenge: &str) -> Option<ServerError> {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(challenge.trim())
            .ok()?;
        let json: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
        let text = |key: &str| match json.get(key)? {
            serde_json::Value::String(s) => Some(s.clone()),
            serde_json::Value::Number(n) => Some(n.to_string()),
            _ => None,
        };
        json.is_object().then(|| ServerError {
            status: text("status"),
            scope: text("scope"),
        })
    }
}

/// What a token says about itself, none of it verified.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Claims {
    /// `aud`: one or several.
    pub audiences: Vec<String>,
    /// `scp` (Microsoft, space-separated), `scope` (string or list), `roles` (app-only).
    pub scopes: Vec<String>,
    /// `exp`, in seconds since 1970.
    pub expires: Option<i64>,
    /// The claims that name a user (`upn`, `email`, `preferred_username`, `unique_name`,
    /// `sub`), with the claim's name.
    pub users: Vec<(String, String)>,
}

/// Reads a token's claims: `None` for an opaque token (not a JWT, or a payload that is not a
/// JSON object), whose claims cannot be read.
pub fn read_claims(token: &Password) -> Option<Claims> {
    let mut parts = token.expose().split('.');
    let (_header, payload) = (parts.next()?, parts.next()?);
    parts.next()?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    let json: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    let object = json.as_object()?;
    let strings = |key: &str| -> Vec<String> {
        match object.get(key) {
            Some(serde_json::Value::String(s)) => s.split_whitespace().map(str::to_owned).collect(),
            Some(serde_json::Value::Array(list)) => list
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect(),
            _ => Vec::new(),
        }
    };
    let mut scopes = strings("scp");
    scopes.extend(strings("scope"));
    scopes.extend(strings("roles"));
    let users = ["upn", "email", "preferred_username", "unique_name", "sub"]
        .into_iter()
        .filter_map(|key| Some((key.to_owned(), object.get(key)?.as_str()?.to_owned())))
        .collect();
    Some(Claims {
        audiences: match object.get("aud") {
            Some(serde_json::Value::String(s)) => vec![s.clone()],
            _ => strings("aud"),
        },
        scopes,
        expires: object.get("exp").and_then(serde_json::Value::as_i64),
        users,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt(payload: &str) -> Password {
        let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        Password::new(format!(
            "{}.{}.c2lnbmF0dXJl",
            engine.encode(r#"{"alg":"RS256","typ":"JWT"}"#),
            engine.encode(payload)
        ))
    }

    #[test]
    fn a_microsoft_tokens_claims_are_read_without_its_signature() {
        let token = jwt(
            r#"{"aud":"https://graph.microsoft.com","scp":"Mail.Read User.Read","exp":1764000000,"upn":"alice@contoso.com","sub":"AbC"}"#,
        );
        let claims = read_claims(&token).unwrap();
        assert_eq!(claims.audiences, ["https://graph.microsoft.com"]);
        assert_eq!(claims.scopes, ["Mail.Read", "User.Read"]);
        assert_eq!(claims.expires, Some(1_764_000_000));
        assert_eq!(
            claims.users,
            [
                ("upn".to_owned(), "alice@contoso.com".to_owned()),
                ("sub".to_owned(), "AbC".to_owned())
            ]
        );
    }

    #[test]
    fn opaque_tokens_have_no_claims() {
        assert_eq!(read_claims(&Password::new("ya29.a0AfH6SMB".into())), None);
        assert_eq!(read_claims(&Password::new("not a token".into())), None);
        assert_eq!(read_claims(&jwt("[1, 2]")), None);
    }

    #[test]
    fn the_initial_responses_are_as_the_mechanisms_define_them() {
        let engine = base64::engine::general_purpose::STANDARD;
        let token = Password::new("T0k".into());
        let decode = |m: Mechanism, user: &str| {
            String::from_utf8(
                engine
                    .decode(m.initial_response(user, &token).as_str())
                    .unwrap(),
            )
            .unwrap()
        };
        assert_eq!(
            decode(Mechanism::Xoauth2, "a@b.c"),
            "user=a@b.c\x01auth=Bearer T0k\x01\x01"
        );
        assert_eq!(
            decode(Mechanism::OauthBearer, "a,=@b.c"),
            "n,a=a=2C=3D@b.c,\x01auth=Bearer T0k\x01\x01"
        );
    }

    #[test]
    fn a_servers_error_challenge_is_read() {
        // What Gmail sends (base64 of the JSON), and Dovecot's oauth2 passdb.
        let gmail = "eyJzdGF0dXMiOiI0MDAiLCJzY2hlbWVzIjoiQmVhcmVyIiwic2NvcGUiOiJodHRwczovL21haWwuZ29vZ2xlLmNvbS8ifQ==";
        let error = ServerError::read(gmail).unwrap();
        assert_eq!(error.status.as_deref(), Some("400"));
        assert_eq!(error.scope.as_deref(), Some("https://mail.google.com/"));
        assert_eq!(ServerError::read("bm90IGpzb24="), None);
        assert_eq!(ServerError::read("%%%"), None);
        assert_eq!(
            offered(&["PLAIN".into(), "OAUTHBEARER".into(), "XOAUTH2".into()]),
            Some(Mechanism::Xoauth2)
        );
        assert_eq!(
            offered(&["OAUTHBEARER".into()]),
            Some(Mechanism::OauthBearer)
        );
        assert_eq!(offered(&["PLAIN".into()]), None);
    }
}
