//! The console exporter: each finished trace printed as an indented waterfall tree.
//!
//! Selected with `OTEL_TRACES_EXPORTER=console`, it is what a developer sees
//! without a collector. [`ConsoleSpanProcessor`] waits until the local root of
//! a trace ends, then prints the whole trace at once:
//!
//! ```text
//! trace 4bf92f3577b34da6a3ce929d0e0e4736 · 12.41 ms · 6 spans
//! http.handler SERVER          12.41 ms ▕██████████████████████████████▏ http.route=/chat
//! ├─ tokenize.input           520.00 µs ▕██                            ▏ llm.tokens.in=42
//! ├─ llm.generate CLIENT       11.00 ms ▕  ███████████████████████████ ▏ gen_ai.request.model=gpt-4o-mini
//! │  ├─ llm.decode ✗ timeout    8.00 ms ▕   ███████████████████        ▏ error.type=timeout
//! │  └─ llm.retry               2.50 ms ▕                      ███████ ▏ retry.attempt=2 llm.tokens.out=128
//! └─ stream.respond           430.00 µs ▕                             █▏
//! ```
//!
//! Each line shows the span name (with its kind unless `INTERNAL`, and `✗`
//! plus the status description when its status is `Error`), its duration, a
//! bar marking when it ran within the trace (scaled to the whole trace), and
//! up to four attributes (values cut at 40 chars, `+N more` for the rest).
//! Source-location and thread attributes added by instrumentation bridges
//! (`code.*`, `thread.*`, `level`, `target`, `busy_ns`, `idle_ns`) are left
//! out. The output is plain UTF-8 text without colours.
//!
//! [`OtlpJsonTraces`] renders the same waterfall from OTLP JSON files, merging the files of
//! several processes into one tree per trace.

#[cfg(feature = "otlp")]
mod otlp_json;
mod printer;
mod processor;
mod waterfall;

#[cfg(feature = "otlp")]
#[cfg_attr(docsrs, doc(cfg(feature = "otlp")))]
pub use otlp_json::{OtlpJsonError, OtlpJsonTraces};
pub use processor::{
    ConsoleSpanProcessor, DEFAULT_MAX_BUFFERED_BYTES, DEFAULT_MAX_BUFFERED_SPANS, SharedBuffer,
};
