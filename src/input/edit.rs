//! Writing a material's TOML from values a form holds, keeping the file's
//! layout: values are replaced where they stand, comments stay, and the
//! repeated tables (`[[photos]]` …) are written afresh at the end. A new
//! material starts from the `baosong new` template, so its comments guide
//! a teacher who later opens the file. Also the reverse lookup: which field
//! a position in the written text belongs to.

use std::ops::Range;

use serde_json::{Map, Value};
use toml::de::{DeTable, DeValue};

use super::schema::{self, Field, Kind};

/// The `baosong new` template of a document type: where a new material
/// starts, comments and all.
pub fn template(doc_type: &str) -> &'static str {
    match doc_type {
        "plan" => include_str!("../../templates/new-plan.toml"),
        "media" => include_str!("../../templates/new-media.toml"),
        "summary" => include_str!("../../templates/new-summary.toml"),
        "highlights" => include_str!("../../templates/new-highlights.toml"),
        _ => include_str!("../../templates/new-case.toml"),
    }
}

/// The hint a template gives for a key: the comment lines just above it,
/// or the comment after its value.
pub fn template_hint(doc_type: &str, key: &str) -> Option<String> {
    let lines: Vec<&str> = template(doc_type).lines().collect();
    let i = lines.iter().position(|l| {
        let l = l.trim_start_matches(['#', ' ']);
        l.starts_with(key) && l[key.len()..].trim_start().starts_with('=')
    })?;
    if let Some((_, c)) = lines[i]
        .split_once(" # ")
        .or_else(|| lines[i].split_once("  # "))
    {
        return Some(c.trim().to_string());
    }
    let mut above = Vec::new();
    for l in lines[..i].iter().rev() {
        match l.strip_prefix('#') {
            Some(c) if !l.trim().is_empty() => above.push(c.trim()),
            _ => break,
        }
    }
    above.reverse();
    (!above.is_empty()).then(|| above.join("\n"))
}

/// The text of `base` with `values` (TOML keys → JSON values) written in.
/// Values of the wrong kind are written as strings, so the loader reports
/// them at their place like any typing mistake.
pub fn write(base: &str, doc_type: &str, values: &Map<String, Value>) -> String {
    let fields = schema::fields_of(doc_type).unwrap_or(schema::CASE);
    let mut text = base.to_string();
    // The type first: a form of another type replaces it.
    let mut all = values.clone();
    all.insert("type".into(), Value::String(doc_type.into()));
    // Repeated tables are removed, then appended in schema order.
    let mut appended = String::new();
    for f in fields {
        match f.kind {
            Kind::Records(sub) => {
                text = remove_blocks(&text, f.name);
                if let Some(Value::Array(items)) = all.get(f.name) {
                    append_records(&mut appended, f.name, sub, items);
                }
            }
            Kind::Table(sub) => {
                for s in sub.iter() {
                    if let Kind::Records(rec) = s.kind {
                        let path = format!("{}.{}", f.name, s.name);
                        text = remove_blocks(&text, &path);
                        if let Some(Value::Array(items)) =
                            all.get(f.name).and_then(|t| t.get(s.name))
                        {
                            append_records(&mut appended, &path, rec, items);
                        }
                    }
                }
            }
            _ => {}
        }
    }
    // Plain keys: replaced where they stand, added where missing.
    for f in fields {
        match f.kind {
            Kind::Records(_) => {}
            Kind::Table(sub) => {
                let empty = Map::new();
                let vals = all.get(f.name).and_then(Value::as_object).unwrap_or(&empty);
                text = set_table(&text, f.name, sub, vals);
            }
            _ => {
                if let Some(v) = all.get(f.name) {
                    text = set_key(&text, None, f.name, &format_value(f.kind, v));
                }
            }
        }
    }
    let mut out = text.trim_end().to_string();
    out.push('\n');
    if !appended.is_empty() {
        out.push_str(&appended);
    }
    out
}

