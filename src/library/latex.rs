//! LaTeX-to-Unicode conversion and BibTeX name splitting for field values.
//!
//! bibtex-parser hands over field values as written (minus the outer delimiters). This module
//! turns them into plain Unicode text: accent commands (`{\"u}`, `M{\"u}ller`, `\v{S}`,
//! `{\'\i}`), special letters (`\ss`, `\o`), escaped specials (`\&`, `\%`), TeX ligatures
//! (`--` en dash, `---` em dash, ` `` ` and `''` quotes), ties (`~`) and case-protecting braces,
//! which are dropped without leaving strays. It also splits BibTeX name lists into structured
//! names, respecting braces (`{National Comprehensive Cancer Network}` stays one name) and the
//! lower-case particles of the "von" part (`van de Putte, L. B. A.`).

use std::fmt;

/// Why a value could not be converted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LatexError {
    /// A `}` without a matching `{` at this character index.
    UnexpectedClose(usize),
    /// A `{` that is never closed, at this character index.
    Unclosed(usize),
}

impl fmt::Display for LatexError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LatexError::UnexpectedClose(_) => f.write_str("unbalanced braces: a `}` has no matching `{`"),
            LatexError::Unclosed(_) => f.write_str("unbalanced braces: a `{` is never closed"),
        }
    }
}

/// Whether a value needs real conversion; anything else is copied as is.
fn needs_work(s: &str) -> bool {
    let b = s.as_bytes();
    if b.first() == Some(&b' ') || b.last() == Some(&b' ') {
        return true;
    }
    b.iter().enumerate().any(|(i, &c)| match c {
        b'\\' | b'{' | b'}' | b'~' | b'$' | b'\n' | b'\r' | b'\t' => true,
        b'-' | b'`' | b'\'' | b' ' => b.get(i + 1) == Some(&c),
        _ => false,
    })
}

/// Checks that braces balance (ignoring escaped `\{` and `\}`), reporting character indices.
pub(crate) fn check_braces(s: &str) -> Result<(), LatexError> {
    let mut opens: Vec<usize> = Vec::new();
    let mut backslashes = 0usize;
    for (i, c) in s.chars().enumerate() {
        match c {
            '\\' => {
                backslashes += 1;
                continue;
            }
            '{' if backslashes.is_multiple_of(2) => opens.push(i),
            '}' if backslashes.is_multiple_of(2) && opens.pop().is_none() => {
                return Err(LatexError::UnexpectedClose(i));
            }
            _ => {}
        }
        backslashes = 0;
    }
    match opens.first() {
        Some(&open) => Err(LatexError::Unclosed(open)),
        None => Ok(()),
    }
}

/// Converts a LaTeX-flavoured BibTeX value to plain Unicode text with single spaces.
pub(crate) fn to_unicode(s: &str) -> Result<String, LatexError> {
    if !needs_work(s) {
        return Ok(s.to_owned());
    }
    check_braces(s)?;
    let mut out = String::with_capacity(s.len());
    convert(s, &mut 0, &mut out, false);
    if out.contains("  ") || out.starts_with(' ') || out.ends_with(' ') {
        out = collapse_spaces(&out);
    }
    Ok(out)
}

/// Pushes one space unless the output is empty or already ends with one.
fn push_space(out: &mut String) {
    if !out.is_empty() && !out.ends_with(' ') {
        out.push(' ');
    }
}

/// Converts a "verbatim" value (DOI, URL, identifiers): drops braces, unescapes `\_ \% \& \# \$`.
pub(crate) fn verbatim(s: &str) -> String {
    if !s
        .bytes()
        .any(|b| matches!(b, b'{' | b'}' | b'\\' | b'\n' | b'\r' | b'\t'))
        && !s.contains("  ")
        && !s.starts_with(' ')
        && !s.ends_with(' ')
    {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        match c {
            '{' | '}' => {}
            '\\' if matches!(it.peek(), Some('_' | '%' | '&' | '#' | '$' | '~')) => {
                if let Some(n) = it.next() {
                    out.push(n);
                }
            }
            c => out.push(c),
        }
    }
    collapse_spaces(&out)
}

