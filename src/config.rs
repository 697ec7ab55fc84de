//! `factcheck.toml`: one file that the CLI, the server and CI share. The
//! server's `initializationOptions` and `didChangeConfiguration` settings use
//! the same keys and override the file.

use crate::engine::verdict::{Code, Finding, Severity};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub const CONFIG_FILE: &str = "factcheck.toml";
pub const DEFAULT_CORPUS_DIR: &str = "sources";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CitationStyle {
    #[default]
    Footnote,
    Pandoc,
}

/// A severity setting: one of the four levels, or "off".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    Warning,
    Information,
    Hint,
    Off,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CorpusSettings {
    pub paths: Option<Vec<String>>,
}

/// The keys of `factcheck.toml`, all optional so that layers can merge.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    #[serde(default)]
    pub corpus: CorpusSettings,
    #[serde(default)]
    pub severity: BTreeMap<String, Level>,
    pub citation_style: Option<CitationStyle>,
    pub unsourced_figures: Option<bool>,
}

#[derive(Debug)]
pub enum ConfigError {
    Read(PathBuf, std::io::Error),
    Parse(PathBuf, String),
    UnknownCode(PathBuf, String),
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ConfigError::Read(p, e) => write!(f, "cannot read {}: {e}", p.display()),
            ConfigError::Parse(p, e) => write!(f, "invalid {}: {e}", p.display()),
            ConfigError::UnknownCode(p, c) => {
                let codes: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
                write!(
                    f,
                    "{}: unknown code `{c}` in [severity]; known codes: {}",
                    p.display(),
                    codes.join(", ")
                )
            }
        }
    }
}

impl std::error::Error for ConfigError {}

impl Settings {
    /// Parses TOML text; `origin` names the file in errors.
    pub fn from_toml(text: &str, origin: &Path) -> Result<Settings, ConfigError> {
        let s: Settings = toml::from_str(text)
            .map_err(|e| ConfigError::Parse(origin.to_path_buf(), e.message().to_string()))?;
        s.validate(origin)?;
        Ok(s)
    }

    /// Parses the JSON an editor sends. Accepts `{"factcheck": {...}}` too.
    pub fn from_json(value: &serde_json::Value) -> Result<Settings, String> {
        let v = value.get("factcheck").unwrap_or(value);
        // Some clients send an empty table as `[]` (Neovim's Lua `{}`).
        let empty =
            |v: &serde_json::Value| v.is_null() || v.as_array().is_some_and(|a| a.is_empty());
        if empty(v) {
            return Ok(Settings::default());
        }
        let mut v = v.clone();
        if let Some(obj) = v.as_object_mut() {
            obj.retain(|k, val| !(empty(val) && k != "paths"));
            if let Some(c) = obj.get_mut("corpus").and_then(|c| c.as_object_mut()) {
                c.retain(|_, val| !val.is_null());
            }
        }
        let s: Settings = serde_json::from_value(v).map_err(|e| e.to_string())?;
        s.validate(Path::new("settings"))
            .map_err(|e| e.to_string())?;
        Ok(s)
    }

    fn validate(&self, origin: &Path) -> Result<(), ConfigError> {
        for k in self.severity.keys() {
            if Code::parse(k).is_none() {
                return Err(ConfigError::UnknownCode(origin.to_path_buf(), k.clone()));
            }
        }
        Ok(())
    }

    /// `other` wins wherever it says something.
    pub fn overlay(&self, other: &Settings) -> Settings {
        let mut out = self.clone();
        if other.corpus.paths.is_some() {
            out.corpus.paths = other.corpus.paths.clone();
        }
        for (k, v) in &other.severity {
            out.severity.insert(k.clone(), *v);
        }
        out.citation_style = other.citation_style.or(self.citation_style);
        out.unsourced_figures = other.unsourced_figures.or(self.unsourced_figures);
        out
    }

    /// The severity to report a code at, or `None` when it is off.
    pub fn severity(&self, code: Code) -> Option<Severity> {
        self.severity_or(code, code.default_severity())
    }

    /// The severity to report a finding at: the level set for its code,
    /// else the engine's own (which may be below its code's default, as
    /// for a quote whose speaker no source names), or `None` when off.
    pub fn severity_of(&self, finding: &Finding) -> Option<Severity> {
        self.severity_or(finding.code, finding.severity)
    }

