//! `#[llm_span]` spans and `tracing` spans (through tracing-opentelemetry on the same
//! provider) nest both ways, in sync code and across `.await`, in one trace.
#![cfg(feature = "sdk")]

mod common;

use std::time::Duration;

use common::*;
use opentelemetry_sdk::trace::SpanData;
use telemetry_runtime::llm_span;
use tracing::Dispatch;
use tracing::Instrument as _;
use tracing::instrument::WithSubscriber as _;
use tracing_subscriber::layer::SubscriberExt as _;

fn dispatch(h: &Harness) -> Dispatch {
    let subscriber = tracing_subscriber::registry()
        .with(tracing_opentelemetry::layer().with_tracer(h.tracer("tracing")));
    Dispatch::new(subscriber)
}

fn assert_one_trace(spans: &[SpanData]) {
    assert_eq!(trace_ids(spans).len(), 1, "one trace: {:?}", names(spans));
}

// ----- sync ------------------------------------------------------------------------------------

#[llm_span(kind = "embeddings", provider = "openai", model = "e5")]
fn embed_with_tracing_inside() -> u32 {
    let parse = tracing::info_span!("parse_response", bytes = 120);
    let _entered = parse.enter();
    tool_inside_tracing();
    7
}

#[llm_span(kind = "execute_tool", tool_name = "lookup")]
fn tool_inside_tracing() {
    tracing::info_span!("db_query").in_scope(|| {});
}

#[test]
fn tracing_span_created_inside_an_llm_span_is_its_child() {
    let h = Harness::new();
    let out = tracing::dispatcher::with_default(&dispatch(&h), embed_with_tracing_inside);
    assert_eq!(out, 7);
    let spans = h.spans();
    assert_eq!(spans.len(), 4, "{:?}", names(&spans));
    assert_one_trace(&spans);
    let embed = h.span("embeddings e5");
    let parse = h.span("parse_response");
    let tool = h.span("execute_tool lookup");
    let db = h.span("db_query");
    assert_root(&embed);
    assert_child_of(&parse, &embed);
    assert_child_of(&tool, &parse);
    assert_child_of(&db, &tool);
    assert_eq!(str_attr(&embed, "gen_ai.operation.name"), "embeddings");
}

#[test]
fn llm_span_called_inside_an_entered_tracing_span_is_its_child() {
    let h = Harness::new();
    tracing::dispatcher::with_default(&dispatch(&h), || {
        let request = tracing::info_span!("request", id = "r-1");
        let _entered = request.enter();
        tool_inside_tracing();
        tool_inside_tracing();
    });
    let spans = h.spans();
    assert_eq!(spans.len(), 5, "{:?}", names(&spans));
    assert_one_trace(&spans);
    let request = h.span("request");
    assert_root(&request);
    let tools: Vec<&SpanData> = spans
        .iter()
        .filter(|s| s.name == "execute_tool lookup")
        .collect();
    assert_eq!(tools.len(), 2);
    for tool in &tools {
        assert_child_of(tool, &request);
    }
    for db in spans.iter().filter(|s| s.name == "db_query") {
        assert!(
            tools
                .iter()
                .any(|t| t.span_context.span_id() == db.parent_span_id)
        );
    }
}

#[test]
fn tracing_span_around_an_llm_span_that_contains_tracing_spans() {
    let h = Harness::new();
    tracing::dispatcher::with_default(&dispatch(&h), || {
        tracing::info_span!("request").in_scope(embed_with_tracing_inside);
    });
    let spans = h.spans();
    assert_eq!(spans.len(), 5, "{:?}", names(&spans));
    assert_one_trace(&spans);
    let request = h.span("request");
    let embed = h.span("embeddings e5");
    assert_child_of(&embed, &request);
    assert_child_of(&h.span("parse_response"), &embed);
    assert_child_of(&h.span("db_query"), &h.span("execute_tool lookup"));
}

