//! GenAI content attributes of the semantic conventions v1.41.0, as size-bounded JSON.
//!
//! | attribute | JSON schema | type here |
//! | --- | --- | --- |
//! | `gen_ai.input.messages` | `gen-ai-input-messages.json` | `[InputMessage]` |
//! | `gen_ai.output.messages` | `gen-ai-output-messages.json` | `[OutputMessage]` |
//! | `gen_ai.system_instructions` | `gen-ai-system-instructions.json` | `[Part]` |
//! | `gen_ai.tool.definitions` | `gen-ai-tool-definitions.json` | `[ToolDefinition]` |
//! | `gen_ai.retrieval.documents` | `gen-ai-retrieval-documents.json` | `[RetrievalDocument]` |
//! | `gen_ai.tool.call.arguments`, `gen_ai.tool.call.result` | none (any value, an object expected) | `serde_json::Value`, or JSON text as a `str` |
//!
//! The types serialize exactly as the schemas say (a copy of the schemas is in
//! `semconv/gen-ai-schemas/` and the tests validate against it). Spans carry these attributes
//! as JSON strings ("MAY be recorded as a JSON string if structured format is not supported"):
//! [`ContentValue::to_content_json`] makes that string, bounded in size, and always valid JSON
//! of the same shape, see [`to_json_truncated`].
//!
//! ```
//! use serde_json::json;
//! use telemetry_runtime::genai::content::{
//!     ContentValue, FinishReason, InputMessage, OutputMessage, Part, Role,
//! };
//!
//! let input = vec![
//!     InputMessage::user("Weather in Paris?"),
//!     InputMessage::new(
//!         Role::Assistant,
//!         vec![Part::tool_call("call_1", "get_weather", json!({"location": "Paris"}))],
//!     ),
//!     InputMessage::tool_response("call_1", "rainy, 57°F"),
//! ];
//! assert_eq!(
//!     input.to_content_json(16 * 1024),
//!     r#"[{"role":"user","parts":[{"type":"text","content":"Weather in Paris?"}]},"#.to_owned()
//!         + r#"{"role":"assistant","parts":[{"type":"tool_call","id":"call_1","name":"get_weather","arguments":{"location":"Paris"}}]},"#
//!         + r#"{"role":"tool","parts":[{"type":"tool_call_response","id":"call_1","response":"rainy, 57°F"}]}]"#
//! );
//!
//! let output = [OutputMessage::assistant("Rainy, 57°F.", FinishReason::Stop)];
//! assert_eq!(
//!     output.to_content_json(16 * 1024),
//!     r#"[{"role":"assistant","parts":[{"type":"text","content":"Rainy, 57°F."}],"finish_reason":"stop"}]"#
//! );
//!
//! // Too long: the text is shortened (marked with `…`), the JSON stays whole.
//! let long = [InputMessage::user("a".repeat(10_000))];
//! let json = long.to_content_json(80);
//! assert!(json.len() <= 80);
//! assert!(json.ends_with(r#"aaaa…"}]}]"#));
//! ```

use std::borrow::Cow;
use std::fmt;

use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::{Map, Value};

pub use super::bounded_json::{MAX_JSON_DEPTH, TRUNCATION_MARKER, to_json_truncated};
use super::bounded_json::{Node, encode_tree};

// ---------------------------------------------------------------------------------------------
// Enumerations open to any string
// ---------------------------------------------------------------------------------------------

macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $text:tt, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name {
            $( $(#[$vmeta])* #[serde(rename = $text)] $variant, )+
            /// Any other value (the schema allows any string). `From<&str>` maps the known
            /// values to their variants; a known value here would not compare equal to them.
            #[serde(untagged)]
            Other(String),
        }

        impl $name {
            /// The value as recorded.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $text, )+
                    Self::Other(other) => other,
                }
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $( $text => Self::$variant, )+
                    other => Self::Other(other.to_owned()),
                }
            }
        }

        impl From<String> for $name {
            fn from(value: String) -> Self {
                match value.as_str() {
                    $( $text => Self::$variant, )+
                    _ => Self::Other(value),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

open_enum! {
    /// Role of the entity that created a message (`Role` of the schemas).
    pub enum Role {
        /// `system`
        System = "system",
        /// `user`
        User = "user",
        /// `assistant`
        Assistant = "assistant",
        /// `tool`
        Tool = "tool",
    }
}

open_enum! {
    /// Why the model stopped generating an output message (`FinishReason` of the schemas).
    pub enum FinishReason {
        /// `stop`
        Stop = "stop",
        /// `length`
        Length = "length",
        /// `content_filter`
        ContentFilter = "content_filter",
        /// `tool_call`
        ToolCall = "tool_call",
        /// `error`
        Error = "error",
    }
}

open_enum! {
    /// General modality of blob, file and URI parts (`Modality` of the schemas).
    pub enum Modality {
        /// `image`
        Image = "image",
        /// `video`
        Video = "video",
        /// `audio`
        Audio = "audio",
    }
}

// ---------------------------------------------------------------------------------------------
// Parts and messages
// ---------------------------------------------------------------------------------------------

/// One part of a message, or one system instruction; serialized with its `type`.
///
/// `serde_json::Value` fields nest at most [`MAX_JSON_DEPTH`] deep when serialized.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Part {
    /// `text`: text sent to or received from the model.
    Text {
        /// The text.
        content: String,
    },
    /// `tool_call`: a tool call requested by the model.
    ToolCall {
        /// Unique identifier of the tool call.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        id: Option<String>,
        /// Name of the tool.
        name: String,
        /// Arguments of the tool call (an object, as a rule).
        #[serde(
            default,
            skip_serializing_if = "Option::is_none",
            serialize_with = "capped_option"
        )]
        arguments: Option<Value>,
    },
    /// `tool_call_response`: the result of a tool call sent to the model.
    ToolCallResponse {
        /// Identifier of the tool call this responds to.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        id: Option<String>,
        /// The response of the tool.
        #[serde(serialize_with = "capped")]
        response: Value,
    },
    /// `server_tool_call`: a tool call the provider executes on its side (code interpreter,
    /// web search, ...).
    ServerToolCall {
        /// Unique identifier of the server tool call.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        id: Option<String>,
        /// Name of the server tool.
        name: String,
        /// Details of the call: an object with at least a `type` string.
        #[serde(serialize_with = "capped")]
        server_tool_call: Value,
    },
    /// `server_tool_call_response`: the outcome of a server tool call.
    ServerToolCallResponse {
        /// Identifier of the server tool call this responds to.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        id: Option<String>,
        /// Details of the response: an object with at least a `type` string.
        #[serde(serialize_with = "capped")]
        server_tool_call_response: Value,
    },
    /// `blob`: binary data sent inline.
    Blob {
        /// IANA MIME type of the data.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        mime_type: Option<String>,
        /// Modality of the data.
        modality: Modality,
        /// The data, base64-encoded ([`Part::blob`] encodes it).
        content: String,
    },
    /// `file`: a file uploaded to the provider beforehand, by id.
    File {
        /// IANA MIME type of the file.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        mime_type: Option<String>,
        /// Modality of the file.
        modality: Modality,
        /// Identifier of the file at the provider.
        file_id: String,
    },
    /// `uri`: data referenced by URI (not a `data:` URL: that is a blob).
    Uri {
        /// IANA MIME type of the data.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        mime_type: Option<String>,
        /// Modality of the data.
        modality: Modality,
        /// The URI.
        uri: String,
    },
    /// `reasoning`: reasoning (thinking) content received from the model.
    Reasoning {
        /// The reasoning text.
        content: String,
    },
    /// Any other part type (`GenericPart` of the schemas). When deserializing, a part of a
    /// known type that lacks a required property lands here too.
    #[serde(untagged)]
    Generic(GenericPart),
}

