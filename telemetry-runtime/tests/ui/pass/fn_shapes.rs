//! Every function shape `#[llm_span]` instruments: sync, async, methods on `&self`,
//! `&mut self` and `self`, generics with a where clause, `impl Future` and `impl Stream`.

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use futures_util::future::Either;
use futures_util::stream::{self, Stream, StreamExt};
use telemetry_runtime::llm_span;

#[llm_span(kind = "rerank", docs_in = 1)]
fn sync_fn(x: u32) -> u32 {
    x + 1
}

#[llm_span(kind = "rerank")]
fn returns_unit() {}

#[llm_span(kind = "rerank")]
fn early_return(x: i32) -> Result<i32, String> {
    if x < 0 {
        return Err("negative".into());
    }
    let y = x.checked_mul(2).ok_or("overflow")?;
    Ok(y)
}

type RerankResult<T> = Result<T, std::fmt::Error>;

#[llm_span(kind = "rerank")]
fn result_alias(fail: bool) -> RerankResult<u32> {
    if fail { Err(std::fmt::Error) } else { Ok(1) }
}

#[llm_span(kind = "rerank")]
fn io_result() -> std::io::Result<()> {
    Ok(())
}

/// Not a `Result`, whatever its name.
#[derive(Debug, PartialEq)]
struct SearchResult {
    hits: u32,
}

#[llm_span(kind = "rerank")]
fn search_result() -> SearchResult {
    SearchResult { hits: 2 }
}

#[llm_span(kind = "rerank", docs_in = x)]
async fn async_fn(x: u64) -> u64 {
    std::future::ready(x * 2).await
}

#[llm_span(kind = "rerank")]
async fn async_result(fail: bool) -> Result<(), std::io::Error> {
    if fail {
        Err(std::io::Error::other("boom"))
    } else {
        Ok(())
    }
}

struct Model {
    name: String,
    calls: u32,
}

impl Model {
    #[llm_span(kind = "llm.prefill", tokens_in = prompt.len())]
    fn by_ref(&self, prompt: &str) -> String {
        format!("{}:{prompt}", self.name)
    }

    #[llm_span(kind = "llm.decode", handle = span)]
    fn by_mut(&mut self) -> u32 {
        span.step();
        self.calls += 1;
        self.calls
    }

    #[llm_span(kind = "format.output", format = self.name.as_str())]
    fn by_value(self) -> String {
        self.name
    }

    #[llm_span(kind = "rerank", model = self.name)]
    async fn async_by_ref(&self) -> usize {
        self.name.len()
    }

    #[llm_span(kind = "rerank")]
    fn borrow_mut(&mut self) -> &mut u32 {
        &mut self.calls
    }

    #[llm_span(kind = "rerank")]
    fn borrow(&self, from: usize) -> &str {
        &self.name[from..]
    }

    #[llm_span(kind = "rerank")]
    fn stream_by_ref(&self) -> impl Stream<Item = u8> + '_ {
        stream::iter(self.name.bytes())
    }

    #[llm_span(kind = "rerank")]
    fn future_by_mut(&mut self) -> impl Future<Output = u32> + '_ {
        let calls = &mut self.calls;
        async move {
            *calls += 100;
            *calls
        }
    }

    #[llm_span(kind = "rerank")]
    async fn async_by_mut(&mut self) -> u32 {
        self.calls += 10;
        self.calls
    }
}

#[llm_span(kind = "rerank", docs_in = items.len())]
fn generic<T, F>(items: Vec<T>, f: F) -> Vec<String>
where
    T: std::fmt::Display + Send,
    F: Fn(&T) -> bool,
{
    items
        .into_iter()
        .filter(|i| f(i))
        .map(|i| i.to_string())
        .collect()
}

#[llm_span(kind = "rerank")]
async fn generic_async<T: Clone + Send>(item: &T) -> T {
    item.clone()
}

#[llm_span(kind = "rerank", docs_in = x)]
fn impl_future(x: u32) -> impl Future<Output = u32> {
    let doubled = x * 2;
    async move { doubled + 1 }
}

#[llm_span(kind = "rerank")]
fn impl_future_result(x: u32) -> impl Future<Output = Result<u32, std::fmt::Error>> + Send {
    async move { Ok(x) }
}

#[llm_span(kind = "rerank")]
fn impl_future_early_return(x: u32) -> impl Future<Output = u32> {
    if x == 0 {
        return Either::Left(std::future::ready(0));
    }
    Either::Right(async move { x * 10 })
}

#[llm_span(kind = "chat", provider = "local", model = "llama")]
fn impl_stream(n: u32) -> impl Stream<Item = String> {
    stream::iter((0..n).map(|i| format!("chunk {i}")))
}

#[llm_span(kind = "rerank")]
fn impl_stream_core(n: u32) -> impl futures_core::Stream<Item = u32> + Unpin {
    stream::iter(0..n)
}

fn block_on<F: Future>(f: F) -> F::Output {
    let mut f = pin!(f);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
    }
}

fn main() {
    assert_eq!(sync_fn(1), 2);
    assert_eq!(result_alias(false), Ok(1));
    assert!(result_alias(true).is_err());
    assert!(io_result().is_ok());
    assert_eq!(search_result(), SearchResult { hits: 2 });
    returns_unit();
    assert_eq!(early_return(2), Ok(4));
    assert!(early_return(-1).is_err());
    assert!(early_return(i32::MAX).is_err());
    assert_eq!(block_on(async_fn(3)), 6);
    assert!(block_on(async_result(true)).is_err());
    assert!(block_on(async_result(false)).is_ok());

    let mut model = Model {
        name: "m".into(),
        calls: 0,
    };
    assert_eq!(model.by_ref("p"), "m:p");
    assert_eq!(model.by_mut(), 1);
    assert_eq!(block_on(model.async_by_ref()), 1);
    assert_eq!(block_on(model.async_by_mut()), 11);
    assert_eq!(block_on(model.stream_by_ref().collect::<Vec<_>>()), b"m");
    assert_eq!(block_on(model.future_by_mut()), 111);
    *model.borrow_mut() += 1;
    assert_eq!(model.calls, 112);
    assert_eq!(model.borrow(0), "m");
    assert_eq!(model.by_value(), "m");

    assert_eq!(generic(vec![1, 2, 3], |i| *i > 1), ["2", "3"]);
    assert_eq!(block_on(generic_async(&"x")), "x");
    assert_eq!(block_on(impl_future(2)), 5);
    assert_eq!(block_on(impl_future_result(2)), Ok(2));
    assert_eq!(block_on(impl_future_early_return(0)), 0);
    assert_eq!(block_on(impl_future_early_return(2)), 20);
    let chunks: Vec<String> = block_on(impl_stream(2).collect());
    assert_eq!(chunks, ["chunk 0", "chunk 1"]);
    let mut s = impl_stream_core(3);
    assert_eq!(block_on(s.next()), Some(0));
    assert_eq!(block_on(s.collect::<Vec<_>>()), [1, 2]);
}
