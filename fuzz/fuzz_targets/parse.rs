//! `smtpcode::parse` on any bytes: no panic; the text and the prefix are parts of the input.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match smtpcode::parse(data) {
        Ok(r) => {
            assert!(r.code().is_some() || r.enhanced().is_some());
            let within = |part: &[u8]| {
                let (start, end) = (part.as_ptr() as usize, part.as_ptr() as usize + part.len());
                let (lo, hi) = (data.as_ptr() as usize, data.as_ptr() as usize + data.len());
                part.is_empty() || (lo <= start && end <= hi)
            };
            assert!(within(r.text()) && within(r.prefix()));
            if let Some(e) = r.enhanced() {
                assert!(matches!(e.class().digit(), 2 | 4 | 5));
                assert_eq!(e.to_string().parse::<smtpcode::EnhancedCode>().unwrap(), e);
            }
        }
        Err(smtpcode::ParseError::Empty) => assert!(
            data.iter()
                .all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n' | 0x0b | 0x0c | 0))
        ),
        Err(_) => {}
    }
});
