//! `crate = path`: the runtime under another name (a re-export, or a renamed dependency).

use telemetry_runtime as tr;

mod reexport {
    pub use telemetry_runtime as runtime;
}

#[tr::llm_span(crate = tr, kind = "chat", provider = "openai", model = "gpt-4o")]
fn chat() -> Result<Reply, std::io::Error> {
    Ok(Reply)
}

#[tr::llm_span(crate = reexport::runtime, kind = "decode", handle = span)]
async fn decode() -> u32 {
    span.step();
    1
}

#[derive(tr::SpanContract)]
#[contract(crate = tr, kind = "custom")]
struct Custom {
    #[attr(required)]
    id: String,
}

#[tr::llm_span(crate = tr, contract = Custom, id = "x")]
fn custom() {}

struct Reply;

impl tr::genai::GenerationOutcome for Reply {
    fn input_tokens(&self) -> Option<u64> {
        None
    }
    fn output_tokens(&self) -> Option<u64> {
        None
    }
}

fn main() {
    assert!(chat().is_ok());
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    assert_eq!(rt.block_on(decode()), 1);
    custom();
}
