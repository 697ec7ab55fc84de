//! What a figure is measured in: a plain count, money in one currency, a
//! percentage, or a unit of measure from the tables beside this file
//! (`units.tsv`, `currencies.tsv`). Figures in units of one dimension are
//! compared after conversion ("10 miles" and "16 km").

use std::sync::OnceLock;

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Unit {
    Count,
    /// Money, by ISO code in lower case ("usd", "eur").
    Money(String),
    Percent,
    /// A unit of measure, by its code in `units.tsv` ("km", "mph").
    Measure(String),
}

impl Unit {
    /// Can figures in these units be compared (after conversion)?
    pub fn compatible(&self, other: &Unit) -> bool {
        match (self, other) {
            (Unit::Money(a), Unit::Money(b)) => a == b,
            (Unit::Measure(a), Unit::Measure(b)) => {
                a == b
                    || matches!((measure(a), measure(b)), (Some(x), Some(y)) if x.dimension == y.dimension)
            }
            (a, b) => std::mem::discriminant(a) == std::mem::discriminant(b),
        }
    }

    /// The kind of unit, for lookups by kind: count, money, percent or
    /// measure.
    pub fn name(&self) -> &'static str {
        match self {
            Unit::Count => "count",
            Unit::Money(_) => "money",
            Unit::Percent => "percent",
            Unit::Measure(_) => "measure",
        }
    }

    /// The unit's own code: "count", "percent", a currency's ISO code or a
    /// measure's code from `units.tsv`.
    pub fn code(&self) -> String {
        match self {
            Unit::Count => "count".into(),
            Unit::Percent => "percent".into(),
            Unit::Money(c) | Unit::Measure(c) => c.clone(),
        }
    }

    /// `value` in this unit, written in `to` (a compatible unit).
    pub fn convert(&self, value: f64, to: &Unit) -> f64 {
        match (self, to) {
            (Unit::Measure(a), Unit::Measure(b)) if a != b => match (measure(a), measure(b)) {
                (Some(x), Some(y)) => (value * x.factor + x.offset - y.offset) / y.factor,
                _ => value,
            },
            _ => value,
        }
    }
}

/// One row of `units.tsv`.
#[derive(Debug)]
pub struct Measure {
    pub code: &'static str,
    pub dimension: &'static str,
    factor: f64,
    offset: f64,
}

/// The tables, read once: the measures, and every form (of a measure, or a
/// currency's sign or word) with what it stands for, longest first.
struct Tables {
    measures: Vec<Measure>,
    /// Forms written after a number.
    after: Vec<Form>,
    /// Currency signs and codes written before a number.
    before: Vec<Form>,
}

struct Form {
    text: &'static str,
    /// Matched as written (it holds an upper-case letter), or in any case.
    exact: bool,
    unit: Unit,
}

impl Form {
    fn new(text: &'static str, unit: Unit) -> Form {
        Form {
            text,
            exact: text.chars().any(char::is_uppercase),
            unit,
        }
    }

    fn matches(&self, s: &str) -> bool {
        let Some(head) = s.get(..self.text.len()) else {
            return false;
        };
        if self.exact {
            head == self.text
        } else {
            head.eq_ignore_ascii_case(self.text)
        }
    }
}

fn rows(table: &'static str) -> impl Iterator<Item = Vec<&'static str>> {
    crate::engine::lexicon::data_lines(table).map(|l| l.split('\t').collect())
}

fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| {
        let mut t = Tables {
            measures: Vec::new(),
            after: Vec::new(),
            before: Vec::new(),
        };
        for r in rows(include_str!("units.tsv")) {
            let [code, dimension, factor, offset, forms] = r[..] else {
                panic!("units.tsv: {r:?}");
            };
            t.measures.push(Measure {
                code,
                dimension,
                factor: factor.parse().expect("units.tsv factor"),
                offset: offset.parse().expect("units.tsv offset"),
            });
            let unit = Unit::Measure(code.to_string());
            t.after
                .extend(forms.split('|').map(|f| Form::new(f, unit.clone())));
        }
        for r in rows(include_str!("currencies.tsv")) {
            let [code, signs, words] = r[..] else {
                panic!("currencies.tsv: {r:?}");
            };
            let unit = Unit::Money(code.to_string());
            t.before
                .extend(signs.split('|').map(|f| Form::new(f, unit.clone())));
            t.after
                .extend(words.split('|').map(|f| Form::new(f, unit.clone())));
            // "1,700 USD"
            if let Some(code_form) = signs
                .split('|')
                .find(|s| s.len() == 3 && s.chars().all(|c| c.is_ascii_uppercase()))
            {
                t.after.push(Form::new(code_form, unit.clone()));
            }
        }
        t.after.sort_by_key(|f| std::cmp::Reverse(f.text.len()));
        t.before.sort_by_key(|f| std::cmp::Reverse(f.text.len()));
        t
    })
}

