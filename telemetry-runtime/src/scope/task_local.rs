//! The task-local request scope: a type-erased stack of frames, each holding one value and
//! the log fields it contributes.

use std::any::Any;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context as TaskContext, Poll};

use opentelemetry::KeyValue;

use super::CommonAttributes;

tokio::task_local! {
    static SCOPE: Frame;
}

/// One level of the scope: a value, its log fields, and the scope it was opened in.
#[derive(Clone)]
pub(crate) struct Frame(Arc<FrameInner>);

struct FrameInner {
    value: Box<dyn Any + Send + Sync>,
    log_fields: Box<[(&'static str, String)]>,
    /// The span attributes of the value: the attributes of exported log records.
    attributes: Box<[KeyValue]>,
    parent: Option<Frame>,
}

impl Frame {
    /// A frame for `value`, nested in the scope current now (if any).
    fn nested<T: CommonAttributes>(value: T) -> Self {
        Self::with_parent(value, current_frame())
    }

    /// A frame for `value` alone, whatever scope is current: a request's scope holds only
    /// what its own headers gave.
    #[cfg(feature = "axum")]
    pub(crate) fn root<T: CommonAttributes>(value: T) -> Self {
        Self::with_parent(value, None)
    }

    fn with_parent<T: CommonAttributes>(value: T, parent: Option<Frame>) -> Self {
        let log_fields = value.log_fields().into_boxed_slice();
        let attributes = value.attributes().into_boxed_slice();
        Frame(Arc::new(FrameInner {
            value: Box::new(value),
            log_fields,
            attributes,
            parent,
        }))
    }

    /// The innermost value of type `T` in this frame or the ones it is nested in.
    fn find<T: 'static>(&self) -> Option<&T> {
        let mut frame = Some(self);
        while let Some(f) = frame {
            if let Some(value) = f.0.value.downcast_ref::<T>() {
                return Some(value);
            }
            frame = f.0.parent.as_ref();
        }
        None
    }

    /// Runs `f` with this frame as the current scope.
    pub(crate) fn enter<R>(&self, f: impl FnOnce() -> R) -> R {
        SCOPE.sync_scope(self.clone(), f)
    }
}

/// The current scope's innermost frame, if any.
pub(crate) fn current_frame() -> Option<Frame> {
    SCOPE.try_with(Frame::clone).ok()
}

/// The innermost `T` of the current scope, cloned; `None` outside any scope of a `T`.
///
/// The scope is task-local: a task started with `tokio::spawn` does not inherit it unless its
/// future is wrapped with [`in_current_scope`].
pub fn current<T: CommonAttributes>() -> Option<T> {
    with_current(T::clone)
}

/// Calls `f` with the innermost `T` of the current scope, without cloning it; `None` outside
/// any scope of a `T`.
pub fn with_current<T: CommonAttributes, R>(f: impl FnOnce(&T) -> R) -> Option<R> {
    // `f` runs outside the task-local's borrow, so it may open a scope of its own.
    let frame = current_frame()?;
    frame.find::<T>().map(f)
}

/// Runs `future` with `value` as the current scope: [`current::<T>()`](current) returns it,
/// and every log line emitted while the future is polled carries its
/// [`log_fields`](CommonAttributes::log_fields). The scope ends with the future: nothing of it
/// stays on the thread between polls or after.
///
/// Scopes nest: the innermost value of each type wins, and log lines carry the fields of every
/// level (an inner key hides the same key of an outer level).
///
/// ```
/// # use telemetry_runtime::scope::{self, CommonAttributes, CommonAttributesError};
/// # use telemetry_runtime::opentelemetry::KeyValue;
/// #[derive(Clone, Debug, PartialEq)]
/// struct Tenant(String);
/// impl CommonAttributes for Tenant {
///     fn from_headers(headers: &scope::HeaderMap) -> Result<Self, CommonAttributesError> {
///         scope::required_header(headers, "x-tenant", 64).map(Tenant)
///     }
///     fn to_headers(&self, headers: &mut scope::HeaderMap) {
///         scope::insert_header(headers, "x-tenant", &self.0);
///     }
///     fn attributes(&self) -> Vec<KeyValue> { vec![KeyValue::new("app.tenant", self.0.clone())] }
///     fn log_fields(&self) -> Vec<(&'static str, String)> { vec![("tenant", self.0.clone())] }
/// }
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let seen = scope::with(Tenant("acme".into()), async { scope::current::<Tenant>() }).await;
/// assert_eq!(seen, Some(Tenant("acme".into())));
/// assert_eq!(scope::current::<Tenant>(), None); // ended with the future
/// # });
/// ```
pub fn with<T: CommonAttributes, F: Future>(value: T, future: F) -> Scoped<F> {
    Scoped {
        frame: Some(Frame::nested(value)),
        inner: future,
    }
}

/// A scope level opened later with [`with_level`]: the value's type is erased, so code that
/// carries it needs no `CommonAttributes` bound.
#[cfg(feature = "cloudevents")]
pub(crate) struct Level(Option<Frame>);

#[cfg(feature = "cloudevents")]
impl Level {
    /// A level for `value`, nested in the scope current now; or no level.
    pub(crate) fn new<T: CommonAttributes>(value: Option<T>) -> Self {
        Level(value.map(Frame::nested))
    }
}

/// `future` in the scope of `level` (as is when it is empty).
#[cfg(feature = "cloudevents")]
pub(crate) fn with_level<F: Future>(level: Level, future: F) -> Scoped<F> {
    Scoped {
        frame: level.0,
        inner: future,
    }
}

/// Runs `f` with `value` as the current scope (the synchronous form of [`with`]).
pub fn with_sync<T: CommonAttributes, R>(value: T, f: impl FnOnce() -> R) -> R {
    Frame::nested(value).enter(f)
}

/// Wraps `future` so that it runs in the scope current now, for example before
/// `tokio::spawn`, which does not carry the scope over. Outside any scope it runs as is.
pub fn in_current_scope<F: Future>(future: F) -> Scoped<F> {
    Scoped {
        frame: current_frame(),
        inner: future,
    }
}

/// Wraps `future` so that it runs in `frame` (as it was captured), or as is for `None`.
pub(crate) fn in_frame<F: Future>(frame: Option<Frame>, future: F) -> Scoped<F> {
    Scoped {
        frame,
        inner: future,
    }
}

/// Calls `f` with each log field of the current scope, innermost level first; a key already
/// given by an inner level is skipped. Does nothing outside a scope (one thread-local read).
pub(crate) fn for_each_log_field(mut f: impl FnMut(&'static str, &str)) {
    for_each_unshadowed(
        |level| &level.log_fields,
        |(key, _)| key,
        |(key, value)| f(key, value),
    );
}

/// Calls `f` with each span attribute of the current scope (the
/// [`attributes`](CommonAttributes::attributes) of its values), innermost level first; a key
/// already given by an inner level is skipped. Does nothing outside a scope.
pub(crate) fn for_each_attribute(f: impl FnMut(&KeyValue)) {
    for_each_unshadowed(|level| &level.attributes, |kv| kv.key.as_str(), f);
}

/// Calls `f` with the `entries` of each level of the current scope, innermost first, except
/// those whose `key` an inner level already has.
fn for_each_unshadowed<E>(
    entries: fn(&FrameInner) -> &[E],
    key: fn(&E) -> &str,
    mut f: impl FnMut(&E),
) {
    let _ = SCOPE.try_with(|innermost| {
        let mut level = Some(innermost);
        while let Some(current) = level {
            for entry in entries(&current.0) {
                if !shadowed(innermost, current, key(entry), entries, key) {
                    f(entry);
                }
            }
            level = current.0.parent.as_ref();
        }
    });
}

/// Whether a level inside `level` (from `innermost` on) already has an entry with `key`.
fn shadowed<E>(
    innermost: &Frame,
    level: &Frame,
    wanted: &str,
    entries: fn(&FrameInner) -> &[E],
    key: fn(&E) -> &str,
) -> bool {
    let mut inner = Some(innermost);
    while let Some(f) = inner {
        if Arc::ptr_eq(&f.0, &level.0) {
            return false;
        }
        if entries(&f.0).iter().any(|e| key(e) == wanted) {
            return true;
        }
        inner = f.0.parent.as_ref();
    }
    false
}

pin_project_lite::pin_project! {
    /// A future that runs in a request scope; see [`with`] and [`in_current_scope`].
    #[must_use = "futures do nothing unless polled"]
    pub struct Scoped<F> {
        frame: Option<Frame>,
        #[pin]
        inner: F,
    }
}

impl<F> std::fmt::Debug for Scoped<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scoped")
            .field("in_scope", &self.frame.is_some())
            .finish_non_exhaustive()
    }
}

impl<F: Future> Future for Scoped<F> {
    type Output = F::Output;

    #[inline]
    fn poll(self: Pin<&mut Self>, task: &mut TaskContext<'_>) -> Poll<F::Output> {
        let this = self.project();
        match this.frame {
            Some(frame) => frame.enter(|| this.inner.poll(task)),
            None => this.inner.poll(task),
        }
    }
}
