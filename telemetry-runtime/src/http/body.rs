//! [`TelemetryBody`]: the response body that ends the server span when it is done.

use std::fmt;
use std::pin::Pin;
use std::task::{Context as TaskContext, Poll};

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};

use super::telemetry::{BODY_ERROR, RequestTelemetry};

pin_project_lite::pin_project! {
    /// The response body of a request instrumented by [`TelemetryLayer`](super::TelemetryLayer).
    ///
    /// It is polled with the server span's context attached and the request scope current (so
    /// log lines written while a streaming body produces chunks carry the trace id and the
    /// common attributes), and it ends the server span when its last frame has been handed to
    /// the server, when it fails, or when it is dropped (for example because the client went
    /// away).
    pub struct TelemetryBody<B> {
        #[pin]
        kind: Kind<B>,
        telemetry: Option<RequestTelemetry>,
    }
}

pin_project_lite::pin_project! {
    #[project = KindProj]
    enum Kind<B> {
        Inner { #[pin] body: B },
        Full { data: Option<Bytes> },
    }
}

impl<B: Body> Kind<B> {
    fn is_end_stream(&self) -> bool {
        match self {
            Kind::Inner { body } => body.is_end_stream(),
            Kind::Full { data } => data.is_none(),
        }
    }
}

impl<B> TelemetryBody<B> {
    pub(super) fn new(body: B) -> Self {
        TelemetryBody {
            kind: Kind::Inner { body },
            telemetry: None,
        }
    }

    /// A body of the layer's own (the `400` of invalid common attributes).
    pub(super) fn full(data: impl Into<Bytes>) -> Self {
        let data: Bytes = data.into();
        TelemetryBody {
            kind: Kind::Full {
                data: (!data.is_empty()).then_some(data),
            },
            telemetry: None,
        }
    }

    pub(super) fn set_telemetry(&mut self, telemetry: RequestTelemetry) {
        self.telemetry = Some(telemetry);
    }
}

impl<B> fmt::Debug for TelemetryBody<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TelemetryBody")
            .field("in_span", &self.telemetry.is_some())
            .finish_non_exhaustive()
    }
}

impl<B> Body for TelemetryBody<B>
where
    B: Body,
    B::Data: From<Bytes>,
{
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        task: &mut TaskContext<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        let mut this = self.project();
        let mut poll = || match this.kind.as_mut().project() {
            KindProj::Inner { body } => body.poll_frame(task),
            KindProj::Full { data } => Poll::Ready(data.take().map(|d| Ok(Frame::data(d.into())))),
        };
        let polled = match this.telemetry.as_ref() {
            Some(telemetry) => telemetry.in_scope(poll),
            None => poll(),
        };
        let done = match &polled {
            Poll::Pending => false,
            Poll::Ready(None) => true,
            Poll::Ready(Some(Err(_))) => {
                if let Some(telemetry) = this.telemetry.as_mut() {
                    telemetry.fail(BODY_ERROR);
                }
                true
            }
            Poll::Ready(Some(Ok(_))) => this.kind.is_end_stream(),
        };
        if done && let Some(mut telemetry) = this.telemetry.take() {
            telemetry.end();
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.kind.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        match &self.kind {
            Kind::Inner { body } => body.size_hint(),
            Kind::Full { data } => {
                SizeHint::with_exact(data.as_ref().map_or(0, |d| d.len() as u64))
            }
        }
    }
}
