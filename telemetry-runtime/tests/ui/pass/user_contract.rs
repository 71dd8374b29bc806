//! A contract of your own: required, recommended, opt-in and content attributes, an outcome
//! trait for the return value, and its handle.

use telemetry_runtime::span::SpanCore;
use telemetry_runtime::{SpanContract, llm_span};

/// A cache lookup span.
#[derive(SpanContract)]
#[contract(
    kind = "cache.lookup",
    span_kind = "client",
    name = "cache.lookup {cache.name}"
)]
pub struct CacheLookup {
    #[attr(key = "cache.name", required)]
    name: String,
    #[attr(key = "cache.shard", required)]
    shard: i64,
    #[attr(key = "cache.ttl_seconds")]
    ttl: f64,
    #[attr(key = "cache.warm", recommended)]
    warm: bool,
    #[attr(key = "cache.tags", opt_in)]
    tags: Vec<String>,
    #[attr(key = "cache.query", content)]
    query: String,
}

/// What a lookup reports when it returns.
pub trait LookupOutcome {
    fn hit(&self) -> bool;

    fn record_outcome(&self, span: &SpanCore) {
        span.set("cache.hit", Some(self.hit().into()));
    }
}

impl LookupOutcome for Option<String> {
    fn hit(&self) -> bool {
        self.is_some()
    }
}

/// A contract whose return value must report something.
#[derive(SpanContract)]
#[contract(kind = "cache.get", returns = LookupOutcome)]
pub struct CacheGet {
    #[attr(key = "cache.name", required)]
    name: String,
}

/// A contract with no attributes at all.
#[derive(SpanContract)]
pub struct Heartbeat;

mod nested {
    /// Used through a path below.
    #[derive(telemetry_runtime::SpanContract)]
    #[contract(kind = "queue.publish", span_kind = "producer")]
    pub struct Publish {
        #[attr(key = "messaging.destination.name", required)]
        pub destination: String,
        #[attr(key = "messaging.system", fixed = "kafka")]
        pub system: String,
    }
}

#[llm_span(contract = CacheLookup, name = "prompts", shard = shard, ttl = 30.0, warm = true, tags = ["a", "b"], query = key)]
fn lookup(key: &str, shard: i64) -> Option<String> {
    (shard > 0).then(|| key.to_owned())
}

#[llm_span(contract = CacheLookup, shard = 1, name = cache, handle = span)]
async fn lookup_async(cache: String) -> usize {
    span.set_warm(&false);
    span.set_ttl(&1.5);
    span.set_tags(&vec!["x".to_owned()]);
    cache.len()
}

#[llm_span(contract = CacheLookup, name = "literal", shard = 2, query = "a string literal as content")]
fn lookup_literal() {}

#[llm_span(contract = CacheGet, name = "sessions")]
fn get(key: &str) -> Option<String> {
    (!key.is_empty()).then(|| key.to_owned())
}

#[llm_span(contract = CacheGet, name = "sessions")]
fn get_or_fail(key: &str) -> Result<Option<String>, std::io::Error> {
    Ok(Some(key.to_owned()))
}

#[llm_span(contract = Heartbeat, span_kind = "server")]
fn heartbeat() {}

#[llm_span(contract = nested::Publish, destination = topic)]
fn publish(topic: &str) -> bool {
    !topic.is_empty()
}

fn main() {
    assert_eq!(lookup("k", 1).as_deref(), Some("k"));
    assert_eq!(lookup("k", 0), None);
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    assert_eq!(rt.block_on(lookup_async("abc".into())), 3);
    assert_eq!(get("k").as_deref(), Some("k"));
    assert!(get_or_fail("k").is_ok());
    lookup_literal();
    heartbeat();
    assert!(publish("events"));
    use telemetry_runtime::span::Contract;
    assert_eq!(CacheLookup::KIND, "cache.lookup");
    assert_eq!(Heartbeat::KIND, "heartbeat");
    assert_eq!(CacheLookup::ATTRIBUTES.len(), 6);
}