/// A value in TOML syntax, by the field's kind.
pub fn format_value(kind: Kind, v: &Value) -> String {
    let s = match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Null => String::new(),
        other => other.to_string(),
    };
    let string = |s: &str| toml::Value::String(s.to_string()).to_string();
    match kind {
        Kind::Text => {
            // A multi-line basic string: backslashes and runs of quotes
            // escaped, lines kept as typed (Windows line ends made plain).
            let body = s
                .replace("\r\n", "\n")
                .replace('\\', "\\\\")
                .replace("\"\"\"", "\"\"\\\"");
            let body = body.trim_end_matches('\n');
            // A closing quote right before the delimiter would end the string early.
            let tail = if body.ends_with('"') { "\n" } else { "" };
            format!("\"\"\"\n{body}\n{tail}\"\"\"")
        }
        Kind::Int => match v {
            Value::Number(n) if n.is_i64() => n.to_string(),
            _ if s.trim().parse::<i64>().is_ok() => {
                s.trim().parse::<i64>().unwrap_or(0).to_string()
            }
            _ => string(&s),
        },
        Kind::Date => {
            let t = s.trim();
            if crate::rules::calendar::Day::parse(t).is_some() && t.len() == 10 {
                t.to_string()
            } else {
                string(&s)
            }
        }
        Kind::Bool => match v {
            Value::Bool(b) => b.to_string(),
            _ if s == "true" || s == "false" => s,
            _ => string(&s),
        },
        Kind::StrList => {
            let items: Vec<String> = match v {
                Value::Array(a) => a
                    .iter()
                    .map(|x| {
                        x.as_str()
                            .map(str::to_string)
                            .unwrap_or_else(|| x.to_string())
                    })
                    .collect(),
                _ => s
                    .split(['、', ',', '，', '\n', ';', '；'])
                    .map(|x| x.trim().to_string())
                    .filter(|x| !x.is_empty())
                    .collect(),
            };
            let inner: Vec<String> = items.iter().map(|x| string(x)).collect();
            format!("[{}]", inner.join(", "))
        }
        Kind::Str | Kind::Records(_) | Kind::Table(_) => string(&s),
    }
}

fn append_records(out: &mut String, path: &str, fields: &[Field], items: &[Value]) {
    for item in items {
        let Some(obj) = item.as_object() else {
            continue;
        };
        out.push_str(&format!("\n[[{path}]]\n"));
        for f in fields {
            if let Some(v) = obj.get(f.name) {
                out.push_str(&format!("{} = {}\n", f.name, format_value(f.kind, v)));
            }
        }
    }
}

/// Byte ranges of string values, so a line inside a multi-line string is
/// never taken for a table header.
fn string_spans(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    if let Ok(t) = DeTable::parse(text) {
        collect_strings(t.get_ref(), &mut out);
    }
    out
}

fn collect_strings(t: &DeTable, out: &mut Vec<Range<usize>>) {
    for (_, v) in t.iter() {
        collect_value(v, out);
    }
}

fn collect_value(v: &toml::Spanned<DeValue>, out: &mut Vec<Range<usize>>) {
    match v.get_ref() {
        DeValue::String(_) => out.push(v.span()),
        DeValue::Array(a) => a.iter().for_each(|x| collect_value(x, out)),
        DeValue::Table(t) => collect_strings(t, out),
        _ => {}
    }
}

/// Table headers outside strings: (line start, header name, is array).
fn headers(text: &str) -> Vec<(usize, String, bool)> {
    let strings = string_spans(text);
    let mut out = Vec::new();
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let start = at;
        at += line.len();
        if strings.iter().any(|s| s.start < start && start < s.end) {
            continue;
        }
        let l = line.trim();
        let (array, inner) = if let Some(r) = l.strip_prefix("[[") {
            (true, r.split("]]").next())
        } else if let Some(r) = l.strip_prefix('[') {
            (false, r.split(']').next())
        } else {
            continue;
        };
        if let Some(name) = inner {
            let name: String = name.split('.').map(str::trim).collect::<Vec<_>>().join(".");
            out.push((start, name, array));
        }
    }
    out
}