/// Collapses runs of whitespace into one space and trims.
fn collapse_spaces(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c.is_whitespace() {
            space = true;
        } else {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push(c);
        }
    }
    out
}

/// The character starting at byte `pos`, if any.
fn char_at(s: &str, pos: usize) -> Option<char> {
    s.get(pos..)?.chars().next()
}

/// Converts `chars[*pos..]` until the end or, when `group` is set, the matching `}`.
fn convert(chars: &str, pos: &mut usize, out: &mut String, group: bool) {
    let bytes = chars.as_bytes();
    while *pos < bytes.len() {
        // Copy a run of ordinary text in one go.
        let run = bytes[*pos..]
            .iter()
            .position(|b| {
                matches!(
                    b,
                    b'{' | b'}' | b'\\' | b'~' | b'$' | b'-' | b'`' | b'\'' | b'\n' | b'\r' | b'\t'
                )
            })
            .unwrap_or(bytes.len() - *pos);
        if run > 0 {
            out.push_str(&chars[*pos..*pos + run]);
            *pos += run;
            continue;
        }
        let Some(c) = char_at(chars, *pos) else { break };
        *pos += c.len_utf8();
        match c {
            '{' => convert(chars, pos, out, true),
            '}' => {
                if group {
                    return;
                }
            }
            '\\' => command(chars, pos, out),
            '~' => push_space(out),
            '$' => {}
            '-' => {
                if chars.as_bytes().get(*pos) == Some(&b'-') {
                    if chars.as_bytes().get(*pos + 1) == Some(&b'-') {
                        out.push('—');
                        *pos += 2;
                    } else {
                        out.push('–');
                        *pos += 1;
                    }
                } else {
                    out.push('-');
                }
            }
            '`' if chars.as_bytes().get(*pos) == Some(&b'`') => {
                out.push('“');
                *pos += 1;
            }
            '\'' if chars.as_bytes().get(*pos) == Some(&b'\'') => {
                out.push('”');
                *pos += 1;
            }
            c if c.is_whitespace() => push_space(out),
            c => out.push(c),
        }
    }
}

/// Reads the argument of an accent command: a group, a command (`\i`) or one character.
fn accent_argument(chars: &str, pos: &mut usize, letter_command: bool) -> Option<String> {
    if letter_command {
        while chars.as_bytes().get(*pos) == Some(&b' ') {
            *pos += 1;
        }
    }
    let c = char_at(chars, *pos)?;
    match c {
        '{' => {
            *pos += 1;
            let mut inner = String::new();
            convert(chars, pos, &mut inner, true);
            Some(inner)
        }
        '}' => None,
        '\\' => {
            *pos += 1;
            let mut inner = String::new();
            command(chars, pos, &mut inner);
            Some(inner)
        }
        c => {
            *pos += c.len_utf8();
            Some(c.to_string())
        }
    }
}

