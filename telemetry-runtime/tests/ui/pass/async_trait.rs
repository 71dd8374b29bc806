//! `#[llm_span]` on the methods of an `#[async_trait]` impl. `#[async_trait]` on the impl
//! expands first, so `#[llm_span]` sees a method returning
//! `Pin<Box<dyn Future<Output = T> + Send + 'async_trait>>` and wraps that future.

use async_trait::async_trait;
use telemetry_runtime::llm_span;

#[async_trait]
trait Backend {
    async fn generate(&self, prompt: &str) -> Result<Reply, std::io::Error>;
    async fn embed(&self, text: String) -> Vec<f32>;
    async fn close(self: Box<Self>) -> u32;
}

struct Local {
    model: String,
}

#[async_trait]
impl Backend for Local {
    #[llm_span(kind = "chat", provider = "local", model = self.model)]
    async fn generate(&self, prompt: &str) -> Result<Reply, std::io::Error> {
        Ok(Reply(format!("{}: {prompt}", self.model)))
    }

    #[llm_span(kind = "embed.query", model = self.model, tokens_in = text.len())]
    async fn embed(&self, text: String) -> Vec<f32> {
        vec![0.0; text.len()]
    }

    #[llm_span(kind = "rerank")]
    async fn close(self: Box<Self>) -> u32 {
        self.model.len() as u32
    }
}

struct Reply(String);

impl telemetry_runtime::genai::GenerationOutcome for Reply {
    fn input_tokens(&self) -> Option<u64> {
        Some(1)
    }
    fn output_tokens(&self) -> Option<u64> {
        Some(self.0.len() as u64)
    }
}

fn main() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let local = Local { model: "m".into() };
    assert_eq!(rt.block_on(local.generate("hi")).unwrap().0, "m: hi");
    assert_eq!(rt.block_on(local.embed("abc".into())).len(), 3);
    let backend: Box<dyn Backend> = Box::new(local);
    assert_eq!(rt.block_on(backend.close()), 1);
}
