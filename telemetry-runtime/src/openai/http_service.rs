//! [`TracedHttpService`]: the HTTP transport of an async-openai client through
//! [`TracingMiddleware`], so the provider sees the caller's trace.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use async_openai::error::OpenAIError;
use async_openai::middleware::HttpRequestFactory;
use reqwest_middleware::reqwest::{Client, Response};
use reqwest_middleware::{ClientBuilder, ClientWithMiddleware};

use crate::outbound::TracingMiddleware;

/// A tower service for async-openai's `Client::with_http_service`: every request the client
/// makes (each attempt, when you add a retry layer on top) is sent through a reqwest client
/// with [`TracingMiddleware`]: a CLIENT span (`POST`, `url.full`, `http.response.status_code`,
/// `error.type`) under the current span, normally the `#[llm_span]` around the call, and the
/// W3C `traceparent` / `tracestate` headers, so the provider's SERVER span joins the trace.
///
/// ```no_run
/// use async_openai::Client;
/// use async_openai::config::OpenAIConfig;
/// use telemetry_runtime::openai::TracedHttpService;
///
/// let client = Client::with_config(OpenAIConfig::default())
///     .with_http_service(TracedHttpService::new(Default::default())); // a reqwest::Client
/// ```
#[derive(Clone, Debug)]
pub struct TracedHttpService {
    client: ClientWithMiddleware,
}

impl TracedHttpService {
    /// Sends through `client` with a default [`TracingMiddleware`].
    pub fn new(client: Client) -> Self {
        Self::with_middleware(client, TracingMiddleware::new())
    }

    /// Sends through `client` with `middleware` (baggage or identifier headers forwarded).
    pub fn with_middleware(client: Client, middleware: TracingMiddleware) -> Self {
        Self {
            client: ClientBuilder::new(client).with(middleware).build(),
        }
    }

    /// Sends through a middleware chain of your own, which should hold a
    /// [`TracingMiddleware`] (beside your retries or auth).
    pub fn with_client(client: ClientWithMiddleware) -> Self {
        Self { client }
    }
}

impl tower_service::Service<HttpRequestFactory> for TracedHttpService {
    type Response = Response;
    type Error = OpenAIError;
    type Future = Pin<Box<dyn Future<Output = Result<Response, OpenAIError>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), OpenAIError>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, factory: HttpRequestFactory) -> Self::Future {
        let client = self.client.clone();
        Box::pin(async move {
            let request = factory.build().await?;
            client.execute(request).await.map_err(|error| match error {
                reqwest_middleware::Error::Reqwest(error) => OpenAIError::Reqwest(error),
                other => OpenAIError::Boxed(Box::new(other)),
            })
        })
    }
}
