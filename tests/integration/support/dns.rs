//! A real DNS server in process (hickory-server) serving the zones of `fixtures/dns/`, on UDP and
//! TCP port 53 of the test's own loopback address, or misbehaving for the names a test chooses
//! ([`Misbehaviour`]: silence, SERVFAIL, REFUSED, a lost first query).

use std::collections::BTreeSet;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hickory_server::ServerFuture;
use hickory_server::authority::MessageResponseBuilder;
use hickory_server::authority::{AuthorityObject, Catalog, ZoneType};
use hickory_server::proto::op::{Header, ResponseCode};
use hickory_server::proto::rr::{LowerName, Name, RecordType};
use hickory_server::proto::serialize::txt::Parser;
use hickory_server::server::{Request, RequestHandler, ResponseHandler, ResponseInfo};
use hickory_server::store::in_memory::InMemoryAuthority;
use tokio::net::{TcpListener, UdpSocket};

/// The zones, with `{{web}}` replaced, the names that have an address (for the certificate),
/// and those addresses.
pub struct Zones {
    pub catalog: Catalog,
    pub hosts: Vec<String>,
    pub addresses: BTreeSet<IpAddr>,
}

/// Loads every `*.zone` file of `dir`, with `{{web}}` replaced by `web`.
pub fn load(dir: &Path, web: &str) -> Zones {
    let files = zone_files(dir);
    assert!(!files.is_empty(), "no zone files in {}", dir.display());
    load_files(&files, web)
}

/// The `*.zone` files of `dir`, sorted.
pub fn zone_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("zone file").path())
        .filter(|p| p.extension().is_some_and(|e| e == "zone"))
        .collect();
    files.sort();
    files
}

/// Loads the zone files `files`, with `{{web}}` replaced by `web`.
pub fn load_files(files: &[PathBuf], web: &str) -> Zones {
    let mut catalog = Catalog::new();
    let mut hosts = Vec::new();
    let mut addresses = BTreeSet::new();
    for path in files {
        let text = std::fs::read_to_string(path)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
            .replace("{{web}}", web);
        let (origin, records) = Parser::new(text, Some(path.clone()), None)
            .parse()
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for (key, set) in &records {
            if matches!(key.record_type, RecordType::A | RecordType::AAAA) {
                let name = Name::from(key.name.clone()).to_ascii();
                let name = name.trim_end_matches('.').to_owned();
                if !hosts.contains(&name) {
                    hosts.push(name);
                }
                addresses.extend(
                    set.records_without_rrsigs()
                        .filter_map(|r| r.data().ip_addr()),
                );
            }
        }
        let authority = InMemoryAuthority::new(origin.clone(), records, ZoneType::Primary, false)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let authority: Arc<dyn AuthorityObject> = Arc::new(authority);
        catalog.upsert(LowerName::from(origin), vec![authority]);
    }
    Zones {
        catalog,
        hosts,
        addresses,
    }
}

/// How the server answers the queries of a zone (the name and every name below it) instead of
/// from the catalog: the ways a DNS server or the path to it fails.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Misbehaviour {
    /// Never answers (a dead server, a filtered port).
    Silent,
    /// Answers SERVFAIL (a broken upstream, a DNSSEC failure).
    Servfail,
    /// Answers REFUSED (a server that does not serve this client).
    Refused,
    /// Loses the first query for each name and type, then answers (one lost UDP packet).
    DropFirst,
    /// Answers the first query for each name and type SERVFAIL, then answers (an upstream
    /// that failed once).
    ServfailFirst,
}

/// One rule: queries of `rtype` (`ANY`: every type) for `zone` and below get `misbehaviour`.
#[derive(Clone, Debug)]
pub struct Rule {
    pub zone: Name,
    pub rtype: RecordType,
    pub misbehaviour: Misbehaviour,
}

/// The rules of a running server; a test may add to them while it runs.
pub type Rules = Arc<Mutex<Vec<Rule>>>;

/// The catalog, except for the queries a rule says to answer otherwise.
struct Handler {
    catalog: Catalog,
    rules: Rules,
    log: Arc<Mutex<Vec<String>>>,
    /// The queries seen once (name, type), for [`Misbehaviour::DropFirst`].
    seen: Mutex<BTreeSet<(Name, RecordType)>>,
}

#[async_trait::async_trait]
impl RequestHandler for Handler {
    async fn handle_request<R: ResponseHandler>(
        &self,
        request: &Request,
        mut response_handle: R,
    ) -> ResponseInfo {
        if let Ok(info) = request.request_info() {
            let name = Name::from(info.query.name().clone());
            let rtype = info.query.query_type();
            self.log
                .lock()
                .unwrap()
                .push(format!("{} {rtype}", name.to_ascii()));
            let rule = self
                .rules
                .lock()
                .unwrap()
                .iter()
                .find(|r| (r.rtype == rtype || r.rtype == RecordType::ANY) && r.zone.zone_of(&name))
                .map(|r| r.misbehaviour);
            let code = match rule {
                None => None,
                Some(once @ (Misbehaviour::DropFirst | Misbehaviour::ServfailFirst)) => {
                    let first = self.seen.lock().unwrap().insert((name.clone(), rtype));
                    match (first, once) {
                        (false, _) => None,
                        (true, Misbehaviour::DropFirst) => return never_answer().await,
                        (true, _) => Some(ResponseCode::ServFail),
                    }
                }
                Some(Misbehaviour::Silent) => return never_answer().await,
                Some(Misbehaviour::Servfail) => Some(ResponseCode::ServFail),
                Some(Misbehaviour::Refused) => Some(ResponseCode::Refused),
            };
            if let Some(code) = code {
                let response = MessageResponseBuilder::from_message_request(request)
                    .error_msg(request.header(), code);
                return match response_handle.send_response(response).await {
                    Ok(info) => info,
                    Err(_) => Header::new().into(),
                };
            }
        }
        self.catalog.handle_request(request, response_handle).await
    }
}

/// Waits for good; the runtime's shutdown at the end of the test ends the wait.
async fn never_answer() -> ResponseInfo {
    tokio::time::sleep(Duration::from_secs(3600)).await;
    Header::new().into()
}

/// Starts serving; must run inside the test's runtime. Returns the query log.
pub fn serve(
    zones: Zones,
    udp: UdpSocket,
    tcp: TcpListener,
    rules: Rules,
) -> Arc<Mutex<Vec<String>>> {
    let log = Arc::new(Mutex::new(Vec::new()));
    let mut server = ServerFuture::new(Handler {
        catalog: zones.catalog,
        rules,
        log: Arc::clone(&log),
        seen: Mutex::default(),
    });
    server.register_socket(udp);
    server.register_listener(tcp, Duration::from_secs(10));
    tokio::spawn(async move {
        let _ = server.block_until_done().await;
    });
    log
}
