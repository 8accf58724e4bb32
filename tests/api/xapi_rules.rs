//! The xAPI 1.0.3 statement rules that decide whether an LRS accepts a
//! statement, as a checker for tests: [`problems`] lists every rule a
//! statement's JSON breaks, each message starting with the path of the
//! field (`actor.mbox: …`, `result.score.scaled: …`).
//!
//! Checked: the required `actor`, `verb` and `object`; agents and groups
//! (one inverse functional identifier, `mailto:` mailboxes); absolute IRIs
//! for verb, activity, activity type, extension keys and the rest; language
//! maps keyed by plausible RFC 5646 tags; UUIDs in standard form; RFC 3339
//! timestamps; scores (`scaled` in -1..=1, `min` < `max`, `raw` within
//! them); booleans; ISO 8601 durations; `version` 1.0.x; no `null` outside
//! extensions; no property the specification does not define.
//!
//! Independent of the code that writes statements, on purpose: it reads the
//! JSON only.

use serde_json::{Map, Value};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// Every violation of the xAPI 1.0.3 rules in `statement`; empty when it is fine.
pub fn problems(statement: &Value) -> Vec<String> {
    let mut out = Problems::default();
    out.nulls(statement, "");
    out.statement(statement, "", false);
    out.0
}

#[derive(Default)]
struct Problems(Vec<String>);

const STATEMENT_KEYS: &[&str] = &[
    "id",
    "actor",
    "verb",
    "object",
    "result",
    "context",
    "timestamp",
    "stored",
    "authority",
    "version",
    "attachments",
];
const SUBSTATEMENT_KEYS: &[&str] = &[
    "objectType",
    "actor",
    "verb",
    "object",
    "result",
    "context",
    "timestamp",
    "attachments",
];
const AGENT_KEYS: &[&str] = &[
    "objectType",
    "name",
    "mbox",
    "mbox_sha1sum",
    "openid",
    "account",
];
const GROUP_KEYS: &[&str] = &[
    "objectType",
    "name",
    "mbox",
    "mbox_sha1sum",
    "openid",
    "account",
    "member",
];
const IFI_KEYS: &[&str] = &["mbox", "mbox_sha1sum", "openid", "account"];
const VERB_KEYS: &[&str] = &["id", "display"];
const ACTIVITY_KEYS: &[&str] = &["objectType", "id", "definition"];
const DEFINITION_KEYS: &[&str] = &[
    "name",
    "description",
    "type",
    "moreInfo",
    "extensions",
    "interactionType",
    "correctResponsesPattern",
    "choices",
    "scale",
    "source",
    "target",
    "steps",
];
const COMPONENT_LISTS: &[&str] = &["choices", "scale", "source", "target", "steps"];
const INTERACTION_TYPES: &[&str] = &[
    "true-false",
    "choice",
    "fill-in",
    "long-fill-in",
    "matching",
    "performance",
    "sequencing",
    "likert",
    "numeric",
    "other",
];
const RESULT_KEYS: &[&str] = &[
    "score",
    "success",
    "completion",
    "response",
    "duration",
    "extensions",
];
const SCORE_KEYS: &[&str] = &["scaled", "raw", "min", "max"];
const CONTEXT_KEYS: &[&str] = &[
    "registration",
    "instructor",
    "team",
    "contextActivities",
    "revision",
    "platform",
    "language",
    "statement",
    "extensions",
];
const CONTEXT_ACTIVITY_KEYS: &[&str] = &["parent", "grouping", "category", "other"];
const ATTACHMENT_KEYS: &[&str] = &[
    "usageType",
    "display",
    "description",
    "contentType",
    "length",
    "sha2",
    "fileUrl",
];

/// `path` joined with `key`, without a leading dot at the top.
fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn at(path: &str, index: usize) -> String {
    format!("{path}[{index}]")
}

/// How a value reads in a message: strings as written, the rest as JSON.
fn shown(value: &Value) -> String {
    match value {
        Value::String(s) => format!("`{s}`"),
        other => other.to_string(),
    }
}

impl Problems {
    fn add(&mut self, path: &str, message: impl std::fmt::Display) {
        let path = if path.is_empty() { "statement" } else { path };
        self.0.push(format!("{path}: {message}"));
    }