/// Handles a command after a backslash at `chars[*pos - 1]`.
fn command(chars: &str, pos: &mut usize, out: &mut String) {
    let Some(first) = char_at(chars, *pos) else {
        out.push('\\');
        return;
    };
    if !first.is_ascii_alphabetic() {
        *pos += first.len_utf8();
        match first {
            '\'' | '`' | '^' | '"' | '~' | '=' | '.' => match accent_argument(chars, pos, false) {
                Some(arg) => apply_accent(first, &arg, out),
                None => out.push(first),
            },
            '&' | '%' | '$' | '#' | '_' | '{' | '}' => out.push(first),
            ' ' | ',' | ';' | ':' | '!' | '/' => push_space(out),
            '-' => {}
            '\\' => push_space(out),
            other => out.push(other),
        }
        return;
    }
    let start = *pos;
    while chars.as_bytes().get(*pos).is_some_and(u8::is_ascii_alphabetic) {
        *pos += 1;
    }
    let name = &chars[start..*pos];
    let accent = match name {
        "u" | "v" | "H" | "c" | "k" | "r" | "d" | "b" | "t" => name.chars().next(),
        _ => None,
    };
    if let Some(a) = accent {
        match accent_argument(chars, pos, true) {
            Some(arg) => apply_accent(a, &arg, out),
            None => out.push_str(name),
        }
        return;
    }
    // A control word swallows the spaces after it.
    let skip_space = |pos: &mut usize| {
        while chars.as_bytes().get(*pos) == Some(&b' ') {
            *pos += 1;
        }
    };
    let letter = match name {
        "ss" => Some("ß"),
        "o" => Some("ø"),
        "O" => Some("Ø"),
        "aa" => Some("å"),
        "AA" => Some("Å"),
        "ae" => Some("æ"),
        "AE" => Some("Æ"),
        "oe" => Some("œ"),
        "OE" => Some("Œ"),
        "l" => Some("ł"),
        "L" => Some("Ł"),
        "i" => Some("ı"),
        "j" => Some("ȷ"),
        "textendash" => Some("–"),
        "textemdash" => Some("—"),
        "textquoteright" => Some("’"),
        "textquoteleft" => Some("‘"),
        "textquotedblleft" => Some("“"),
        "textquotedblright" => Some("”"),
        "ldots" | "dots" | "textellipsis" => Some("…"),
        "textregistered" => Some("®"),
        "texttrademark" => Some("™"),
        "copyright" | "textcopyright" => Some("©"),
        "textdegree" | "degree" => Some("°"),
        "pm" => Some("±"),
        "times" => Some("×"),
        "leq" | "le" => Some("≤"),
        "geq" | "ge" => Some("≥"),
        "alpha" => Some("α"),
        "beta" => Some("β"),
        "gamma" => Some("γ"),
        "delta" => Some("δ"),
        "kappa" => Some("κ"),
        "lambda" => Some("λ"),
        "mu" => Some("μ"),
        "textmu" => Some("µ"),
        "Delta" => Some("Δ"),
        "S" => Some("§"),
        _ => None,
    };
    if let Some(l) = letter {
        out.push_str(l);
        skip_space(pos);
        return;
    }
    match name {
        // Formatting commands: keep their argument's text.
        "emph" | "textit" | "textbf" | "textrm" | "textsf" | "texttt" | "textsc" | "textup"
        | "textsuperscript" | "textsubscript" | "mbox" | "url" | "href" | "text" | "mathrm"
        | "NoCaseChange" | "MakeUppercase" | "MakeLowercase" => {
            skip_space(pos);
            if chars.as_bytes().get(*pos) == Some(&b'{') {
                *pos += 1;
                convert(chars, pos, out, true);
            }
        }
        "relax" | "protect" | "noopsort" | "itshape" | "bfseries" | "em" | "sc" => skip_space(pos),
        _ => {
            // Unknown command: keep it visibly, so `refs check` readers can spot it.
            out.push('\\');
            out.push_str(name);
        }
    }
}

