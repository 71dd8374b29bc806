//! Content JSON truncation: arbitrary JSON (the input as text) and a size limit (its first
//! two bytes). Never a panic; the result is valid JSON of the same kind, and no longer than
//! the limit whenever the limit holds the empty value of that kind.
#![no_main]

use libfuzzer_sys::fuzz_target;
use telemetry_runtime::genai::content::{ContentValue as _, to_json_truncated};

fuzz_target!(|data: &[u8]| {
    let Some((limit, json)) = data.split_first_chunk::<2>() else {
        return;
    };
    let max = usize::from(u16::from_le_bytes(*limit)) % 4096;
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(json) else {
        return;
    };
    let out = to_json_truncated(&value, max);
    let back: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    let kind = |v: &serde_json::Value| std::mem::discriminant(v);
    let empty_len = match &value {
        serde_json::Value::Array(_)
        | serde_json::Value::Object(_)
        | serde_json::Value::String(_) => 2,
        _ => 4,
    };
    if max >= empty_len {
        assert!(out.len() <= max, "{} > {max}: {out}", out.len());
    }
    if !matches!(
        value,
        serde_json::Value::Number(_) | serde_json::Value::Bool(_)
    ) {
        assert_eq!(kind(&back), kind(&value), "{out}");
    }
    // The depth-capped path of bare values.
    let capped = value.to_content_json(max.max(4));
    let _: serde_json::Value = serde_json::from_str(&capped).expect("valid JSON");
});
