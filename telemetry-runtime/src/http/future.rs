//! [`ResponseFuture`]: the handler's future, polled inside the request's span and scope.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context as TaskContext, Poll, ready};

use bytes::Bytes;
use http::{Response, StatusCode, header};
use http_body::Body;

use super::body::TelemetryBody;
use super::telemetry::{OTHER, RequestTelemetry};

pin_project_lite::pin_project! {
    /// The response future of [`TelemetryService`](super::TelemetryService): polls the inner
    /// service's future with the server span's context attached and the request scope current,
    /// then adds `X-Request-ID` and `X-Trace-Id` to the response and hands the span to its body.
    pub struct ResponseFuture<F> {
        #[pin]
        kind: Kind<F>,
        telemetry: Option<RequestTelemetry>,
    }
}

pin_project_lite::pin_project! {
    #[project = KindProj]
    enum Kind<F> {
        Inner { #[pin] future: F },
        BadRequest { message: Option<String> },
    }
}

impl<F> ResponseFuture<F> {
    pub(super) fn inner(future: F, telemetry: Option<RequestTelemetry>) -> Self {
        ResponseFuture {
            kind: Kind::Inner { future },
            telemetry,
        }
    }

    pub(super) fn bad_request(message: String, telemetry: RequestTelemetry) -> Self {
        ResponseFuture {
            kind: Kind::BadRequest {
                message: Some(message),
            },
            telemetry: Some(telemetry),
        }
    }
}

impl<F> fmt::Debug for ResponseFuture<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseFuture")
            .field("in_span", &self.telemetry.is_some())
            .finish_non_exhaustive()
    }
}

impl<F, B, E> Future for ResponseFuture<F>
where
    F: Future<Output = Result<Response<B>, E>>,
    B: Body,
    B::Data: From<Bytes>,
{
    type Output = Result<Response<TelemetryBody<B>>, E>;

    fn poll(self: Pin<&mut Self>, task: &mut TaskContext<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let response = match this.kind.project() {
            KindProj::Inner { future } => {
                let polled = match this.telemetry.as_ref() {
                    Some(telemetry) => telemetry.in_scope(|| future.poll(task)),
                    None => future.poll(task),
                };
                match ready!(polled) {
                    Ok(response) => response.map(TelemetryBody::new),
                    Err(error) => {
                        if let Some(mut telemetry) = this.telemetry.take() {
                            telemetry.fail(OTHER);
                        }
                        return Poll::Ready(Err(error));
                    }
                }
            }
            KindProj::BadRequest { message } => {
                let mut message = message.take().unwrap_or_default();
                message.push('\n');
                let mut response = Response::new(TelemetryBody::full(message));
                *response.status_mut() = StatusCode::BAD_REQUEST;
                response.headers_mut().insert(
                    header::CONTENT_TYPE,
                    header::HeaderValue::from_static("text/plain; charset=utf-8"),
                );
                response
            }
        };
        let (mut parts, mut body) = response.into_parts();
        if let Some(mut telemetry) = this.telemetry.take() {
            telemetry.on_response(&mut parts);
            body.set_telemetry(telemetry);
        }
        Poll::Ready(Ok(Response::from_parts(parts, body)))
    }
}
