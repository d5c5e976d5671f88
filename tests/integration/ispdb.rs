//! The bundled database against Thunderbird's ISPDB, as `scripts/import-ispdb` recorded it in
//! `fixtures/ispdb/` (no checkout and no network needed): every ISPDB domain answers offline with
//! a server the ISPDB lists, and every place where mailcheck's own facts differ from the ISPDB's
//! is listed, with the reason, in `fixtures/ispdb/agreement.tsv`.

use std::collections::{BTreeMap, BTreeSet};

use mailcheck::clientconfig::expand_placeholders;
use mailcheck::discover::ProviderDb;
use mailcheck::{EmailAddress, Lang, Protocol, Report, Security};

use crate::support::ReportExt;

const DOMAINS: &str = include_str!("../../fixtures/ispdb/domains.tsv");
const SERVERS: &str = include_str!("../../fixtures/ispdb/servers.tsv");
const AGREEMENT: &str = include_str!("../../fixtures/ispdb/agreement.tsv");

fn rows(tsv: &'static str) -> impl Iterator<Item = Vec<&'static str>> {
    tsv.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| l.split('\t').collect())
}

/// One server as the ISPDB lists it.
struct IspdbServer {
    protocol: Protocol,
    host: &'static str,
    port: u16,
    security: Security,
    username: &'static str,
}

/// The ISPDB's mail servers, by ISPDB file.
fn ispdb_servers() -> BTreeMap<&'static str, Vec<IspdbServer>> {
    let mut servers: BTreeMap<&str, Vec<IspdbServer>> = BTreeMap::new();
    for row in rows(SERVERS) {
        let [file, kind, host, port, socket, username] = row[..] else {
            panic!("servers.tsv: {row:?}");
        };
        let Ok(protocol) = kind.parse::<Protocol>() else {
            continue; // exchange and the like: not probed
        };
        let security = match socket {
            "SSL" => Security::Tls,
            "STARTTLS" => Security::Starttls,
            _ => Security::Plain,
        };
        let port = port
            .parse()
            .unwrap_or_else(|_| protocol.default_port(security));
        servers.entry(file).or_default().push(IspdbServer {
            protocol,
            host,
            port,
            security,
            username,
        });
    }
    servers
}

fn alice(domain: &str) -> EmailAddress {
    EmailAddress::parse(&format!("alice@{domain}"))
        .unwrap_or_else(|e| panic!("{domain} is no mail domain: {e}"))
}

fn day() -> time::Date {
    time::Date::from_calendar_date(2026, time::Month::December, 1).unwrap()
}

