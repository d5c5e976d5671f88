//! The JSON report's shape as `CONTRACT.md` documents it, checked on the raw JSON (not through
//! mailcheck's own types, which could drift together with the output).

use serde_json::{Map, Value};

use super::report::{SOURCE_STATUSES, SOURCES};

/// Finding codes of the contract's table, with their severity.
pub const FINDING_CODES: [(&str, &str); 43] = [
    ("wrong_host", "error"),
    ("wrong_port", "error"),
    ("timeout", "error"),
    ("tls_mismatch", "error"),
    ("tls_required", "error"),
    ("cert_expired", "error"),
    ("cert_name_mismatch", "error"),
    ("cert_untrusted", "error"),
    ("bad_credentials", "error"),
    ("imap_disabled", "error"),
    ("pop3_disabled", "error"),
    ("smtp_disabled", "error"),
    ("app_password_required", "error"),
    ("web_login_required", "error"),
    ("account_locked", "error"),
    ("rate_limited", "error"),
    ("temporarily_unavailable", "warning"),
    ("insecure_source", "warning"),
    ("settings_conflict", "warning"),
    ("plaintext_only", "warning"),
    ("no_settings_found", "error"),
    ("starttls_injection", "error"),
    ("cert_expiring", "warning"),
    ("oauth_required", "error"),
    ("blocked_by_admin", "error"),
    ("port_filtered", "error"),
    ("dns_unavailable", "error"),
    ("smtp_auth_missing", "error"),
    ("not_a_connection_problem", "warning"),
    ("auth_mechanism_unsupported", "error"),
    ("too_many_candidates", "warning"),
    ("oauth_token_expired", "error"),
    ("oauth_token_wrong_audience", "error"),
    ("oauth_token_missing_scope", "error"),
    ("oauth_token_wrong_user", "error"),
    ("oauth_token_rejected", "error"),
    ("oauth_policy_upcoming", "warning"),
    ("ipv6_broken", "warning"),
    ("published_settings_wrong", "error"),
    ("pacc_invalid", "warning"),
    ("quota_nearly_full", "warning"),
    ("quota_full", "error"),
    ("folder_name_breaks_clients", "warning"),
];

fn object<'a>(value: &'a Value, what: &str) -> &'a Map<String, Value> {
    value
        .as_object()
        .unwrap_or_else(|| panic!("{what} is not an object: {value}"))
}

fn field<'a>(object: &'a Map<String, Value>, key: &str, what: &str) -> &'a Value {
    object
        .get(key)
        .unwrap_or_else(|| panic!("{what} has no {key:?}: {}", Value::Object(object.clone())))
}

fn string<'a>(object: &'a Map<String, Value>, key: &str, what: &str) -> &'a str {
    field(object, key, what)
        .as_str()
        .unwrap_or_else(|| panic!("{what}.{key} is not a string"))
}

fn one_of(object: &Map<String, Value>, key: &str, what: &str, allowed: &[&str]) {
    let value = string(object, key, what);
    assert!(
        allowed.contains(&value),
        "{what}.{key} is {value:?}, not one of {allowed:?}"
    );
}

fn unsigned(object: &Map<String, Value>, key: &str, what: &str) -> u64 {
    field(object, key, what)
        .as_u64()
        .unwrap_or_else(|| panic!("{what}.{key} is not a non-negative integer"))
}

fn port(object: &Map<String, Value>, what: &str) {
    let port = unsigned(object, "port", what);
    assert!((1..=65535).contains(&port), "{what}.port {port}");
}

fn nullable<'a>(object: &'a Map<String, Value>, key: &str, what: &str) -> Option<&'a Value> {
    let value = field(object, key, what);
    (!value.is_null()).then_some(value)
}

fn nullable_string(object: &Map<String, Value>, key: &str, what: &str) {
    if let Some(value) = nullable(object, key, what) {
        assert!(
            value.is_string(),
            "{what}.{key} is neither null nor a string"
        );
    }
}

fn array<'a>(object: &'a Map<String, Value>, key: &str, what: &str) -> &'a Vec<Value> {
    field(object, key, what)
        .as_array()
        .unwrap_or_else(|| panic!("{what}.{key} is not an array"))
}

