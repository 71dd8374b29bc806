//! `#[derive(CommonAttributes)]`: reading identifiers from headers, writing them back, and the
//! span attributes, log fields and metric dimensions they become.
#![cfg(feature = "sdk")]

use telemetry_runtime::CommonAttributes;
use telemetry_runtime::opentelemetry::KeyValue;
use telemetry_runtime::scope::{CommonAttributesErrorKind, DEFAULT_MAX_VALUE_LEN, HeaderMap};

#[derive(Clone, Debug, PartialEq, CommonAttributes)]
struct Ids {
    #[attr(key = "gen_ai.agent.id")]
    assistant_id: String,
    #[attr(metric, key = "app.channel.id")]
    channel_id: String,
    #[attr(key = "session.id")]
    session_id: Option<String>,
    #[attr(header = "X-User", key = "enduser.id")]
    user_id: Option<String>,
}

#[derive(Clone, Debug, PartialEq, CommonAttributes)]
#[common_attributes(prefix = "x-acme-", namespace = "acme")]
struct Prefixed {
    tenant_id: String,
    #[attr(header = "x-region")]
    region: Option<String>,
}

fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        map.append(*name, value.parse().unwrap());
    }
    map
}

fn full() -> HeaderMap {
    headers(&[
        ("x-assistant-id", "asst-1"),
        ("x-channel-id", "web"),
        ("x-session-id", "sess-9"),
        ("x-user", "u-42"),
    ])
}

#[test]
fn parses_every_field() {
    let ids = Ids::from_headers(&full()).unwrap();
    assert_eq!(
        ids,
        Ids {
            assistant_id: "asst-1".into(),
            channel_id: "web".into(),
            session_id: Some("sess-9".into()),
            user_id: Some("u-42".into()),
        }
    );
}

#[test]
fn optional_absent_is_none() {
    let ids = Ids::from_headers(&headers(&[
        ("x-assistant-id", "asst-1"),
        ("x-channel-id", "web"),
    ]))
    .unwrap();
    assert_eq!(ids.session_id, None);
    assert_eq!(ids.user_id, None);
}

#[test]
fn missing_required_names_the_header() {
    let err = Ids::from_headers(&headers(&[("x-assistant-id", "asst-1")])).unwrap_err();
    assert_eq!(err.kind(), &CommonAttributesErrorKind::Missing);
    assert_eq!(err.header(), "x-channel-id");
    assert_eq!(err.to_string(), "missing required header `x-channel-id`");
}

#[test]
fn control_characters_are_rejected() {
    let mut map = full();
    map.insert("x-session-id", "a\tb".parse().unwrap());
    let err = Ids::from_headers(&map).unwrap_err();
    assert_eq!(err.header(), "x-session-id");
    assert_eq!(
        err.kind(),
        &CommonAttributesErrorKind::ControlCharacter { index: 1 }
    );
}

#[test]
fn too_long_is_rejected() {
    let mut map = full();
    let long = "a".repeat(DEFAULT_MAX_VALUE_LEN + 1);
    map.insert("x-assistant-id", long.parse().unwrap());
    let err = Ids::from_headers(&map).unwrap_err();
    assert_eq!(err.header(), "x-assistant-id");
    assert_eq!(
        err.kind(),
        &CommonAttributesErrorKind::TooLong {
            len: DEFAULT_MAX_VALUE_LEN + 1,
            max: DEFAULT_MAX_VALUE_LEN
        }
    );
    // At the cap exactly: accepted.
    map.insert(
        "x-assistant-id",
        "a".repeat(DEFAULT_MAX_VALUE_LEN).parse().unwrap(),
    );
    assert!(Ids::from_headers(&map).is_ok());
}

#[test]
fn empty_and_repeated_are_rejected() {
    let mut map = full();
    map.insert("x-channel-id", " ".parse().unwrap());
    assert_eq!(
        Ids::from_headers(&map).unwrap_err().kind(),
        &CommonAttributesErrorKind::Empty
    );
    let mut map = full();
    map.append("x-user", "u-43".parse().unwrap());
    let err = Ids::from_headers(&map).unwrap_err();
    assert_eq!(err.header(), "x-user");
    assert_eq!(err.kind(), &CommonAttributesErrorKind::Repeated);
}

