//! Typed attribute values: what each semantic-conventions type accepts.
//!
//! The macros pass every argument as `&(expr)`, so a value of the wrong type is reported on
//! the user's expression with the message of the trait below.

use std::borrow::Cow;
use std::sync::Arc;

use opentelemetry::{Array, StringValue, Value};

/// A string literal written in the macro arguments: recorded without allocating.
#[derive(Clone, Copy, Debug)]
pub struct StaticStr(pub &'static str);

/// A value of a `string` attribute.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a string value",
    label = "this attribute is a string",
    note = "string attributes take &str, String, Cow<str>, Arc<str> or an Option of them",
    note = "message content (`InputMessage`s, a `serde_json::Value`, ...) goes to a content attribute such as `input_messages`, `output_messages` or `system_instructions`"
)]
pub trait StrAttr {
    /// The value, or `None` to leave the attribute unset.
    fn str_value(&self) -> Option<StringValue>;

    /// The value borrowed, when it can be: `Some(Some(s))` a string, `Some(None)` unset,
    /// `None` to use [`str_value`](Self::str_value). Lets a value that is part of the span name
    /// (the model) be recorded from the interned name instead of being copied.
    #[doc(hidden)]
    #[inline]
    fn str_ref(&self) -> Option<Option<&str>> {
        None
    }
}

impl StrAttr for StaticStr {
    fn str_value(&self) -> Option<StringValue> {
        Some(StringValue::from(self.0))
    }
}
impl StrAttr for str {
    #[inline]
    fn str_ref(&self) -> Option<Option<&str>> {
        Some(Some(self))
    }
    fn str_value(&self) -> Option<StringValue> {
        Some(StringValue::from(self.to_owned()))
    }
}
impl StrAttr for String {
    #[inline]
    fn str_ref(&self) -> Option<Option<&str>> {
        Some(Some(self.as_str()))
    }
    fn str_value(&self) -> Option<StringValue> {
        Some(StringValue::from(self.clone()))
    }
}
impl StrAttr for Cow<'_, str> {
    #[inline]
    fn str_ref(&self) -> Option<Option<&str>> {
        Some(Some(self.as_ref()))
    }
    fn str_value(&self) -> Option<StringValue> {
        Some(StringValue::from(self.to_string()))
    }
}
impl StrAttr for Arc<str> {
    fn str_value(&self) -> Option<StringValue> {
        Some(StringValue::from(self.clone()))
    }
}
impl StrAttr for Box<str> {
    #[inline]
    fn str_ref(&self) -> Option<Option<&str>> {
        Some(Some(self.as_ref()))
    }
    fn str_value(&self) -> Option<StringValue> {
        Some(StringValue::from(self.to_string()))
    }
}
impl<T: StrAttr + ?Sized> StrAttr for &T {
    fn str_value(&self) -> Option<StringValue> {
        (**self).str_value()
    }
    #[inline]
    fn str_ref(&self) -> Option<Option<&str>> {
        (**self).str_ref()
    }
}
impl<T: StrAttr> StrAttr for Option<T> {
    fn str_value(&self) -> Option<StringValue> {
        self.as_ref().and_then(StrAttr::str_value)
    }
    #[inline]
    fn str_ref(&self) -> Option<Option<&str>> {
        match self {
            None => Some(None),
            Some(v) => v.str_ref(),
        }
    }
}

/// A value of an `int` attribute. Unsigned values above `i64::MAX` saturate: counts are
/// exported as integers, never as strings.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an integer value",
    label = "this attribute is an integer",
    note = "integer attributes take i64, i32, u32, u64, usize (and the other integer types) or an Option of them"
)]
pub trait IntAttr {
    /// The value, or `None` to leave the attribute unset.
    fn int_value(&self) -> Option<i64>;
}

macro_rules! int_attr {
    ($($t:ty),*) => {$(
        impl IntAttr for $t {
            #[inline]
            fn int_value(&self) -> Option<i64> {
                Some(i64::try_from(*self).unwrap_or(i64::MAX))
            }
        }
    )*};
}
/// The integer types, as the vocabulary lists them (a test checks it).
macro_rules! integer_types {
    ($m:ident) => {
        $m! { i8, i16, i32, i64, u8, u16, u32, u64, usize, isize, i128, u128 }
    };
}
integer_types!(int_attr);

impl<T: IntAttr + ?Sized> IntAttr for &T {
    fn int_value(&self) -> Option<i64> {
        (**self).int_value()
    }
}
impl<T: IntAttr> IntAttr for Option<T> {
    fn int_value(&self) -> Option<i64> {
        self.as_ref().and_then(IntAttr::int_value)
    }
}