impl Part {
    /// A `text` part.
    pub fn text(content: impl Into<String>) -> Self {
        Part::Text {
            content: content.into(),
        }
    }

    /// A `reasoning` part.
    pub fn reasoning(content: impl Into<String>) -> Self {
        Part::Reasoning {
            content: content.into(),
        }
    }

    /// A `tool_call` part with its id.
    pub fn tool_call(
        id: impl Into<String>,
        name: impl Into<String>,
        arguments: impl Into<Value>,
    ) -> Self {
        Part::ToolCall {
            id: Some(id.into()),
            name: name.into(),
            arguments: Some(arguments.into()),
        }
    }

    /// A `tool_call_response` part for the call `id`.
    pub fn tool_call_response(id: impl Into<String>, response: impl Into<Value>) -> Self {
        Part::ToolCallResponse {
            id: Some(id.into()),
            response: response.into(),
        }
    }

    /// A `blob` part: `data` is recorded base64-encoded.
    pub fn blob(modality: impl Into<Modality>, mime_type: impl Into<String>, data: &[u8]) -> Self {
        Part::Blob {
            mime_type: Some(mime_type.into()),
            modality: modality.into(),
            content: base64(data),
        }
    }

    /// A `uri` part.
    pub fn uri(modality: impl Into<Modality>, uri: impl Into<String>) -> Self {
        Part::Uri {
            mime_type: None,
            modality: modality.into(),
            uri: uri.into(),
        }
    }

    /// A `file` part.
    pub fn file(modality: impl Into<Modality>, file_id: impl Into<String>) -> Self {
        Part::File {
            mime_type: None,
            modality: modality.into(),
            file_id: file_id.into(),
        }
    }
}

/// A part of a type the schemas leave open: `{"type": kind, ...fields}`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct GenericPart {
    /// The `type` of the part.
    #[serde(rename = "type")]
    pub kind: String,
    /// Its other properties (a `type` key here is not serialized: `kind` is).
    #[serde(flatten)]
    pub fields: Map<String, Value>,
}

impl GenericPart {
    /// A part of type `kind` with no other property.
    pub fn new(kind: impl Into<String>) -> Self {
        GenericPart {
            kind: kind.into(),
            fields: Map::new(),
        }
    }

    /// Adds the property `key`.
    pub fn with_field(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.fields.insert(key.into(), value.into());
        self
    }
}

impl Serialize for GenericPart {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let fields = self.fields.iter().filter(|(key, _)| key.as_str() != "type");
        let mut map = serializer.serialize_map(Some(1 + fields.clone().count()))?;
        map.serialize_entry("type", &self.kind)?;
        for (key, value) in fields {
            map.serialize_entry(key, &Capped(value, MAX_JSON_DEPTH))?;
        }
        map.end()
    }
}

/// A message sent to the model (`ChatMessage` of the input messages schema).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InputMessage {
    /// Who created the message.
    pub role: Role,
    /// Its content.
    pub parts: Vec<Part>,
    /// Name of the participant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

impl InputMessage {
    /// A message of `role` made of `parts`.
    pub fn new(role: impl Into<Role>, parts: Vec<Part>) -> Self {
        InputMessage {
            role: role.into(),
            parts,
            name: None,
        }
    }

    /// A `user` message of one text part.
    pub fn user(text: impl Into<String>) -> Self {
        Self::new(Role::User, vec![Part::text(text)])
    }

    /// A `system` message of one text part.
    pub fn system(text: impl Into<String>) -> Self {
        Self::new(Role::System, vec![Part::text(text)])
    }

    /// An `assistant` message of one text part (an earlier answer in the chat history).
    pub fn assistant(text: impl Into<String>) -> Self {
        Self::new(Role::Assistant, vec![Part::text(text)])
    }

    /// A `tool` message answering the tool call `id`.
    pub fn tool_response(id: impl Into<String>, response: impl Into<Value>) -> Self {
        Self::new(Role::Tool, vec![Part::tool_call_response(id, response)])
    }

    /// Sets the name of the participant.
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }
}

/// A message generated by the model: one choice (candidate) of a response
/// (`OutputMessage` of the output messages schema).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OutputMessage {
    /// Who created the message (`assistant`, as a rule).
    pub role: Role,
    /// Its content.
    pub parts: Vec<Part>,
    /// Name of the participant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Why generation stopped.
    pub finish_reason: FinishReason,
}

impl OutputMessage {
    /// A message of `role` made of `parts`.
    pub fn new(
        role: impl Into<Role>,
        parts: Vec<Part>,
        finish_reason: impl Into<FinishReason>,
    ) -> Self {
        OutputMessage {
            role: role.into(),
            parts,
            name: None,
            finish_reason: finish_reason.into(),
        }
    }

    /// An `assistant` message of one text part.
    pub fn assistant(text: impl Into<String>, finish_reason: impl Into<FinishReason>) -> Self {
        Self::new(Role::Assistant, vec![Part::text(text)], finish_reason)
    }

    /// Sets the name of the participant.
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }
}

/// A tool the model may call (`gen_ai.tool.definitions`). The schema recommends leaving out
/// `description` and `parameters` by default, as they can be large.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ToolDefinition {
    /// The type of the tool: `function`, or any other type.
    #[serde(rename = "type")]
    pub kind: String,
    /// The name of the tool.
    pub name: String,
    /// What the tool does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// JSON Schema (draft-07) of the parameters.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "capped_option"
    )]
    pub parameters: Option<Value>,
}