/// Applies an accent to the first character of `arg`.
fn apply_accent(accent: char, arg: &str, out: &mut String) {
    let mut it = arg.chars();
    let Some(base) = it.next() else {
        out.push(accent);
        return;
    };
    let base = match base {
        'ı' => 'i',
        'ȷ' => 'j',
        b => b,
    };
    let table: &str = match accent {
        '\'' => "aáeéiíoóuúyýAÁEÉIÍOÓUÚYÝcćCĆnńNŃsśSŚzźZŹlĺLĹrŕRŔgǵGǴ",
        '`' => "aàeèiìoòuùAÀEÈIÌOÒUÙnǹNǸ",
        '^' => "aâeêiîoôuûAÂEÊIÎOÔUÛcĉCĈgĝGĜhĥHĤjĵJĴsŝSŜwŵWŴyŷYŶ",
        '"' => "aäeëiïoöuüyÿAÄEËIÏOÖUÜYŸ",
        '~' => "aãoõnñAÃOÕNÑiĩIĨuũUŨ",
        '=' => "aāeēiīoōuūAĀEĒIĪOŌUŪ",
        '.' => "zżZŻeėEĖcċCĊgġGĠIİ",
        'u' => "aăAĂgğGĞuŭUŭ",
        'v' => "cčCČsšSŠzžZŽrřRŘeěEĚnňNŇdďDĎtťTŤ",
        'H' => "oőOŐuűUŰ",
        'c' => "cçCÇsşSŞtţTŢ",
        'k' => "aąAĄeęEĘ",
        'r' => "aåAÅuůUŮ",
        _ => "",
    };
    let mut tc = table.chars();
    let mut found = None;
    while let (Some(b), Some(p)) = (tc.next(), tc.next()) {
        if b == base {
            found = Some(p);
            break;
        }
    }
    match found {
        Some(p) => out.push(p),
        None => {
            out.push(base);
            let combining = match accent {
                '\'' => Some('\u{301}'),
                '`' => Some('\u{300}'),
                '^' => Some('\u{302}'),
                '"' => Some('\u{308}'),
                '~' => Some('\u{303}'),
                '=' => Some('\u{304}'),
                '.' => Some('\u{307}'),
                'u' => Some('\u{306}'),
                'v' => Some('\u{30C}'),
                'H' => Some('\u{30B}'),
                'c' => Some('\u{327}'),
                'k' => Some('\u{328}'),
                'r' => Some('\u{30A}'),
                'd' => Some('\u{323}'),
                'b' => Some('\u{331}'),
                't' => Some('\u{361}'),
                _ => None,
            };
            if let Some(m) = combining {
                out.push(m);
            }
        }
    }
    out.extend(it);
}

/// One name from a BibTeX name list, converted to Unicode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonName {
    /// Family name without particle ("Putte"), or the whole corporate name.
    pub family: String,
    /// Given names as written ("L. B. A.", "Jörg").
    pub given: Option<String>,
    /// Lower-case particle ("van de", "von"), if any.
    pub particle: Option<String>,
    /// Suffix ("Jr"), if any.
    pub suffix: Option<String>,
    /// A corporate or otherwise literal name written in braces: never split or initialised.
    pub literal: bool,
}

impl PersonName {
    /// The family name with its particle: "van de Putte".
    pub fn full_family(&self) -> String {
        match &self.particle {
            Some(p) => format!("{p} {}", self.family),
            None => self.family.clone(),
        }
    }

    /// "von Last, First" (or the literal name), as shown in listings.
    pub fn display(&self) -> String {
        let mut s = self.full_family();
        if let Some(suffix) = &self.suffix {
            s.push_str(", ");
            s.push_str(suffix);
        }
        if let Some(given) = &self.given {
            s.push_str(", ");
            s.push_str(given);
        }
        s
    }
}

/// A parsed name list: the names plus whether it ended with `and others`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NameList {
    /// The names in order.
    pub names: Vec<PersonName>,
    /// The list ended with `and others` (print "et al.").
    pub others: bool,
}

/// Splits `raw` at top-level (brace depth 0) occurrences of the separator predicate.
fn split_top_level(raw: &str, is_sep: impl Fn(&str) -> Option<usize>) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    let bytes = raw.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'{' => depth += 1,
            b'}' => depth -= 1,
            // Separators are ASCII; only try them where a character starts.
            _ if depth == 0 && raw.is_char_boundary(i) => {
                if let Some(len) = is_sep(&raw[i..]) {
                    parts.push(&raw[start..i]);
                    i += len;
                    start = i;
                    continue;
                }
            }
            _ => {}
        }
        i += 1;
    }
    parts.push(&raw[start..]);
    parts
}

/// Parses a raw (LaTeX) BibTeX name list such as `M{\"u}ller, J. and {ACME Corp}`.
pub(crate) fn parse_names(raw: &str) -> Result<NameList, LatexError> {
    // Validate braces once for the whole list.
    check_braces(raw)?;
    let normalised: String = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    let parts = split_top_level(&normalised, |rest| {
        let b = rest.as_bytes();
        if b.len() >= 5 && b[0] == b' ' && b[1..4].eq_ignore_ascii_case(b"and") && b[4] == b' ' {
            Some(5)
        } else {
            None
        }
    });
    let mut list = NameList::default();
    for part in parts {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        if part.eq_ignore_ascii_case("others") {
            list.others = true;
            continue;
        }
        list.names.push(parse_one_name(part)?);
    }
    Ok(list)
}