/// Removes every `[[path]]` block (header to the next header).
fn remove_blocks(text: &str, path: &str) -> String {
    let hs = headers(text);
    let mut out = String::new();
    let mut keep_from = 0;
    for (i, (start, name, array)) in hs.iter().enumerate() {
        if *array && name == path {
            out.push_str(&text[keep_from..*start]);
            keep_from = hs.get(i + 1).map_or(text.len(), |h| h.0);
        }
    }
    out.push_str(&text[keep_from..]);
    out
}

/// Sets `key = value` at the top level (`table` None) or in `[table]`.
fn set_key(text: &str, table: Option<&str>, key: &str, value: &str) -> String {
    if let Ok(parsed) = DeTable::parse(text) {
        let scope = match table {
            None => Some(parsed.get_ref()),
            Some(t) => match parsed.get_ref().get(t).map(|v| v.get_ref()) {
                Some(DeValue::Table(sub)) => Some(sub),
                _ => None,
            },
        };
        if let Some(v) = scope.and_then(|s| s.get(key)) {
            let span = v.span();
            return format!("{}{}{}", &text[..span.start], value, &text[span.end..]);
        }
    }
    // Missing: after the table's header, or before the first header.
    let hs = headers(text);
    let at = match table {
        None => hs.first().map_or(text.len(), |h| h.0),
        Some(t) => match hs.iter().find(|h| h.1 == t && !h.2) {
            Some(h) => text[h.0..].find('\n').map_or(text.len(), |n| h.0 + n + 1),
            None => text.len(),
        },
    };
    let mut line = format!("{key} = {value}\n");
    if at == text.len() && !text.is_empty() && !text.ends_with('\n') {
        line.insert(0, '\n');
    }
    if at == hs.first().map_or(usize::MAX, |h| h.0) && table.is_none() {
        line.push('\n');
    }
    format!("{}{}{}", &text[..at], line, &text[at..])
}

fn set_table(text: &str, name: &str, fields: &[Field], vals: &Map<String, Value>) -> String {
    let mut text = text.to_string();
    if !headers(&text).iter().any(|h| h.1 == name && !h.2) {
        text = format!("{}\n\n[{name}]\n", text.trim_end());
    }
    for f in fields {
        if matches!(f.kind, Kind::Records(_) | Kind::Table(_)) {
            continue;
        }
        if let Some(v) = vals.get(f.name) {
            text = set_key(&text, Some(name), f.name, &format_value(f.kind, v));
        }
    }
    text
}

/// Where a byte position of a material's text lies: the field's path
/// (`title`, `photos.1.caption`, `stats.schools`) and, inside a string, the
/// offset from the start of its content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldAt {
    pub path: String,
    /// Byte offset into the decoded string, when it maps one to one.
    pub offset: Option<usize>,
}

pub fn field_at(text: &str, pos: usize) -> Option<FieldAt> {
    let t = DeTable::parse(text).ok()?;
    let mut best: Option<(Range<usize>, String, bool)> = None;
    walk(t.get_ref(), "", &mut |span, path, is_str| {
        if span.start <= pos && pos <= span.end {
            let better = best
                .as_ref()
                .is_none_or(|(b, _, _)| span.end - span.start <= b.end - b.start);
            if better {
                best = Some((span, path.to_string(), is_str));
            }
        }
    });
    let (span, path, is_str) = best?;
    let offset = if is_str {
        let raw = &text[span.clone()];
        let open = if raw.starts_with("\"\"\"") || raw.starts_with("'''") {
            3 + usize::from(raw[3..].starts_with('\n'))
        } else {
            1
        };
        pos.checked_sub(span.start + open)
    } else {
        None
    };
    Some(FieldAt { path, offset })
}

fn walk(t: &DeTable, prefix: &str, f: &mut dyn FnMut(Range<usize>, &str, bool)) {
    for (k, v) in t.iter() {
        let path = if prefix.is_empty() {
            k.get_ref().to_string()
        } else {
            format!("{prefix}.{}", k.get_ref())
        };
        // A key's own span points at the value's field too (unknown keys).
        f(k.span(), &path, false);
        walk_value(v, &path, f);
    }
}