    /// `null` is refused everywhere but inside extensions.
    fn nulls(&mut self, value: &Value, path: &str) {
        match value {
            Value::Null => self.add(path, "is null; leave the property out instead"),
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    self.nulls(item, &at(path, i));
                }
            }
            Value::Object(map) => {
                for (key, item) in map {
                    if key != "extensions" {
                        self.nulls(item, &join(path, key));
                    }
                }
            }
            _ => {}
        }
    }

    /// The value as a JSON object, or a problem.
    fn object<'v>(&mut self, value: &'v Value, path: &str) -> Option<&'v Map<String, Value>> {
        let map = value.as_object();
        if map.is_none() {
            self.add(path, format!("must be a JSON object, not {}", shown(value)));
        }
        map
    }

    fn known_keys(&mut self, map: &Map<String, Value>, path: &str, allowed: &[&str]) {
        for key in map.keys() {
            if !allowed.contains(&key.as_str()) {
                self.add(
                    &join(path, key),
                    "is not a property xAPI defines here (LRSs reject unknown properties)",
                );
            }
        }
    }

    fn required<'v>(
        &mut self,
        map: &'v Map<String, Value>,
        path: &str,
        key: &str,
    ) -> Option<&'v Value> {
        let value = map.get(key);
        if value.is_none() {
            self.add(&join(path, key), "is missing; it is required");
        }
        value
    }

    fn string<'v>(&mut self, value: &'v Value, path: &str) -> Option<&'v str> {
        let text = value.as_str();
        if text.is_none() {
            self.add(path, format!("must be a string, not {}", shown(value)));
        }
        text
    }

    fn boolean(&mut self, value: &Value, path: &str) {
        if !value.is_boolean() {
            self.add(path, format!("must be true or false, not {}", shown(value)));
        }
    }

    fn number(&mut self, value: &Value, path: &str) -> Option<f64> {
        let number = value.as_f64();
        if number.is_none() {
            self.add(path, format!("must be a number, not {}", shown(value)));
        }
        number
    }

    fn iri(&mut self, value: &Value, path: &str) {
        if let Some(text) = self.string(value, path)
            && let Err(why) = absolute_iri(text)
        {
            self.add(path, format!("`{text}` is not an absolute IRI: {why}"));
        }
    }

    fn uuid(&mut self, value: &Value, path: &str) {
        if let Some(text) = self.string(value, path)
            && !is_uuid(text)
        {
            self.add(
                path,
                format!("`{text}` is not a UUID in standard form (8-4-4-4-12 hex digits)"),
            );
        }
    }

    fn timestamp(&mut self, value: &Value, path: &str) {
        if let Some(text) = self.string(value, path)
            && let Err(why) = OffsetDateTime::parse(text, &Rfc3339)
        {
            self.add(
                path,
                format!("`{text}` is not an RFC 3339 timestamp: {why}"),
            );
        }
    }

    fn language_tag(&mut self, value: &Value, path: &str) {
        if let Some(text) = self.string(value, path)
            && !is_language_tag(text)
        {
            self.add(path, format!("`{text}` is not an RFC 5646 language tag"));
        }
    }

    fn language_map(&mut self, value: &Value, path: &str) {
        let Some(map) = self.object(value, path) else {
            return;
        };
        if map.is_empty() {
            self.add(path, "is an empty language map; leave it out instead");
        }
        for (tag, text) in map {
            if !is_language_tag(tag) {
                self.add(path, format!("key `{tag}` is not an RFC 5646 language tag"));
            }
            self.string(text, &join(path, tag));
        }
    }

    fn extensions(&mut self, value: &Value, path: &str) {
        let Some(map) = self.object(value, path) else {
            return;
        };
        for key in map.keys() {
            if let Err(why) = absolute_iri(key) {
                self.add(path, format!("key `{key}` is not an absolute IRI: {why}"));
            }
        }
    }

    fn statement(&mut self, value: &Value, path: &str, sub: bool) {
        let Some(map) = self.object(value, path) else {
            return;
        };
        if sub {
            self.known_keys(map, path, SUBSTATEMENT_KEYS);
        } else {
            self.known_keys(map, path, STATEMENT_KEYS);
        }
        if let Some(id) = map.get("id") {
            self.uuid(id, &join(path, "id"));
        }
        if let Some(actor) = self.required(map, path, "actor") {
            self.agent_or_group(actor, &join(path, "actor"), false);
        }
        if let Some(verb) = self.required(map, path, "verb") {
            self.verb(verb, &join(path, "verb"));
        }
        let mut object_is_activity = false;
        if let Some(object) = self.required(map, path, "object") {
            object_is_activity = self.object_property(object, &join(path, "object"), sub);
        }
        if let Some(result) = map.get("result") {
            self.result(result, &join(path, "result"));
        }
        if let Some(context) = map.get("context") {
            self.context(context, &join(path, "context"), object_is_activity);
        }
        for key in ["timestamp", "stored"] {
            if let Some(time) = map.get(key) {
                self.timestamp(time, &join(path, key));
            }
        }
        if let Some(authority) = map.get("authority") {
            self.agent_or_group(authority, &join(path, "authority"), false);
        }
        if let Some(version) = map.get("version") {
            let version_path = join(path, "version");
            if let Some(text) = self.string(version, &version_path)
                && !text.starts_with("1.0.")
            {
                self.add(
                    &version_path,
                    format!("`{text}` is not a 1.0.x version (LRSs reject the rest)"),
                );
            }
        }
        if let Some(attachments) = map.get("attachments") {
            self.attachments(attachments, &join(path, "attachments"));
        }
    }

    /// An Agent or a Group (`objectType` says which; Agent by default
    /// unless `object_type_required`).
    fn agent_or_group(&mut self, value: &Value, path: &str, object_type_required: bool) {
        let Some(map) = self.object(value, path) else {
            return;
        };
        let kind = match map.get("objectType") {
            None if object_type_required => {
                self.add(&join(path, "objectType"), "is missing; it is required here");
                "Agent"
            }
            None => "Agent",
            Some(kind) => match kind.as_str() {
                Some("Agent") => "Agent",
                Some("Group") => "Group",
                _ => {
                    self.add(
                        &join(path, "objectType"),
                        format!("must be `Agent` or `Group`, not {}", shown(kind)),
                    );
                    return;
                }
            },
        };
        let group = kind == "Group";
        self.known_keys(map, path, if group { GROUP_KEYS } else { AGENT_KEYS });
        let ifis: Vec<&str> = IFI_KEYS
            .iter()
            .copied()
            .filter(|k| map.contains_key(*k))
            .collect();
        match (ifis.len(), group) {
            (1, _) => {}
            (0, true) => {
                if !map.contains_key("member") {
                    self.add(
                        &join(path, "member"),
                        "is missing; an anonymous Group (no identifier) must list its members",
                    );
                }
            }
            (0, false) => self.add(
                path,
                "has no inverse functional identifier; an Agent needs exactly one of mbox, mbox_sha1sum, openid, account",
            ),
            (_, _) => self.add(
                path,
                format!(
                    "has {} inverse functional identifiers ({}); it must have exactly one",
                    ifis.len(),
                    ifis.join(", ")
                ),
            ),
        }
        if let Some(name) = map.get("name") {
            self.string(name, &join(path, "name"));
        }
        if let Some(mbox) = map.get("mbox") {
            let mbox_path = join(path, "mbox");
            if let Some(text) = self.string(mbox, &mbox_path) {
                match text.strip_prefix("mailto:") {
                    None => self.add(&mbox_path, format!("`{text}` must start with `mailto:`")),
                    Some(address) if !is_plausible_email(address) => self.add(
                        &mbox_path,
                        format!("`{text}` has no usable e-mail address after `mailto:`"),
                    ),
                    Some(_) => {}
                }
            }
        }
        if let Some(sha1) = map.get("mbox_sha1sum") {
            let sha1_path = join(path, "mbox_sha1sum");
            if let Some(text) = self.string(sha1, &sha1_path)
                && !(text.len() == 40 && text.chars().all(|c| c.is_ascii_hexdigit()))
            {
                self.add(&sha1_path, format!("`{text}` is not 40 hex digits"));
            }
        }
        if let Some(openid) = map.get("openid") {
            self.iri(openid, &join(path, "openid"));
        }
        if let Some(account) = map.get("account") {
            let account_path = join(path, "account");
            if let Some(account_map) = self.object(account, &account_path) {
                self.known_keys(account_map, &account_path, &["homePage", "name"]);
                if let Some(home) = self.required(account_map, &account_path, "homePage") {
                    self.iri(home, &join(&account_path, "homePage"));
                }
                if let Some(name) = self.required(account_map, &account_path, "name") {
                    self.string(name, &join(&account_path, "name"));
                }
            }
        }
        if group && let Some(members) = map.get("member") {
            let member_path = join(path, "member");
            match members.as_array() {
                None => self.add(&member_path, "must be an array of Agents"),
                Some(members) => {
                    for (i, member) in members.iter().enumerate() {
                        let item = at(&member_path, i);
                        if member.get("objectType").and_then(Value::as_str) == Some("Group") {
                            self.add(&item, "a Group must not contain Groups");
                        } else {
                            self.agent_or_group(member, &item, false);
                        }
                    }
                }
            }
        }
    }

    fn verb(&mut self, value: &Value, path: &str) {
        let Some(map) = self.object(value, path) else {
            return;
        };
        self.known_keys(map, path, VERB_KEYS);
        if let Some(id) = self.required(map, path, "id") {
            self.iri(id, &join(path, "id"));
        }
        if let Some(display) = map.get("display") {
            self.language_map(display, &join(path, "display"));
        }
    }

    /// The statement's `object`; true when it is an Activity.
    fn object_property(&mut self, value: &Value, path: &str, in_substatement: bool) -> bool {
        let Some(map) = self.object(value, path) else {
            return false;
        };
        match map.get("objectType").map(|t| t.as_str()) {
            None | Some(Some("Activity")) => {
                self.activity(value, path);
                true
            }
            Some(Some("Agent" | "Group")) => {
                self.agent_or_group(value, path, true);
                false
            }
            Some(Some("StatementRef")) => {
                self.known_keys(map, path, &["objectType", "id"]);
                if let Some(id) = self.required(map, path, "id") {
                    self.uuid(id, &join(path, "id"));
                }
                false
            }
            Some(Some("SubStatement")) => {
                if in_substatement {
                    self.add(path, "a SubStatement must not contain another SubStatement");
                } else {
                    self.statement(value, path, true);
                }
                false
            }
            Some(_) => {
                self.add(
                    &join(path, "objectType"),
                    format!(
                        "must be Activity, Agent, Group, StatementRef or SubStatement, not {}",
                        map.get("objectType").map(shown).unwrap_or_default()
                    ),
                );
                false
            }
        }
    }

    fn activity(&mut self, value: &Value, path: &str) {
        let Some(map) = self.object(value, path) else {
            return;
        };
        self.known_keys(map, path, ACTIVITY_KEYS);
        if let Some(kind) = map.get("objectType")
            && kind.as_str() != Some("Activity")
        {
            self.add(
                &join(path, "objectType"),
                format!("must be `Activity`, not {}", shown(kind)),
            );
        }
        if let Some(id) = self.required(map, path, "id") {
            self.iri(id, &join(path, "id"));
        }
        if let Some(definition) = map.get("definition") {
            self.definition(definition, &join(path, "definition"));
        }
    }

    fn definition(&mut self, value: &Value, path: &str) {
        let Some(map) = self.object(value, path) else {
            return;
        };
        self.known_keys(map, path, DEFINITION_KEYS);
        for key in ["name", "description"] {
            if let Some(text) = map.get(key) {
                self.language_map(text, &join(path, key));
            }
        }
        for key in ["type", "moreInfo"] {
            if let Some(iri) = map.get(key) {
                self.iri(iri, &join(path, key));
            }
        }
        if let Some(extensions) = map.get("extensions") {
            self.extensions(extensions, &join(path, "extensions"));
        }
        match map.get("interactionType") {
            Some(kind) => {
                let kind_path = join(path, "interactionType");
                if let Some(text) = self.string(kind, &kind_path)
                    && !INTERACTION_TYPES.contains(&text)
                {
                    self.add(
                        &kind_path,
                        format!("`{text}` is not one of {}", INTERACTION_TYPES.join(", ")),
                    );
                }
            }
            None => {
                for key in COMPONENT_LISTS
                    .iter()
                    .copied()
                    .chain(["correctResponsesPattern"])
                {
                    if map.contains_key(key) {
                        self.add(
                            &join(path, key),
                            "is an interaction property, but interactionType is missing",
                        );
                    }
                }
            }
        }
        if let Some(patterns) = map.get("correctResponsesPattern") {
            let patterns_path = join(path, "correctResponsesPattern");
            match patterns.as_array() {
                None => self.add(&patterns_path, "must be an array of strings"),
                Some(items) => {
                    for (i, item) in items.iter().enumerate() {
                        self.string(item, &at(&patterns_path, i));
                    }
                }
            }
        }
        for key in COMPONENT_LISTS {
            let Some(list) = map.get(*key) else {
                continue;
            };
            let list_path = join(path, key);
            let Some(items) = list.as_array() else {
                self.add(&list_path, "must be an array of interaction components");
                continue;
            };
            let mut seen = Vec::new();
            for (i, item) in items.iter().enumerate() {
                let item_path = at(&list_path, i);
                let Some(component) = self.object(item, &item_path) else {
                    continue;
                };
                self.known_keys(component, &item_path, &["id", "description"]);
                if let Some(id) = self.required(component, &item_path, "id")
                    && let Some(id) = self.string(id, &join(&item_path, "id"))
                {
                    if seen.contains(&id) {
                        self.add(&join(&item_path, "id"), format!("`{id}` is used twice"));
                    }
                    seen.push(id);
                }
                if let Some(description) = component.get("description") {
                    self.language_map(description, &join(&item_path, "description"));
                }
            }
        }
    }

    fn result(&mut self, value: &Value, path: &str) {
        let Some(map) = self.object(value, path) else {
            return;
        };
        self.known_keys(map, path, RESULT_KEYS);
        if let Some(score) = map.get("score") {
            self.score(score, &join(path, "score"));
        }
        for key in ["success", "completion"] {
            if let Some(flag) = map.get(key) {
                self.boolean(flag, &join(path, key));
            }
        }
        if let Some(response) = map.get("response") {
            self.string(response, &join(path, "response"));
        }
        if let Some(duration) = map.get("duration") {
            let duration_path = join(path, "duration");
            if let Some(text) = self.string(duration, &duration_path)
                && !is_iso_duration(text)
            {
                self.add(
                    &duration_path,
                    format!("`{text}` is not an ISO 8601 duration such as PT1H2M3S or PT123S"),
                );
            }
        }
        if let Some(extensions) = map.get("extensions") {
            self.extensions(extensions, &join(path, "extensions"));
        }
    }

    fn score(&mut self, value: &Value, path: &str) {
        let Some(map) = self.object(value, path) else {
            return;
        };
        self.known_keys(map, path, SCORE_KEYS);
        let mut get = |key: &str| map.get(key).and_then(|v| self.number(v, &join(path, key)));
        let (scaled, raw, min, max) = (get("scaled"), get("raw"), get("min"), get("max"));
        if let Some(scaled) = scaled
            && !(-1.0..=1.0).contains(&scaled)
        {
            self.add(&join(path, "scaled"), format!("{scaled} is outside -1..=1"));
        }
        if let (Some(min), Some(max)) = (min, max)
            && min >= max
        {
            self.add(
                &join(path, "min"),
                format!("{min} must be less than max {max}"),
            );
        }
        if let Some(raw) = raw {
            if let Some(min) = min
                && raw < min
            {
                self.add(&join(path, "raw"), format!("{raw} is below min {min}"));
            }
            if let Some(max) = max
                && raw > max
            {
                self.add(&join(path, "raw"), format!("{raw} is above max {max}"));
            }
        }
    }

    fn context(&mut self, value: &Value, path: &str, object_is_activity: bool) {
        let Some(map) = self.object(value, path) else {
            return;
        };
        self.known_keys(map, path, CONTEXT_KEYS);
        if let Some(registration) = map.get("registration") {
            self.uuid(registration, &join(path, "registration"));
        }
        if let Some(instructor) = map.get("instructor") {
            self.agent_or_group(instructor, &join(path, "instructor"), false);
        }
        if let Some(team) = map.get("team") {
            let team_path = join(path, "team");
            if team.get("objectType").and_then(Value::as_str) != Some("Group") {
                self.add(&join(&team_path, "objectType"), "must be `Group`");
            }
            self.agent_or_group(team, &team_path, true);
        }
        if let Some(activities) = map.get("contextActivities") {
            let activities_path = join(path, "contextActivities");
            if let Some(kinds) = self.object(activities, &activities_path) {
                self.known_keys(kinds, &activities_path, CONTEXT_ACTIVITY_KEYS);
                for (kind, list) in kinds {
                    let list_path = join(&activities_path, kind);
                    match list {
                        Value::Array(items) => {
                            for (i, item) in items.iter().enumerate() {
                                self.activity(item, &at(&list_path, i));
                            }
                        }
                        single => self.activity(single, &list_path),
                    }
                }
            }
        }
        for key in ["revision", "platform"] {
            if let Some(text) = map.get(key) {
                let key_path = join(path, key);
                self.string(text, &key_path);
                if !object_is_activity {
                    self.add(&key_path, "may only be used when the object is an Activity");
                }
            }
        }
        if let Some(language) = map.get("language") {
            self.language_tag(language, &join(path, "language"));
        }
        if let Some(statement) = map.get("statement") {
            let statement_path = join(path, "statement");
            if let Some(reference) = self.object(statement, &statement_path) {
                self.known_keys(reference, &statement_path, &["objectType", "id"]);
                if reference.get("objectType").and_then(Value::as_str) != Some("StatementRef") {
                    self.add(
                        &join(&statement_path, "objectType"),
                        "must be `StatementRef`",
                    );
                }
                if let Some(id) = self.required(reference, &statement_path, "id") {
                    self.uuid(id, &join(&statement_path, "id"));
                }
            }
        }
        if let Some(extensions) = map.get("extensions") {
            self.extensions(extensions, &join(path, "extensions"));
        }
    }

    fn attachments(&mut self, value: &Value, path: &str) {
        let Some(items) = value.as_array() else {
            self.add(path, "must be an array of attachments");
            return;
        };
        for (i, item) in items.iter().enumerate() {
            let item_path = at(path, i);
            let Some(map) = self.object(item, &item_path) else {
                continue;
            };
            self.known_keys(map, &item_path, ATTACHMENT_KEYS);
            if let Some(usage) = self.required(map, &item_path, "usageType") {
                self.iri(usage, &join(&item_path, "usageType"));
            }
            if let Some(display) = self.required(map, &item_path, "display") {
                self.language_map(display, &join(&item_path, "display"));
            }
            if let Some(description) = map.get("description") {
                self.language_map(description, &join(&item_path, "description"));
            }
            for key in ["contentType", "sha2"] {
                if let Some(text) = self.required(map, &item_path, key) {
                    self.string(text, &join(&item_path, key));
                }
            }
            if let Some(length) = self.required(map, &item_path, "length")
                && length.as_u64().is_none()
            {
                self.add(
                    &join(&item_path, "length"),
                    format!("must be a whole number of octets, not {}", shown(length)),
                );
            }
            if let Some(url) = map.get("fileUrl") {
                self.iri(url, &join(&item_path, "fileUrl"));
            }
        }
    }
}