/// A value of a `double` attribute.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a floating-point value",
    label = "this attribute is a double",
    note = "double attributes take f64, f32 or an Option of them"
)]
pub trait DoubleAttr {
    /// The value, or `None` to leave the attribute unset.
    fn double_value(&self) -> Option<f64>;
}
impl DoubleAttr for f64 {
    fn double_value(&self) -> Option<f64> {
        Some(*self)
    }
}
impl DoubleAttr for f32 {
    fn double_value(&self) -> Option<f64> {
        Some(f64::from(*self))
    }
}
impl<T: DoubleAttr + ?Sized> DoubleAttr for &T {
    fn double_value(&self) -> Option<f64> {
        (**self).double_value()
    }
}
impl<T: DoubleAttr> DoubleAttr for Option<T> {
    fn double_value(&self) -> Option<f64> {
        self.as_ref().and_then(DoubleAttr::double_value)
    }
}

/// A value of a `boolean` attribute.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a boolean value",
    label = "this attribute is a boolean",
    note = "boolean attributes take bool or an Option of it"
)]
pub trait BoolAttr {
    /// The value, or `None` to leave the attribute unset.
    fn bool_value(&self) -> Option<bool>;
}
impl BoolAttr for bool {
    fn bool_value(&self) -> Option<bool> {
        Some(*self)
    }
}
impl<T: BoolAttr + ?Sized> BoolAttr for &T {
    fn bool_value(&self) -> Option<bool> {
        (**self).bool_value()
    }
}
impl<T: BoolAttr> BoolAttr for Option<T> {
    fn bool_value(&self) -> Option<bool> {
        self.as_ref().and_then(BoolAttr::bool_value)
    }
}

/// A value of a `string[]` attribute.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a list of strings",
    label = "this attribute is a string array",
    note = "string array attributes take a slice, array or Vec of strings"
)]
pub trait StrArrayAttr {
    /// The value, or `None` to leave the attribute unset.
    fn str_array_value(&self) -> Option<Vec<StringValue>>;
}
impl<T: StrAttr> StrArrayAttr for [T] {
    fn str_array_value(&self) -> Option<Vec<StringValue>> {
        Some(self.iter().filter_map(StrAttr::str_value).collect())
    }
}
impl<T: StrAttr> StrArrayAttr for Vec<T> {
    fn str_array_value(&self) -> Option<Vec<StringValue>> {
        self.as_slice().str_array_value()
    }
}
impl<T: StrAttr, const N: usize> StrArrayAttr for [T; N] {
    fn str_array_value(&self) -> Option<Vec<StringValue>> {
        self.as_slice().str_array_value()
    }
}
impl<T: StrArrayAttr + ?Sized> StrArrayAttr for &T {
    fn str_array_value(&self) -> Option<Vec<StringValue>> {
        (**self).str_array_value()
    }
}
impl<T: StrArrayAttr> StrArrayAttr for Option<T> {
    fn str_array_value(&self) -> Option<Vec<StringValue>> {
        self.as_ref().and_then(StrArrayAttr::str_array_value)
    }
}

/// Conversions the generated code uses; one per semantic-conventions type.
#[doc(hidden)]
pub mod to_value {
    use super::*;

    #[inline]
    pub fn string<V: StrAttr + ?Sized>(v: &V) -> Option<Value> {
        v.str_value().map(Value::String)
    }
    #[inline]
    pub fn int<V: IntAttr + ?Sized>(v: &V) -> Option<Value> {
        v.int_value().map(Value::I64)
    }
    #[inline]
    pub fn double<V: DoubleAttr + ?Sized>(v: &V) -> Option<Value> {
        v.double_value().map(Value::F64)
    }
    #[inline]
    pub fn boolean<V: BoolAttr + ?Sized>(v: &V) -> Option<Value> {
        v.bool_value().map(Value::Bool)
    }
    #[inline]
    pub fn string_array<V: StrArrayAttr + ?Sized>(v: &V) -> Option<Value> {
        v.str_array_value().map(|a| Value::Array(Array::String(a)))
    }
}

/// Appends the generated code makes to a span's start attributes, one per
/// semantic-conventions type: each writes its attribute straight into the vector's next slot.
///
/// `attrs.push(KeyValue::new(key, value))` builds the attribute on the stack with 8-byte
/// stores and copies it with 16-byte loads, which the CPU cannot forward from those stores: a
/// stall of a dozen cycles per load, three per attribute, most of what six start attributes
/// cost. Written field by field where it stays, the value is stored once.
#[doc(hidden)]
pub mod push {
    use super::*;
    use opentelemetry::{Key, KeyValue};

