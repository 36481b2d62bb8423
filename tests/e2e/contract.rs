//! Responses checked against the OpenAPI document, so that a typed seam (the profile, a match's
//! detail, the interview, the evaluation) cannot say one thing in the document and send another.
//! A small checker of the part of JSON Schema that utoipa writes: `$ref`, `oneOf`, `allOf`,
//! `type`, `enum`, `properties`, `required`, `items`.

use serde_json::Value;
use std::sync::LazyLock;

static DOC: LazyLock<Value> = LazyLock::new(|| serde_json::to_value(otbor_api::openapi()).expect("the OpenAPI document is JSON"));

/// Panics, naming the path of the first difference, unless `value` conforms to the schema
/// `name` of the document's components.
pub fn assert_conforms(name: &str, value: &Value) {
    let schema = serde_json::json!({ "$ref": format!("#/components/schemas/{name}") });
    if let Err(e) = check(&schema, value, name, true) {
        panic!("a response does not conform to `{name}` of the OpenAPI document: {e}");
    }
}

fn resolve(schema: &Value) -> &Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let name = r.strip_prefix("#/components/schemas/").unwrap_or_else(|| panic!("unexpected reference {r}"));
            resolve(DOC["components"]["schemas"].get(name).unwrap_or_else(|| panic!("{r} is not in the document")))
        }
        None => schema,
    }
}

fn type_matches(t: &str, v: &Value) -> bool {
    match t {
        "null" => v.is_null(),
        "boolean" => v.is_boolean(),
        "integer" => v.is_i64() || v.is_u64(),
        "number" => v.is_number(),
        "string" => v.is_string(),
        "array" => v.is_array(),
        "object" => v.is_object(),
        other => panic!("unexpected schema type {other}"),
    }
}

/// `closed`: a key the schema does not name is an error (not so inside an `allOf`, whose parts
/// each name some of the keys).
fn check(schema: &Value, v: &Value, at: &str, closed: bool) -> Result<(), String> {
    let s = resolve(schema);
    if let Some(options) = s.get("oneOf").and_then(Value::as_array) {
        let fits = options.iter().filter(|o| check(o, v, at, closed).is_ok()).count();
        return if fits == 1 { Ok(()) } else { Err(format!("{at}: {fits} of the `oneOf` options fit {v}")) };
    }
    if let Some(parts) = s.get("allOf").and_then(Value::as_array) {
        for part in parts {
            check(part, v, at, false)?;
        }
    }
    match s.get("type") {
        Some(Value::String(t)) if !type_matches(t, v) => return Err(format!("{at}: {v} is not {t}")),
        Some(Value::Array(ts)) if !ts.iter().any(|t| type_matches(t.as_str().unwrap_or_default(), v)) => {
            return Err(format!("{at}: {v} is none of {ts:?}"));
        }
        _ => {}
    }
    if let Some(allowed) = s.get("enum").and_then(Value::as_array) {
        if !allowed.contains(v) {
            return Err(format!("{at}: {v} is not one of {allowed:?}"));
        }
    }
    if let (Some(items), Some(xs)) = (s.get("items"), v.as_array()) {
        for (i, x) in xs.iter().enumerate() {
            check(items, x, &format!("{at}[{i}]"), true)?;
        }
    }
    if let Some(obj) = v.as_object() {
        let props = s.get("properties").and_then(Value::as_object);
        for key in s.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str) {
            if !obj.contains_key(key) {
                return Err(format!("{at}: the required `{key}` is missing"));
            }
        }
        if let Some(props) = props {
            for (key, x) in obj {
                match props.get(key) {
                    Some(p) => check(p, x, &format!("{at}.{key}"), true)?,
                    None if closed => return Err(format!("{at}: `{key}` is not in the schema")),
                    None => {}
                }
            }
        }
    }
    Ok(())
}
