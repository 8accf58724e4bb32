//! The user-import CSV behind `salesdojo user import FILE.csv` and the admin
//! upload page: parse and validate every line before anything is imported.
//!
//! The first non-blank line is a header naming the columns (case-insensitive,
//! in any order): `email` and `name` are required; `roles`, `job_role`, `team`
//! and `manager_of` are optional. Each following non-blank line is one user.
//! [`parse`] returns either every row or every problem, each tied to the
//! 1-based line of the file it is on, so an admin can fix the whole file in one
//! go and nothing is imported from a file that still has mistakes.

use std::collections::HashMap;
use std::fmt;

use crate::domain::{AccessRole, Email, InvalidInput, PersonName, Roles, TeamName};

/// The most users one file may hold; split larger imports into several files.
pub const MAX_ROWS: usize = 10_000;

/// One valid user line of an import file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRow {
    /// The 1-based line of the file the user starts on (the header is line 1).
    pub line: usize,
    /// The user's e-mail address, lower-cased.
    pub email: Email,
    /// The user's display name.
    pub name: PersonName,
    /// The access roles; `learner` alone when the cell is empty or the column absent.
    pub roles: Roles,
    /// A job-role id from the competency framework, if given.
    pub job_role: Option<String>,
    /// The team the user belongs to, if given; the caller creates missing teams.
    pub team: Option<TeamName>,
    /// The team the user manages, if given.
    pub manager_of: Option<TeamName>,
}

/// Something to fix in an import file, at a line and (when it is about one
/// cell or header column) a column.
///
/// Displays as ``line 4, column `email`: …``, or `line 4: …` without a column.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LineProblem {
    /// The 1-based line of the file (the header is line 1).
    pub line: usize,
    /// The column concerned: its canonical name (`job_role`) for a known
    /// column, or the header cell as written for an unknown one.
    pub column: Option<String>,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl LineProblem {
    fn file(line: usize, message: impl Into<String>) -> Self {
        Self {
            line,
            column: None,
            message: message.into(),
        }
    }

    fn column(line: usize, column: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            line,
            column: Some(column.into()),
            message: message.into(),
        }
    }
}

impl fmt::Display for LineProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.column {
            Some(column) => write!(f, "line {}, column `{column}`: {}", self.line, self.message),
            None => write!(f, "line {}: {}", self.line, self.message),
        }
    }
}

impl std::error::Error for LineProblem {}

/// The columns an import file may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Email,
    Name,
    Roles,
    JobRole,
    Team,
    ManagerOf,
}

impl Column {
    const ALL: [Column; 6] = [
        Self::Email,
        Self::Name,
        Self::Roles,
        Self::JobRole,
        Self::Team,
        Self::ManagerOf,
    ];

    const LIST: &'static str = "email, name, roles, job_role, team and manager_of";

    fn name(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Name => "name",
            Self::Roles => "roles",
            Self::JobRole => "job_role",
            Self::Team => "team",
            Self::ManagerOf => "manager_of",
        }
    }

    fn required(self) -> bool {
        matches!(self, Self::Email | Self::Name)
    }

    /// Case-insensitive; `Job Role` and `job-role` are taken for `job_role` too.
    fn from_header(raw: &str) -> Option<Self> {
        let wanted: String = raw
            .trim()
            .chars()
            .map(|c| match c {
                ' ' | '-' => '_',
                c => c.to_ascii_lowercase(),
            })
            .collect();
        Self::ALL.into_iter().find(|column| column.name() == wanted)
    }
}

