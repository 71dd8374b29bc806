//! [`Messaging`]: the messaging system and destination of an event's span.

use std::borrow::Cow;

use opentelemetry::KeyValue;

/// The messaging system and destination a CloudEvent goes through, for the
/// `messaging.system` and `messaging.destination.name` attributes of its spans. Both are
/// optional: an event handled straight from HTTP has neither.
///
/// ```
/// use telemetry_runtime::cloudevents::Messaging;
///
/// let nats = Messaging::new().system("nats").destination("orders.created");
/// # let _ = nats;
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Messaging {
    system: Option<Cow<'static, str>>,
    destination: Option<String>,
}

impl Messaging {
    /// No system, no destination.
    pub fn new() -> Self {
        Self::default()
    }

    /// The messaging system, a `messaging.system` value of the conventions (`kafka`,
    /// `rabbitmq`, ...) or the lower-case name of another (`nats`, `redis`).
    pub fn system(mut self, system: impl Into<Cow<'static, str>>) -> Self {
        self.system = Some(system.into());
        self
    }

    /// The destination: a subject, topic or queue name. Keep it low-cardinality (a template
    /// rather than a name with ids in it), as backends group spans by it.
    pub fn destination(mut self, destination: impl Into<String>) -> Self {
        self.destination = Some(destination.into());
        self
    }

    /// Appends `messaging.system` and `messaging.destination.name` when set.
    pub(crate) fn attributes(&self, out: &mut Vec<KeyValue>) {
        if let Some(system) = &self.system {
            out.push(KeyValue::new("messaging.system", system.clone()));
        }
        if let Some(destination) = &self.destination {
            out.push(KeyValue::new(
                "messaging.destination.name",
                destination.clone(),
            ));
        }
    }
}
