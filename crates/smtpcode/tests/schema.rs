//! The JSON Schemas in `schema/` are what schemars generates from the record types (the serde
//! form every face prints), like the C header is what cbindgen generates. With
//! `SMTPCODE_BLESS=1` the files are rewritten; review the diff like a change of the API.

use std::path::PathBuf;

use smtpcode::Classification;
use smtpcode::bounce::Report;
use smtpcode::log::{Event, Suppression};

fn schema_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../schema")
}

/// Each shipped schema, by file name, freshly generated.
fn schemas() -> Vec<(&'static str, schemars::Schema)> {
    vec![
        (
            "classification.schema.json",
            schemars::schema_for!(Classification),
        ),
        ("bounce-report.schema.json", schemars::schema_for!(Report)),
        (
            "bounce-recipient.schema.json",
            schemars::schema_for!(smtpcode::bounce::Recipient),
        ),
        ("log-event.schema.json", schemars::schema_for!(Event)),
        (
            "suppression.schema.json",
            schemars::schema_for!(Suppression),
        ),
    ]
}

#[test]
fn schemas_are_up_to_date() {
    let bless = std::env::var_os("SMTPCODE_BLESS").is_some_and(|v| v == "1");
    let mut stale = Vec::new();
    for (name, schema) in schemas() {
        let path = schema_dir().join(name);
        let fresh = serde_json::to_string_pretty(&schema).unwrap() + "\n";
        if bless {
            std::fs::create_dir_all(schema_dir()).unwrap();
            std::fs::write(&path, &fresh).unwrap();
            continue;
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        if committed != fresh {
            stale.push(path.display().to_string());
        }
    }
    assert!(
        stale.is_empty(),
        "not what schemars generates from the types: {stale:?}\n\
         If the change of the JSON is intended, regenerate them with\n  \
         SMTPCODE_BLESS=1 cargo test -p smtpcode --test schema"
    );
}

/// The schema's properties are the keys of the serde form: a field added, renamed or
/// flattened in one and not the other is caught here, without a validator.
#[test]
fn schema_properties_are_the_serde_keys() {
    let c =
        smtpcode::classify("550 5.1.1 <a@example.com>: Recipient address rejected: User unknown");
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/data");
    let raw = std::fs::read(dir.join("bounces/postfix-dsn.eml")).unwrap();
    let report = smtpcode::bounce::parse(&raw).unwrap();
    let mut events = Vec::new();
    smtpcode::log::LogReader::new().read_line(
        b"Apr 21 10:02:11 mx1 postfix/smtp[2417]: 4BC1A3F0C2: to=<jane@example.net>, relay=mx.example.net[192.0.2.25]:25, delay=1.2, delays=0.1/0/0.6/0.5, dsn=5.1.1, status=bounced (host mx.example.net[192.0.2.25] said: 550 5.1.1 <jane@example.net>: Recipient address rejected: User unknown (in reply to RCPT TO command))",
        &mut events,
    );
    let event = events.pop().expect("a delivery event");
    let values = [
        (
            "classification",
            serde_json::to_value(c).unwrap(),
            schemars::schema_for!(Classification),
        ),
        (
            "report",
            serde_json::to_value(&report).unwrap(),
            schemars::schema_for!(Report),
        ),
        (
            "event",
            serde_json::to_value(&event).unwrap(),
            schemars::schema_for!(Event),
        ),
    ];
    for (what, value, schema) in values {
        let keys: Vec<&String> = value.as_object().unwrap().keys().collect();
        let props: Vec<&String> = schema
            .get("properties")
            .and_then(|p| p.as_object())
            .unwrap()
            .keys()
            .collect();
        let mut keys_sorted = keys.clone();
        keys_sorted.sort();
        let mut props_sorted = props.clone();
        props_sorted.sort();
        assert_eq!(keys_sorted, props_sorted, "{what}");
    }
}