impl ToolDefinition {
    /// A `function` tool.
    pub fn function(name: impl Into<String>) -> Self {
        ToolDefinition {
            kind: "function".to_owned(),
            name: name.into(),
            description: None,
            parameters: None,
        }
    }

    /// Sets the description.
    pub fn with_description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// Sets the JSON Schema of the parameters.
    pub fn with_parameters(mut self, parameters: Value) -> Self {
        self.parameters = Some(parameters);
        self
    }
}

/// A document retrieved from a vector database or search system (`gen_ai.retrieval.documents`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RetrievalDocument {
    /// Identifier of the document.
    pub id: String,
    /// Its relevance score (a non-finite score is recorded as `null`, which the schema
    /// rejects).
    pub score: f64,
}

impl RetrievalDocument {
    /// A document and its score.
    pub fn new(id: impl Into<String>, score: f64) -> Self {
        RetrievalDocument {
            id: id.into(),
            score,
        }
    }
}

/// Serializes a `serde_json::Value`, with containers deeper than the depth given recorded as
/// [`TRUNCATION_MARKER`].
struct Capped<'a>(&'a Value, usize);

impl Serialize for Capped<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let Capped(value, depth) = *self;
        match value {
            Value::Array(_) | Value::Object(_) if depth == 0 => {
                serializer.serialize_str(TRUNCATION_MARKER)
            }
            Value::Array(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(&Capped(item, depth - 1))?;
                }
                seq.end()
            }
            Value::Object(entries) => {
                let mut map = serializer.serialize_map(Some(entries.len()))?;
                for (key, item) in entries {
                    map.serialize_entry(key, &Capped(item, depth - 1))?;
                }
                map.end()
            }
            scalar => scalar.serialize(serializer),
        }
    }
}

fn capped<S: Serializer>(value: &Value, serializer: S) -> Result<S::Ok, S::Error> {
    Capped(value, MAX_JSON_DEPTH).serialize(serializer)
}

fn capped_option<S: Serializer>(value: &Option<Value>, serializer: S) -> Result<S::Ok, S::Error> {
    match value {
        Some(value) => serializer.serialize_some(&Capped(value, MAX_JSON_DEPTH)),
        None => serializer.serialize_none(),
    }
}

/// Standard base64 with padding.
fn base64(data: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b0 = chunk[0];
        let b1 = chunk.get(1).copied().unwrap_or(0);
        let b2 = chunk.get(2).copied().unwrap_or(0);
        let n = (u32::from(b0) << 16) | (u32::from(b1) << 8) | u32::from(b2);
        let sextet = |shift: u32| char::from(ALPHABET[((n >> shift) & 63) as usize]);
        out.push(sextet(18));
        out.push(sextet(12));
        out.push(if chunk.len() > 1 { sextet(6) } else { '=' });
        out.push(if chunk.len() > 2 { sextet(0) } else { '=' });
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Recording
// ---------------------------------------------------------------------------------------------

/// A value recordable as a GenAI content attribute: it becomes a JSON string of at most about
/// `max_bytes` (see [`to_json_truncated`] for the exact guarantee).
///
/// Implemented for lists of [`InputMessage`], [`OutputMessage`], [`Part`] (system
/// instructions), [`ToolDefinition`] and [`RetrievalDocument`] (slices, arrays and `Vec`s),
/// for `serde_json::Value` (tool call arguments and results), for `str` and `String`, and
/// for references to all of these.
///
/// A `str` holding a JSON object or array (tool call arguments as the provider returned them,
/// say) is recorded as that JSON, as the conventions ask ("the instrumentation SHOULD do the
/// best effort to deserialize it"); any other text is recorded as a JSON string.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be recorded as GenAI content",
    note = "content attributes take the message types of `telemetry_runtime::genai::content` (InputMessage, OutputMessage, Part), a serde_json::Value, or a string"
)]
pub trait ContentValue {
    /// The value as JSON text of at most `max_bytes` bytes (see [`to_json_truncated`]).
    fn to_content_json(&self, max_bytes: usize) -> String;
}

macro_rules! content_lists {
    ($($item:ty),+ $(,)?) => {$(
        impl ContentValue for [$item] {
            fn to_content_json(&self, max_bytes: usize) -> String {
                to_json_truncated(self, max_bytes)
            }
        }

        impl<const N: usize> ContentValue for [$item; N] {
            fn to_content_json(&self, max_bytes: usize) -> String {
                to_json_truncated(self.as_slice(), max_bytes)
            }
        }

        impl ContentValue for Vec<$item> {
            fn to_content_json(&self, max_bytes: usize) -> String {
                to_json_truncated(self.as_slice(), max_bytes)
            }
        }
    )+};
}

content_lists!(
    InputMessage,
    OutputMessage,
    Part,
    ToolDefinition,
    RetrievalDocument
);

impl ContentValue for Value {
    /// Arrays and objects nested deeper than [`MAX_JSON_DEPTH`] are recorded as
    /// [`TRUNCATION_MARKER`].
    fn to_content_json(&self, max_bytes: usize) -> String {
        encode_tree(Node::from_value(self, MAX_JSON_DEPTH), max_bytes)
    }
}

impl ContentValue for str {
    fn to_content_json(&self, max_bytes: usize) -> String {
        if self.trim_start().starts_with(['{', '['])
            && let Ok(node) = serde_json::from_str::<Node<'_>>(self)
        {
            return encode_tree(node, max_bytes);
        }
        encode_tree(Node::string(Cow::Borrowed(self)), max_bytes)
    }
}

impl ContentValue for String {
    fn to_content_json(&self, max_bytes: usize) -> String {
        self.as_str().to_content_json(max_bytes)
    }
}

impl<T: ContentValue + ?Sized> ContentValue for &T {
    fn to_content_json(&self, max_bytes: usize) -> String {
        (**self).to_content_json(max_bytes)
    }
}

/// The GenAI JSON schemas of `semconv/gen-ai-schemas/`, for the tests of every module that
/// writes content.
#[cfg(test)]
pub(crate) mod schemas {
    use std::path::Path;

    use serde_json::{Value, json};

    /// A validator of the schema file `name`.
    pub(crate) fn validator(name: &str) -> jsonschema::Validator {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("semconv/gen-ai-schemas")
            .join(name);
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: {e} (copy it from the registry)", path.display()));
        let schema: Value = serde_json::from_str(&text).unwrap();
        // The tool definitions schema refers to the draft-07 meta-schema for `parameters`,
        // which jsonschema 0.60 does not bundle for a 2020-12 root. A permissive stand-in
        // changes no outcome: a function definition is also a valid GenericToolDefinition.
        let registry = jsonschema::Registry::new()
            .add("http://json-schema.org/draft-07/schema", json!({}))
            .unwrap()
            .prepare()
            .unwrap();
        jsonschema::options()
            .with_registry(&registry)
            .build(&schema)
            .unwrap()
    }

