use std::time::Duration;

use opentelemetry::KeyValue;

use super::*;

#[derive(Clone, Debug, PartialEq)]
struct Ctx {
    user: String,
    channel: Option<String>,
}

impl Ctx {
    fn new(user: &str) -> Self {
        Ctx {
            user: user.to_owned(),
            channel: None,
        }
    }
}

impl CommonAttributes for Ctx {
    fn from_headers(headers: &HeaderMap) -> Result<Self, CommonAttributesError> {
        Ok(Ctx {
            user: required_header(headers, "x-user-id", 16)?,
            channel: optional_header(headers, "x-channel", 16)?,
        })
    }
    fn to_headers(&self, headers: &mut HeaderMap) {
        insert_header(headers, "x-user-id", &self.user);
        if let Some(channel) = &self.channel {
            insert_header(headers, "x-channel", channel);
        }
    }
    fn attributes(&self) -> Vec<KeyValue> {
        vec![KeyValue::new("user.id", self.user.clone())]
    }
    fn log_fields(&self) -> Vec<(&'static str, String)> {
        let mut fields = vec![("user_id", self.user.clone())];
        if let Some(channel) = &self.channel {
            fields.push(("channel", channel.clone()));
        }
        fields
    }
}

#[derive(Clone, Debug, PartialEq)]
struct Tenant(&'static str);

impl CommonAttributes for Tenant {
    fn from_headers(_: &HeaderMap) -> Result<Self, CommonAttributesError> {
        Ok(Tenant("t"))
    }
    fn to_headers(&self, _: &mut HeaderMap) {}
    fn attributes(&self) -> Vec<KeyValue> {
        Vec::new()
    }
    fn log_fields(&self) -> Vec<(&'static str, String)> {
        vec![("tenant", self.0.to_owned()), ("user_id", "outer".into())]
    }
}

fn log_fields() -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    for_each_log_field(|k, v| out.push((k, v.to_owned())));
    out
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap()
}

#[test]
fn headers_round_trip() {
    let ctx = Ctx {
        user: "u-1".into(),
        channel: Some("web".into()),
    };
    let mut headers = HeaderMap::new();
    ctx.to_headers(&mut headers);
    assert_eq!(Ctx::from_headers(&headers).unwrap(), ctx);
    assert!(Ctx::metric_dimensions(&ctx).is_empty());
}

#[test]
fn sync_scope_ends_with_the_closure() {
    assert_eq!(current::<Ctx>(), None);
    assert!(log_fields().is_empty());
    let inside = with_sync(Ctx::new("a"), || (current::<Ctx>(), log_fields()));
    assert_eq!(inside.0, Some(Ctx::new("a")));
    assert_eq!(inside.1, vec![("user_id", "a".to_owned())]);
    assert_eq!(current::<Ctx>(), None);
    assert!(log_fields().is_empty());
}

#[test]
fn scopes_nest_and_inner_fields_win() {
    with_sync(Tenant("acme"), || {
        with_sync(Ctx::new("a"), || {
            assert_eq!(current::<Tenant>(), Some(Tenant("acme")));
            assert_eq!(with_current(|c: &Ctx| c.user.clone()), Some("a".into()));
            assert_eq!(
                log_fields(),
                vec![("user_id", "a".to_owned()), ("tenant", "acme".to_owned())]
            );
            with_sync(Ctx::new("b"), || {
                assert_eq!(current::<Ctx>(), Some(Ctx::new("b")));
            });
            // A scope opened from inside with_current's closure.
            let inner = with_current(|c: &Ctx| {
                with_sync(Ctx::new(&format!("{}-child", c.user)), current::<Ctx>)
            });
            assert_eq!(inner, Some(Some(Ctx::new("a-child"))));
            assert_eq!(current::<Ctx>(), Some(Ctx::new("a")));
        });
        assert_eq!(current::<Ctx>(), None);
    });
}

#[test]
fn interleaved_futures_on_one_thread_never_see_each_other() {
    runtime().block_on(async {
        let task = |user: &'static str, delay: u64| {
            with(Ctx::new(user), async move {
                let mut seen = Vec::new();
                for _ in 0..5 {
                    seen.push(current::<Ctx>().map(|c| c.user));
                    tokio::time::sleep(Duration::from_millis(delay)).await;
                }
                seen
            })
        };
        let (a, b) = tokio::join!(task("a", 1), task("b", 2));
        assert!(a.iter().all(|u| u.as_deref() == Some("a")), "{a:?}");
        assert!(b.iter().all(|u| u.as_deref() == Some("b")), "{b:?}");
        assert_eq!(current::<Ctx>(), None);
    });
}

#[test]
fn spawned_tasks_need_in_current_scope() {
    runtime().block_on(async {
        with(Ctx::new("a"), async {
            let lost = tokio::spawn(async { current::<Ctx>() }).await.unwrap();
            assert_eq!(lost, None);
            let kept = tokio::spawn(in_current_scope(async { current::<Ctx>() }))
                .await
                .unwrap();
            assert_eq!(kept, Some(Ctx::new("a")));
        })
        .await;
        // Outside any scope, in_current_scope runs the future as is.
        assert_eq!(in_current_scope(async { current::<Ctx>() }).await, None);
    });
}