pub fn measure(code: &str) -> Option<&'static Measure> {
    tables().measures.iter().find(|m| m.code == code)
}

/// The unit written at the start of `s` (the text right after a number),
/// and the length of its form. `glued`: no space came between the number
/// and `s`. A one-letter form ("F", "l") counts only glued; a form must end
/// where a word does.
pub fn unit_after(s: &str, glued: bool) -> Option<(Unit, usize)> {
    tables().after.iter().find_map(|f| {
        let fits = f.matches(s)
            && (glued || f.text.chars().count() > 1)
            && ends_word(s, f.text.len(), f.text);
        fits.then(|| (f.unit.clone(), f.text.len()))
    })
}

/// The currency whose sign or code ends `s` (the text right before a
/// number): "US$", "€", "USD", "A$". The length of its form.
pub fn currency_before(s: &str) -> Option<(Unit, usize)> {
    tables().before.iter().find_map(|f| {
        let at = s.len().checked_sub(f.text.len())?;
        let tail = s.get(at..)?;
        let starts_word = s[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric());
        (f.matches(tail) && starts_word).then(|| (f.unit.clone(), f.text.len()))
    })
}

/// Does a form of `len` bytes at the start of `s` end where a word ends?
/// A form that ends in punctuation ("°") ends itself.
fn ends_word(s: &str, len: usize, form: &str) -> bool {
    let last_is_letter = form.chars().next_back().is_some_and(char::is_alphanumeric);
    !last_is_letter
        || s[len..].chars().next().is_none_or(|c| {
            !(c.is_alphanumeric() || c == '-' && s[len + 1..].starts_with(char::is_alphabetic))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_are_read_after_a_number_and_glued_to_it() {
        let code = |s: &str, glued: bool| unit_after(s, glued).map(|(u, n)| (u.code(), n));
        assert_eq!(code("mph winds", false), Some(("mph".into(), 3)));
        assert_eq!(code("miles per hour.", false), Some(("mph".into(), 14)));
        assert_eq!(code("km/h gusts", false), Some(("km/h".into(), 4)));
        assert_eq!(code("-year-old man", true), Some(("age".into(), 9)));
        assert_eq!(code("F on Monday", true), Some(("fahrenheit".into(), 1)));
        assert_eq!(code("F on Monday", false), None);
        assert_eq!(code("°F", false), Some(("fahrenheit".into(), 3)));
        assert_eq!(code("GB of memory", true), Some(("gb".into(), 2)));
        assert_eq!(code("kilometres", false), Some(("km".into(), 10)));
        assert_eq!(code("kmart", false), None);
        assert_eq!(code("pounds sterling", false), Some(("gbp".into(), 15)));
        assert_eq!(code("USD", false), Some(("usd".into(), 3)));
        assert_eq!(code("people", false), None);
    }

    #[test]
    fn currencies_are_read_before_a_number() {
        let code = |s: &str| currency_before(s).map(|(u, n)| (u.code(), n));
        assert_eq!(code("paid US$"), Some(("usd".into(), 3)));
        assert_eq!(code("paid $"), Some(("usd".into(), 1)));
        assert_eq!(code("about A$"), Some(("aud".into(), 2)));
        assert_eq!(code("USD"), Some(("usd".into(), 3)));
        assert_eq!(code("a €"), Some(("eur".into(), 3)));
        assert_eq!(code("CAUSD"), None);
    }

    #[test]
    fn measures_of_one_dimension_convert() {
        let km = Unit::Measure("km".into());
        let mile = Unit::Measure("mile".into());
        assert!(km.compatible(&mile));
        assert!((mile.convert(10.0, &km) - 16.093).abs() < 1e-3);
        let f = Unit::Measure("fahrenheit".into());
        let c = Unit::Measure("celsius".into());
        assert!((f.convert(212.0, &c) - 100.0).abs() < 1e-6);
        assert!(!km.compatible(&c));
        assert!(!Unit::Money("usd".into()).compatible(&Unit::Money("eur".into())));
    }
}