/// Whether a raw name word starts with a lower-case letter (a "von" particle word).
fn is_lower_word(word: &str) -> bool {
    match word.as_bytes().first() {
        Some(b'{') | None => return false,
        Some(b) if b.is_ascii_alphabetic() => return b.is_ascii_lowercase(),
        _ => {}
    }
    match to_unicode(word) {
        Ok(w) => w
            .chars()
            .find(|c| c.is_alphabetic())
            .is_some_and(char::is_lowercase),
        Err(_) => false,
    }
}

fn unicode_opt(words: &[&str]) -> Result<Option<String>, LatexError> {
    if words.is_empty() {
        return Ok(None);
    }
    let s = to_unicode(&words.join(" "))?;
    Ok(if s.is_empty() { None } else { Some(s) })
}

/// Parses one raw name in any of BibTeX's three forms.
fn parse_one_name(raw: &str) -> Result<PersonName, LatexError> {
    let trimmed = raw.trim();
    if trimmed.starts_with('{') && trimmed.ends_with('}') && outer_group_spans(trimmed) {
        return Ok(PersonName {
            family: to_unicode(trimmed)?,
            given: None,
            particle: None,
            suffix: None,
            literal: true,
        });
    }
    let commas: Vec<&str> = split_top_level(trimmed, |r| r.starts_with(',').then_some(1))
        .into_iter()
        .map(str::trim)
        .collect();
    let (von_last, jr, first): (&str, Option<&str>, Option<&str>) = match commas.as_slice() {
        [one] => {
            // "First von Last"
            let ws = split_words(one);
            let von_start = ws.iter().position(|w| is_lower_word(w));
            let (first_ws, rest) = match von_start {
                Some(i) if i < ws.len() - 1 => (&ws[..i], &ws[i..]),
                _ => {
                    let n = ws.len().saturating_sub(1);
                    (&ws[..n], &ws[n..])
                }
            };
            let (particle, family) = split_von(rest);
            return Ok(PersonName {
                family: to_unicode(&family.join(" "))?,
                given: unicode_opt(first_ws)?,
                particle: unicode_opt(particle)?,
                suffix: None,
                literal: false,
            });
        }
        [a, b] => (a, None, Some(b)),
        [a, b, c, ..] => (a, Some(b), Some(c)),
        [] => (trimmed, None, None),
    };
    let ws = split_words(von_last);
    let (particle, family) = split_von(&ws);
    Ok(PersonName {
        family: to_unicode(&family.join(" "))?,
        given: match first {
            Some(f) => unicode_opt(&split_words(f))?,
            None => None,
        },
        particle: unicode_opt(particle)?,
        suffix: match jr {
            Some(j) => unicode_opt(&split_words(j))?,
            None => None,
        },
        literal: false,
    })
}

/// Whether the first `{` of `s` closes at the very end (so the whole name is one group).
fn outer_group_spans(s: &str) -> bool {
    let mut depth = 0;
    for (i, c) in s.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return i == s.len() - 1;
                }
            }
            _ => {}
        }
    }
    false
}

/// Splits "von Last" words: leading lower-case words (keeping at least one word) are the particle.
fn split_von<'a, 'b>(ws: &'b [&'a str]) -> (&'b [&'a str], &'b [&'a str]) {
    let mut last_lower = None;
    for (i, w) in ws.iter().enumerate().take(ws.len().saturating_sub(1)) {
        if is_lower_word(w) {
            last_lower = Some(i);
        }
    }
    match last_lower {
        Some(i) => (&ws[..=i], &ws[i + 1..]),
        None => (&ws[..0], ws),
    }
}