    fn severity_or(&self, code: Code, engine: Severity) -> Option<Severity> {
        if code == Code::FigureUnsourced && self.unsourced_figures == Some(false) {
            return None;
        }
        match self.severity.get(code.as_str()) {
            None => Some(engine),
            Some(Level::Off) => None,
            Some(Level::Error) => Some(Severity::Error),
            Some(Level::Warning) => Some(Severity::Warning),
            Some(Level::Information) => Some(Severity::Information),
            Some(Level::Hint) => Some(Severity::Hint),
        }
    }
}

/// Settings read from a project's config file, with the folder that relative
/// paths are resolved against.
#[derive(Debug, Clone)]
pub struct Project {
    pub root: PathBuf,
    pub file: Option<PathBuf>,
    pub settings: Settings,
}

impl Project {
    /// Walks up from `start` (a file or folder) to the nearest
    /// `factcheck.toml`. Without one, the project root is `start`'s folder.
    pub fn discover(start: &Path) -> Result<Project, ConfigError> {
        let start = if start.is_dir() {
            start.to_path_buf()
        } else {
            start.parent().map(Path::to_path_buf).unwrap_or_default()
        };
        let start = if start.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            start
        };
        let abs = std::path::absolute(&start).unwrap_or(start.clone());
        for dir in abs.ancestors() {
            let candidate = dir.join(CONFIG_FILE);
            if candidate.is_file() {
                return Project::load(&candidate);
            }
        }
        Ok(Project {
            root: abs,
            file: None,
            settings: Settings::default(),
        })
    }

    pub fn load(file: &Path) -> Result<Project, ConfigError> {
        let text =
            std::fs::read_to_string(file).map_err(|e| ConfigError::Read(file.to_path_buf(), e))?;
        let settings = Settings::from_toml(&text, file)?;
        Ok(Project {
            root: file.parent().map(Path::to_path_buf).unwrap_or_default(),
            file: Some(file.to_path_buf()),
            settings,
        })
    }

    /// The corpus folders, resolved against the project root.
    pub fn corpus_dirs(&self) -> Vec<PathBuf> {
        match &self.settings.corpus.paths {
            Some(p) if !p.is_empty() => p.iter().map(|d| self.root.join(d)).collect(),
            _ => vec![self.root.join(DEFAULT_CORPUS_DIR)],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_overlays() {
        let base = Settings::from_toml(
            "unsourced_figures = false\n[corpus]\npaths = [\"src\"]\n[severity]\nquote-unsourced = \"error\"\n",
            Path::new("f.toml"),
        )
        .unwrap();
        assert_eq!(base.severity(Code::FigureUnsourced), None);
        assert_eq!(base.severity(Code::QuoteUnsourced), Some(Severity::Error));
        assert_eq!(base.severity(Code::FigureMismatch), Some(Severity::Error));
        let over = Settings::from_json(&serde_json::json!({"factcheck": {"severity": {"figure-mismatch": "off"}, "unsourced_figures": true}})).unwrap();
        let merged = base.overlay(&over);
        assert_eq!(merged.severity(Code::FigureMismatch), None);
        assert_eq!(merged.severity(Code::FigureUnsourced), Some(Severity::Hint));
        assert_eq!(merged.corpus.paths, Some(vec!["src".to_string()]));
    }

    #[test]
    fn accepts_empty_tables_sent_as_arrays_or_null() {
        for v in [
            serde_json::json!([]),
            serde_json::json!(null),
            serde_json::json!({"factcheck": []}),
            serde_json::json!({"severity": [], "corpus": []}),
        ] {
            assert_eq!(Settings::from_json(&v).unwrap(), Settings::default(), "{v}");
        }
        let s = Settings::from_json(
            &serde_json::json!({"corpus": {"paths": []}, "severity": {"quote-unsourced": "off"}}),
        )
        .unwrap();
        assert_eq!(s.corpus.paths, Some(vec![]));
        assert_eq!(s.severity(Code::QuoteUnsourced), None);
    }

    #[test]
    fn rejects_unknown_codes_and_keys_clearly() {
        let e = Settings::from_toml(
            "[severity]\nfigure-wrong = \"off\"\n",
            Path::new("x/factcheck.toml"),
        )
        .unwrap_err();
        assert!(
            e.to_string()
                .starts_with("x/factcheck.toml: unknown code `figure-wrong`"),
            "{e}"
        );
        let e = Settings::from_toml("[corpus]\npath = [\"a\"]\n", Path::new("f.toml")).unwrap_err();
        assert!(e.to_string().contains("unknown field `path`"), "{e}");
    }
}
