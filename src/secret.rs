//! The password, in a type that cannot leak it by accident: `Debug` prints `***`, nothing
//! prints it through `Display`, and its memory is cleared when it is dropped.

use std::fmt;

use zeroize::Zeroizing;

/// A secret to log in with. Read it with [`Password::expose`] where it is sent, nowhere else.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(Zeroizing<String>);

impl Password {
    pub fn new(secret: String) -> Self {
        Self(Zeroizing::new(secret))
    }

    /// The secret itself, for the one place that sends it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<String> for Password {
    fn from(secret: String) -> Self {
        Self::new(secret)
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_secret() {
        let password = Password::new("hunter2".into());
        assert_eq!(format!("{password:?}"), "Password(***)");
        assert_eq!(format!("{:?}", Some(&password)), "Some(Password(***))");
        assert_eq!(password.expose(), "hunter2");
    }
}