/// A scheme (a letter, then letters, digits, `+`, `-` or `.`), a colon, and
/// a non-empty rest with no spaces, controls or characters IRIs exclude;
/// every `%` starting two hex digits.
fn absolute_iri(text: &str) -> Result<(), &'static str> {
    let Some((scheme, rest)) = text.split_once(':') else {
        return Err("no scheme (such as `https:`)");
    };
    let mut scheme_chars = scheme.chars();
    let scheme_ok = scheme_chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && scheme_chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if !scheme_ok {
        return Err("no scheme (such as `https:`)");
    }
    if rest.is_empty() {
        return Err("nothing after the scheme");
    }
    if text.chars().any(char::is_whitespace) {
        return Err("it contains spaces");
    }
    if text.chars().any(|c| {
        c.is_control() || matches!(c, '<' | '>' | '"' | '{' | '}' | '|' | '\\' | '^' | '`')
    }) {
        return Err("it contains a character IRIs exclude");
    }
    let bytes = text.as_bytes();
    for (i, byte) in bytes.iter().enumerate() {
        if *byte == b'%'
            && !(bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit))
        {
            return Err("a `%` is not followed by two hex digits");
        }
    }
    Ok(())
}

/// `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` in hex digits.
fn is_uuid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(group, len)| group.len() == len && group.chars().all(|c| c.is_ascii_hexdigit()))
}

