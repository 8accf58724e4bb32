//! Layered settings: command-line flags, then environment variables (both
//! handled by clap), then an optional `salesdojo.toml`, then defaults.

use std::fs;
use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use base64::Engine;
use serde::Deserialize;

use crate::cli::{Cli, ServeArgs};

pub const DEFAULT_DATABASE_URL: &str = "sqlite://salesdojo.db";
pub const DEFAULT_CONTENT_DIR: &str = "content";
const DEFAULT_CONFIG_FILE: &str = "salesdojo.toml";
const SECRET_FILE_NAME: &str = "salesdojo.secret";
pub const MIN_SECRET_BYTES: usize = 32;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read the settings file {path}: {source}")]
    ReadFile {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the settings file {path} is not valid: {message}")]
    ParseFile { path: PathBuf, message: String },
    #[error(
        "the secret from {origin} is {len} bytes long; it must be at least {MIN_SECRET_BYTES} bytes. \
         Generate one with `head -c 48 /dev/urandom | base64`, or remove it to let Sales Dojo create one"
    )]
    SecretTooShort { origin: String, len: usize },
    #[error("cannot create the secret file {path}: {source}")]
    WriteSecret {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot generate random bytes for the secret: {0}")]
    Random(String),
    #[error("salesdojo.toml: {0}")]
    Invalid(String),
}

/// What `salesdojo.toml` may contain; every key is optional.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSettings {
    bind: Option<SocketAddr>,
    content: Option<PathBuf>,
    database_url: Option<String>,
    secret: Option<String>,
    workers: Option<usize>,
    behind_proxy: Option<bool>,
    session_days: Option<u32>,
    public_url: Option<String>,
    desired_retention: Option<f64>,
    daily_review_cap: Option<u64>,
    fading_refresh_minutes: Option<u64>,
}

/// A secret that never prints.
#[derive(Clone)]
pub struct Secret(Vec<u8>);

impl Secret {
    /// A secret given directly (tests, embedding); refuses nothing, so check the length first.
    pub fn from_bytes(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }

    pub fn expose(&self) -> &[u8] {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// Where the secret came from, for the start-up log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretOrigin {
    Environment,
    SettingsFile,
    ExistingFile(PathBuf),
    Generated(PathBuf),
}

/// Settings every command needs.
#[derive(Debug, Clone)]
pub struct Settings {
    pub database_url: String,
    file: FileSettings,
}

/// Settings of the web server.
#[derive(Debug, Clone)]
pub struct ServerSettings {
    pub bind: SocketAddr,
    pub content_dir: PathBuf,
    pub database_url: String,
    pub secret: Secret,
    pub secret_origin: SecretOrigin,
    pub workers: usize,
    /// Trust `X-Forwarded-For`/`Forwarded` for the client address (only behind a proxy you run).
    pub behind_proxy: bool,
    pub session_days: u32,
    pub watch: bool,
    pub demo: bool,
    /// The address people reach the server at (behind a proxy, the proxy's):
    /// the base of xAPI activity IRIs.
    pub public_url: String,
    /// What scheduling reads the time from (tests shift it).
    pub clock: crate::clock::Clock,
    /// FSRS desired retention for daily review, 0.7..=0.99.
    pub desired_retention: f64,
    /// The most review cards a learner answers per day.
    pub daily_review_cap: u64,
    /// How often stored standings are refreshed for cards that fade.
    pub fading_refresh: std::time::Duration,
}

impl Settings {
    pub fn load(cli: &Cli) -> Result<Self, ConfigError> {
        let file = read_settings_file(cli.config.as_deref())?;
        let database_url = cli
            .database_url
            .clone()
            .or_else(|| file.database_url.clone())
            .unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned());
        Ok(Self { database_url, file })
    }

    /// The content folder when no flag names one: SALESDOJO_CONTENT, the settings file, or ./content.
    pub fn content_dir(&self) -> PathBuf {
        std::env::var_os("SALESDOJO_CONTENT")
            .map(PathBuf::from)
            .or_else(|| self.file.content.clone())
            .unwrap_or_else(|| PathBuf::from(DEFAULT_CONTENT_DIR))
    }