fn strings(object: &Map<String, Value>, key: &str, what: &str) -> Vec<String> {
    array(object, key, what)
        .iter()
        .map(|v| {
            v.as_str()
                .unwrap_or_else(|| panic!("{what}.{key} holds a non-string"))
                .to_owned()
        })
        .collect()
}

const PROTOCOLS: [&str; 3] = ["imap", "pop3", "smtp"];
const ATTEMPT_RESULTS: [&str; 6] = [
    "connected",
    "refused",
    "timeout",
    "error",
    "abandoned",
    "not_tried",
];
const SECURITY: [&str; 3] = ["tls", "starttls", "plain"];

/// Every key of the contract's report is there, with the documented JSON type and values.
/// `servers[].mailbox` (`docs/report.md`): the fields of its protocol, typed.
fn mailbox_shape(mailbox: &Map<String, Value>, protocol: Option<&str>) {
    string(mailbox, "summary", "mailbox");
    let keys: Vec<&str> = mailbox.keys().map(String::as_str).collect();
    let own: &[&str] = match protocol {
        Some("imap") => &["idle", "quota", "folders"],
        Some("pop3") => &["messages", "octets", "uidl"],
        _ => &["size_limit", "size_limit_before_auth", "after_auth_only"],
    };
    for key in keys {
        assert!(
            own.contains(&key) || ["summary", "notes"].contains(&key),
            "mailbox.{key} is not a field of {protocol:?}"
        );
    }
    if let Some(quota) = mailbox.get("quota") {
        let quota = object(quota, "mailbox.quota");
        one_of(
            quota,
            "status",
            "quota",
            &["ok", "not_offered", "refused", "failed"],
        );
        for resource in array(quota, "resources", "quota") {
            let resource = object(resource, "quota.resources[]");
            string(resource, "root", "quota resource");
            string(resource, "resource", "quota resource");
            let (usage, limit) = (
                unsigned(resource, "usage", "quota resource"),
                unsigned(resource, "limit", "quota resource"),
            );
            let percent = unsigned(resource, "percent", "quota resource");
            if let Some(expected) = (usage * 100).checked_div(limit) {
                assert_eq!(percent, expected, "quota percent");
            }
        }
    }
    if let Some(folders) = mailbox.get("folders").filter(|f| !f.is_null()) {
        let folders = object(folders, "mailbox.folders");
        let count = unsigned(folders, "count", "folders");
        let names = strings(folders, "names", "folders");
        assert!(
            names.len() as u64 <= count.min(200),
            "at most 200 names, at most count"
        );
        for role in array(folders, "roles", "folders") {
            let role = object(role, "folders.roles[]");
            one_of(
                role,
                "role",
                "role",
                &["sent", "drafts", "trash", "junk", "archive"],
            );
            string(role, "name", "role");
        }
        for missing in strings(folders, "missing_roles", "folders") {
            assert!(
                ["sent", "drafts", "trash"].contains(&missing.as_str()),
                "{missing}"
            );
        }
        let problems = array(folders, "problem_names", "folders");
        assert!(problems.len() as u64 <= unsigned(folders, "problem_count", "folders"));
        for problem in problems {
            let problem = object(problem, "folders.problem_names[]");
            string(problem, "name", "problem name");
            string(problem, "raw", "problem name");
            string(problem, "suggested", "problem name");
            for kind in strings(problem, "problems", "problem name") {
                assert!(
                    [
                        "unusual_space",
                        "invisible_character",
                        "invalid_modified_utf7",
                        "separator_in_name",
                        "too_long"
                    ]
                    .contains(&kind.as_str()),
                    "{kind}"
                );
            }
        }
    }
}

