//! Network plumbing that every stage shares: where TCP connections go, DNS, the HTTP fetcher, the trust anchors, bounded
//! reads of local input, and turning a server's bytes into text. Nothing here knows about mail
//! settings or findings.

pub mod bounded;
pub mod connect;
pub mod decode;
pub mod dns;
pub mod fetch;
pub mod trust;