    /// Writes `key` and the value `value` makes into the next slot of `attrs`.
    #[inline(always)]
    fn put(attrs: &mut Vec<KeyValue>, key: &'static str, value: impl FnOnce() -> Value) {
        attrs.reserve(1);
        let len = attrs.len();
        // SAFETY: `reserve` made room for one more element; both fields of the slot are
        // written before the length covers it.
        unsafe {
            let slot = attrs.as_mut_ptr().add(len);
            std::ptr::addr_of_mut!((*slot).key).write(Key::from_static_str(key));
            std::ptr::addr_of_mut!((*slot).value).write(value());
            attrs.set_len(len + 1);
        }
    }

    /// A value fixed by the contract (`gen_ai.operation.name = "chat"`).
    #[inline(always)]
    pub fn fixed(attrs: &mut Vec<KeyValue>, key: &'static str, value: &'static str) {
        put(attrs, key, || Value::String(StringValue::from(value)));
    }
    /// A `string` attribute.
    #[inline(always)]
    pub fn string<V: StrAttr + ?Sized>(attrs: &mut Vec<KeyValue>, key: &'static str, v: &V) {
        if let Some(s) = v.str_value() {
            put(attrs, key, || Value::String(s));
        }
    }
    /// A `string` attribute that fills the span name's one placeholder
    /// (`chat {gen_ai.request.model}`): low-cardinality, so recorded from the interned name
    /// when it can be (no copy), and written into its slot like every other value.
    #[inline(always)]
    pub fn name_string<V: StrAttr + ?Sized>(
        attrs: &mut Vec<KeyValue>,
        key: &'static str,
        v: &V,
        template: &'static str,
        prefix: &'static str,
    ) {
        match v.str_ref() {
            None => string(attrs, key, v),
            Some(None) => {}
            Some(Some(s)) => match crate::span::name::interned_value(template, prefix, s) {
                Some(interned) => put(attrs, key, || Value::String(StringValue::from(interned))),
                None => {
                    let owned = s.to_owned();
                    put(attrs, key, || Value::String(StringValue::from(owned)));
                }
            },
        }
    }
    /// An `int` attribute.
    #[inline(always)]
    pub fn int<V: IntAttr + ?Sized>(attrs: &mut Vec<KeyValue>, key: &'static str, v: &V) {
        if let Some(i) = v.int_value() {
            put(attrs, key, || Value::I64(i));
        }
    }
    /// A `double` attribute.
    #[inline(always)]
    pub fn double<V: DoubleAttr + ?Sized>(attrs: &mut Vec<KeyValue>, key: &'static str, v: &V) {
        if let Some(f) = v.double_value() {
            put(attrs, key, || Value::F64(f));
        }
    }
    /// A `boolean` attribute.
    #[inline(always)]
    pub fn boolean<V: BoolAttr + ?Sized>(attrs: &mut Vec<KeyValue>, key: &'static str, v: &V) {
        if let Some(b) = v.bool_value() {
            put(attrs, key, || Value::Bool(b));
        }
    }
    /// A `string[]` attribute.
    #[inline(always)]
    pub fn string_array<V: StrArrayAttr + ?Sized>(
        attrs: &mut Vec<KeyValue>,
        key: &'static str,
        v: &V,
    ) {
        if let Some(a) = v.str_array_value() {
            put(attrs, key, || Value::Array(Array::String(a)));
        }
    }
}

/// A span attribute value as a log attribute value (arrays as lists).
pub(crate) fn to_any_value(value: &Value) -> opentelemetry::logs::AnyValue {
    use opentelemetry::logs::AnyValue;
    fn list<T: Clone + Into<opentelemetry::logs::AnyValue>>(values: &[T]) -> AnyValue {
        values.iter().cloned().collect()
    }
    match value {
        Value::Bool(v) => AnyValue::Boolean(*v),
        Value::I64(v) => AnyValue::Int(*v),
        Value::F64(v) => AnyValue::Double(*v),
        Value::String(v) => AnyValue::String(v.clone()),
        Value::Array(Array::Bool(v)) => list(v),
        Value::Array(Array::I64(v)) => list(v),
        Value::Array(Array::F64(v)) => list(v),
        Value::Array(Array::String(v)) => list(v),
        _ => AnyValue::String(value.as_str().into_owned().into()),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn int_attr_covers_the_vocabulary_integer_types() {
        macro_rules! names {
            ($($t:ty),*) => { [$(stringify!($t)),*] };
        }
        let implemented: &[&str] = &integer_types!(names);
        assert_eq!(implemented, telemetry_vocabulary::INTEGER_TYPES);
    }
}
