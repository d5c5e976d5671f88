//! Where TCP connections go: the seam under every mail probe and every HTTP fetch.
//!
//! By default a connection goes to the address asked for. A library caller (the in-process
//! tests) can give a map instead: a connection to `(ip, port)` then goes to the address the map
//! names, and one to an address the map does not name is refused, so that such a run never
//! reaches a server that happens to listen on the machine. Only the TCP destination changes:
//! TLS still sends and checks the host name that was asked for, and the report still shows the
//! address that was asked for. A map may also name black holes: addresses whose connection
//! attempts are never answered (a firewall that drops them), which a test cannot get from a
//! local listener, since the kernel completes the handshake of any listening socket.

use std::collections::{HashMap, HashSet};
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;

use tokio::net::TcpStream;

/// Where TCP connections go.
#[derive(Clone, Debug, Default)]
pub struct Connector {
    /// `None`: to the address asked for.
    map: Option<Arc<HashMap<SocketAddr, SocketAddr>>>,
    /// Addresses whose connection attempts never end (the caller's time limit ends them);
    /// port 0 stands for every port of the address (a host that is down).
    black_holes: Arc<HashSet<SocketAddr>>,
    /// Addresses this computer has no route to: an attempt fails at once (ENETUNREACH).
    unreachable: Arc<HashSet<SocketAddr>>,
}

impl Connector {
    /// Every connection to the address asked for.
    pub fn direct() -> Self {
        Self::default()
    }

    /// A connection to a key of `map` goes to its value; any other is refused.
    pub fn mapped(map: HashMap<SocketAddr, SocketAddr>) -> Self {
        Self {
            map: Some(Arc::new(map)),
            ..Self::default()
        }
    }

    /// The same connector, except that a connection to any of `holes` is never answered.
    pub fn with_black_holes(mut self, holes: HashSet<SocketAddr>) -> Self {
        self.black_holes = Arc::new(holes);
        self
    }

    /// The same connector, except that `addresses` cannot be reached from here at all.
    pub fn with_unreachable(mut self, addresses: HashSet<SocketAddr>) -> Self {
        self.unreachable = Arc::new(addresses);
        self
    }

    /// Whether mail programs here try IPv6 at all: this computer has an IPv6 address of global
    /// scope (what `getaddrinfo`'s `AI_ADDRCONFIG` asks; read on Linux, else no). A mapped
    /// connector (the tests) answers no, so that a run does not depend on the machine.
    pub fn ipv6_configured(&self) -> bool {
        self.is_direct()
            && std::fs::read_to_string("/proc/net/if_inet6").is_ok_and(|table| {
                table
                    .lines()
                    .any(|line| line.split_whitespace().nth(3) == Some("00"))
            })
    }

    pub fn is_direct(&self) -> bool {
        self.map.is_none()
    }

    /// Where a connection to `addr` goes; `None` when it is refused.
    pub fn destination(&self, addr: SocketAddr) -> Option<SocketAddr> {
        match &self.map {
            None => Some(addr),
            Some(map) => map.get(&addr).copied(),
        }
    }

    /// The ports the map sends somewhere (none for a direct connector).
    pub fn mapped_ports(&self) -> Vec<u16> {
        let mut ports: Vec<u16> = self
            .map
            .iter()
            .flat_map(|map| map.keys().map(SocketAddr::port))
            .collect();
        ports.sort_unstable();
        ports.dedup();
        ports
    }

    /// A TCP connection for `addr`.
    pub async fn connect(&self, addr: SocketAddr) -> io::Result<TcpStream> {
        let any_port = SocketAddr::new(addr.ip(), 0);
        if self.black_holes.contains(&addr) || self.black_holes.contains(&any_port) {
            return std::future::pending().await;
        }
        if self.unreachable.contains(&addr) {
            return Err(io::Error::from(io::ErrorKind::NetworkUnreachable));
        }
        let tcp = match self.destination(addr) {
            Some(destination) => TcpStream::connect(destination).await?,
            None => return Err(refused()),
        };
        // Each command is one write and waits for its reply: nothing to gather, and Nagle's
        // wait for an ACK (delayed by the server) would hold a write behind the handshake's.
        tcp.set_nodelay(true)?;
        Ok(tcp)
    }
}

/// ACKs what has come at once, instead of after the delayed-ACK timer (40 ms on Linux): after
/// a TLS handshake a server sends its session tickets and then its reply, which its own Nagle
/// holds until the tickets are ACKed. Setting it also sends an ACK already due. Not
/// permanent: the kernel leaves quick-ACK mode when an exchange looks interactive, so a probe
/// sets it before every read (`probe::transport::Conn`). Best effort: elsewhere a no-op.
pub fn ack_at_once(tcp: &TcpStream) {
    #[cfg(target_os = "linux")]
    {
        let _ = socket2::SockRef::from(tcp).set_tcp_quickack(true);
    }
    #[cfg(not(target_os = "linux"))]
    let _ = tcp;
}

/// What a connection to an address outside the map gets: what a closed port gives.
pub fn refused() -> io::Error {
    io::Error::from(io::ErrorKind::ConnectionRefused)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(text: &str) -> SocketAddr {
        text.parse().unwrap()
    }

    #[test]
    fn direct_goes_where_asked_and_mapped_only_where_the_map_says() {
        let asked = addr("127.0.0.1:993");
        assert_eq!(Connector::direct().destination(asked), Some(asked));
        let mapped = Connector::mapped(HashMap::from([(asked, addr("127.0.0.1:40001"))]));
        assert_eq!(mapped.destination(asked), Some(addr("127.0.0.1:40001")));
        assert_eq!(mapped.destination(addr("127.0.0.1:143")), None);
        assert_eq!(mapped.mapped_ports(), [993]);
    }
}
