//! OpenTelemetry GenAI semantic conventions v1.41.0: the built-in contracts' outcome traits
//! and content capture.

mod bounded_json;
pub mod capture;
pub mod client;
pub mod content;
mod embeddings;
pub mod events;
pub mod metrics;
mod outcome;
#[doc(hidden)]
pub mod probe;
pub mod request;

pub use client::GenAiClient;
pub use embeddings::EmbeddingsOutcome;
pub use outcome::GenerationOutcome;
pub use request::{GenAiRequest, RequestContent, RequestParams};
