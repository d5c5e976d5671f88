//! The one integration test binary (one link step on a small machine). Each module is a topic.

mod byte_level;
mod real_servers;
mod support;