#[test]
fn to_headers_round_trips() {
    let ids = Ids::from_headers(&full()).unwrap();
    let mut out = HeaderMap::new();
    ids.to_headers(&mut out);
    assert_eq!(out, full());
    assert_eq!(Ids::from_headers(&out).unwrap(), ids);

    // Absent optional values are not written; existing values are replaced.
    let partial = Ids {
        session_id: None,
        user_id: None,
        ..ids
    };
    let mut out = headers(&[("x-assistant-id", "old"), ("x-session-id", "keep")]);
    partial.to_headers(&mut out);
    assert_eq!(out["x-assistant-id"], "asst-1");
    assert_eq!(out["x-session-id"], "keep");
    assert!(out.get("x-user").is_none());
    assert_eq!(out.len(), 3);
}

#[test]
fn prefix_and_header_override() {
    let map = headers(&[("x-acme-tenant-id", "t-1"), ("x-region", "eu")]);
    let p = Prefixed::from_headers(&map).unwrap();
    assert_eq!(p.tenant_id, "t-1");
    assert_eq!(p.region.as_deref(), Some("eu"));
    let err = Prefixed::from_headers(&headers(&[("x-tenant-id", "t-1")])).unwrap_err();
    assert_eq!(err.header(), "x-acme-tenant-id");
    let mut out = HeaderMap::new();
    p.to_headers(&mut out);
    assert_eq!(out, map);
}

#[test]
fn namespace_names_every_key() {
    let map = headers(&[("x-acme-tenant-id", "t-1"), ("x-region", "eu")]);
    let p = Prefixed::from_headers(&map).unwrap();
    assert_eq!(
        p.attributes(),
        vec![
            KeyValue::new("acme.tenant_id", "t-1"),
            KeyValue::new("acme.region", "eu"),
        ]
    );
    // The log fields keep the field names.
    assert_eq!(
        p.log_fields()
            .iter()
            .map(|(name, _)| *name)
            .collect::<Vec<_>>(),
        ["tenant_id", "region"]
    );
}

#[test]
fn attributes_of_present_fields() {
    let ids = Ids::from_headers(&full()).unwrap();
    assert_eq!(
        ids.attributes(),
        vec![
            KeyValue::new("gen_ai.agent.id", "asst-1"),
            KeyValue::new("app.channel.id", "web"),
            KeyValue::new("session.id", "sess-9"),
            KeyValue::new("enduser.id", "u-42"),
        ]
    );
    let ids = Ids {
        session_id: None,
        user_id: None,
        ..ids
    };
    assert_eq!(
        ids.attributes(),
        vec![
            KeyValue::new("gen_ai.agent.id", "asst-1"),
            KeyValue::new("app.channel.id", "web"),
        ]
    );
}

#[test]
fn log_fields_are_field_names() {
    let ids = Ids::from_headers(&full()).unwrap();
    assert_eq!(
        ids.log_fields(),
        vec![
            ("assistant_id", "asst-1".to_owned()),
            ("channel_id", "web".to_owned()),
            ("session_id", "sess-9".to_owned()),
            ("user_id", "u-42".to_owned()),
        ]
    );
    let ids = Ids {
        session_id: None,
        ..ids
    };
    assert_eq!(
        ids.log_fields()
            .iter()
            .map(|(name, _)| *name)
            .collect::<Vec<_>>(),
        ["assistant_id", "channel_id", "user_id"]
    );
}

#[test]
fn metric_dimensions_only_marked_fields() {
    let ids = Ids::from_headers(&full()).unwrap();
    assert_eq!(
        ids.metric_dimensions(),
        vec![KeyValue::new("app.channel.id", "web")]
    );
    let p = Prefixed::from_headers(&headers(&[("x-acme-tenant-id", "t-1")])).unwrap();
    assert!(p.metric_dimensions().is_empty());
}

#[tokio::test]
async fn works_in_a_scope() {
    let ids = Ids::from_headers(&full()).unwrap();
    let seen = telemetry_runtime::scope::with(ids.clone(), async {
        telemetry_runtime::scope::current::<Ids>()
    })
    .await;
    assert_eq!(seen, Some(ids));
}

mod baggage {
    use super::*;
    use telemetry_runtime::propagation::{Baggage, BaggageMember};
    use telemetry_runtime::scope::Carrier;

    #[test]
    fn to_baggage_writes_attribute_keys_and_keeps_other_members() {
        let ids = Ids::from_headers(&full()).unwrap();
        let mut baggage = Baggage::parse("tenant=acme,gen_ai.agent.id=stale");
        ids.to_baggage(&mut baggage);
        assert_eq!(
            baggage.to_header(),
            "tenant=acme,gen_ai.agent.id=asst-1,app.channel.id=web,session.id=sess-9,enduser.id=u-42"
        );
    }

