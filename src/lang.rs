//! The languages mailcheck speaks, and texts given in several of them (a provider file's notes
//! and hints). What mailcheck itself says in each language is in `text`.

use std::str::FromStr;

/// The language of messages and hints.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Lang {
    #[default]
    En,
    Zh,
}

impl Lang {
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
        }
    }

    /// The language a locale string (`LANG`, `LC_ALL`: `zh_CN.UTF-8`) asks for.
    pub fn from_locale(locale: &str) -> Option<Lang> {
        let lower = locale.to_ascii_lowercase();
        if lower.starts_with("zh") {
            Some(Lang::Zh)
        } else if lower.is_empty() {
            None
        } else {
            Some(Lang::En)
        }
    }
}

impl FromStr for Lang {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "en" => Ok(Lang::En),
            "zh" | "zh-cn" | "zh-hans" => Ok(Lang::Zh),
            other => Err(format!("unknown language {other:?} (expected en or zh)")),
        }
    }
}

/// One text in several languages, keyed by BCP 47 tag (`en`, `zh`, `zh-CN`, …).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Localized(Vec<(String, String)>);

impl Localized {
    pub fn new(en: &str, zh: &str) -> Self {
        Self(vec![("en".into(), en.into()), ("zh".into(), zh.into())])
    }

    pub fn push(&mut self, lang: String, text: String) {
        self.0.push((lang, text));
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn has(&self, lang: &str) -> bool {
        self.0.iter().any(|(l, _)| l == lang)
    }

    /// The text whose tag is this language (`zh` matches `zh-CN`), if there is one.
    pub fn exact(&self, lang: Lang) -> Option<&str> {
        self.0
            .iter()
            .find(|(l, _)| {
                let primary = l.split(['-', '_']).next().unwrap_or("");
                primary.eq_ignore_ascii_case(lang.tag())
            })
            .map(|(_, t)| t.as_str())
    }

    /// The text in `lang`, else English, else the first given; empty when there is none.
    pub fn get(&self, lang: Lang) -> &str {
        self.exact(lang)
            .or_else(|| self.exact(Lang::En))
            .or_else(|| self.0.first().map(|(_, t)| t.as_str()))
            .unwrap_or("")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn falls_back_to_english_then_first() {
        let mut t = Localized::default();
        t.push("de".into(), "Hallo".into());
        assert_eq!(t.get(Lang::Zh), "Hallo");
        t.push("en".into(), "Hello".into());
        assert_eq!(t.get(Lang::Zh), "Hello");
        t.push("zh-CN".into(), "nihao".into());
        assert_eq!(t.get(Lang::Zh), "nihao");
        assert_eq!(Localized::default().get(Lang::En), "");
    }

    #[test]
    fn locale_strings_choose_the_language() {
        assert_eq!(Lang::from_locale("zh_CN.UTF-8"), Some(Lang::Zh));
        assert_eq!(Lang::from_locale("en_US.UTF-8"), Some(Lang::En));
        assert_eq!(Lang::from_locale("C.UTF-8"), Some(Lang::En));
        assert_eq!(Lang::from_locale(""), None);
    }
}