/// Parses and validates a whole import file.
///
/// `bytes` is the file as uploaded (UTF-8, with or without a byte-order mark);
/// `job_roles` are the job-role ids the competency framework defines. Cells are
/// trimmed and blank lines skipped. Returns every user in file order, or — if
/// any line has a problem — every problem found, in file order, and no rows.
pub fn parse(bytes: &[u8], job_roles: &[String]) -> Result<Vec<ImportRow>, Vec<LineProblem>> {
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => return Err(vec![not_utf8(bytes, error.valid_up_to())]),
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut lines = LineCounter::new(text.as_bytes());
    let mut record = csv::StringRecord::new();

    let (header_line, layout) = loop {
        match next_record(&mut reader, &mut record, &mut lines) {
            Err(problem) => return Err(vec![problem]),
            Ok(None) => {
                return Err(vec![LineProblem::file(
                    1,
                    "no users in the file: it is empty; the first line must be a header \
                     such as `email,name,roles,job_role,team`, then one line per user",
                )]);
            }
            Ok(Some(_)) if is_blank(&record) => continue,
            Ok(Some(line)) => break (line, Layout::from_header(&record, line)?),
        }
    };

    let mut rows = Vec::new();
    let mut problems = Vec::new();
    let mut first_line_of: HashMap<String, usize> = HashMap::new();
    let mut count = 0usize;
    loop {
        let line = match next_record(&mut reader, &mut record, &mut lines) {
            Err(problem) => {
                problems.push(problem);
                break;
            }
            Ok(None) => break,
            Ok(Some(line)) => line,
        };
        if is_blank(&record) {
            continue;
        }
        count += 1;
        if count > MAX_ROWS {
            problems.push(LineProblem::file(
                line,
                format!(
                    "the file has more than {MAX_ROWS} users; split it into files of at most \
                     {MAX_ROWS} users each and import them one after another"
                ),
            ));
            break;
        }
        match layout.row(&record, line, job_roles, &mut first_line_of) {
            Ok(row) => rows.push(row),
            Err(mut found) => problems.append(&mut found),
        }
    }

    if !problems.is_empty() {
        return Err(problems);
    }
    if rows.is_empty() {
        return Err(vec![LineProblem::file(
            header_line,
            "no users in the file: it has a header but no user lines; add one line per user \
             below the header",
        )]);
    }
    Ok(rows)
}

fn not_utf8(bytes: &[u8], valid_up_to: usize) -> LineProblem {
    let prefix = bytes.get(..valid_up_to).unwrap_or(bytes);
    let line = 1 + prefix.iter().filter(|&&b| b == b'\n').count();
    let utf16 = bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]);
    let what = if utf16 {
        "the file is UTF-16 text, not UTF-8"
    } else {
        "the file is not UTF-8 text"
    };
    LineProblem::file(
        line,
        format!(
            "{what} (the first character that is not UTF-8 is on this line); save it as UTF-8 \
             — in Excel, \"Save As\" → \"CSV UTF-8 (comma delimited)\" — and import it again"
        ),
    )
}

/// Reads the next record; `Ok(Some(line))` gives the file line it starts on.
fn next_record(
    reader: &mut csv::Reader<&[u8]>,
    record: &mut csv::StringRecord,
    lines: &mut LineCounter<'_>,
) -> Result<Option<usize>, LineProblem> {
    match reader.read_record(record) {
        Ok(false) => Ok(None),
        Ok(true) => {
            let start = record.position().map_or(0, |p| p.byte());
            Ok(Some(
                lines.line_of(usize::try_from(start).unwrap_or(usize::MAX)),
            ))
        }
        Err(error) => {
            let line = error
                .position()
                .map_or(1, |p| usize::try_from(p.line()).unwrap_or(usize::MAX));
            Err(LineProblem::file(
                line,
                format!(
                    "the file could not be read as CSV ({error}); save it as CSV and try again"
                ),
            ))
        }
    }
}

/// Turns a record's starting byte into the 1-based line it starts on.
///
/// The csv reader's own position for a record is where the previous record
/// ended, which is before any blank lines it skipped; so the line is counted
/// here, from the first byte that is not a line break.
struct LineCounter<'a> {
    bytes: &'a [u8],
    offset: usize,
    line: usize,
}

impl<'a> LineCounter<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Self {
            bytes,
            offset: 0,
            line: 1,
        }
    }

    /// `start` must not go backwards between calls.
    fn line_of(&mut self, start: usize) -> usize {
        let rest = self.bytes.get(start..).unwrap_or_default();
        let skipped = rest
            .iter()
            .take_while(|&&b| b == b'\r' || b == b'\n')
            .count();
        let start = start.saturating_add(skipped).min(self.bytes.len());
        if let Some(between) = self.bytes.get(self.offset..start) {
            self.line += between.iter().filter(|&&b| b == b'\n').count();
            self.offset = start;
        }
        self.line
    }
}

fn is_blank(record: &csv::StringRecord) -> bool {
    record.iter().all(|cell| cell.trim().is_empty())
}

/// Which column each cell position holds, from the header.
struct Layout {
    columns: Vec<Column>,
}

