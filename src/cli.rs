//! The command line, as SPEC section 8 describes it. No subcommand means `serve`.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::domain::AccessRole;

#[derive(Debug, Parser)]
#[command(
    name = "salesdojo",
    version,
    about = "Sales Dojo: sales-skills training server"
)]
pub struct Cli {
    /// Settings file (TOML). Default: ./salesdojo.toml when it exists.
    #[arg(long, global = true, env = "SALESDOJO_CONFIG")]
    pub config: Option<PathBuf>,

    /// Database URL: sqlite://FILE or postgres://USER@HOST/DB.
    #[arg(long, global = true, env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,

    /// Log format: human-readable text or one JSON object per line.
    #[arg(long, global = true, value_enum, default_value_t = LogFormat::Text, env = "SALESDOJO_LOG_FORMAT")]
    pub log_format: LogFormat,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web server (the default).
    Serve(ServeArgs),
    /// Apply database migrations and exit.
    Migrate,
    /// Manage users.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage teams.
    #[command(subcommand)]
    Team(TeamCommand),
    /// Manage personal API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Validate a content folder; exit status 1 when it has errors.
    Check(CheckArgs),
    /// Convert questions from another tool into a quiz.md.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Load the demo organisation (teams, learners and weeks of progress)
    /// into the database, print its logins and exit; does nothing when it
    /// is loaded already.
    Demo,
    /// Write a consistent copy of a live SQLite database to FILE.
    Backup {
        /// Where to write the copy; must not exist yet.
        file: PathBuf,
    },
    /// Export levels or evidence as CSV, or learning records as xAPI statements.
    #[command(subcommand)]
    Export(ExportCommand),
}

#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// CSV for spreadsheets (UTF-8 with BOM): one row per member and
    /// competency, or with --evidence one row per evidence row.
    Csv(ExportArgs),
    /// xAPI 1.0.3 statements as one JSON array, for a learning record store.
    Xapi(ExportArgs),
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Only this team (its name); default: every team (CSV) or everyone (xAPI).
    #[arg(long)]
    pub team: Option<String>,
    /// Only this learner (e-mail address; xAPI only).
    #[arg(long)]
    pub user: Option<String>,
    /// Only evidence and records from this day (YYYY-MM-DD, UTC) on.
    #[arg(long)]
    pub since: Option<String>,
    /// Write to this file instead of standard output.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// CSV: export the evidence rows instead of the levels.
    #[arg(long)]
    pub evidence: bool,
}

#[derive(Debug, Default, Args)]
pub struct ServeArgs {
    /// Address to listen on, e.g. 127.0.0.1:8080.
    #[arg(long, env = "SALESDOJO_BIND")]
    pub bind: Option<SocketAddr>,
    /// Folder with the course content.
    #[arg(long, env = "SALESDOJO_CONTENT")]
    pub content: Option<PathBuf>,
    /// Reload content when files change.
    #[arg(long)]
    pub watch: bool,
    /// Also load a demo organisation.
    #[arg(long)]
    pub demo: bool,
}

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Moodle GIFT: writes modules/ID/quiz.md (or quiz.LANG.md) in the content folder
    /// and lists, with line numbers, what it could not convert.
    Gift {
        /// The .gift file exported from Moodle.
        file: PathBuf,
        /// The module folder to write into (content/modules/ID).
        #[arg(long)]
        module: String,
        /// Write the translation quiz.LANG.md, e.g. zh-CN.
        #[arg(long)]
        lang: Option<String>,
        /// Replace an existing quiz file.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The content folder. Default: the configured one (SALESDOJO_CONTENT, else ./content).
    pub dir: Option<PathBuf>,
    /// `text`: diagnostics drawn with their source line; `json`: one JSON object per line.
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    pub format: CheckFormat,
    /// Treat warnings as errors.
    #[arg(long)]
    pub deny_warnings: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a user. Without --password-stdin a random password is generated and shown once.
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// Access role; repeat for several. Default: learner.
        #[arg(long = "role", value_enum)]
        roles: Vec<AccessRole>,
        /// Job role id from competencies.toml (sets targets and paths).
        #[arg(long)]
        job: Option<String>,
        /// Read the password from standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Set a user's password (read from standard input); ends all their sessions.
    Passwd {
        #[arg(long)]
        email: String,
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// List users.
    List,
    /// Import users from a CSV file (columns email, name, roles, job_role,
    /// team, manager_of). Every line is checked first; nothing is imported
    /// if any line has a problem. Prints each new user's generated password.
    Import {
        /// The CSV file (UTF-8, with or without BOM).
        file: PathBuf,
        /// Write the e-mail addresses and passwords to this file (created
        /// readable by you only) instead of standard output.
        #[arg(long)]
        passwords_out: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum TeamCommand {
    /// Create a team with its manager.
    Add {
        #[arg(long)]
        name: String,
        #[arg(long)]
        manager: String,
    },
    /// Add a member to a team.
    Member {
        #[arg(long)]
        team: String,
        #[arg(long)]
        email: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create a personal API token for a user and print it once.
    Create {
        #[arg(long)]
        user: String,
        /// A label to recognise the token by.
        #[arg(long, default_value = "cli")]
        label: String,
    },
}
