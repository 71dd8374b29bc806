//! [`GenAiClient`]: the server a client calls, which `#[llm_span(client = &client)]` records
//! as `server.address` and `server.port`.

use opentelemetry::KeyValue;

use crate::span::StartValues;

/// A client whose server `#[llm_span(client = &client)]` records: async-openai's `Client`
/// (feature `async-openai`, from its api base), and yours.
///
/// ```
/// use telemetry_runtime::genai::GenAiClient;
///
/// struct MyClient { base: String }
///
/// impl GenAiClient for MyClient {
///     fn base_url(&self) -> Option<&str> { Some(&self.base) }
/// }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a client that `#[llm_span(client = ...)]` can read",
    label = "not a GenAI client",
    note = "`client = ...` reads async-openai's `Client` (feature `async-openai`) and your types that implement `telemetry_runtime::genai::GenAiClient`",
    note = "or pass the server as arguments, e.g. `server_address = \"api.openai.com\", server_port = 443`"
)]
pub trait GenAiClient {
    /// The base URL of the API it calls (`https://api.openai.com/v1`).
    fn base_url(&self) -> Option<&str>;
}

impl<T: GenAiClient + ?Sized> GenAiClient for &T {
    fn base_url(&self) -> Option<&str> {
        (**self).base_url()
    }
}

/// The client of a `#[llm_span(client = ...)]`, checked once where it is given.
#[doc(hidden)]
#[derive(Clone, Copy)]
pub struct ClientRef<'a>(&'a dyn GenAiClient);

/// The client value, as the generated code holds it.
#[doc(hidden)]
#[inline]
pub fn client<C: GenAiClient>(client: &C) -> ClientRef<'_> {
    ClientRef(client)
}

/// `server.address` and `server.port` of the client's base URL (the scheme's port when it
/// names none), except the keys already given. Nothing for a URL that does not parse, and
/// never its credentials or path. Called by the generated code.
#[doc(hidden)]
pub fn extend(client: &ClientRef<'_>, start: &mut StartValues) {
    extend_server(client.0, &mut start.attributes);
}

fn extend_server<C: GenAiClient + ?Sized>(client: &C, attributes: &mut Vec<KeyValue>) {
    let Some(url) = client.base_url().and_then(|u| url::Url::parse(u).ok()) else {
        return;
    };
    let has =
        |attributes: &[KeyValue], key: &str| attributes.iter().any(|kv| kv.key.as_str() == key);
    if let Some(host) = url.host_str()
        && !has(attributes, "server.address")
    {
        let host = host.trim_start_matches('[').trim_end_matches(']');
        attributes.push(KeyValue::new("server.address", host.to_owned()));
    }
    if let Some(port) = url.port_or_known_default()
        && !has(attributes, "server.port")
    {
        attributes.push(KeyValue::new("server.port", i64::from(port)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Base(&'static str);
    impl GenAiClient for Base {
        fn base_url(&self) -> Option<&str> {
            Some(self.0)
        }
    }

    fn server(base: &'static str) -> Vec<(String, String)> {
        let mut attributes = Vec::new();
        extend_server(&Base(base), &mut attributes);
        attributes
            .into_iter()
            .map(|kv| (kv.key.to_string(), kv.value.to_string()))
            .collect()
    }

    #[test]
    fn the_base_url_gives_address_and_port() {
        let pairs = |v: &[(&str, &str)]| -> Vec<(String, String)> {
            v.iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        assert_eq!(
            server("https://api.openai.com/v1"),
            pairs(&[("server.address", "api.openai.com"), ("server.port", "443")])
        );
        assert_eq!(
            server("http://user:secret@127.0.0.1:8080/v1"),
            pairs(&[("server.address", "127.0.0.1"), ("server.port", "8080")])
        );
        assert_eq!(
            server("http://[::1]:9000"),
            pairs(&[("server.address", "::1"), ("server.port", "9000")])
        );
        assert!(server("not a url").is_empty());
    }

    #[test]
    fn arguments_given_win() {
        let mut attributes = vec![KeyValue::new("server.address", "given")];
        extend_server(&Base("http://other:1"), &mut attributes);
        assert_eq!(attributes.len(), 2);
        assert_eq!(attributes[0].value.to_string(), "given");
    }
}