    /// The public address: SALESDOJO_PUBLIC_URL, the settings file's
    /// `public_url`, else `http://` and the bind address.
    pub fn public_url(&self, bind: SocketAddr) -> String {
        std::env::var("SALESDOJO_PUBLIC_URL")
            .ok()
            .filter(|s| !s.trim().is_empty())
            .or_else(|| self.file.public_url.clone())
            .map(|url| url.trim().trim_end_matches('/').to_owned())
            .unwrap_or_else(|| format!("http://{bind}"))
    }

    pub fn server(&self, args: &ServeArgs) -> Result<ServerSettings, ConfigError> {
        let env_secret = std::env::var("SALESDOJO_SECRET")
            .ok()
            .filter(|s| !s.is_empty());
        let (secret, secret_origin) = match (env_secret, &self.file.secret) {
            (Some(value), _) => (
                check_secret(value.into_bytes(), "SALESDOJO_SECRET")?,
                SecretOrigin::Environment,
            ),
            (None, Some(value)) => (
                check_secret(value.clone().into_bytes(), "salesdojo.toml `secret`")?,
                SecretOrigin::SettingsFile,
            ),
            (None, None) => load_or_create_secret_file(&secret_file_path(&self.database_url))?,
        };
        let bind = args
            .bind
            .or(self.file.bind)
            .unwrap_or(SocketAddr::from(([127, 0, 0, 1], 8080)));
        Ok(ServerSettings {
            bind,
            public_url: self.public_url(bind),
            clock: crate::clock::Clock::system(),
            desired_retention: self
                .file
                .desired_retention
                .unwrap_or(crate::review::scheduler::DEFAULT_DESIRED_RETENTION),
            daily_review_cap: self
                .file
                .daily_review_cap
                .unwrap_or(crate::review::cards::DEFAULT_DAILY_CAP),
            fading_refresh: fading_refresh(self.file.fading_refresh_minutes)?,
            content_dir: args.content.clone().unwrap_or_else(|| self.content_dir()),
            database_url: self.database_url.clone(),
            secret,
            secret_origin,
            workers: self
                .file
                .workers
                .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get())),
            behind_proxy: self.file.behind_proxy.unwrap_or(false),
            session_days: self.file.session_days.unwrap_or(14),
            watch: args.watch,
            demo: args.demo,
        })
    }
}

/// Minutes between refreshes of fading standings: 1 to 1440, default 60.
fn fading_refresh(minutes: Option<u64>) -> Result<std::time::Duration, ConfigError> {
    let minutes = minutes.unwrap_or(DEFAULT_FADING_REFRESH_MINUTES);
    if !(1..=1440).contains(&minutes) {
        return Err(ConfigError::Invalid(format!(
            "`fading_refresh_minutes` is {minutes}; set it between 1 and 1440 (a day)"
        )));
    }
    Ok(std::time::Duration::from_secs(minutes * 60))
}

pub const DEFAULT_FADING_REFRESH_MINUTES: u64 = 60;

fn read_settings_file(explicit: Option<&Path>) -> Result<FileSettings, ConfigError> {
    let path = match explicit {
        Some(path) => path.to_path_buf(),
        None => {
            let default = PathBuf::from(DEFAULT_CONFIG_FILE);
            if !default.exists() {
                return Ok(FileSettings::default());
            }
            default
        }
    };
    let text = fs::read_to_string(&path).map_err(|source| ConfigError::ReadFile {
        path: path.clone(),
        source,
    })?;
    toml::from_str(&text).map_err(|error| ConfigError::ParseFile {
        path,
        message: error.to_string(),
    })
}

fn check_secret(bytes: Vec<u8>, origin: &str) -> Result<Secret, ConfigError> {
    if bytes.len() < MIN_SECRET_BYTES {
        return Err(ConfigError::SecretTooShort {
            origin: origin.to_owned(),
            len: bytes.len(),
        });
    }
    Ok(Secret(bytes))
}

