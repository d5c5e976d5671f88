//! A real DNS server in process (hickory-server) serving the zones of `fixtures/dns/`, on UDP and
//! TCP port 53 of the test's own loopback address.

use std::collections::BTreeSet;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hickory_server::ServerFuture;
use hickory_server::authority::{AuthorityObject, Catalog, ZoneType};
use hickory_server::proto::op::Header;
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

/// Queries the server leaves unanswered: (zone, record type; `ANY` for every type).
pub type Silenced = Arc<Mutex<Vec<(Name, RecordType)>>>;

/// The catalog, except for the queries a test wants dropped on the floor.
struct Handler {
    catalog: Catalog,
    silenced: Silenced,
    log: Arc<Mutex<Vec<String>>>,
}

#[async_trait::async_trait]
impl RequestHandler for Handler {
    async fn handle_request<R: ResponseHandler>(
        &self,
        request: &Request,
        response_handle: R,
    ) -> ResponseInfo {
        if let Ok(info) = request.request_info() {
            let name = Name::from(info.query.name().clone());
            let rtype = info.query.query_type();
            self.log
                .lock()
                .unwrap()
                .push(format!("{} {rtype}", name.to_ascii()));
            let silent = self
                .silenced
                .lock()
                .unwrap()
                .iter()
                .any(|(zone, t)| (*t == rtype || *t == RecordType::ANY) && zone.zone_of(&name));
            if silent {
                // Never answer; the runtime's shutdown at the end of the test ends the wait.
                tokio::time::sleep(Duration::from_secs(3600)).await;
                return Header::new().into();
            }
        }
        self.catalog.handle_request(request, response_handle).await
    }
}

/// Starts serving; must run inside the test's runtime. Returns the query log.
pub fn serve(
    zones: Zones,
    udp: UdpSocket,
    tcp: TcpListener,
    silenced: Silenced,
) -> Arc<Mutex<Vec<String>>> {
    let log = Arc::new(Mutex::new(Vec::new()));
    let mut server = ServerFuture::new(Handler {
        catalog: zones.catalog,
        silenced,
        log: Arc::clone(&log),
    });
    server.register_socket(udp);
    server.register_listener(tcp, Duration::from_secs(10));
    tokio::spawn(async move {
        let _ = server.block_until_done().await;
    });
    log
}
