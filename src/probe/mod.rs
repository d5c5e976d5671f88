//! Probing: connect to every candidate server and find out what it really does.

pub mod tls;