/// The secret file lives beside the SQLite database; for other databases in
/// the working directory (several app servers must then share one secret
/// through SALESDOJO_SECRET).
pub fn secret_file_path(database_url: &str) -> PathBuf {
    match crate::store::sqlite_file(database_url) {
        Some(db) => db
            .parent()
            .map(|dir| dir.join(SECRET_FILE_NAME))
            .unwrap_or_else(|| PathBuf::from(SECRET_FILE_NAME)),
        None => PathBuf::from(SECRET_FILE_NAME),
    }
}

fn load_or_create_secret_file(path: &Path) -> Result<(Secret, SecretOrigin), ConfigError> {
    if let Ok(text) = fs::read_to_string(path) {
        let origin = format!("the file {}", path.display());
        let secret = check_secret(text.trim().as_bytes().to_vec(), &origin)?;
        return Ok((secret, SecretOrigin::ExistingFile(path.to_path_buf())));
    }
    let mut random = [0u8; 48];
    getrandom::fill(&mut random).map_err(|e| ConfigError::Random(e.to_string()))?;
    let encoded = base64::engine::general_purpose::STANDARD.encode(random);
    write_private_file(path, encoded.as_bytes()).map_err(|source| ConfigError::WriteSecret {
        path: path.to_path_buf(),
        source,
    })?;
    Ok((
        Secret(encoded.into_bytes()),
        SecretOrigin::Generated(path.to_path_buf()),
    ))
}

/// Creates a file readable only by its owner (0600), refusing to overwrite.
fn write_private_file(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        fs::create_dir_all(dir)?;
    }
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(contents)?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_secret_is_refused_with_its_length() {
        let error = check_secret(b"too-short".to_vec(), "SALESDOJO_SECRET").unwrap_err();
        let message = error.to_string();
        assert!(message.contains("9 bytes"), "{message}");
        assert!(message.contains("at least 32"), "{message}");
    }

    #[test]
    fn the_secret_file_sits_beside_the_sqlite_database() {
        assert_eq!(
            secret_file_path("sqlite:///var/lib/salesdojo/app.db"),
            PathBuf::from("/var/lib/salesdojo/salesdojo.secret")
        );
        assert_eq!(
            secret_file_path("postgres://u@h/db"),
            PathBuf::from("salesdojo.secret")
        );
    }

    #[test]
    fn flags_win_over_the_settings_file_which_wins_over_defaults() {
        use clap::Parser;
        let dir = tempfile::tempdir().expect("a temporary directory");
        let file = dir.path().join("salesdojo.toml");
        fs::write(
            &file,
            "bind = \"0.0.0.0:9000\"\ncontent = \"/srv/courses\"\nworkers = 3\nsecret = \"0123456789abcdef0123456789abcdef-from-file\"\n",
        )
        .expect("write the settings file");
        let config = file.to_str().expect("a UTF-8 path");
        let cli = Cli::try_parse_from([
            "salesdojo",
            "--config",
            config,
            "serve",
            "--bind",
            "127.0.0.1:7000",
        ])
        .expect("valid arguments");
        let Some(crate::cli::Command::Serve(args)) = &cli.command else {
            panic!("expected serve");
        };
        let server = Settings::load(&cli)
            .and_then(|s| s.server(args))
            .expect("settings");
        assert_eq!(
            server.bind,
            "127.0.0.1:7000".parse().expect("an address"),
            "the flag wins"
        );
        assert_eq!(
            server.content_dir,
            PathBuf::from("/srv/courses"),
            "the file beats the default"
        );
        assert_eq!(server.workers, 3);
        assert_eq!(server.session_days, 14, "the default fills the rest");
        if std::env::var_os("SALESDOJO_SECRET").is_none() {
            assert_eq!(server.secret_origin, SecretOrigin::SettingsFile);
        }
    }

    #[test]
    fn unknown_keys_in_the_settings_file_are_refused() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let file = dir.path().join("salesdojo.toml");
        fs::write(&file, "bnd = \"127.0.0.1:1\"\n").expect("write the settings file");
        let error = read_settings_file(Some(&file)).expect_err("a typo must not pass");
        assert!(error.to_string().contains("unknown field `bnd`"), "{error}");
    }

    #[test]
    fn the_secret_never_prints() {
        let secret = Secret(b"x".repeat(40));
        assert_eq!(format!("{secret:?}"), "Secret(<redacted>)");
    }
}
