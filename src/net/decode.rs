//! Bytes from a server as text.

/// Server replies as text: UTF-8 when valid, else GBK (older QQ and NetEase servers), never
/// failing.
///
/// UTF-8 cut short at the end (a line truncated inside a character) stays UTF-8. Otherwise the
/// bytes are decoded as GBK (as GB18030, its superset); when that leaves more undecodable bytes
/// than lenient UTF-8 would, the lenient UTF-8 reading is taken. Undecodable bytes become U+FFFD.
pub fn reply_text(bytes: &[u8]) -> String {
    let utf8_error = match std::str::from_utf8(bytes) {
        Ok(text) => return text.to_owned(),
        Err(e) => e,
    };
    let lossy = String::from_utf8_lossy(bytes);
    if utf8_error.error_len().is_none() {
        // Valid up to an incomplete character at the very end.
        return lossy.into_owned();
    }
    let (gbk, _, gbk_had_errors) = encoding_rs::GBK.decode(bytes);
    if !gbk_had_errors {
        return gbk.into_owned();
    }
    let bad = |s: &str| {
        s.chars()
            .filter(|&c| c == char::REPLACEMENT_CHARACTER)
            .count()
    };
    if bad(&gbk) <= bad(&lossy) {
        gbk.into_owned()
    } else {
        lossy.into_owned()
    }
}
