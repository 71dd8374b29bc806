//! [`UrlTemplate`]: the low-cardinality template of one request's URL, given per request.

use std::borrow::Cow;
use std::fmt;

use reqwest_middleware::RequestBuilder;

/// The template of a request's path (`url.template`, e.g. `/users/{id}`), set per request as a
/// [`reqwest_middleware`] extension: the `CLIENT` span is then named `{METHOD} {template}` and
/// carries `url.template`. It must have low cardinality: never put ids in it.
///
/// ```no_run
/// # use telemetry_runtime::outbound::reqwest_middleware::ClientWithMiddleware;
/// use telemetry_runtime::outbound::UrlTemplate;
///
/// # async fn run(client: ClientWithMiddleware) -> Result<(), Box<dyn std::error::Error>> {
/// client
///     .get("http://users.internal/users/42")
///     .with_extension(UrlTemplate::new("/users/{id}")) // or `.url_template("/users/{id}")`
///     .send()
///     .await?;
/// # Ok(()) }
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct UrlTemplate(Cow<'static, str>);

impl UrlTemplate {
    /// A template; an empty one counts as none.
    pub fn new(template: impl Into<Cow<'static, str>>) -> Self {
        UrlTemplate(template.into())
    }

    /// The template.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for UrlTemplate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("UrlTemplate").field(&self.as_str()).finish()
    }
}

impl fmt::Display for UrlTemplate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Shorthands on [`reqwest_middleware::RequestBuilder`] for what
/// [`TracingMiddleware`](super::TracingMiddleware) reads from a request.
pub trait RequestBuilderExt: Sized {
    /// Sets the request's [`UrlTemplate`].
    fn url_template(self, template: impl Into<Cow<'static, str>>) -> Self;
}

impl RequestBuilderExt for RequestBuilder {
    fn url_template(self, template: impl Into<Cow<'static, str>>) -> Self {
        self.with_extension(UrlTemplate::new(template))
    }
}
