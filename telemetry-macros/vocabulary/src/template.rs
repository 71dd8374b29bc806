//! The span-name template: literal text with `{attribute.key}` placeholders, filled from the
//! span's attributes (`chat {gen_ai.request.model}` -> `chat gpt-4o`).

/// One piece of a template: literal text, then the placeholder that follows it (none for
/// the text after the last placeholder).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Part<'a> {
    /// The text before the placeholder.
    pub text: &'a str,
    /// The placeholder's attribute key.
    pub key: Option<&'a str>,
}

/// The parts of `template`, in order. An unclosed `{` is literal text.
pub fn parts(template: &str) -> Parts<'_> {
    Parts {
        rest: Some(template),
    }
}

/// The iterator of [`parts`].
#[derive(Clone, Debug)]
pub struct Parts<'a> {
    rest: Option<&'a str>,
}

impl<'a> Iterator for Parts<'a> {
    type Item = Part<'a>;

    fn next(&mut self) -> Option<Part<'a>> {
        let rest = self.rest?;
        if let Some(open) = rest.find('{')
            && let Some(len) = rest[open..].find('}')
        {
            self.rest = Some(&rest[open + len + 1..]);
            return Some(Part {
                text: &rest[..open],
                key: Some(&rest[open + 1..open + len]),
            });
        }
        self.rest = None;
        (!rest.is_empty()).then_some(Part {
            text: rest,
            key: None,
        })
    }
}

/// The placeholders of `template`, in order.
pub fn placeholders(template: &str) -> Vec<&str> {
    parts(template).filter_map(|part| part.key).collect()
}

/// `(prefix, key)` when the template's one placeholder ends it (`chat {gen_ai.request.model}`
/// -> `("chat ", "gen_ai.request.model")`), so the name is found by the value alone.
pub fn suffix(template: &str) -> Option<(&str, &str)> {
    let (prefix, rest) = template.split_once('{')?;
    let key = rest.strip_suffix('}')?;
    (!prefix.contains('}') && !key.is_empty() && !key.contains(['{', '}'])).then_some((prefix, key))
}

#[cfg(test)]
mod tests {
    #[test]
    fn placeholders_in_order() {
        assert_eq!(super::placeholders("a {x.y} b {z} {unclosed"), ["x.y", "z"]);
        assert!(super::placeholders("plain").is_empty());
    }

    #[test]
    fn parts_keep_every_character() {
        for template in [
            "chat {m}",
            "a {x} b {y} c",
            "{x}",
            "plain",
            "open {x",
            "",
            "a {x}} b",
        ] {
            let joined: String = super::parts(template)
                .map(|p| match p.key {
                    Some(key) => format!("{}{{{key}}}", p.text),
                    None => p.text.to_owned(),
                })
                .collect();
            assert_eq!(joined, template);
        }
    }

    #[test]
    fn suffix_templates() {
        assert_eq!(
            super::suffix("chat {gen_ai.request.model}"),
            Some(("chat ", "gen_ai.request.model"))
        );
        assert_eq!(super::suffix("{a}"), Some(("", "a")));
        for other in ["chat", "a {x} b", "{a}{b}", "a {}", "a} {b}"] {
            assert_eq!(super::suffix(other), None, "{other}");
        }
    }
}