impl Layout {
    fn from_header(header: &csv::StringRecord, line: usize) -> Result<Self, Vec<LineProblem>> {
        let cells: Vec<&str> = header.iter().map(str::trim).collect();
        let known: Vec<Option<Column>> = cells.iter().map(|c| Column::from_header(c)).collect();

        if known.iter().all(Option::is_none) {
            if let [only] = cells.as_slice()
                && let Some(separator) = [(';', "`;`"), ('\t', "tabs")]
                    .into_iter()
                    .find_map(|(c, name)| only.contains(c).then_some(name))
            {
                return Err(vec![LineProblem::file(
                    line,
                    format!(
                        "the header is a single cell: the file seems to use {separator} between \
                         columns; save it as CSV with commas between the columns"
                    ),
                )]);
            }
            if cells.iter().any(|c| c.contains('@')) {
                return Err(vec![LineProblem::file(
                    line,
                    format!(
                        "the first line must be a header naming the columns, such as \
                         `email,name,roles,job_role,team`, but it looks like a user; add the \
                         header line (the columns are {})",
                        Column::LIST
                    ),
                )]);
            }
        }

        let mut problems = Vec::new();
        let mut columns = Vec::with_capacity(cells.len());
        let mut position_of: HashMap<&'static str, usize> = HashMap::new();
        for (index, (cell, column)) in cells.iter().zip(&known).enumerate() {
            match column {
                Some(column) => {
                    if let Some(first) = position_of.get(column.name()) {
                        problems.push(LineProblem::column(
                            line,
                            column.name(),
                            format!(
                                "the column appears twice (columns {} and {}); keep one",
                                first + 1,
                                index + 1
                            ),
                        ));
                    } else {
                        position_of.insert(column.name(), index);
                    }
                    columns.push(*column);
                }
                None if cell.is_empty() => problems.push(LineProblem::file(
                    line,
                    format!(
                        "column {} of the header has no name; name it ({}) or delete the column",
                        index + 1,
                        Column::LIST
                    ),
                )),
                None => problems.push(LineProblem::column(
                    line,
                    *cell,
                    format!(
                        "unknown column; the columns are {}; rename or delete it",
                        Column::LIST
                    ),
                )),
            }
        }
        for column in Column::ALL {
            if column.required() && !position_of.contains_key(column.name()) {
                problems.push(LineProblem::column(
                    line,
                    column.name(),
                    format!(
                        "the header has no `{}` column; add it (the columns are {})",
                        column.name(),
                        Column::LIST
                    ),
                ));
            }
        }
        if problems.is_empty() {
            Ok(Self { columns })
        } else {
            Err(problems)
        }
    }

    fn row(
        &self,
        record: &csv::StringRecord,
        line: usize,
        job_roles: &[String],
        first_line_of: &mut HashMap<String, usize>,
    ) -> Result<ImportRow, Vec<LineProblem>> {
        let width = self.columns.len();
        if record.len() != width {
            let hint = if record.len() > width {
                "put a cell that contains a comma in double quotes, or remove the extra cells"
            } else {
                "add the missing cells (they may be empty) so every line has one per column"
            };
            return Err(vec![LineProblem::file(
                line,
                format!(
                    "the line has {} {}, the header has {width}; {hint}",
                    record.len(),
                    if record.len() == 1 { "cell" } else { "cells" },
                ),
            )]);
        }

        let mut problems = Vec::new();
        let mut refuse = |column: Column, message: String| {
            problems.push(LineProblem::column(line, column.name(), message));
        };
        let (mut email, mut name) = (None, None);
        let mut roles = Some(Roles::new([AccessRole::Learner]));
        let (mut job_role, mut team, mut manager_of) = (Some(None), Some(None), Some(None));
        for (&column, cell) in self.columns.iter().zip(record.iter()) {
            let cell = cell.trim();
            match column {
                Column::Email => match Email::parse(cell) {
                    Ok(parsed) => {
                        if let Some(first) = first_line_of.get(parsed.as_str()) {
                            refuse(
                                column,
                                format!(
                                    "`{parsed}` is already on line {first}; list each user once"
                                ),
                            );
                        } else {
                            first_line_of.insert(parsed.as_str().to_owned(), line);
                            email = Some(parsed);
                        }
                    }
                    Err(error) => refuse(column, error.message),
                },
                Column::Name => match PersonName::parse(cell) {
                    Ok(parsed) => name = Some(parsed),
                    Err(error) => refuse(column, error.message),
                },
                Column::Roles => match parse_roles(cell) {
                    Ok(parsed) => roles = Some(parsed),
                    Err(errors) => {
                        roles = None;
                        for error in errors {
                            refuse(column, error.message);
                        }
                    }
                },
                Column::JobRole => match parse_job_role(cell, job_roles) {
                    Ok(parsed) => job_role = Some(parsed),
                    Err(message) => {
                        job_role = None;
                        refuse(column, message);
                    }
                },
                Column::Team | Column::ManagerOf => {
                    let parsed = if cell.is_empty() {
                        Some(None)
                    } else {
                        match TeamName::parse(cell) {
                            Ok(parsed) => Some(Some(parsed)),
                            Err(error) => {
                                refuse(column, error.message);
                                None
                            }
                        }
                    };
                    if column == Column::Team {
                        team = parsed;
                    } else {
                        manager_of = parsed;
                    }
                }
            }
        }

        match (email, name, roles, job_role, team, manager_of) {
            (
                Some(email),
                Some(name),
                Some(roles),
                Some(job_role),
                Some(team),
                Some(manager_of),
            ) if problems.is_empty() => Ok(ImportRow {
                line,
                email,
                name,
                roles,
                job_role,
                team,
                manager_of,
            }),
            _ => Err(problems),
        }
    }
}