/// Splits on top-level spaces.
fn split_words(s: &str) -> Vec<&str> {
    split_top_level(s, |r| r.starts_with(' ').then_some(1))
        .into_iter()
        .map(str::trim)
        .filter(|w| !w.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {

    #[test]
    fn names_with_raw_utf8_split_on_and() {
        // Regression (found by fuzzing): non-ASCII letters outside braces made the splitter
        // slice inside a character.
        let names = parse_names("Jörg Müller and Ann Smith").unwrap();
        assert_eq!(names.names.len(), 2);
        assert_eq!(names.names[0].family, "Müller");
    }

    use super::*;

    fn u(s: &str) -> String {
        to_unicode(s).unwrap()
    }

    #[test]
    fn converts_accents_without_stray_braces() {
        assert_eq!(u(r#"{\"u}"#), "ü");
        assert_eq!(u(r#"M{\"u}ller"#), "Müller");
        assert_eq!(u(r#"M\"{u}ller"#), "Müller");
        assert_eq!(u(r"\v{S}koda"), "Škoda");
        assert_eq!(u(r"{\v S}koda"), "Škoda");
        assert_eq!(u(r"Garc{\'\i}a"), "García");
        assert_eq!(u(r"Fran{\c{c}}oise"), "Françoise");
        assert_eq!(u(r"Ducimeti{\`e}re"), "Ducimetière");
        assert_eq!(u(r"{\ss}"), "ß");
        assert_eq!(u(r"\o{}re"), "øre");
    }

    #[test]
    fn converts_specials_ligatures_and_case_braces() {
        assert_eq!(u(r"Smith \& Sons"), "Smith & Sons");
        assert_eq!(u(r"12\% of {NCCN}"), "12% of NCCN");
        assert_eq!(u("443--448"), "443–448");
        assert_eq!(u("doctors---a matter"), "doctors—a matter");
        assert_eq!(u("a  b\n   c"), "a b c");
        assert_eq!(u(r"\emph{in vivo} study"), "in vivo study");
        assert_eq!(u(r"TNF-$\alpha$"), "TNF-α");
        assert_eq!(u(r#"a {\"} b"#), "a \" b");
    }

    #[test]
    fn reports_unbalanced_braces() {
        assert!(matches!(to_unicode("a {b"), Err(LatexError::Unclosed(2))));
        assert!(matches!(to_unicode("a }b"), Err(LatexError::UnexpectedClose(2))));
        assert_eq!(u(r"a \{ b"), "a { b");
    }

    #[test]
    fn verbatim_keeps_identifiers() {
        assert_eq!(
            verbatim("{10.1002/(SICI)1097-0142(19991201)86:11<2426::AID-CNCR34>3.0.CO;2-3}"),
            "10.1002/(SICI)1097-0142(19991201)86:11<2426::AID-CNCR34>3.0.CO;2-3"
        );
        assert_eq!(verbatim(r"https://x.org/a\_b--c"), "https://x.org/a_b--c");
    }

    #[test]
    fn splits_names_with_particles_and_corporate_authors() {
        let l = parse_names(
            r#"van de Putte, L. B. A. and M{\"u}ller, J{\"o}rg and {National Comprehensive Cancer Network} and Ludwig van Beethoven and Pereira Gray, Denis J. and others"#,
        )
        .unwrap();
        assert!(l.others);
        assert_eq!(l.names.len(), 5);
        assert_eq!(l.names[0].particle.as_deref(), Some("van de"));
        assert_eq!(l.names[0].family, "Putte");
        assert_eq!(l.names[0].given.as_deref(), Some("L. B. A."));
        assert_eq!(l.names[1].display(), "Müller, Jörg");
        assert!(l.names[2].literal);
        assert_eq!(l.names[2].family, "National Comprehensive Cancer Network");
        assert_eq!(l.names[3].full_family(), "van Beethoven");
        assert_eq!(l.names[3].given.as_deref(), Some("Ludwig"));
        assert_eq!(l.names[4].family, "Pereira Gray");
        let corp = parse_names("{Barnes and Noble}").unwrap();
        assert_eq!(corp.names.len(), 1);
        assert_eq!(corp.names[0].family, "Barnes and Noble");
        let jr = parse_names("Doe, Jr, John").unwrap();
        assert_eq!(jr.names[0].suffix.as_deref(), Some("Jr"));
        let single = parse_names("Clark and Thomas").unwrap();
        assert_eq!(single.names[1].family, "Thomas");
        assert_eq!(single.names[1].given, None);
    }
}