#[test]
fn after_the_llm_span_returns_the_tracing_span_is_current_again() {
    let h = Harness::new();
    tracing::dispatcher::with_default(&dispatch(&h), || {
        tracing::info_span!("request").in_scope(|| {
            tool_inside_tracing();
            tracing::info_span!("after").in_scope(|| {});
        });
        tracing::info_span!("outside").in_scope(|| {});
    });
    assert_child_of(&h.span("after"), &h.span("request"));
    assert_root(&h.span("outside"));
    assert_ne!(
        h.span("outside").span_context.trace_id(),
        h.span("request").span_context.trace_id()
    );
}

// ----- async -----------------------------------------------------------------------------------

#[llm_span(kind = "invoke_agent", provider = "openai", agent_name = "planner")]
async fn agent() -> usize {
    tokio::time::sleep(Duration::from_millis(1)).await;
    // Created after an await: the llm span's context is attached on every poll.
    let step = tracing::info_span!("plan_step");
    async {
        tokio::task::yield_now().await;
        tool_async().await;
    }
    .instrument(step)
    .await;
    tokio::task::yield_now().await;
    tracing::info_span!("after_await").in_scope(|| {});
    3
}

#[llm_span(kind = "execute_tool", tool_name = "search")]
async fn tool_async() {
    tokio::task::yield_now().await;
    tracing::info_span!("http_call").in_scope(|| {});
}

fn check_async_tree(h: &Harness) {
    let spans = h.spans();
    assert_eq!(spans.len(), 6, "{:?}", names(&spans));
    assert_one_trace(&spans);
    let request = h.span("request");
    let agent = h.span("invoke_agent planner");
    let step = h.span("plan_step");
    let tool = h.span("execute_tool search");
    assert_root(&request);
    assert_child_of(&agent, &request);
    assert_child_of(&step, &agent);
    assert_child_of(&tool, &step);
    assert_child_of(&h.span("http_call"), &tool);
    assert_child_of(&h.span("after_await"), &agent);
}

#[test]
fn async_nesting_across_awaits_on_a_current_thread_runtime() {
    let h = Harness::new();
    let rt = current_thread();
    let out = tracing::dispatcher::with_default(&dispatch(&h), || {
        rt.block_on(agent().instrument(tracing::info_span!("request")))
    });
    assert_eq!(out, 3);
    check_async_tree(&h);
}

#[test]
fn async_nesting_across_awaits_in_a_spawned_multi_thread_task() {
    let h = Harness::new();
    let d = dispatch(&h);
    let out = multi_thread().block_on(async move {
        let request = tracing::dispatcher::with_default(&d, || tracing::info_span!("request"));
        tokio::spawn(agent().instrument(request).with_subscriber(d))
            .await
            .unwrap()
    });
    assert_eq!(out, 3);
    check_async_tree(&h);
}

#[test]
fn concurrent_requests_keep_their_own_trees() {
    let h = Harness::new();
    let d = dispatch(&h);
    multi_thread().block_on(async move {
        let mut tasks = Vec::new();
        for n in 0..4 {
            let request =
                tracing::dispatcher::with_default(&d, || tracing::info_span!("request", n));
            tasks.push(tokio::spawn(
                agent().instrument(request).with_subscriber(d.clone()),
            ));
        }
        for t in tasks {
            assert_eq!(t.await.unwrap(), 3);
        }
    });
    let spans = h.spans();
    assert_eq!(spans.len(), 24);
    assert_eq!(trace_ids(&spans).len(), 4);
    for agent in spans.iter().filter(|s| s.name == "invoke_agent planner") {
        let parent = spans
            .iter()
            .find(|s| s.span_context.span_id() == agent.parent_span_id)
            .expect("agent has its request as parent");
        assert_eq!(parent.name, "request");
        assert_child_of(agent, parent);
        let children = spans
            .iter()
            .filter(|s| s.parent_span_id == agent.span_context.span_id())
            .count();
        assert_eq!(children, 2, "plan_step and after_await");
    }
}