fn walk_value(v: &toml::Spanned<DeValue>, path: &str, f: &mut dyn FnMut(Range<usize>, &str, bool)) {
    match v.get_ref() {
        DeValue::Table(t) => walk(t, path, f),
        DeValue::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                walk_value(x, &format!("{path}.{i}"), f);
            }
        }
        DeValue::String(_) => f(v.span(), path, true),
        _ => f(v.span(), path, false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn values(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    const TEMPLATE: &str = include_str!("../../templates/new-case.toml");

    #[test]
    fn hints_come_from_the_template() {
        assert!(template_hint("case", "title")
            .unwrap()
            .contains("方正小标宋简体二号"));
        assert_eq!(
            template_hint("summary", "schools").as_deref(),
            Some("参加活动的职业院校数")
        );
    }

    #[test]
    fn fills_the_template_and_keeps_its_comments() {
        let out = write(
            TEMPLATE,
            "case",
            &values(json!({
                "title": "匠心筑梦 \"技能\"报国",
                "unit": "南昌市第一中等专业学校",
                "category": "典型职教故事",
                "region": "",
                "body": "一、概况\n\n正文\\第一段。\n\n结尾\"\"\"。",
                "photos": [{"path": "photos/01.jpg", "caption": "说明"}],
            })),
        );
        assert!(out.contains("# 标题（排版为方正小标宋简体二号"), "{out}");
        let doc: toml::Table = toml::from_str(&out).unwrap();
        assert_eq!(doc["title"].as_str(), Some("匠心筑梦 \"技能\"报国"));
        assert_eq!(doc["category"].as_str(), Some("典型职教故事"));
        assert_eq!(
            doc["body"].as_str(),
            Some("一、概况\n\n正文\\第一段。\n\n结尾\"\"\"。\n")
        );
        let photos = doc["photos"].as_array().unwrap();
        assert_eq!(photos.len(), 1);
        assert_eq!(photos[0]["caption"].as_str(), Some("说明"));
        // Writing again over the result replaces, never duplicates.
        let again = write(
            &out,
            "case",
            &values(json!({"title": "新标题", "photos": []})),
        );
        let doc: toml::Table = toml::from_str(&again).unwrap();
        assert_eq!(doc["title"].as_str(), Some("新标题"));
        assert!(doc.get("photos").is_none(), "{again}");
        assert_eq!(doc["unit"].as_str(), Some("南昌市第一中等专业学校"));
    }

    #[test]
    fn summary_tables_and_kinds() {
        let base = include_str!("../../templates/new-summary.toml");
        let out = write(
            base,
            "summary",
            &values(json!({
                "unit": "东湖区教育体育局",
                "body": "正文",
                "stats": {"schools": "3", "teachers": 150, "students": "很多",
                          "activity_forms": "线上展示、开放日",
                          "media": [{"outlet": "江西日报", "title": "报道", "level": "省级", "published": "2020-11-09"}]},
            })),
        );
        let doc: toml::Table = toml::from_str(&out).unwrap();
        let st = doc["stats"].as_table().unwrap();
        assert_eq!(st["schools"].as_integer(), Some(3));
        assert_eq!(st["teachers"].as_integer(), Some(150));
        // Not a number: written as text, so the loader points at it.
        assert_eq!(st["students"].as_str(), Some("很多"));
        assert_eq!(st["activity_forms"].as_array().unwrap().len(), 2);
        let media = st["media"].as_array().unwrap();
        assert!(media[0]["published"].as_datetime().is_some());
    }

    #[test]
    fn positions_map_to_fields() {
        let text = "title = \"标题\"\nbody = \"\"\"\n第一段。\n\n第二段。\n\"\"\"\n[[photos]]\npath = \"a.jpg\"\ncaption = \"说明\"\n";
        let at = |s: &str| field_at(text, text.find(s).unwrap()).unwrap();
        assert_eq!(at("标题").path, "title");
        let b = at("第二段");
        assert_eq!(b.path, "body");
        assert_eq!(b.offset, Some("第一段。\n\n".len()));
        assert_eq!(at("说明").path, "photos.0.caption");
        assert_eq!(at("a.jpg").path, "photos.0.path");
    }
}
