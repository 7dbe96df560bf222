//! Case-file parsing: any UTF-8 text must give `Ok(Case)` or `Err(CaseError)`, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Err(e) = appeal::case::Case::parse("fuzz.toml", text) {
        // Rendering the error exercises the diagnostic/snippet code as well.
        let _ = e.to_string();
    }
});
