use opentelemetry::trace::TracerProvider as _;
use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider, SimpleSpanProcessor};
use telemetry_runtime::genai::GenerationOutcome;
use telemetry_runtime::llm_span;

struct Resp {
    n: u32,
}
impl GenerationOutcome for Resp {
    fn input_tokens(&self) -> Option<u64> {
        Some(3)
    }
    fn output_tokens(&self) -> Option<u64> {
        Some(self.n.into())
    }
    fn finish_reasons(&self) -> Vec<&str> {
        vec!["stop"]
    }
}
#[derive(Debug)]
struct MyErr;
impl std::fmt::Display for MyErr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("boom")
    }
}

struct Req {
    model: String,
    max: u32,
}

#[llm_span(kind = "chat", provider = "openai", model = req.model, max_tokens = req.max, temperature = 0.5)]
fn chat(req: &Req, fail: bool) -> Result<Resp, MyErr> {
    if fail {
        return Err(MyErr);
    }
    Ok(Resp { n: 7 })
}

#[llm_span(kind = "decode", handle = span)]
async fn decode(n: usize) -> usize {
    for _ in 0..n {
        span.step();
    }
    span.set_tokens_out(&n);
    n
}

#[test]
fn smoke() {
    let exporter = InMemorySpanExporter::default();
    let provider = SdkTracerProvider::builder()
        .with_span_processor(SimpleSpanProcessor::new(exporter.clone()))
        .build();
    telemetry_runtime::span::install_tracer(provider.tracer("t"));
    let req = Req {
        model: "gpt-4o".into(),
        max: 100,
    };
    assert!(chat(&req, false).is_ok());
    assert!(chat(&req, true).is_err());
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    assert_eq!(rt.block_on(decode(5)), 5);
    for s in exporter.get_finished_spans().unwrap() {
        println!(
            "{} {:?} {:?} {:?} {:?}",
            s.name, s.span_kind, s.attributes, s.status, s.events.events
        );
    }
}