    #[test]
    fn absent_optional_values_are_not_written() {
        let ids = Ids::from_headers(&headers(&[
            ("x-assistant-id", "asst-1"),
            ("x-channel-id", "web"),
        ]))
        .unwrap();
        let mut baggage = Baggage::new();
        ids.to_baggage(&mut baggage);
        assert_eq!(
            baggage.to_header(),
            "gen_ai.agent.id=asst-1,app.channel.id=web"
        );
    }

    #[test]
    fn round_trips_through_the_header_with_percent_encoding() {
        let ids = Ids {
            assistant_id: "asst 1,=%".into(),
            channel_id: "web".into(),
            session_id: None,
            user_id: Some("ü".into()),
        };
        let mut baggage = Baggage::new();
        ids.to_baggage(&mut baggage);
        let header = baggage.to_header();
        assert!(
            header.starts_with("gen_ai.agent.id=asst%201%2C%3D%25,"),
            "{header}"
        );
        let parsed = Baggage::parse(&header);
        assert_eq!(Ids::from_baggage(&parsed).unwrap(), ids);
    }

    #[test]
    fn missing_member_is_a_baggage_error() {
        let err = Ids::from_baggage(&Baggage::parse("gen_ai.agent.id=a")).unwrap_err();
        assert_eq!(err.kind(), &CommonAttributesErrorKind::Missing);
        assert_eq!(err.carrier(), Carrier::Baggage);
        assert_eq!(err.header(), "app.channel.id");
        assert_eq!(
            err.to_string(),
            "missing required baggage member `app.channel.id`"
        );
    }

    #[test]
    fn hostile_members_are_typed_errors() {
        // A control character smuggled in through percent-encoding.
        let err = Ids::from_baggage(&Baggage::parse("gen_ai.agent.id=a%0Ab,app.channel.id=web"))
            .unwrap_err();
        assert_eq!(
            err.kind(),
            &CommonAttributesErrorKind::ControlCharacter { index: 1 }
        );
        assert_eq!(
            err.to_string(),
            "baggage member `gen_ai.agent.id` contains a control character at byte 1"
        );
        // The same key twice is ambiguous.
        let err = Ids::from_baggage(&Baggage::parse(
            "gen_ai.agent.id=a,gen_ai.agent.id=b,app.channel.id=w",
        ))
        .unwrap_err();
        assert_eq!(err.kind(), &CommonAttributesErrorKind::Repeated);
        // Too long.
        let long = "x".repeat(DEFAULT_MAX_VALUE_LEN + 1);
        let mut baggage = Baggage::parse("app.channel.id=web");
        baggage
            .push(BaggageMember::new("gen_ai.agent.id", long).unwrap())
            .unwrap();
        let err = Ids::from_baggage(&baggage).unwrap_err();
        assert!(matches!(
            err.kind(),
            CommonAttributesErrorKind::TooLong { .. }
        ));
        // Whitespace only.
        let err =
            Ids::from_baggage(&Baggage::parse("gen_ai.agent.id=%20,app.channel.id=w")).unwrap_err();
        assert_eq!(err.kind(), &CommonAttributesErrorKind::Empty);
    }

    #[test]
    fn a_hand_implementation_gets_a_clear_default_error() {
        #[derive(Clone)]
        struct Hand;
        impl telemetry_runtime::scope::CommonAttributes for Hand {
            fn from_headers(
                _: &HeaderMap,
            ) -> Result<Self, telemetry_runtime::scope::CommonAttributesError> {
                Ok(Hand)
            }
            fn to_headers(&self, _: &mut HeaderMap) {}
            fn attributes(&self) -> Vec<KeyValue> {
                vec![
                    KeyValue::new("app.tenant", "acme"),
                    KeyValue::new("app.n", 3),
                ]
            }
            fn log_fields(&self) -> Vec<(&'static str, String)> {
                Vec::new()
            }
        }
        let mut baggage = Baggage::new();
        Hand.to_baggage(&mut baggage);
        assert_eq!(baggage.to_header(), "app.tenant=acme"); // string attributes only
        let err = match Hand::from_baggage(&baggage) {
            Ok(_) => panic!("the default from_baggage must fail"),
            Err(err) => err,
        };
        assert!(
            err.to_string()
                .contains("does not implement `CommonAttributes::from_baggage`"),
            "{err}"
        );
    }
}
