use std::io::IsTerminal;
use std::process::ExitCode;

use crate::cli::{CheckArgs, CheckFormat};
use crate::config::Settings;
use crate::content::{self, ReportFormat};

/// `salesdojo check [DIR]`: every diagnostic, then a summary line; exit
/// status 1 on errors (or on warnings with --deny-warnings).
pub fn run(settings: &Settings, args: &CheckArgs) -> ExitCode {
    let dir = args.dir.clone().unwrap_or_else(|| settings.content_dir());
    let report = content::check(&dir);
    match args.format {
        CheckFormat::Text => {
            let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            print!(
                "{}",
                content::render_report(&report, ReportFormat::Terminal { color })
            );
        }
        CheckFormat::Json => {
            print!(
                "{}",
                content::render_report(&report, ReportFormat::JsonLines)
            );
            eprintln!("{}", report.summary.line());
        }
    }
    if report.passed(args.deny_warnings) {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
