//! Android shared-preferences files (`shared_prefs/*.xml`), the way several
//! apps keep their tokens: a `<map>` of named values such as
//! `<string name="k">text</string>`, `<long name="k" value="1" />` or
//! `<set name="k"><string>a</string></set>`. String values are kept in
//! memory that is wiped on drop, since they often hold secrets.

use quick_xml::Reader;
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesRef, BytesStart, Event};
use zeroize::Zeroizing;

/// Most entries a file may have before it is refused.
const MAX_PREFS: usize = 100_000;

/// The value of one preference.
pub(crate) enum Value {
    /// `<string>`: the text, entities resolved.
    String(Zeroizing<String>),
    /// `<int>`, `<long>`, `<float>` or `<boolean>` (checked, not kept: no importer needs one).
    Scalar,
    /// `<set>` of strings (checked, not kept).
    Set,
    /// `<null>`.
    Null,
}

/// One named entry of the map.
pub(crate) struct Pref {
    /// The `name` attribute.
    pub(crate) name: String,
    /// Its value.
    pub(crate) value: Value,
}

/// The entries of a shared-preferences file, in file order.
pub(crate) struct Prefs(Vec<Pref>);

impl Prefs {
    /// All entries.
    pub(crate) fn entries(&self) -> &[Pref] {
        &self.0
    }

    /// The text of the first `<string>` entry called `name`.
    pub(crate) fn string(&self, name: &str) -> Option<&str> {
        self.0.iter().find_map(|pref| match &pref.value {
            Value::String(text) if pref.name == name => Some(text.as_str()),
            _ => None,
        })
    }
}

/// Whether the bytes start like a shared-preferences file (`<?xml` or `<map`).
pub(crate) fn looks_like(bytes: &[u8]) -> bool {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    crate::common::starts_with_trimmed(bytes, b"<?xml") || crate::common::starts_with_trimmed(bytes, b"<map")
}

/// Whether `needle` occurs anywhere in `bytes` (a plain linear search).
pub(crate) fn contains(bytes: &[u8], needle: &[u8]) -> bool {
    crate::common::contains_early(bytes, needle, bytes.len())
}

/// Parses a shared-preferences file; the error says what is wrong with it.
pub(crate) fn parse(bytes: &[u8]) -> Result<Prefs, String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| format!("not UTF-8 text: {e}"))?;
    let mut reader = Reader::from_str(text);
    reader.config_mut().check_end_names = true;

    // Up to the root element.
    loop {
        match read(&mut reader)? {
            Event::Decl(_) | Event::Comment(_) | Event::PI(_) | Event::DocType(_) => {}
            Event::Text(t) if is_blank(&t) => {}
            Event::Start(start) if start.name().as_ref() == b"map" => break,
            Event::Empty(start) if start.name().as_ref() == b"map" => return Ok(Prefs(Vec::new())),
            Event::Eof => return Err("no <map> element".to_owned()),
            _ => return Err("the root element is not <map>".to_owned()),
        }
    }

    let mut prefs = Vec::new();
    loop {
        if prefs.len() >= MAX_PREFS {
            return Err(format!("more than {MAX_PREFS} entries"));
        }
        match read(&mut reader)? {
            Event::Comment(_) | Event::PI(_) => {}
            Event::Text(t) if is_blank(&t) => {}
            Event::End(_) => break,
            Event::Empty(start) => {
                let name = attribute(&reader, &start, "name")?;
                let value = match start.name().as_ref() {
                    b"string" => Value::String(Zeroizing::new(String::new())),
                    b"set" => Value::Set,
                    b"null" => Value::Null,
                    b"int" | b"long" | b"float" | b"boolean" => {
                        attribute(&reader, &start, "value")?;
                        Value::Scalar
                    }
                    other => return Err(format!("unexpected element <{}>", String::from_utf8_lossy(other))),
                };
                prefs.push(Pref { name, value });
            }
            Event::Start(start) => {
                let name = attribute(&reader, &start, "name")?;
                let value = match start.name().as_ref() {
                    b"string" => Value::String(text_until_end(&mut reader)?),
                    b"set" => {
                        skip_set(&mut reader)?;
                        Value::Set
                    }
                    other => return Err(format!("unexpected element <{}>", String::from_utf8_lossy(other))),
                };
                prefs.push(Pref { name, value });
            }
            Event::Eof => return Err("the file ends before </map>".to_owned()),
            _ => return Err("unexpected content in <map>".to_owned()),
        }
    }

    // Nothing but white space and comments may follow the root.
    loop {
        match read(&mut reader)? {
            Event::Eof => return Ok(Prefs(prefs)),
            Event::Comment(_) | Event::PI(_) => {}
            Event::Text(t) if is_blank(&t) => {}
            _ => return Err("content after </map>".to_owned()),
        }
    }
}

