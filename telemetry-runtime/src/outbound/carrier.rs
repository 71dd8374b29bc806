//! Merging extra headers into an outgoing request's header map.

use http::{HeaderMap, HeaderName};

/// Adds the headers of `extra` that `headers` does not have yet (every value of each); a
/// header already there is left as it is.
pub(super) fn add_missing(headers: &mut HeaderMap, extra: HeaderMap) {
    let mut current: Option<HeaderName> = None;
    let mut skip = false;
    for (name, value) in extra {
        // `HeaderMap::into_iter` gives the name with the first value of each header only.
        if let Some(name) = name {
            skip = headers.contains_key(&name);
            current = Some(name);
        }
        if let (Some(name), false) = (&current, skip) {
            headers.append(name.clone(), value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    #[test]
    fn add_missing_keeps_what_is_there() {
        let mut headers = HeaderMap::new();
        headers.insert("x-tenant", HeaderValue::from_static("mine"));
        let mut extra = HeaderMap::new();
        extra.insert("x-tenant", HeaderValue::from_static("scope"));
        extra.append("x-multi", HeaderValue::from_static("1"));
        extra.append("x-multi", HeaderValue::from_static("2"));
        extra.insert("x-other", HeaderValue::from_static("o"));
        add_missing(&mut headers, extra);
        assert_eq!(headers["x-tenant"], "mine");
        assert_eq!(
            headers.get_all("x-multi").iter().collect::<Vec<_>>(),
            ["1", "2"]
        );
        assert_eq!(headers["x-other"], "o");
        assert_eq!(headers.len(), 4);
    }
}