/// Text, one `@`, text with no spaces.
fn is_plausible_email(address: &str) -> bool {
    match address.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.is_empty()
                && !domain.contains('@')
                && !address.chars().any(|c| c.is_whitespace() || c.is_control())
        }
        None => false,
    }
}

/// The shape RFC 5646 gives a tag: subtags of 1 to 8 ASCII letters or
/// digits joined by `-`; the first all letters, 2 to 8 of them (or `x`/`i`
/// for private-use and grandfathered tags); a single-character subtag
/// (extension or private-use marker) followed by at least one more.
fn is_language_tag(tag: &str) -> bool {
    let subtags: Vec<&str> = tag.split('-').collect();
    let Some(first) = subtags.first() else {
        return false;
    };
    let first_ok = first.chars().all(|c| c.is_ascii_alphabetic())
        && ((2..=8).contains(&first.len())
            || first.eq_ignore_ascii_case("x")
            || first.eq_ignore_ascii_case("i"));
    first_ok
        && subtags
            .iter()
            .all(|s| (1..=8).contains(&s.len()) && s.chars().all(|c| c.is_ascii_alphanumeric()))
        && subtags.last().is_some_and(|s| s.len() > 1)
}

/// ISO 8601 durations in the format xAPI allows: `P` then years, months,
/// days (`Y`, `M`, `D`) and after `T` hours, minutes, seconds (`H`, `M`,
/// `S`), each at most once and in that order, at least one of them, only
/// the last with a fraction; or `P{n}W` alone.
fn is_iso_duration(text: &str) -> bool {
    let Some(rest) = text.strip_prefix('P') else {
        return false;
    };
    if let Some(weeks) = rest.strip_suffix('W') {
        return is_duration_number(weeks, true);
    }
    let (date, time) = match rest.split_once('T') {
        Some((_, "")) => return false,
        Some((date, time)) => (date, Some(time)),
        None => (rest, None),
    };
    let mut parts = Vec::new();
    if !duration_parts(date, &['Y', 'M', 'D'], &mut parts)
        || !time.is_none_or(|t| duration_parts(t, &['H', 'M', 'S'], &mut parts))
    {
        return false;
    }
    let Some((last, earlier)) = parts.split_last() else {
        return false;
    };
    is_duration_number(last, true) && earlier.iter().all(|n| is_duration_number(n, false))
}

