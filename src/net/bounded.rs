//! Reading local input that may be endless (`/dev/zero`, a wrong file): at most so many bytes,
//! then a clear error, never memory eaten until the process is killed.

use std::io::{Error, ErrorKind, Read};

/// The whole of `source`, or an `InvalidData` error once it holds more than `limit` bytes.
pub fn read_at_most(source: impl Read, limit: u64) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    source.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(Error::new(
            ErrorKind::InvalidData,
            format!("larger than {} MiB", limit >> 20),
        ));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stops_one_byte_past_the_limit() {
        assert_eq!(read_at_most(&b"abc"[..], 3).unwrap(), b"abc");
        let error = read_at_most(std::io::repeat(0), 2 << 20).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidData);
        assert_eq!(error.to_string(), "larger than 2 MiB");
    }
}
