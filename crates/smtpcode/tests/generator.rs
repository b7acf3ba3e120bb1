//! The build's checks of the data files (`build/check.rs`) and its row reader
//! (`build/read.rs`), compiled here from the same sources as the build script.

#[path = "../src/words.rs"]
#[allow(dead_code)]
mod words;

#[path = "../src/rules/lang.rs"]
#[allow(dead_code)]
mod lang;

#[path = "../build/check.rs"]
#[allow(dead_code)]
mod check;

#[path = "../build/read.rs"]
#[allow(dead_code)]
mod read;

#[test]
fn fields_have_no_padding_or_control_characters() {
    assert!(check::field("user unknown").is_ok());
    assert!(check::field(" user").is_err());
    assert!(check::field("user ").is_err());
    assert!(check::field("a\u{7}b").is_err());
}

#[test]
fn names_are_snake_case() {
    assert!(check::snake_case("mailbox_full").is_ok());
    assert!(check::snake_case("x2").is_ok());
    for bad in ["", "_x", "Mailbox", "mailbox-full", "mailbox full"] {
        assert!(check::snake_case(bad).is_err(), "{bad:?}");
    }
}

#[test]
fn booleans_codes_and_choices() {
    assert_eq!(check::boolean("true"), Ok(true));
    assert_eq!(check::boolean("false"), Ok(false));
    assert!(check::boolean("yes").is_err());
    assert_eq!(check::basic_code("550"), Ok(550));
    for bad in ["099", "600", "55", "5500", "abc"] {
        assert!(check::basic_code(bad).is_err(), "{bad:?}");
    }
    assert_eq!(check::one_of("hard", &["soft", "hard"]), Ok("hard"));
    assert!(check::one_of("firm", &["soft", "hard"]).is_err());
    assert!(check::required("source", "").is_err());
    assert!(check::required("source", "RFC 5321").is_ok());
}

#[test]
fn enhanced_codes_as_the_rule_language_reads_them() {
    assert_eq!(check::enhanced("5.1.1"), Ok((5, 1, 1)));
    assert_eq!(check::enhanced("X.7.1"), Ok((0, 7, 1)));
    assert!(check::enhanced("5.1").is_err());
    assert!(check::enhanced("6.1.1").is_err());
}

#[test]
fn bounce_phrases_are_lower_case_with_a_language() {
    assert!(check::phrase("out of office").is_ok());
    assert!(check::phrase("réponse automatique").is_ok());
    assert!(check::phrase("").is_err());
    assert!(check::phrase("Out of office").is_err());
    assert!(check::language("de").is_ok());
    for bad in ["", "deu", "DE", "d1"] {
        assert!(check::language(bad).is_err(), "{bad:?}");
    }
}

#[derive(serde::Deserialize, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
struct Row {
    name: String,
    source: String,
}

#[test]
fn rows_are_read_by_column_name_with_their_line() {
    let rows: Vec<(usize, Row)> = read::parse("name\tsource\na\tRFC 1\nb\tRFC 2\n").unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1].0, 3);
    assert_eq!(rows[1].1.name, "b");
    let rows: Vec<(usize, Row)> = read::parse("source\tname\nRFC 1\ta\n").unwrap();
    assert_eq!(
        rows[0].1.name, "a",
        "columns are found by name, not position"
    );
}

#[test]
fn bad_rows_name_their_line() {
    let err = |text: &str| read::parse::<Row>(text).unwrap_err();
    assert!(err("name\tsource\na\tRFC 1\n\nb\tx\n").starts_with("3: empty line"));
    assert!(err("name\tsource\na\tRFC 1\nb\n").starts_with("3:"));
    assert!(err("name\tsource\na \tRFC 1\n").starts_with("2: field name"));
    assert!(err("name\tsource\tother\na\tb\tc\n").starts_with("2:"));
}

#[test]
fn a_phrase_another_already_matches_is_refused() {
    use check::Match;
    let role = ["undeliver", "undelivered", "returned mail"];
    assert!(check::covered("undelivered", &role, Match::Substring).is_err());
    assert!(check::covered("undelivered", &role, Match::Prefix).is_err());
    assert!(check::covered("undeliver", &role, Match::Substring).is_ok());
    assert!(check::covered("returned mail", &role, Match::Substring).is_ok());
    assert!(check::covered("undelivered", &role, Match::Ordered).is_ok());
    let role = ["original message", "the original message"];
    assert!(check::covered("the original message", &role, Match::Prefix).is_ok());
    assert!(check::covered("the original message", &role, Match::Substring).is_err());
}