/// Splits `1Y2M` into its numbers, checking the designators come in order.
fn duration_parts<'t>(text: &'t str, designators: &[char], parts: &mut Vec<&'t str>) -> bool {
    let mut next = 0;
    let mut start = 0;
    for (i, c) in text.char_indices() {
        if c.is_ascii_digit() || c == '.' || c == ',' {
            continue;
        }
        let Some(offset) = designators[next..].iter().position(|d| *d == c) else {
            return false;
        };
        parts.push(&text[start..i]);
        next += offset + 1;
        start = i + c.len_utf8();
    }
    start == text.len()
}

/// Digits, optionally with a `.` or `,` fraction when `fraction` allows.
fn is_duration_number(text: &str, fraction: bool) -> bool {
    let (whole, part) = match text.split_once(['.', ',']) {
        Some((whole, part)) if fraction => (whole, Some(part)),
        Some(_) => return false,
        None => (text, None),
    };
    !whole.is_empty()
        && whole.chars().all(|c| c.is_ascii_digit())
        && part.is_none_or(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn good() -> Value {
        json!({
            "id": "0f8fad5b-d9cb-469f-a165-70867728950e",
            "actor": {"objectType": "Agent", "name": "Ana Li", "mbox": "mailto:ana@example.com"},
            "verb": {"id": "http://adlnet.gov/expapi/verbs/answered", "display": {"en-US": "answered"}},
            "object": {
                "objectType": "Activity",
                "id": "https://dojo.example.com/modules/objection-handling/questions/q1",
                "definition": {
                    "name": {"zh-CN": "异议处理：第 1 题"},
                    "type": "http://adlnet.gov/expapi/activities/cmi.interaction",
                    "interactionType": "choice",
                    "correctResponsesPattern": ["1[,]3"],
                    "choices": [{"id": "1", "description": {"en": "Listen"}}, {"id": "3"}],
                    "extensions": {"https://dojo.example.com/xapi/weight": 2}
                }
            },
            "result": {
                "score": {"scaled": 0.5, "raw": 50, "min": 0, "max": 100},
                "success": false,
                "completion": true,
                "response": "1",
                "duration": "PT1M30.5S",
                "extensions": {"https://dojo.example.com/xapi/x": null}
            },
            "context": {
                "registration": "0192a4b0-0000-7000-8000-000000000001",
                "platform": "Sales Dojo",
                "language": "zh-CN",
                "contextActivities": {
                    "parent": [{"id": "https://dojo.example.com/modules/objection-handling/quiz"}],
                    "grouping": {"objectType": "Activity", "id": "https://dojo.example.com/competencies/objections"}
                },
                "extensions": {"https://dojo.example.com/xapi/competency": ["objections"]}
            },
            "timestamp": "2025-03-01T09:30:00.123Z",
            "version": "1.0.0"
        })
    }

    /// `good()` with `change` applied.
    fn broken(change: impl FnOnce(&mut Value)) -> Vec<String> {
        let mut statement = good();
        change(&mut statement);
        problems(&statement)
    }

    fn mentions(problems: &[String], field: &str) -> bool {
        problems.iter().any(|p| p.starts_with(&format!("{field}:")))
    }

    #[test]
    fn a_good_statement_has_no_problems() {
        assert_eq!(problems(&good()), Vec::<String>::new());
        let minimal = json!({
            "actor": {"mbox": "mailto:xapi@adlnet.gov"},
            "verb": {"id": "http://adlnet.gov/expapi/verbs/created"},
            "object": {"id": "http://example.adlnet.gov/xapi/example/activity"}
        });
        assert_eq!(problems(&minimal), Vec::<String>::new());
    }

    #[test]
    fn missing_required_properties() {
        for key in ["actor", "verb", "object"] {
            let found = broken(|s| {
                s.as_object_mut().unwrap().remove(key);
            });
            assert!(mentions(&found, key), "{key}: {found:?}");
        }
        assert!(mentions(&problems(&json!([])), "statement"));
    }

    #[test]
    fn actor_rules() {
        let found = broken(|s| s["actor"]["mbox"] = json!("ana@example.com"));
        assert!(mentions(&found, "actor.mbox"), "{found:?}");
        let found = broken(|s| s["actor"]["mbox"] = json!("mailto:"));
        assert!(mentions(&found, "actor.mbox"), "{found:?}");
        let found = broken(|s| {
            s["actor"]["openid"] = json!("https://openid.example.com/ana");
        });
        assert!(mentions(&found, "actor"), "{found:?}");
        let found = broken(|s| {
            s["actor"].as_object_mut().unwrap().remove("mbox");
        });
        assert!(mentions(&found, "actor"), "{found:?}");
        let found = broken(|s| s["actor"]["objectType"] = json!("Person"));
        assert!(mentions(&found, "actor.objectType"), "{found:?}");
        let found = broken(|s| s["actor"]["mbox_sha1sum"] = json!("nothex"));
        assert!(mentions(&found, "actor.mbox_sha1sum"), "{found:?}");
        // An anonymous group: no identifier, members listed.
        let found = broken(|s| {
            s["actor"] =
                json!({"objectType": "Group", "member": [{"mbox": "mailto:a@example.com"}]});
        });
        assert_eq!(found, Vec::<String>::new());
        let found = broken(|s| s["actor"] = json!({"objectType": "Group"}));
        assert!(mentions(&found, "actor.member"), "{found:?}");
    }

    #[test]
    fn iri_rules() {
        let found = broken(|s| s["verb"]["id"] = json!("answered"));
        assert!(mentions(&found, "verb.id"), "{found:?}");
        let found = broken(|s| s["verb"]["id"] = json!("/expapi/verbs/answered"));
        assert!(mentions(&found, "verb.id"), "{found:?}");
        let found = broken(|s| s["object"]["id"] = json!("https://dojo.example.com/modules/a b"));
        assert!(mentions(&found, "object.id"), "{found:?}");
        let found = broken(|s| s["object"]["id"] = json!("https://dojo.example.com/%zz"));
        assert!(mentions(&found, "object.id"), "{found:?}");
        let found = broken(|s| s["object"]["definition"]["type"] = json!("lesson"));
        assert!(mentions(&found, "object.definition.type"), "{found:?}");
        let found = broken(|s| {
            s["object"]["definition"]["extensions"] = json!({"weight": 2});
        });
        assert!(
            mentions(&found, "object.definition.extensions"),
            "{found:?}"
        );
        let found = broken(|s| s["context"]["extensions"] = json!({"competency": []}));
        assert!(mentions(&found, "context.extensions"), "{found:?}");
        let found = broken(|s| {
            s["context"]["contextActivities"]["parent"][0]["id"] = json!("quiz");
        });
        assert!(
            mentions(&found, "context.contextActivities.parent[0].id"),
            "{found:?}"
        );
        // Non-ASCII is fine in an IRI.
        let found = broken(|s| s["object"]["id"] = json!("https://dojo.example.com/场景"));
        assert_eq!(found, Vec::<String>::new());
    }

    #[test]
    fn language_maps_and_tags() {
        let found = broken(|s| s["verb"]["display"] = json!("answered"));
        assert!(mentions(&found, "verb.display"), "{found:?}");
        let found = broken(|s| s["verb"]["display"] = json!({"en_US": "answered"}));
        assert!(mentions(&found, "verb.display"), "{found:?}");
        let found = broken(|s| s["verb"]["display"] = json!({"en-US": 1}));
        assert!(mentions(&found, "verb.display.en-US"), "{found:?}");
        for bad in ["", "e", "en_US", "zh-", "en-x", "123"] {
            let found = broken(|s| s["context"]["language"] = json!(bad));
            assert!(mentions(&found, "context.language"), "{bad}: {found:?}");
        }
        for fine in [
            "en",
            "zh-CN",
            "zh-Hans-CN",
            "es-419",
            "x-klingon",
            "und",
            "de-CH-1901",
        ] {
            let found = broken(|s| s["context"]["language"] = json!(fine));
            assert_eq!(found, Vec::<String>::new(), "{fine}");
        }
    }

    #[test]
    fn uuid_and_timestamp_rules() {
        let found = broken(|s| s["id"] = json!("0f8fad5bd9cb469fa16570867728950e"));
        assert!(mentions(&found, "id"), "{found:?}");
        let found = broken(|s| s["context"]["registration"] = json!("run-1"));
        assert!(mentions(&found, "context.registration"), "{found:?}");
        for bad in [
            "2025-03-01",
            "2025-03-01 09:30:00",
            "2025-03-01T09:30:00",
            "yesterday",
        ] {
            let found = broken(|s| s["timestamp"] = json!(bad));
            assert!(mentions(&found, "timestamp"), "{bad}: {found:?}");
        }
        let found = broken(|s| s["timestamp"] = json!("2025-03-01T10:30:00+01:00"));
        assert_eq!(found, Vec::<String>::new());
    }

    #[test]
    fn score_rules() {
        let found = broken(|s| s["result"]["score"]["scaled"] = json!(1.5));
        assert!(mentions(&found, "result.score.scaled"), "{found:?}");
        let found = broken(|s| s["result"]["score"]["scaled"] = json!(-1.01));
        assert!(mentions(&found, "result.score.scaled"), "{found:?}");
        let found = broken(|s| s["result"]["score"]["scaled"] = json!(-1));
        assert_eq!(found, Vec::<String>::new());
        let found = broken(|s| s["result"]["score"]["raw"] = json!(120));
        assert!(mentions(&found, "result.score.raw"), "{found:?}");
        let found = broken(|s| s["result"]["score"]["raw"] = json!(-1));
        assert!(mentions(&found, "result.score.raw"), "{found:?}");
        let found = broken(|s| s["result"]["score"]["min"] = json!(100));
        assert!(mentions(&found, "result.score.min"), "{found:?}");
        let found = broken(|s| s["result"]["score"]["scaled"] = json!("0.5"));
        assert!(mentions(&found, "result.score.scaled"), "{found:?}");
    }

    #[test]
    fn result_rules() {
        let found = broken(|s| s["result"]["success"] = json!("true"));
        assert!(mentions(&found, "result.success"), "{found:?}");
        let found = broken(|s| s["result"]["completion"] = json!(1));
        assert!(mentions(&found, "result.completion"), "{found:?}");
        for bad in [
            "123", "PT", "P", "PT1.5M2S", "P1M2Y", "P4W1D", "-PT5S", "PT5s", "PTS",
        ] {
            let found = broken(|s| s["result"]["duration"] = json!(bad));
            assert!(mentions(&found, "result.duration"), "{bad}: {found:?}");
        }
        for fine in [
            "PT123S",
            "PT0S",
            "P3Y1M29DT4H35M59.14S",
            "P4W",
            "P1D",
            "PT1H0M0S",
        ] {
            let found = broken(|s| s["result"]["duration"] = json!(fine));
            assert_eq!(found, Vec::<String>::new(), "{fine}");
        }
    }

    #[test]
    fn version_nulls_and_unknown_properties() {
        let found = broken(|s| s["version"] = json!("2.0.0"));
        assert!(mentions(&found, "version"), "{found:?}");
        let found = broken(|s| s["version"] = json!("1.0.3"));
        assert_eq!(found, Vec::<String>::new());
        let found = broken(|s| s["result"]["response"] = Value::Null);
        assert!(mentions(&found, "result.response"), "{found:?}");
        let found = broken(|s| s["object"]["object_type"] = json!("Activity"));
        assert!(mentions(&found, "object.object_type"), "{found:?}");
        let found = broken(|s| s["context"]["contextActivity"] = json!({}));
        assert!(mentions(&found, "context.contextActivity"), "{found:?}");
        let found = broken(|s| s["object"]["definition"]["interactionType"] = json!("essay"));
        assert!(
            mentions(&found, "object.definition.interactionType"),
            "{found:?}"
        );
    }

    #[test]
    fn every_problem_is_listed() {
        let found = broken(|s| {
            s["actor"]["mbox"] = json!("ana@example.com");
            s["verb"]["id"] = json!("answered");
            s["result"]["score"]["scaled"] = json!(1.5);
            s["timestamp"] = json!("now");
        });
        assert_eq!(found.len(), 4, "{found:#?}");
    }
}
