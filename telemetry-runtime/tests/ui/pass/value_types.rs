//! The value types attributes take: options (unset when `None`), every integer type,
//! `&String`, `String` fields of a struct parameter, slices and arrays of strings.

use std::borrow::Cow;
use std::sync::Arc;

use telemetry_runtime::genai::GenerationOutcome;
use telemetry_runtime::llm_span;

struct Reply;

impl GenerationOutcome for Reply {
    fn input_tokens(&self) -> Option<u64> {
        Some(1)
    }
    fn output_tokens(&self) -> Option<u64> {
        Some(2)
    }
}

struct Request {
    model: String,
    provider: Option<String>,
    max_tokens: Option<u32>,
    seed: Option<i64>,
    top_p: Option<f32>,
    stop: Option<Vec<String>>,
    stream: Option<bool>,
}

#[llm_span(
    kind = "chat",
    provider = req.provider,
    model = req.model,
    max_tokens = req.max_tokens,
    seed = req.seed,
    top_p = req.top_p,
    stop_sequences = req.stop,
    stream = req.stream,
)]
fn from_struct(req: &Request) -> Reply {
    Reply
}

#[llm_span(kind = "chat", provider = provider, model = model, server_address = address, conversation_id = conversation)]
fn options(
    provider: Option<&str>,
    model: &String,
    address: Option<String>,
    conversation: Option<&String>,
) -> Reply {
    Reply
}

#[llm_span(kind = "chat", provider = "p", model = model, max_tokens = a, choice_count = b, seed = c, server_port = d)]
fn ints(model: String, a: u32, b: u64, c: usize, d: Option<u16>) -> Reply {
    Reply
}

#[llm_span(kind = "chat", provider = "p", model = model, input_tokens = a, output_tokens = b, cache_read_input_tokens = c)]
fn more_ints(model: Cow<'_, str>, a: i32, b: &u64, c: Option<&usize>) -> Reply {
    Reply
}

#[llm_span(kind = "chat", provider = "p", model = model, temperature = t, stop_sequences = stop, finish_reasons = ["stop"])]
fn strings(model: Arc<str>, t: Option<f64>, stop: &[&str]) -> Reply {
    Reply
}

#[llm_span(kind = "embeddings", provider = "p", model = model.as_str(), encoding_formats = formats, dimension_count = dims)]
#[allow(clippy::ptr_arg)] // `&String` on purpose: it is one of the accepted types.
fn embed(model: &String, formats: Vec<&'static str>, dims: u8) -> Vec<f32> {
    vec![0.0; dims.into()]
}

#[llm_span(kind = "execute_tool", tool_name = name.clone(), tool_description = Some("weather"))]
fn tool(name: String) -> String {
    name
}

fn main() {
    let req = Request {
        model: "m".into(),
        provider: None,
        max_tokens: Some(5),
        seed: None,
        top_p: Some(0.5),
        stop: Some(vec!["\n".into()]),
        stream: Some(false),
    };
    from_struct(&req);
    let model = String::from("m");
    options(Some("p"), &model, None, Some(&model));
    ints(model.clone(), 1, 2, 3, None);
    more_ints(Cow::Borrowed("m"), -1, &2, Some(&3));
    strings(Arc::from("m"), None, &["a", "b"]);
    assert_eq!(embed(&model, vec!["float"], 4).len(), 4);
    assert_eq!(tool("t".into()), "t");
}
