//! [`KeepOpen`]: a return value that carries the rest of its operation (a response stream)
//! keeps the span open until that ends, instead of the span ending when the function returns.

use std::cell::Cell;

use super::async_span::TakeSpan;
use super::core::SpanCore;

/// A return value that carries the rest of the operation: the span of the function that
/// returned it ends when the value says, not when the function returns. async-openai's
/// response streams implement it (feature `async-openai`); `Result<T, E>` does when `T`
/// does (an `Err` ends the span at once).
///
/// `#[llm_span]` hands the span over for an `async fn` (or a fn returning a future) whose
/// return type, or its `Ok` type, is named `…Stream`.
pub trait KeepOpen: Sized {
    /// `self`, holding `span` until the operation ends: it ends the span then, or ends it as
    /// cancelled when dropped first.
    fn keep_open(self, span: SpanCore) -> Self;
}

impl<T: KeepOpen, E> KeepOpen for Result<T, E> {
    fn keep_open(self, mut span: SpanCore) -> Self {
        match self {
            Ok(value) => Ok(value.keep_open(span)),
            Err(error) => {
                span.finish();
                Err(error)
            }
        }
    }
}

/// A return value on its way out of an instrumented fn: handed the span when it is
/// [`KeepOpen`] ([`ViaKeepOpen`]), returned as it is otherwise ([`ViaReturnValue`]).
#[doc(hidden)]
pub struct Handoff<T>(Cell<Option<T>>);

impl<T> Handoff<T> {
    #[doc(hidden)]
    #[inline]
    pub fn new(value: T) -> Self {
        Handoff(Cell::new(Some(value)))
    }

    #[inline]
    fn take(&self) -> T {
        match self.0.take() {
            Some(value) => value,
            // Built with a value and taken once, by the one call the generated code makes.
            None => unreachable!("a return value is handed off once"),
        }
    }
}

#[doc(hidden)]
pub trait ViaKeepOpen<T> {
    fn hand_off<S: TakeSpan>(&self, span: &mut S) -> T;
}

impl<T: KeepOpen> ViaKeepOpen<T> for Handoff<T> {
    #[inline]
    fn hand_off<S: TakeSpan>(&self, span: &mut S) -> T {
        self.take().keep_open(span.take_span())
    }
}

#[doc(hidden)]
pub trait ViaReturnValue<T> {
    fn hand_off<S: TakeSpan>(&self, span: &mut S) -> T;
}

impl<T> ViaReturnValue<T> for &Handoff<T> {
    #[inline]
    fn hand_off<S: TakeSpan>(&self, _span: &mut S) -> T {
        self.take()
    }
}