/// The next event, with XML errors as text.
fn read<'a>(reader: &mut Reader<&'a [u8]>) -> Result<Event<'a>, String> {
    reader.read_event().map_err(|e| format!("XML: {e}"))
}

/// Whether a text event is only white space.
fn is_blank(text: &[u8]) -> bool {
    text.iter().all(u8::is_ascii_whitespace)
}

/// An attribute's value, entities resolved; an error when it is missing.
fn attribute(reader: &Reader<&[u8]>, start: &BytesStart<'_>, key: &str) -> Result<String, String> {
    let attr = start
        .try_get_attribute(key)
        .map_err(|e| format!("XML attribute: {e}"))?
        .ok_or_else(|| format!("an element without the {key:?} attribute"))?;
    let value = attr
        .decode_and_unescape_value(reader.decoder())
        .map_err(|e| format!("XML attribute: {e}"))?;
    Ok(value.into_owned())
}

/// Appends the text an entity or character reference stands for.
fn push_reference(out: &mut String, reference: &BytesRef<'_>) -> Result<(), String> {
    if let Some(ch) = reference
        .resolve_char_ref()
        .map_err(|e| format!("XML reference: {e}"))?
    {
        out.push(ch);
        return Ok(());
    }
    let name = reference.decode().map_err(|e| format!("XML reference: {e}"))?;
    let resolved = resolve_predefined_entity(&name).ok_or_else(|| format!("unknown XML entity &{name};"))?;
    out.push_str(resolved);
    Ok(())
}

/// The text of an element whose start tag was just read, up to its end tag.
fn text_until_end(reader: &mut Reader<&[u8]>) -> Result<Zeroizing<String>, String> {
    let mut out = Zeroizing::new(String::new());
    loop {
        match read(reader)? {
            Event::Text(text) => out.push_str(&text.decode().map_err(|e| format!("XML text: {e}"))?),
            Event::CData(data) => out.push_str(&data.decode().map_err(|e| format!("XML text: {e}"))?),
            Event::GeneralRef(reference) => push_reference(&mut out, &reference)?,
            Event::Comment(_) | Event::PI(_) => {}
            Event::End(_) => return Ok(out),
            Event::Eof => return Err("the file ends inside an element".to_owned()),
            _ => return Err("an element inside a <string>".to_owned()),
        }
    }
}

/// Checks the `<string>` items of a `<set>` whose start tag was just read.
fn skip_set(reader: &mut Reader<&[u8]>) -> Result<(), String> {
    loop {
        match read(reader)? {
            Event::Text(t) if is_blank(&t) => {}
            Event::Comment(_) | Event::PI(_) => {}
            Event::Empty(start) if start.name().as_ref() == b"string" => {}
            Event::Start(start) if start.name().as_ref() == b"string" => {
                text_until_end(reader)?;
            }
            Event::End(_) => return Ok(()),
            Event::Eof => return Err("the file ends inside a <set>".to_owned()),
            _ => return Err("unexpected content in a <set>".to_owned()),
        }
    }
}