/// Roles separated by `;`, `|`, commas or spaces, in any letter case; empty
/// means `learner`. Returns one error per word that is not a role.
fn parse_roles(cell: &str) -> Result<Roles, Vec<InvalidInput>> {
    let mut roles = Vec::new();
    let mut errors = Vec::new();
    for word in cell
        .split(|c: char| c == ';' || c == '|' || c == ',' || c.is_whitespace())
        .filter(|word| !word.is_empty())
    {
        match AccessRole::parse(&word.to_lowercase()).or_else(|_| AccessRole::parse(word)) {
            Ok(role) => roles.push(role),
            Err(error) => errors.push(error),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    if roles.is_empty() {
        roles.push(AccessRole::Learner);
    }
    Ok(Roles::new(roles))
}

/// An empty cell is no job role; otherwise the id must be one the framework
/// defines (compared case-insensitively, returned as the framework spells it).
fn parse_job_role(cell: &str, job_roles: &[String]) -> Result<Option<String>, String> {
    if cell.is_empty() {
        return Ok(None);
    }
    if let Some(known) = job_roles
        .iter()
        .find(|known| known.as_str() == cell)
        .or_else(|| {
            job_roles
                .iter()
                .find(|known| known.eq_ignore_ascii_case(cell))
        })
    {
        return Ok(Some(known.clone()));
    }
    if job_roles.is_empty() {
        return Err(format!(
            "`{cell}` is not a job role: the competency framework defines none yet; leave the \
             cell empty"
        ));
    }
    let known: Vec<&str> = job_roles.iter().map(String::as_str).collect();
    Err(format!(
        "`{cell}` is not a job role; use one of {} (as in competencies.toml), or leave the cell \
         empty",
        known.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job_roles() -> Vec<String> {
        vec!["new-hire".to_owned(), "account-executive".to_owned()]
    }

    fn problems(csv: &str) -> Vec<LineProblem> {
        parse(csv.as_bytes(), &job_roles()).unwrap_err()
    }

    fn rows(csv: &str) -> Vec<ImportRow> {
        parse(csv.as_bytes(), &job_roles()).unwrap()
    }

    fn at(problems: &[LineProblem]) -> Vec<(usize, Option<&str>)> {
        problems
            .iter()
            .map(|p| (p.line, p.column.as_deref()))
            .collect()
    }

    fn roles(names: &[&str]) -> Vec<&'static str> {
        let roles: Vec<AccessRole> = names
            .iter()
            .map(|n| AccessRole::parse(n).unwrap())
            .collect();
        Roles::new(roles).names()
    }

    #[test]
    fn a_good_file_gives_every_user() {
        let file = "\u{feff}Email,Name,Roles,Job_Role,Team,Manager_Of\r\n\
                    ana@example.com,\"Li, Ana\",trainer;manager|admin learner,new-hire,North,\r\n\
                    \r\n\
                    Wang@Example.COM , 王小明 ,,, 华东销售 ,华东销售\r\n\
                    bo@example.com,Bo,  ,ACCOUNT-EXECUTIVE,,\r\n";
        let rows = rows(file);
        assert_eq!(rows.len(), 3);

        assert_eq!(rows[0].line, 2);
        assert_eq!(rows[0].email.as_str(), "ana@example.com");
        assert_eq!(rows[0].name.as_str(), "Li, Ana");
        assert_eq!(
            rows[0].roles.names(),
            roles(&["learner", "trainer", "manager", "admin"])
        );
        assert_eq!(rows[0].job_role.as_deref(), Some("new-hire"));
        assert_eq!(rows[0].team.as_ref().map(TeamName::as_str), Some("North"));
        assert_eq!(rows[0].manager_of, None);

        assert_eq!(rows[1].line, 4, "the blank line 3 is skipped but counted");
        assert_eq!(rows[1].email.as_str(), "wang@example.com");
        assert_eq!(rows[1].name.as_str(), "王小明");
        assert_eq!(rows[1].roles.names(), roles(&["learner"]));
        assert_eq!(rows[1].job_role, None);
        assert_eq!(
            rows[1].team.as_ref().map(TeamName::as_str),
            Some("华东销售")
        );
        assert_eq!(
            rows[1].manager_of.as_ref().map(TeamName::as_str),
            Some("华东销售")
        );

        assert_eq!(rows[2].line, 5);
        assert_eq!(rows[2].roles.names(), roles(&["learner"]));
        assert_eq!(
            rows[2].job_role.as_deref(),
            Some("account-executive"),
            "job roles match case-insensitively and come back as the framework spells them"
        );
    }

    #[test]
    fn columns_may_come_in_any_order_and_optional_ones_may_be_missing() {
        let rows = rows("NAME,eMail\nAna,ana@example.com\n");
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].email.as_str(), "ana@example.com");
        assert_eq!(rows[0].name.as_str(), "Ana");
        assert_eq!(rows[0].roles.names(), roles(&["learner"]));
        assert_eq!(
            (&rows[0].job_role, &rows[0].team, &rows[0].manager_of),
            (&None, &None, &None)
        );

        let rows = self::rows("Job Role,name,email,manager-of\nnew-hire,Ana,ana@example.com,A\n");
        assert_eq!(rows[0].job_role.as_deref(), Some("new-hire"));
        assert_eq!(rows[0].manager_of.as_ref().map(TeamName::as_str), Some("A"));
    }

    #[test]
    fn role_separators_and_letter_case_are_flexible() {
        for cell in [
            "trainer;admin",
            "trainer|admin",
            "trainer admin",
            "\"Trainer, ADMIN\"",
            " trainer ; | admin ",
        ] {
            let rows = rows(&format!("email,name,roles\na@example.com,A,{cell}\n"));
            assert_eq!(
                rows[0].roles.names(),
                roles(&["trainer", "admin"]),
                "{cell}"
            );
        }
    }

    #[test]
    fn a_quoted_cell_may_hold_commas_quotes_and_line_breaks() {
        let rows = rows(
            "email,name,team\n\
             a@example.com,\"Ana \"\"Nan\"\" Li, Jr.\",\"Sales, North\"\n",
        );
        assert_eq!(rows[0].name.as_str(), "Ana \"Nan\" Li, Jr.");
        assert_eq!(
            rows[0].team.as_ref().map(TeamName::as_str),
            Some("Sales, North")
        );
    }

    #[test]
    fn each_kind_of_bad_cell_is_reported_with_its_column() {
        let file = "email,name,roles,job_role,team,manager_of\n\
                    ana.example.com,Ana,,,,\n\
                    b@example.com,,,,,\n\
                    c@example.com,C,learner;boss,,,\n\
                    d@example.com,D,,sdr,,\n\
                    e@example.com,E,,,\"Sales\nNorth\",\n\
                    f@example.com,F,,,,\"Team\tB\"\n";
        let problems = problems(file);
        assert_eq!(
            at(&problems),
            vec![
                (2, Some("email")),
                (3, Some("name")),
                (4, Some("roles")),
                (5, Some("job_role")),
                (6, Some("team")),
                (8, Some("manager_of")),
            ]
        );
        assert!(problems[0].message.contains("no @"), "{}", problems[0]);
        assert!(
            problems[1].message.contains("name is empty"),
            "{}",
            problems[1]
        );
        assert!(
            problems[2].message.contains("`boss` is not a role"),
            "{}",
            problems[2]
        );
        assert!(
            problems[3].message.contains("`sdr` is not a job role")
                && problems[3].message.contains("new-hire, account-executive"),
            "the known job roles are listed: {}",
            problems[3]
        );
        assert!(
            problems[4].message.contains("control characters"),
            "{}",
            problems[4]
        );
        assert!(
            problems[5].message.contains("control characters"),
            "{}",
            problems[5]
        );
    }

    #[test]
    fn long_names_and_team_names_are_refused() {
        let long_name = "n".repeat(101);
        let long_team = "t".repeat(81);
        let problems = problems(&format!(
            "email,name,team\na@example.com,{long_name},{long_team}\n"
        ));
        assert_eq!(at(&problems), vec![(2, Some("name")), (2, Some("team"))]);
        assert!(problems[0].message.contains("longer than 100"));
        assert!(problems[1].message.contains("longer than 80"));
    }

    #[test]
    fn an_unknown_job_role_says_when_the_framework_has_none() {
        let problems = parse(b"email,name,job_role\na@example.com,A,new-hire\n", &[]).unwrap_err();
        assert_eq!(at(&problems), vec![(2, Some("job_role"))]);
        assert!(
            problems[0].message.contains("defines none"),
            "{}",
            problems[0]
        );
    }

    #[test]
    fn every_bad_cell_of_a_line_is_reported() {
        let problems = problems("email,name,roles\nnope,,chief\n");
        assert_eq!(
            at(&problems),
            vec![(2, Some("email")), (2, Some("name")), (2, Some("roles"))]
        );
    }

    #[test]
    fn wrong_cell_counts_are_a_clear_problem() {
        let problems = problems(
            "email,name,team\n\
             a@example.com,Ana,North,extra\n\
             b@example.com\n\
             c@example.com,Cy,\n",
        );
        assert_eq!(at(&problems), vec![(2, None), (3, None)]);
        assert!(
            problems[0]
                .message
                .starts_with("the line has 4 cells, the header has 3"),
            "{}",
            problems[0]
        );
        assert!(problems[0].message.contains("double quotes"));
        assert!(
            problems[1]
                .message
                .starts_with("the line has 1 cell, the header has 3"),
            "{}",
            problems[1]
        );
        assert_eq!(
            problems[1].to_string(),
            "line 3: the line has 1 cell, the header has 3; add the missing cells (they may be \
             empty) so every line has one per column"
        );
    }

    #[test]
    fn all_problems_are_reported_with_lines_shifted_by_multi_line_cells() {
        let file = "email,name,team\n\
                    bad-one,Ana,North\n\
                    b@example.com,\"Bo\nwith a\nlong note\",North\n\
                    \n\
                    c@example.com,Cy,North\n\
                    bad-two,\"Di, Jr.\",\"Sales\r\nEast\"\n\
                    e@example.com,Ed\n";
        let problems = problems(file);
        assert_eq!(
            at(&problems),
            vec![
                (2, Some("email")),
                (3, Some("name")),
                (8, Some("email")),
                (8, Some("team")),
                (10, None),
            ]
        );
    }

    #[test]
    fn line_numbers_count_crlf_and_skipped_blank_lines() {
        let file = "\r\n\r\nemail,name\r\n\r\n\r\na@example.com,A\r\n   \r\n,\r\nb@example.com,B";
        let rows = rows(file);
        assert_eq!(rows.iter().map(|r| r.line).collect::<Vec<_>>(), vec![6, 9]);

        let problems = problems("\n\nemail,nom\n");
        assert_eq!(at(&problems), vec![(3, Some("nom")), (3, Some("name"))]);
    }

    #[test]
    fn header_problems_are_reported_on_line_one() {
        let problems = problems("email,full name,department\na@example.com,A,B\n");
        assert_eq!(
            at(&problems),
            vec![
                (1, Some("full name")),
                (1, Some("department")),
                (1, Some("name"))
            ]
        );
        assert_eq!(
            problems[0].to_string(),
            "line 1, column `full name`: unknown column; the columns are email, name, roles, \
             job_role, team and manager_of; rename or delete it"
        );
        assert!(problems[2].message.contains("has no `name` column"));

        let problems = self::problems("name,roles\nAna,admin\n");
        assert_eq!(at(&problems), vec![(1, Some("email"))]);
        assert!(problems[0].message.contains("has no `email` column"));

        let problems = self::problems("email,name,Email\na@example.com,A,b@example.com\n");
        assert_eq!(at(&problems), vec![(1, Some("email"))]);
        assert!(
            problems[0].message.contains("columns 1 and 3"),
            "{}",
            problems[0]
        );

        let problems = self::problems("email,,name\na@example.com,,A\n");
        assert_eq!(at(&problems), vec![(1, None)]);
        assert!(
            problems[0]
                .message
                .contains("column 2 of the header has no name")
        );
    }

    #[test]
    fn a_missing_header_or_a_wrong_separator_gets_a_specific_hint() {
        let problems = problems("ana@example.com,Ana\nbo@example.com,Bo\n");
        assert_eq!(at(&problems), vec![(1, None)]);
        assert!(
            problems[0].message.contains("looks like a user"),
            "{}",
            problems[0]
        );

        let problems = self::problems("email;name\nana@example.com;Ana\n");
        assert_eq!(at(&problems), vec![(1, None)]);
        assert!(problems[0].message.contains("`;`"), "{}", problems[0]);

        let problems = self::problems("email\tname\nana@example.com\tAna\n");
        assert!(problems[0].message.contains("tabs"), "{}", problems[0]);
    }

    #[test]
    fn a_duplicate_email_is_reported_on_the_later_line() {
        let problems = problems(
            "email,name\n\
             ana@example.com,Ana\n\
             bo@example.com,Bo\n\
             \"Ana@Example.com \",Ana again\n\
             ANA@example.com,Ana thrice\n",
        );
        assert_eq!(at(&problems), vec![(4, Some("email")), (5, Some("email"))]);
        assert_eq!(
            problems[0].to_string(),
            "line 4, column `email`: `ana@example.com` is already on line 2; list each user once"
        );
        assert!(problems[1].message.contains("already on line 2"));
    }

    #[test]
    fn empty_and_header_only_files_have_no_users() {
        for file in [
            "",
            "\u{feff}",
            "\n\r\n\n",
            "email,name\n",
            "\u{feff}email,name\n\n,\n",
        ] {
            let problems = problems(file);
            assert_eq!(problems.len(), 1, "{file:?}");
            assert!(
                problems[0].message.starts_with("no users in the file"),
                "{file:?}: {}",
                problems[0]
            );
            assert_eq!(problems[0].column, None);
        }
    }

    #[test]
    fn non_utf8_files_are_refused_with_advice() {
        let mut latin1 = b"email,name\na@example.com,Ana\nb@example.com,Jos".to_vec();
        latin1.extend([0xE9, b'\n']);
        let problems = parse(&latin1, &job_roles()).unwrap_err();
        assert_eq!(at(&problems), vec![(3, None)]);
        assert!(
            problems[0].message.contains("save it as UTF-8"),
            "{}",
            problems[0]
        );

        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("email,name\n".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let problems = parse(&utf16, &job_roles()).unwrap_err();
        assert_eq!(at(&problems), vec![(1, None)]);
        assert!(problems[0].message.contains("UTF-16"), "{}", problems[0]);
        assert!(problems[0].message.contains("save it as UTF-8"));
    }

    #[test]
    fn more_than_the_row_limit_is_refused() {
        let file = |users: usize| {
            let mut file = String::from("email,name\n");
            for i in 0..users {
                file.push_str(&format!("user{i}@example.com,User {i}\n"));
            }
            file
        };
        assert_eq!(rows(&file(MAX_ROWS)).len(), MAX_ROWS);

        let problems = problems(&file(MAX_ROWS + 1));
        assert_eq!(at(&problems), vec![(MAX_ROWS + 2, None)]);
        assert!(
            problems[0].message.contains("more than 10000 users"),
            "{}",
            problems[0]
        );
    }

    #[test]
    fn problems_display_with_and_without_a_column() {
        let with = LineProblem::column(4, "email", "the e-mail address is empty");
        assert_eq!(
            with.to_string(),
            "line 4, column `email`: the e-mail address is empty"
        );
        let without = LineProblem::file(7, "no users in the file");
        assert_eq!(without.to_string(), "line 7: no users in the file");
    }
}