pub fn assert_contract_shape(report: &Value) {
    let top = object(report, "the report");
    assert_eq!(unsigned(top, "schema_version", "report"), 1);
    let address = string(top, "address", "report");
    let domain = string(top, "domain", "report");
    assert!(
        address.ends_with(&format!("@{domain}")),
        "{address} / {domain}"
    );
    assert!(
        field(top, "ok", "report").is_boolean(),
        "ok is not a boolean"
    );

    if let Some(provider) = nullable(top, "provider", "report") {
        let provider = object(provider, "provider");
        string(provider, "id", "provider");
        string(provider, "name", "provider");
        one_of(
            provider,
            "matched_by",
            "provider",
            &["domain", "mx", "autodiscover"],
        );
    }

    for source in array(top, "sources", "report") {
        let source = object(source, "a source");
        one_of(source, "source", "source", &SOURCES);
        one_of(source, "status", "source", &SOURCE_STATUSES);
        string(source, "detail", "source");
        unsigned(source, "elapsed_ms", "source");
    }

    for server in array(top, "servers", "report") {
        let server = object(server, "a server");
        one_of(server, "protocol", "server", &PROTOCOLS);
        string(server, "host", "server");
        port(server, "server");
        one_of(server, "security", "server", &SECURITY);
        let sources = strings(server, "sources", "server");
        assert!(!sources.is_empty());
        for source in &sources {
            assert!(SOURCES.contains(&source.as_str()), "server source {source}");
        }
        nullable_string(server, "label", "server");
        one_of(
            server,
            "status",
            "server",
            &["ok", "warning", "error", "untested"],
        );
        if let Some(elapsed) = nullable(server, "elapsed_ms", "server") {
            assert!(elapsed.is_u64(), "server.elapsed_ms");
        }
        if let Some(tls) = nullable(server, "tls", "server") {
            let tls = object(tls, "server.tls");
            string(tls, "version", "tls");
            string(tls, "cert_subject", "tls");
            strings(tls, "cert_names", "tls");
            string(tls, "cert_not_after", "tls");
        }
        strings(server, "auth_mechanisms", "server");
        one_of(server, "login", "server", &["ok", "failed", "not_tested"]);
        for attempt in array(server, "addresses", "server") {
            let attempt = object(attempt, "server.addresses[]");
            let address = string(attempt, "address", "address");
            assert!(
                address.parse::<std::net::IpAddr>().is_ok(),
                "server.addresses[].address {address:?}"
            );
            one_of(attempt, "result", "address", &ATTEMPT_RESULTS);
            if let Some(ms) = nullable(attempt, "ms", "address") {
                assert!(ms.is_u64(), "server.addresses[].ms");
            }
        }
        if let Some(mailbox) = server.get("mailbox") {
            assert_eq!(
                server["login"], "ok",
                "a mailbox only behind a login that worked"
            );
            mailbox_shape(
                object(mailbox, "server.mailbox"),
                server["protocol"].as_str(),
            );
        }
    }

    for finding in array(top, "findings", "report") {
        let finding = object(finding, "a finding");
        let code = string(finding, "code", "finding");
        let (_, severity) = FINDING_CODES
            .iter()
            .find(|(c, _)| *c == code)
            .unwrap_or_else(|| panic!("finding code {code:?} is not in the contract"));
        assert_eq!(string(finding, "severity", "finding"), *severity, "{code}");
        if let Some(protocol) = nullable(finding, "protocol", "finding") {
            assert!(
                PROTOCOLS.contains(&protocol.as_str().unwrap_or_default()),
                "finding.protocol {protocol}"
            );
        }
        nullable_string(finding, "host", "finding");
        if nullable(finding, "port", "finding").is_some() {
            port(finding, "finding");
        }
        assert!(!string(finding, "message", "finding").is_empty());
        assert!(!string(finding, "hint", "finding").is_empty());
        nullable_string(finding, "evidence", "finding");
    }

    let recommended = object(field(top, "recommended", "report"), "recommended");
    for protocol in PROTOCOLS {
        if let Some(settings) = nullable(recommended, protocol, "recommended") {
            let what = format!("recommended.{protocol}");
            let settings = object(settings, &what);
            string(settings, "host", &what);
            port(settings, &what);
            one_of(settings, "security", &what, &SECURITY);
            string(settings, "username", &what);
        }
    }
}

/// stdout holds exactly one JSON document, followed by one newline and nothing else.
pub fn only_one_json_document(stdout: &str) -> Value {
    assert!(stdout.ends_with('\n'), "stdout does not end with a newline");
    let mut documents = serde_json::Deserializer::from_str(stdout).into_iter::<Value>();
    let first = documents
        .next()
        .unwrap_or_else(|| panic!("stdout is empty"))
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{stdout}"));
    assert!(
        documents.next().is_none(),
        "more than one document on stdout:\n{stdout}"
    );
    first
}
