//! The built-in span contracts: the GenAI semantic-conventions operations and the LLM
//! serving pipeline, generated from `telemetry-vocabulary`'s table. Each type is used by
//! `#[llm_span(kind = "...")]`; its handle type is what `handle = name` gives the function
//! body.

telemetry_macros::__builtin_contracts!();

impl LlmDecodeHandle<'_> {
    /// One decode step: counted, and its duration folded into `llm.decode.mean_step_ms`
    /// and `llm.decode.max_step_ms`. No span per step, no allocation.
    #[inline]
    pub fn step(&self) {
        self.span().step();
    }

    /// One decode step with its own child span `llm.decode.step`, for when per-step spans
    /// are wanted: the step is counted like [`step`](Self::step) when the returned guard
    /// drops, and the child span ends then.
    pub fn step_span(&self) -> DecodeStep<'_> {
        DecodeStep {
            parent: self.span(),
            child: self.span().child("llm.decode.step"),
        }
    }
}

/// One decode step with its own span; see [`LlmDecodeHandle::step_span`].
#[derive(Debug)]
#[must_use = "the step ends when this guard drops"]
pub struct DecodeStep<'a> {
    parent: &'a crate::span::SpanCore,
    child: crate::span::SpanCore,
}

impl DecodeStep<'_> {
    /// Makes the step span current on this thread until the guard drops.
    pub fn enter(&self) -> Option<opentelemetry::ContextGuard> {
        self.child.enter()
    }
}

impl Drop for DecodeStep<'_> {
    fn drop(&mut self) {
        self.child.end();
        self.parent.step();
    }
}

#[cfg(test)]
mod tests {
    use telemetry_vocabulary::Requirement;
    use telemetry_vocabulary::builtin::BUILTINS;

    /// The kinds table of `#[llm_span]`'s documentation (`docs/llm_span.md`) has a row per
    /// built-in kind, with its span kind, name template, required arguments and outcome trait.
    #[test]
    fn the_macro_documentation_lists_every_builtin_kind() {
        let doc = include_str!("../docs/llm_span.md");
        for builtin in BUILTINS {
            let row = doc
                .lines()
                .find(|l| l.starts_with(&format!("| `{}` |", builtin.kind)))
                .unwrap_or_else(|| panic!("no row for `{}` in docs/llm_span.md", builtin.kind));
            let cells: Vec<&str> = row.split(" | ").collect();
            assert_eq!(cells[2], builtin.span_kind, "{row}");
            assert_eq!(cells[3], format!("`{}`", builtin.name), "{row}");
            for alias in builtin.aliases {
                assert!(cells[1].contains(&format!("`{alias}`")), "{row}");
            }
            let required: Vec<String> = (builtin.attributes().iter())
                .filter(|a| a.fixed.is_none() && a.requirement == Requirement::Required)
                .map(|a| format!("`{}`", a.arg))
                .collect();
            let listed = if required.is_empty() {
                "none".to_owned()
            } else {
                required.join(", ")
            };
            assert_eq!(cells[4], listed, "{row}");
            for attribute in builtin.attributes().iter().filter(|a| a.fixed.is_none()) {
                assert!(row.contains(&format!("`{}`", attribute.arg)), "{row}");
            }
            if let Some(returns) = builtin.returns {
                assert!(row.ends_with(&format!("`{returns}` |")), "{row}");
            }
            if let Some(module) = builtin.optional_outcome {
                let name = match module {
                    "embeddings" => "EmbeddingsOutcome",
                    other => panic!("document the optional outcome `{other}`"),
                };
                assert!(row.ends_with(&format!("`{name}` (optional) |")), "{row}");
            }
            if builtin.returns.is_none() && builtin.optional_outcome.is_none() {
                assert!(row.ends_with("|  |"), "{row}");
            }
        }
    }
}