/// Every domain the import covered, offline, is recognised and answered with at least one of the
/// servers the ISPDB lists for it.
#[test]
fn every_ispdb_domain_answers_offline_with_a_server_the_ispdb_lists() {
    let servers = ispdb_servers();
    let mut domains = 0;
    let mut wrong = Vec::new();
    for row in rows(DOMAINS) {
        let [domain, file] = row[..] else {
            panic!("domains.tsv: {row:?}");
        };
        domains += 1;
        let address = alice(domain);
        let report =
            Report::from_diagnosis(&mailcheck::check_offline_on(&address, day()), Lang::En);
        let Some(provider) = &report.provider else {
            wrong.push(format!("{domain} ({file}): no provider offline"));
            continue;
        };
        let listed: BTreeSet<String> = servers
            .get(file)
            .into_iter()
            .flatten()
            .map(|s| expand_placeholders(s.host, &address).to_ascii_lowercase())
            .collect();
        if !report.servers.iter().any(|s| listed.contains(&s.host)) {
            wrong.push(format!(
                "{domain} ({file}) → {}: none of {listed:?} among {:?}",
                provider.id,
                report.servers.iter().map(|s| &s.host).collect::<Vec<_>>()
            ));
        }
    }
    assert!(domains > 900, "only {domains} ISPDB domains recorded");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Where a provider file states its own servers and the ISPDB lists others: one line each,
/// `ispdb file, provider, kind, what`.
fn disagreements() -> BTreeSet<String> {
    let servers = ispdb_servers();
    let db = ProviderDb::bundled();
    // The first domain of each (ISPDB file, provider) pair stands for the pair.
    let mut pairs: BTreeMap<(&str, String), &str> = BTreeMap::new();
    for row in rows(DOMAINS) {
        let (domain, file) = (row[0], row[1]);
        if let Some(p) = db.by_domain(domain) {
            pairs.entry((file, p.id.clone())).or_insert(domain);
        }
    }
    let mut found = BTreeSet::new();
    for ((file, id), domain) in pairs {
        let address = alice(domain);
        let ours: Vec<_> = db
            .get(&id)
            .unwrap()
            .mail_servers()
            .filter_map(|s| s.settings_for(&address))
            .collect();
        for theirs in servers.get(file).into_iter().flatten() {
            let host = expand_placeholders(theirs.host, &address).to_ascii_lowercase();
            let user = expand_placeholders(theirs.username, &address);
            let what = format!("{} {host}:{}", theirs.protocol.as_str(), theirs.port);
            let same_host: Vec<_> = ours
                .iter()
                .filter(|s| s.protocol == theirs.protocol && s.host == host)
                .collect();
            let same_port: Vec<_> = same_host.iter().filter(|s| s.port == theirs.port).collect();
            let kind = if same_host.is_empty() {
                "host"
            } else if same_port.is_empty() {
                "port"
            } else if !same_port.iter().any(|s| s.security == theirs.security) {
                "socketType"
            } else if !user.is_empty() && !same_port.iter().any(|s| s.username == user) {
                "username"
            } else {
                continue;
            };
            found.insert(format!("{file}\t{id}\t{kind}\t{what}"));
        }
    }
    found
}

/// Each disagreement between a provider file and the ISPDB is listed in agreement.tsv with how it
/// was resolved and a cited reason; a listed one that no longer occurs must go too.
#[test]
fn where_mailcheck_and_the_ispdb_disagree_is_listed_and_resolved() {
    let found = disagreements();
    let mut listed = BTreeSet::new();
    for row in rows(AGREEMENT) {
        let [file, id, kind, what, resolution, reason] = row[..] else {
            panic!("agreement.tsv wants 6 columns: {row:?}");
        };
        assert!(
            ["ours", "both"].contains(&resolution),
            "agreement.tsv: resolution {resolution:?} of {what}"
        );
        assert!(
            reason.contains("http") || reason.contains("providers/"),
            "agreement.tsv: the reason for {what} cites no source: {reason}"
        );
        listed.insert(format!("{file}\t{id}\t{kind}\t{what}"));
    }
    let unlisted: Vec<_> = found.difference(&listed).collect();
    let stale: Vec<_> = listed.difference(&found).collect();
    assert!(
        unlisted.is_empty() && stale.is_empty(),
        "not in fixtures/ispdb/agreement.tsv:\n{}\nlisted but no longer so:\n{}",
        unlisted
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n"),
        stale
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert!(!found.is_empty(), "the comparison compared nothing");
}

/// What the ISPDB lacks and a helpdesk in China meets: recognised by domain or, for hosted
/// domains, by MX, with the servers and the password policy of mailcheck's own files.
#[test]
fn what_the_ispdb_lacks_is_recognised_by_domain_or_mx() {
    use mailcheck::discover::{MatchedBy, ProviderMatch};
    for (domain, mx, id, matched_by) in [
        ("21cn.com", "", "21cn", MatchedBy::Domain),
        ("tom.com", "", "tom", MatchedBy::Domain),
        ("263.net", "", "263", MatchedBy::Domain),
        ("111.com", "", "88-com", MatchedBy::Domain),
        (
            "corp.example",
            "mx1.sg.aliyun.com.",
            "aliyun-qiye-sg",
            MatchedBy::Mx,
        ),
        (
            "corp.example",
            "mx1.qiye.aliyun.com",
            "aliyun-qiye",
            MatchedBy::Mx,
        ),
        (
            "corp.example",
            "corp-example.mail.protection.partner.outlook.cn",
            "microsoft365-21vianet",
            MatchedBy::Mx,
        ),
        (
            "corp.example",
            "corp-example.mail.protection.outlook.com",
            "microsoft365",
            MatchedBy::Mx,
        ),
        (
            "corp.example",
            "mx1.emailsrvr.com",
            "emailsrvr-com",
            MatchedBy::Mx,
        ),
        ("corp.example", "mx1.mail.ovh.net", "ovh-net", MatchedBy::Mx),
        ("zoho.eu", "", "zoho-mail-eu", MatchedBy::Domain),
        ("corp.example", "mx.zoho.eu", "zoho-eu", MatchedBy::Mx),
    ] {
        let mx_hosts: Vec<String> = [mx]
            .iter()
            .filter(|m| !m.is_empty())
            .map(|m| m.to_string())
            .collect();
        let found = ProviderMatch::find(domain, &mx_hosts)
            .unwrap_or_else(|| panic!("{domain} (MX {mx:?}): no provider"));
        assert_eq!(
            (found.provider.id.as_str(), found.matched_by),
            (id, matched_by),
            "{domain} (MX {mx:?})"
        );
    }
    // The Singapore site's own hosts, never the Chinese site's.
    let sg = ProviderDb::bundled().get("aliyun-qiye-sg").unwrap();
    let hosts: Vec<_> = sg.mail_servers().map(|s| s.hostname.as_str()).collect();
    assert_eq!(
        hosts,
        [
            "imap.sg.aliyun.com",
            "pop.sg.aliyun.com",
            "smtp.sg.aliyun.com"
        ]
    );
    // 完美邮箱 serves each suffix on its own hosts.
    let report = Report::from_diagnosis(
        &mailcheck::check_offline_on(&alice("email.cn"), day()),
        Lang::En,
    );
    assert_eq!(
        report.recommended(Protocol::Imap).as_deref(),
        Some("imap.email.cn:993:tls")
    );
}

/// The dated policies: what the password field takes, as the offline report says it.
#[test]
fn chinese_providers_say_what_the_password_field_takes() {
    for (domain, password) in [
        ("qq.com", "authorization_code"),
        ("163.com", "authorization_code"),
        ("sina.com", "authorization_code"),
        ("sina.cn", "authorization_code"),
        ("sohu.com", "authorization_code"),
        ("139.com", "authorization_code"),
        ("88.com", "authorization_code"),
        ("189.cn", "account"),
        ("21cn.com", "account"),
        ("aliyun.com", "account"),
    ] {
        let report = Report::from_diagnosis(
            &mailcheck::check_offline_on(&alice(domain), day()),
            Lang::Zh,
        );
        let provider = report.provider.expect("a provider");
        assert_eq!(provider.password.as_deref(), Some(password), "{domain}");
    }
}

/// `scripts/import-ispdb` on a small ISPDB of its own, twice: a newer ISPDB rewrites only the
/// marked blocks (facts, commit), mailcheck's own additions stay byte for byte, a provider the
/// ISPDB gained gets a file, one it lost loses its block, and a second run changes nothing.
#[test]
fn a_reimport_updates_the_ispdb_facts_and_keeps_our_additions() {
    use std::fs;
    use std::path::Path;
    use std::process::Command;

    let git = |dir: &Path, args: &[&str]| {
        let out = Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@t.test"])
            .args(args)
            .current_dir(dir)
            .output()
            .expect("git");
        assert!(out.status.success(), "git {args:?}: {out:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    let ispdb_file = |host: &str, domain: &str| {
        format!(
            r#"<clientConfig version="1.1"><emailProvider id="{domain}"><domain>{domain}</domain>
            <displayName>Name {domain}</displayName>
            <incomingServer type="imap"><hostname>{host}</hostname><port>993</port>
            <socketType>SSL</socketType><authentication>password-cleartext</authentication>
            <username>%EMAILLOCALPART%</username></incomingServer>
            <outgoingServer type="smtp"><hostname>smtp.{domain}</hostname><port>465</port>
            <socketType>SSL</socketType><username>%EMAILADDRESS%</username></outgoingServer>
            <documentation url="https://{domain}/help"><descr lang="en">Prose is not copied</descr></documentation>
            </emailProvider></clientConfig>"#
        )
    };
    let tmp = tempfile::tempdir().unwrap();
    let checkout = tmp.path().join("autoconfig");
    let into = tmp.path().join("mc");
    fs::create_dir_all(checkout.join("ispdb")).unwrap();
    fs::create_dir_all(into.join("providers")).unwrap();
    let write = |path: &Path, text: &str| fs::write(path, text).unwrap();
    let put = |domain: &str, host: &str| {
        write(
            &checkout.join(format!("ispdb/{domain}.xml")),
            &ispdb_file(host, domain),
        )
    };
    put("one.test", "imap.one.test");
    put("gone.test", "imap.gone.test");
    git(&checkout, &["init", "-q"]);
    git(&checkout, &["add", "."]);
    git(&checkout, &["commit", "-qm", "first"]);
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/import-ispdb");
    let import = || {
        let out = Command::new("python3")
            .arg(script)
            .arg(&checkout)
            .arg("--into")
            .arg(&into)
            .output()
            .expect("python3");
        assert!(out.status.success(), "{out:?}");
        String::from_utf8(out.stderr).unwrap()
    };
    import();
    let one = into.join("providers/one-test.xml");
    let first = fs::read_to_string(&one).unwrap();
    assert!(
        first.contains("<hostname>imap.one.test</hostname>"),
        "{first}"
    );
    assert!(!first.contains("Prose"), "prose was copied:\n{first}");
    assert!(
        first.contains("<displayName>Name one.test</displayName>"),
        "{first}"
    );
    // mailcheck's own additions, outside the block.
    let ours = "    <mc:mx>mx*.one.test</mc:mx>\n    <mc:password>app_password</mc:password>\n";
    let with_ours = first.replace("  </emailProvider>", &format!("{ours}  </emailProvider>"));
    write(&one, &with_ours);

    // A newer ISPDB: a host changes, a provider comes, one goes.
    put("one.test", "mail.one.test");
    put("new.test", "imap.new.test");
    fs::remove_file(checkout.join("ispdb/gone.test.xml")).unwrap();
    git(&checkout, &["add", "-A"]);
    git(&checkout, &["commit", "-qm", "second"]);
    let commit = git(&checkout, &["rev-parse", "HEAD"]).trim().to_owned();
    import();

    let second = fs::read_to_string(&one).unwrap();
    assert!(
        second.contains("<hostname>mail.one.test</hostname>"),
        "{second}"
    );
    assert!(!second.contains("imap.one.test"), "{second}");
    assert!(second.contains(&format!("commit=\"{commit}\"")), "{second}");
    assert!(second.contains(ours), "own additions lost:\n{second}");
    assert!(into.join("providers/new-test.xml").exists());
    assert!(!into.join("providers/gone-test.xml").exists());
    let domains = fs::read_to_string(into.join("fixtures/ispdb/domains.tsv")).unwrap();
    assert!(domains.contains(&commit) && domains.contains("new.test\tispdb/new.test.xml"));
    assert!(!domains.contains("gone.test"), "{domains}");
    // The result parses as a provider file with our additions read.
    let parsed = mailcheck::clientconfig::parse(&second).unwrap();
    assert_eq!(parsed.providers[0].mx_patterns, ["mx*.one.test"]);

    import();
    assert_eq!(
        fs::read_to_string(&one).unwrap(),
        second,
        "a second run changed the file"
    );
}
