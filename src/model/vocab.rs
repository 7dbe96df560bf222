//! Vocabularies: the fixed lists of words a case file, a block's conditions, a rules file or the
//! command line chooses from (regulations, plan types, service timings, denial reasons, letter
//! kinds, voices, …).
//!
//! Each is declared once with [`vocabulary!`]: the variants with their ids, from which come the
//! serde names, the JSON Schema, clap's `ValueEnum` (so `--help` lists the choices), `ALL`,
//! `IDS`, `id()`, `Display` and `FromStr`. A new word is one line in its declaration.

use std::fmt;

/// A word that is not in a vocabulary, from [`std::str::FromStr`] on a vocabulary enum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownChoice {
    /// What the vocabulary is, in words ("letter kind").
    pub vocabulary: &'static str,
    /// The word given.
    pub given: String,
    /// The words it may be.
    pub choices: &'static [&'static str],
}

impl fmt::Display for UnknownChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown {} `{}`; expected one of {}",
            self.vocabulary,
            crate::diag::shorten(&self.given),
            self.choices.join(", ")
        )
    }
}

impl std::error::Error for UnknownChoice {}

/// Declares a vocabulary enum: each variant with its id (`Hmo = "hmo"`), doc comments kept.
///
/// ```text
/// vocabulary! {
///     /// Who speaks in the letter.
///     pub enum Voice ("voice") {
///         /// The patient, in the first person.
///         Patient = "patient",
///         /// The treating provider.
///         Provider = "provider",
///     }
/// }
/// ```
///
/// Further derives (`#[derive(Default)]` with a `#[default]` variant) go with the enum's own
/// attributes.
macro_rules! vocabulary {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident ($what:literal) {
            $( $(#[$vmeta:meta])* $variant:ident = $id:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde::Serialize, serde::Deserialize, schemars::JsonSchema, clap::ValueEnum,
        )]
        $vis enum $name {
            $(
                $(#[$vmeta])*
                #[serde(rename = $id)]
                #[value(name = $id)]
                $variant,
            )+
        }

        #[allow(dead_code, unreachable_pub)]
        impl $name {
            /// Every choice, in declaration order.
            pub const ALL: [$name; [$($id),+].len()] = [$($name::$variant),+];

            /// Every choice's id, in declaration order.
            pub const IDS: [&'static str; [$($id),+].len()] = [$($id),+];

            /// The id used in files and on the command line.
            pub const fn id(self) -> &'static str {
                match self {
                    $($name::$variant => $id,)+
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.id())
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::model::vocab::UnknownChoice;

            /// The choice with exactly this id.
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $name::ALL.into_iter().find(|c| c.id() == s).ok_or_else(|| {
                    $crate::model::vocab::UnknownChoice {
                        vocabulary: $what,
                        given: s.to_string(),
                        choices: &$name::IDS,
                    }
                })
            }
        }
    };
}

pub(crate) use vocabulary;

#[cfg(test)]
mod tests {
    vocabulary! {
        /// A test vocabulary.
        enum Colour ("colour") {
            /// Red.
            Red = "red",
            /// Sky blue.
            SkyBlue = "sky-blue",
        }
    }

    #[test]
    fn one_declaration_gives_every_spelling() {
        assert_eq!(Colour::ALL, [Colour::Red, Colour::SkyBlue]);
        assert_eq!(Colour::IDS, ["red", "sky-blue"]);
        assert_eq!(Colour::SkyBlue.to_string(), "sky-blue");
        assert_eq!("sky-blue".parse::<Colour>(), Ok(Colour::SkyBlue));
        let e = "blue".parse::<Colour>().unwrap_err().to_string();
        assert_eq!(e, "unknown colour `blue`; expected one of red, sky-blue");
        assert_eq!(serde_json::to_string(&Colour::SkyBlue).unwrap(), "\"sky-blue\"");
        let v: Colour = serde_json::from_str("\"red\"").unwrap();
        assert_eq!(v, Colour::Red);
        use clap::ValueEnum;
        let names: Vec<String> = Colour::value_variants()
            .iter()
            .map(|c| c.to_possible_value().unwrap().get_name().to_string())
            .collect();
        assert_eq!(names, Colour::IDS);
    }
}
