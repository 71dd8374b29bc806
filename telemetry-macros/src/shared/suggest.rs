//! "Did you mean" suggestions.

/// The candidate closest to `input` by edit distance, if it is close enough to be a typo.
pub fn closest<'a>(input: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (input.len() / 3).max(2);
    candidates
        .into_iter()
        .map(|c| (distance(input, c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// The message for an option no macro knows: the typo it is closest to, or the list of the
/// options there are (`what` names the kind of option, e.g. "contract option").
pub fn unknown_option(what: &str, option: &str, known: &[&str]) -> String {
    let hint = closest(option, known.iter().copied())
        .map(|s| format!(": did you mean `{s}`?"))
        .unwrap_or_else(|| format!(": expected one of {}", known.join(", ")));
    format!("unknown {what} `{option}`{hint}")
}

fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    #[test]
    fn finds_typos_only() {
        assert_eq!(super::closest("chta", ["chat", "embeddings"]), Some("chat"));
        assert_eq!(
            super::closest("max_token", ["max_tokens", "top_p"]),
            Some("max_tokens")
        );
        assert_eq!(super::closest("zzzzzz", ["chat"]), None);
    }
}
