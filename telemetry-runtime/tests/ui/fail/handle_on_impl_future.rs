use std::future::Future;

use futures_util::stream::{self, Stream};
use telemetry_runtime::llm_span;

#[llm_span(kind = "llm.decode", handle = span)]
fn decode() -> impl Future<Output = u32> {
    async move {
        span.step();
        1
    }
}

#[llm_span(kind = "llm.decode", handle = span)]
fn decode_stream() -> impl Stream<Item = u32> {
    span.step();
    stream::iter(0..3)
}

fn main() {
    let _ = decode();
    let _ = decode_stream();
}