    /// `value` as the JSON a span carries, checked against the schema file `schema`.
    pub(crate) fn valid<V: super::ContentValue + ?Sized>(schema: &str, value: &V) -> Value {
        let json: Value = serde_json::from_str(&value.to_content_json(1 << 20)).unwrap();
        let errors: Vec<String> = validator(schema)
            .iter_errors(&json)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{json}\n{errors:#?}");
        json
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use serde_json::json;

    use super::super::bounded_json::{Caps, SHORTEST_CUT, annotate, render};
    use super::*;

    const DEFAULT: usize = 16 * 1024;

    // --- helpers --------------------------------------------------------------------------

    use super::schemas::validator as schema;

    fn assert_valid(validator: &jsonschema::Validator, instance: &Value) {
        let errors: Vec<String> = validator
            .iter_errors(instance)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{instance}\n{errors:#?}");
    }

    /// Parses `json`, checking it is at most `max` bytes.
    fn parse_within(json: &str, max: usize) -> Value {
        assert!(json.len() <= max, "{} bytes > {max}: {json}", json.len());
        serde_json::from_str(json).unwrap_or_else(|e| panic!("invalid JSON ({e}): {json}"))
    }

    fn strip_marker(text: &str) -> &str {
        text.strip_suffix(TRUNCATION_MARKER).unwrap_or(text)
    }

    fn text_of(message: &Value, part: usize) -> &str {
        message["parts"][part]["content"].as_str().unwrap()
    }

    /// Drops a deeply nested array without recursing.
    fn drop_deep(mut value: Value) {
        while let Value::Array(mut items) = value {
            match items.pop() {
                Some(inner) => value = inner,
                None => break,
            }
        }
    }

    fn deep_array(depth: usize) -> Value {
        let mut value = json!("bottom");
        for _ in 0..depth {
            value = Value::Array(vec![value]);
        }
        value
    }

    fn every_part() -> Vec<Part> {
        vec![
            Part::text("Hello"),
            Part::reasoning("The user greets."),
            Part::tool_call("call_1", "get_weather", json!({"location": "Paris"})),
            Part::ToolCall {
                id: None,
                name: "now".into(),
                arguments: None,
            },
            Part::tool_call_response("call_1", json!({"conditions": "rainy"})),
            Part::ServerToolCall {
                id: Some("srv_1".into()),
                name: "web_search".into(),
                server_tool_call: json!({"type": "web_search", "query": "paris"}),
            },
            Part::ServerToolCallResponse {
                id: None,
                server_tool_call_response: json!({"type": "web_search", "results": []}),
            },
            Part::blob(Modality::Image, "image/png", b"\x89PNG"),
            Part::Blob {
                mime_type: None,
                modality: Modality::Other("hologram".into()),
                content: "AAAA".into(),
            },
            Part::file(Modality::Audio, "file-123"),
            Part::Uri {
                mime_type: Some("video/mp4".into()),
                modality: Modality::Video,
                uri: "https://example.com/v.mp4".into(),
            },
            Part::Generic(GenericPart::new("citation").with_field("url", "https://example.com")),
        ]
    }

    fn sample_input() -> Vec<InputMessage> {
        vec![
            InputMessage::system("You are a weather bot."),
            InputMessage::user("Weather in Paris? ".repeat(40)).with_name("alice"),
            InputMessage::new(Role::Assistant, every_part()),
            InputMessage::tool_response("call_1", "rainy, 57°F"),
            InputMessage::new("critic", vec![Part::text("Fine. ".repeat(30))]),
            InputMessage::assistant("It is rainy."),
        ]
    }

    fn sample_output() -> Vec<OutputMessage> {
        vec![
            OutputMessage::assistant("Rainy, 57°F. ".repeat(50), FinishReason::Stop),
            OutputMessage::new(Role::Assistant, every_part(), "max_tokens").with_name("bot"),
        ]
    }

    // --- serialization matches the schemas ---------------------------------------------------

    #[test]
    fn user_message_serializes_as_the_schema_says() {
        let json = serde_json::to_string(&[InputMessage::user("hi")]).unwrap();
        assert_eq!(
            json,
            r#"[{"role":"user","parts":[{"type":"text","content":"hi"}]}]"#
        );
        let system = serde_json::to_string(&InputMessage::system("Be brief.")).unwrap();
        assert_eq!(
            system,
            r#"{"role":"system","parts":[{"type":"text","content":"Be brief."}]}"#
        );
        let named = serde_json::to_string(&InputMessage::assistant("ok").with_name("bot")).unwrap();
        assert_eq!(
            named,
            r#"{"role":"assistant","parts":[{"type":"text","content":"ok"}],"name":"bot"}"#
        );
    }

    #[test]
    fn output_message_has_its_finish_reason() {
        let json = serde_json::to_string(&[OutputMessage::assistant(
            "The weather in Paris is rainy.",
            FinishReason::Stop,
        )])
        .unwrap();
        assert_eq!(
            json,
            r#"[{"role":"assistant","parts":[{"type":"text","content":"The weather in Paris is rainy."}],"finish_reason":"stop"}]"#
        );
        let tool = OutputMessage::new(
            Role::Assistant,
            vec![Part::tool_call("c1", "f", json!({}))],
            FinishReason::ToolCall,
        );
        assert_eq!(
            serde_json::to_string(&tool).unwrap(),
            r#"{"role":"assistant","parts":[{"type":"tool_call","id":"c1","name":"f","arguments":{}}],"finish_reason":"tool_call"}"#
        );
    }

    #[test]
    fn every_part_serializes_as_the_schema_says() {
        let expected = [
            r#"{"type":"text","content":"Hello"}"#,
            r#"{"type":"reasoning","content":"The user greets."}"#,
            r#"{"type":"tool_call","id":"call_1","name":"get_weather","arguments":{"location":"Paris"}}"#,
            r#"{"type":"tool_call","name":"now"}"#,
            r#"{"type":"tool_call_response","id":"call_1","response":{"conditions":"rainy"}}"#,
            r#"{"type":"server_tool_call","id":"srv_1","name":"web_search","server_tool_call":{"query":"paris","type":"web_search"}}"#,
            r#"{"type":"server_tool_call_response","server_tool_call_response":{"results":[],"type":"web_search"}}"#,
            r#"{"type":"blob","mime_type":"image/png","modality":"image","content":"iVBORw=="}"#,
            r#"{"type":"blob","modality":"hologram","content":"AAAA"}"#,
            r#"{"type":"file","modality":"audio","file_id":"file-123"}"#,
            r#"{"type":"uri","mime_type":"video/mp4","modality":"video","uri":"https://example.com/v.mp4"}"#,
            r#"{"type":"citation","url":"https://example.com"}"#,
        ];
        let parts = every_part();
        assert_eq!(parts.len(), expected.len());
        for (part, expected) in parts.iter().zip(expected) {
            assert_eq!(serde_json::to_string(part).unwrap(), expected);
            let back: Part = serde_json::from_str(expected).unwrap();
            assert_eq!(&back, part, "{expected}");
        }
    }

    #[test]
    fn tool_call_response_takes_any_json() {
        let part = Part::tool_call_response("call_1", "rainy, 57°F");
        assert_eq!(
            serde_json::to_string(&part).unwrap(),
            r#"{"type":"tool_call_response","id":"call_1","response":"rainy, 57°F"}"#
        );
        let message = InputMessage::tool_response("call_2", json!([1, 2]));
        assert_eq!(
            serde_json::to_string(&message).unwrap(),
            r#"{"role":"tool","parts":[{"type":"tool_call_response","id":"call_2","response":[1,2]}]}"#
        );
    }

    #[test]
    fn generic_part_never_writes_type_twice() {
        let mut part = GenericPart::new("citation");
        part.fields.insert("type".into(), json!("other"));
        part.fields.insert("n".into(), json!(1));
        assert_eq!(
            serde_json::to_string(&Part::Generic(part)).unwrap(),
            r#"{"type":"citation","n":1}"#
        );
        let unknown: Part = serde_json::from_str(r#"{"type":"video_frame","t":3}"#).unwrap();
        assert_eq!(
            unknown,
            Part::Generic(GenericPart::new("video_frame").with_field("t", 3))
        );
    }

    #[test]
    fn open_enums_take_known_and_custom_values() {
        for (role, text) in [
            (Role::System, "system"),
            (Role::User, "user"),
            (Role::Assistant, "assistant"),
            (Role::Tool, "tool"),
            (Role::Other("critic".into()), "critic"),
        ] {
            assert_eq!(serde_json::to_string(&role).unwrap(), format!("\"{text}\""));
            assert_eq!(
                serde_json::from_str::<Role>(&format!("\"{text}\"")).unwrap(),
                role
            );
            assert_eq!(Role::from(text), role);
            assert_eq!(Role::from(text.to_owned()), role);
            assert_eq!(role.as_str(), text);
            assert_eq!(role.to_string(), text);
        }
        for (reason, text) in [
            (FinishReason::Stop, "stop"),
            (FinishReason::Length, "length"),
            (FinishReason::ContentFilter, "content_filter"),
            (FinishReason::ToolCall, "tool_call"),
            (FinishReason::Error, "error"),
            (FinishReason::Other("max_tokens".into()), "max_tokens"),
        ] {
            assert_eq!(
                serde_json::to_string(&reason).unwrap(),
                format!("\"{text}\"")
            );
            let back: FinishReason = serde_json::from_str(&format!("\"{text}\"")).unwrap();
            assert_eq!(back, reason);
            assert_eq!(FinishReason::from(text), reason);
        }
        for (modality, text) in [
            (Modality::Image, "image"),
            (Modality::Video, "video"),
            (Modality::Audio, "audio"),
            (Modality::Other("haptic".into()), "haptic"),
        ] {
            assert_eq!(
                serde_json::to_string(&modality).unwrap(),
                format!("\"{text}\"")
            );
            assert_eq!(Modality::from(text), modality);
        }
    }

    #[test]
    fn tool_definitions_and_retrieval_documents_serialize_as_the_schemas_say() {
        let tools = [
            ToolDefinition::function("get_weather")
                .with_description("Weather of a city")
                .with_parameters(json!({"type": "object", "required": ["city"]})),
            ToolDefinition::function("now"),
            ToolDefinition {
                kind: "web_search".into(),
                name: "search".into(),
                description: None,
                parameters: None,
            },
        ];
        assert_eq!(
            serde_json::to_string(&tools).unwrap(),
            r#"[{"type":"function","name":"get_weather","description":"Weather of a city","parameters":{"required":["city"],"type":"object"}},{"type":"function","name":"now"},{"type":"web_search","name":"search"}]"#
        );
        let documents = vec![
            RetrievalDocument::new("doc_123", 0.95),
            RetrievalDocument::new("doc_456", 1.0),
        ];
        assert_eq!(
            documents.to_content_json(DEFAULT),
            r#"[{"id":"doc_123","score":0.95},{"id":"doc_456","score":1.0}]"#
        );
        assert_valid(&schema("gen-ai-tool-definitions.json"), &json!(tools));
        assert_valid(
            &schema("gen-ai-retrieval-documents.json"),
            &serde_json::to_value(&documents).unwrap(),
        );
    }

    #[test]
    fn registry_examples_round_trip() {
        let output = r#"[{"role":"assistant","parts":[{"type":"text","content":"The weather in Paris is currently rainy with a temperature of 57°F."}],"finish_reason":"stop"}]"#;
        let messages: Vec<OutputMessage> = serde_json::from_str(output).unwrap();
        assert_eq!(messages.to_content_json(DEFAULT), output);

        // The registry's input example answers the tool call with `result`, not the schema's
        // `response`: it still reads, as a generic part, and is written back unchanged.
        let input = r#"[{"role":"user","parts":[{"type":"text","content":"Weather in Paris?"}]},{"role":"assistant","parts":[{"type":"tool_call","id":"call_VSPygqKTWdrhaFErNvMV18Yl","name":"get_weather","arguments":{"location":"Paris"}}]},{"role":"tool","parts":[{"type":"tool_call_response","id":" call_VSPygqKTWdrhaFErNvMV18Yl","result":"rainy, 57°F"}]}]"#;
        let messages: Vec<InputMessage> = serde_json::from_str(input).unwrap();
        assert!(matches!(messages[2].parts[0], Part::Generic(_)));
        assert_eq!(messages.to_content_json(DEFAULT), input);

        let instructions = r#"[{"type":"text","content":"You are a language translator."},{"type":"text","content":"Your mission is to translate text in English to French."}]"#;
        let parts: Vec<Part> = serde_json::from_str(instructions).unwrap();
        assert_eq!(parts.to_content_json(DEFAULT), instructions);
    }

    #[test]
    fn base64_matches_rfc_4648_vectors() {
        for (data, encoded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(data.as_bytes()), encoded);
        }
        assert_eq!(base64(&[0xFB, 0xFF, 0xBF]), "+/+/");
    }

    // --- validation against the schema files -------------------------------------------------

    #[test]
    fn messages_validate_against_the_schemas() {
        let input = schema("gen-ai-input-messages.json");
        assert_valid(&input, &serde_json::to_value(sample_input()).unwrap());
        let output = schema("gen-ai-output-messages.json");
        assert_valid(&output, &serde_json::to_value(sample_output()).unwrap());
        let system = schema("gen-ai-system-instructions.json");
        let instructions: Vec<Part> = every_part()
            .into_iter()
            .filter(|p| {
                !matches!(
                    p,
                    Part::ServerToolCall { .. } | Part::ServerToolCallResponse { .. }
                )
            })
            .collect();
        assert_valid(&system, &serde_json::to_value(instructions).unwrap());

        // The validator does check: no finish reason, no role, a part without its content.
        assert!(!output.is_valid(&json!([{"role": "assistant", "parts": []}])));
        assert!(!input.is_valid(&json!([{"parts": []}])));
        assert!(!input.is_valid(&json!([{"role": "user", "parts": [{"content": "x"}]}])));
        assert!(!system.is_valid(&json!({"type": "text", "content": "x"})));
    }

    #[test]
    fn truncated_content_still_validates_at_every_limit() {
        let input_schema = schema("gen-ai-input-messages.json");
        let output_schema = schema("gen-ai-output-messages.json");
        let input = sample_input();
        let output = sample_output();
        let input_len = serde_json::to_string(&input).unwrap().len();
        for max in (0..=input_len + 10).step_by(7) {
            let json = input.to_content_json(max);
            let value = parse_within(&json, max.max(2));
            assert_valid(&input_schema, &value);
            let json = output.to_content_json(max);
            let value = parse_within(&json, max.max(2));
            assert_valid(&output_schema, &value);
        }
    }

    // --- truncation ---------------------------------------------------------------------------

    #[test]
    fn content_that_fits_is_serde_json_output() {
        let input = sample_input();
        let expected = serde_json::to_string(&input).unwrap();
        assert_eq!(input.to_content_json(expected.len()), expected);
        assert_eq!(input.as_slice().to_content_json(DEFAULT), expected);
        assert_eq!((&&input).to_content_json(DEFAULT), expected);
        let output = sample_output();
        assert_eq!(
            output.to_content_json(DEFAULT),
            serde_json::to_string(&output).unwrap()
        );
    }

    #[test]
    fn the_tree_writes_json_exactly_as_serde_json() {
        let value = json!({
            "escapes": "\u{0}\u{1}\u{1f}\"\\\n\t\r\u{8}\u{c}/\u{7f}é日本🎉",
            "numbers": [0, -1, u64::MAX, i64::MIN, 1.5, 1e300, -0.0, 0.1, 2.5e-8],
            "literals": [true, false, null],
            "nested": {"empty": [], "object": {}},
            "\"key\n": "x"
        });
        let expected = serde_json::to_string(&value).unwrap();
        assert_eq!(value.to_content_json(DEFAULT), expected);
        let parsed: Node<'_> = serde_json::from_str(&expected).unwrap();
        let mut parsed = parsed;
        annotate(&mut parsed, Caps::NONE);
        assert_eq!(parsed.full, expected.len());
        assert_eq!(render(&parsed, Caps::NONE, 0), expected);
    }

    #[test]
    fn longest_strings_are_shortened_first_with_a_marker() {
        let long = "Weather? ".repeat(5_000);
        let input = vec![
            InputMessage::system("Be brief."),
            InputMessage::new(
                Role::User,
                vec![
                    Part::text("short before"),
                    Part::text(long.clone()),
                    Part::text("short after"),
                ],
            ),
        ];
        let max = 2_000;
        let json = input.to_content_json(max);
        let value = parse_within(&json, max);
        assert!(json.len() > max - 8, "room left unused: {}", json.len());
        assert_eq!(value[0]["role"], "system");
        assert_eq!(text_of(&value[0], 0), "Be brief.");
        assert_eq!(value[1]["role"], "user");
        assert_eq!(text_of(&value[1], 0), "short before");
        assert_eq!(text_of(&value[1], 2), "short after");
        let cut = text_of(&value[1], 1);
        assert!(cut.ends_with(TRUNCATION_MARKER), "{cut}");
        assert!(long.starts_with(strip_marker(cut)));
    }

    #[test]
    fn strings_share_the_room_evenly() {
        let parts: Vec<Part> = (0..4)
            .map(|i| {
                Part::text(
                    char::from(b'a' + i)
                        .to_string()
                        .repeat(1_000 * (usize::from(i) + 1)),
                )
            })
            .collect();
        let json = parts.to_content_json(1_000);
        let value = parse_within(&json, 1_000);
        let lens: Vec<usize> = (0..4)
            .map(|i| value[i]["content"].as_str().unwrap().len())
            .collect();
        assert!(lens.iter().all(|&l| l.abs_diff(lens[0]) <= 1), "{lens:?}");
        assert!(lens[0] > 200, "{lens:?}");
    }

    #[test]
    fn identifiers_are_kept_while_payloads_are_shortened() {
        let name = "get_weather_for_a_city_and_a_date_range_please";
        let id = "call_VSPygqKTWdrhaFErNvMV18Yl_and_some_more_text";
        let parts = vec![
            Part::tool_call(id, name, json!({"query": "q".repeat(10_000), "n": 3})),
            Part::tool_call_response(id, "r".repeat(10_000)),
        ];
        let json = parts.to_content_json(400);
        let value = parse_within(&json, 400);
        assert_eq!(value[0]["type"], "tool_call");
        assert_eq!(value[0]["id"], id);
        assert_eq!(value[0]["name"], name);
        assert_eq!(value[0]["arguments"]["n"], 3);
        assert!(
            value[0]["arguments"]["query"]
                .as_str()
                .unwrap()
                .ends_with(TRUNCATION_MARKER)
        );
        assert_eq!(value[1]["type"], "tool_call_response");
        assert_eq!(value[1]["id"], id);
        assert!(
            value[1]["response"]
                .as_str()
                .unwrap()
                .ends_with(TRUNCATION_MARKER)
        );
    }

    #[test]
    fn multibyte_text_is_cut_on_char_boundaries() {
        let text = "é日本🎉 \"quoted\"\n\ttab\u{1}\\ ".repeat(200);
        let input = [InputMessage::user(text.clone())];
        let mut shortened = 0;
        for max in 40..600 {
            let json = input.to_content_json(max);
            let value = parse_within(&json, max.max(2));
            let Some(message) = value.as_array().unwrap().first() else {
                assert!(max < 64, "nothing kept at {max}");
                continue;
            };
            assert_eq!(message["role"], "user", "{json}");
            let Some(content) = message["parts"][0]["content"].as_str() else {
                assert!(max < 64, "no part at {max}: {json}");
                continue;
            };
            assert!(content.ends_with(TRUNCATION_MARKER));
            assert!(text.starts_with(strip_marker(content)), "{content:?}");
            shortened += 1;
        }
        assert!(shortened > 500);
    }

    #[test]
    fn trailing_messages_are_dropped_when_shortening_is_not_enough() {
        let input: Vec<InputMessage> = (0..10_000)
            .map(|i| {
                InputMessage::user(format!(
                    "message {i:05}: lorem ipsum dolor sit amet, consectetur adipiscing elit"
                ))
            })
            .collect();
        let start = Instant::now();
        let json = input.to_content_json(DEFAULT);
        let elapsed = start.elapsed();
        assert!(elapsed < Duration::from_secs(10), "{elapsed:?}");
        let value = parse_within(&json, DEFAULT);
        assert!(json.len() > DEFAULT - 100);
        let kept = value.as_array().unwrap();
        assert!(kept.len() > 100 && kept.len() < 10_000, "{}", kept.len());
        for (i, message) in kept.iter().enumerate() {
            assert_eq!(message["role"], "user");
            let content = strip_marker(text_of(message, 0));
            assert!(content.starts_with(&format!("message {i:05}")), "{content}");
            assert!(content.len() >= SHORTEST_CUT, "{content}");
        }
    }

    #[test]
    fn trailing_parts_of_one_huge_message_are_dropped() {
        let parts: Vec<Part> = (0..10_000)
            .map(|i| Part::text(format!("part {i:05} with some words in it, and more words")))
            .collect();
        let input = vec![
            InputMessage::new(Role::User, parts).with_name("alice"),
            InputMessage::user("after"),
        ];
        let json = input.to_content_json(DEFAULT);
        let value = parse_within(&json, DEFAULT);
        let messages = value.as_array().unwrap();
        assert_eq!(messages.len(), 1);
        assert_eq!(messages[0]["role"], "user");
        assert_eq!(messages[0]["name"], "alice");
        let parts = messages[0]["parts"].as_array().unwrap();
        assert!(parts.len() > 100 && parts.len() < 10_000, "{}", parts.len());
        for (i, part) in parts.iter().enumerate() {
            assert_eq!(part["type"], "text");
            let content = part["content"].as_str().unwrap();
            assert!(content.starts_with(&format!("part {i:05}")), "{content}");
        }
    }

    #[test]
    fn required_keys_stay_after_a_cut() {
        // The cut falls inside `parts`: the finish reason after it is still there.
        let output = [OutputMessage::new(
            Role::Assistant,
            (0..50)
                .map(|i| Part::text(format!("{i} ").repeat(40)))
                .collect(),
            FinishReason::Length,
        )];
        for max in [120, 300, 1_000] {
            let json = output.to_content_json(max);
            let value = parse_within(&json, max);
            assert_eq!(value[0]["finish_reason"], "length", "{json}");
            assert_eq!(value[0]["role"], "assistant");
        }
    }

    #[test]
    fn ten_megabytes_of_text_are_handled_fast() {
        let text = "lorem ipsum é ".repeat(10 * 1024 * 1024 / 15);
        assert!(text.len() > 9_000_000);
        let start = Instant::now();
        let input = [InputMessage::user(text.as_str())];
        let json = input.to_content_json(DEFAULT);
        let value = Value::String(text.clone());
        let from_value = value.to_content_json(DEFAULT);
        let from_str = text.to_content_json(DEFAULT);
        let elapsed = start.elapsed();
        assert!(elapsed < Duration::from_secs(20), "{elapsed:?}");

        let parsed = parse_within(&json, DEFAULT);
        assert!(json.len() > DEFAULT - 8);
        assert!(text.starts_with(strip_marker(text_of(&parsed[0], 0))));
        for json in [from_value, from_str] {
            let parsed = parse_within(&json, DEFAULT);
            assert!(json.len() > DEFAULT - 8);
            assert!(text.starts_with(strip_marker(parsed.as_str().unwrap())));
        }
    }

    #[test]
    fn deep_values_are_capped_without_overflowing_the_stack() {
        let deep = deep_array(100_000);
        let json = deep.to_content_json(DEFAULT);
        let mut value = parse_within(&json, DEFAULT);
        let mut depth = 0;
        while let Value::Array(mut items) = value {
            assert_eq!(items.len(), 1);
            value = items.pop().unwrap();
            depth += 1;
        }
        assert_eq!(depth, MAX_JSON_DEPTH);
        assert_eq!(value, TRUNCATION_MARKER);

        // Inside a part, and through plain serde_json, as well.
        let part = Part::tool_call("c", "f", deep);
        let json = serde_json::to_string(&part).unwrap();
        assert!(json.ends_with(&format!(
            "\"{TRUNCATION_MARKER}\"{}}}",
            "]".repeat(MAX_JSON_DEPTH)
        )));
        let input = vec![InputMessage::new(Role::Assistant, vec![part])];
        let json = input.to_content_json(200);
        parse_within(&json, 200);
        for message in input {
            for part in message.parts {
                if let Part::ToolCall {
                    arguments: Some(arguments),
                    ..
                } = part
                {
                    drop_deep(arguments);
                }
            }
        }

        // Deep JSON text is recorded as a string rather than parsed.
        let text = "[".repeat(10_000) + &"]".repeat(10_000);
        let json = text.to_content_json(100);
        assert!(parse_within(&json, 100).is_string());
    }

    #[test]
    fn tiny_limits_give_the_empty_value_of_the_same_kind() {
        let input = sample_input();
        for max in [0, 1, 2] {
            assert_eq!(input.to_content_json(max), "[]");
            assert_eq!(json!({"a": "b"}).to_content_json(max), "{}");
            assert_eq!("some text".to_content_json(max), "\"\"");
            assert_eq!(json!(12345).to_content_json(max), "null");
        }
        assert_eq!(json!(12345).to_content_json(5), "12345");
        assert_eq!(Vec::<InputMessage>::new().to_content_json(0), "[]");
        assert_eq!("some text".to_content_json(8), r#""som…""#);
        // A key longer than the limit cannot be shortened: the object is dropped.
        let wide = json!([{"k".repeat(500): 1}]);
        assert_eq!(wide.to_content_json(100), "[]");
    }

    #[test]
    fn at_64_bytes_one_short_message_is_left() {
        let input = [
            InputMessage::user("Hello there, what is the weather like in Paris today?"),
            InputMessage::assistant("Rainy."),
        ];
        let json = input.to_content_json(64);
        assert_eq!(
            json,
            r#"[{"role":"user","parts":[{"type":"text","content":"Hello…"}]}]"#
        );
        // Too small for a part: the message is left without.
        let json = input.to_content_json(50);
        assert_eq!(json, r#"[{"role":"user","parts":[]}]"#);
        let json = input.to_content_json(27);
        assert_eq!(json, "[]");
    }

    #[test]
    fn a_huge_role_is_cut_rather_than_the_message_dropped() {
        let input = [InputMessage::new(
            Role::Other("r".repeat(10_000)),
            vec![Part::text("hi")],
        )];
        let json = input.to_content_json(200);
        let value = parse_within(&json, 200);
        let role = value[0]["role"].as_str().unwrap();
        assert_eq!(
            role,
            format!("{}{TRUNCATION_MARKER}", "r".repeat(SHORTEST_CUT))
        );
        assert_eq!(text_of(&value[0], 0), "hi");
    }

    #[test]
    fn strings_record_json_text_as_json() {
        assert_eq!(
            r#" {"location": "Paris", "days": [1, 2]} "#.to_content_json(DEFAULT),
            r#"{"location":"Paris","days":[1,2]}"#
        );
        assert_eq!("[1, 2]".to_string().to_content_json(DEFAULT), "[1,2]");
        assert_eq!("plain text".to_content_json(DEFAULT), r#""plain text""#);
        assert_eq!("{not json".to_content_json(DEFAULT), r#""{not json""#);
        assert_eq!("42".to_content_json(DEFAULT), r#""42""#);
        assert_eq!("say \"hi\"\n".to_content_json(DEFAULT), r#""say \"hi\"\n""#);
        // Key order is kept, unlike through serde_json::Value.
        assert_eq!(
            r#"{"z": 1, "a": 2}"#.to_content_json(DEFAULT),
            r#"{"z":1,"a":2}"#
        );
        let long = format!(r#"{{"query": "{}", "limit": 10}}"#, "x".repeat(1_000));
        let json = long.to_content_json(100);
        let value = parse_within(&json, 100);
        assert_eq!(value["limit"], 10);
        assert!(
            value["query"]
                .as_str()
                .unwrap()
                .ends_with(TRUNCATION_MARKER)
        );
    }

    #[test]
    fn values_keep_their_shape() {
        let result = json!({
            "temperature_range": {"high": 75, "low": 60},
            "conditions": "sunny ".repeat(1_000),
            "readings": (0..1_000).collect::<Vec<_>>(),
        });
        let json = result.to_content_json(500);
        let value = parse_within(&json, 500);
        assert_eq!(value["temperature_range"]["high"], 75);
        assert!(
            value["conditions"]
                .as_str()
                .unwrap()
                .ends_with(TRUNCATION_MARKER)
        );
        let readings = value["readings"].as_array().unwrap();
        for (i, reading) in readings.iter().enumerate() {
            assert_eq!(reading, i);
        }
        assert!(readings.len() < 1_000);
    }

    /// Whether `out` is `orig` with strings shortened (with the marker) and trailing array
    /// items dropped, and nothing else changed.
    fn is_reduction(out: &Value, orig: &Value) -> bool {
        match (out, orig) {
            (Value::String(o), Value::String(r)) => {
                o == r || (o.ends_with(TRUNCATION_MARKER) && r.starts_with(strip_marker(o)))
            }
            (Value::Array(o), Value::Array(r)) => {
                o.len() <= r.len() && o.iter().zip(r).all(|(o, r)| is_reduction(o, r))
            }
            (Value::Object(o), Value::Object(r)) => {
                o.len() == r.len()
                    && o.iter()
                        .all(|(k, o)| r.get(k).is_some_and(|r| is_reduction(o, r)))
            }
            (o, r) => o == r,
        }
    }

    struct Lcg(u64);

    impl Lcg {
        fn next(&mut self, bound: usize) -> usize {
            self.0 = self
                .0
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            ((self.0 >> 33) as usize) % bound
        }

        fn text(&mut self) -> String {
            const CHARS: [&str; 10] = ["a", "b", " ", "é", "日", "🎉", "\"", "\n", "\u{1}", "\\"];
            let len = [0, 1, 5, 40, 300][self.next(5)];
            (0..len).map(|_| CHARS[self.next(CHARS.len())]).collect()
        }

        fn value(&mut self, depth: usize) -> Value {
            const KEYS: [&str; 8] = ["type", "role", "content", "id", "k", "é", "name", "x"];
            match self.next(if depth == 0 { 4 } else { 7 }) {
                0 => Value::Null,
                1 => json!(self.next(1_000_000)),
                2 | 3 => Value::String(self.text()),
                4 | 5 => (0..self.next(7)).map(|_| self.value(depth - 1)).collect(),
                _ => Value::Object(
                    (0..self.next(5))
                        .map(|_| {
                            (
                                KEYS[self.next(KEYS.len())].to_owned(),
                                self.value(depth - 1),
                            )
                        })
                        .collect(),
                ),
            }
        }
    }

    #[test]
    fn random_values_shrink_to_valid_reductions_within_the_limit() {
        let mut rng = Lcg(7);
        for _ in 0..400 {
            let value = rng.value(5);
            let whole = serde_json::to_string(&value).unwrap();
            for _ in 0..8 {
                let max = rng.next(whole.len() + 20);
                let json = value.to_content_json(max);
                let empty = Node::from_value(&value, MAX_JSON_DEPTH).empty_json();
                let out = parse_within(&json, max.max(empty.len()));
                assert!(
                    is_reduction(&out, &value) || json == empty,
                    "{max}: {json}\nfrom {whole}"
                );
                if max >= whole.len() {
                    assert_eq!(json, whole);
                }
                // The same through JSON text and through serialization.
                if value.is_array() || value.is_object() {
                    assert_eq!(whole.to_content_json(max), json);
                }
                assert_eq!(to_json_truncated(&value, max), json);
            }
        }
    }

    #[test]
    fn any_serializable_value_is_accepted() {
        #[derive(Serialize)]
        struct Custom {
            notes: Vec<String>,
        }
        let custom = Custom {
            notes: vec!["n".repeat(300); 3],
        };
        let json = to_json_truncated(&custom, 200);
        let value = parse_within(&json, 200);
        assert_eq!(value["notes"].as_array().unwrap().len(), 3);
        assert_eq!(to_json_truncated(&1.5, 10), "1.5");
    }
}
