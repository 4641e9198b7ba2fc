//! A small reader of Java object serialization (the `ObjectOutputStream`
//! stream protocol, version 5), enough for a `HashMap<String, String>`
//! such as FreeOTP 2 writes as its backup. It understands class
//! descriptors, strings, `null`, back-references and maps; anything else
//! is refused. Nesting, handles and the copies that back-references make
//! are bounded, so no input can exhaust the stack or memory.

/// The stream's first four bytes: magic `0xACED` and version 5.
pub(crate) const MAGIC: [u8; 4] = [0xAC, 0xED, 0x00, 0x05];

const TC_NULL: u8 = 0x70;
const TC_REFERENCE: u8 = 0x71;
const TC_CLASSDESC: u8 = 0x72;
const TC_OBJECT: u8 = 0x73;
const TC_STRING: u8 = 0x74;
const TC_BLOCKDATA: u8 = 0x77;
const TC_ENDBLOCKDATA: u8 = 0x78;
const TC_RESET: u8 = 0x79;
const TC_BLOCKDATALONG: u8 = 0x7A;
const TC_LONGSTRING: u8 = 0x7C;

const SC_WRITE_METHOD: u8 = 0x01;
const SC_SERIALIZABLE: u8 = 0x02;
const SC_EXTERNALIZABLE: u8 = 0x04;

/// The first handle number a stream assigns.
const BASE_HANDLE: u32 = 0x7E_0000;
/// Deepest nesting of objects and class descriptors.
const MAX_DEPTH: usize = 16;
/// Most handles (objects, strings, classes) a stream may create.
const MAX_HANDLES: usize = 100_000;
/// Most memory (roughly, in bytes) that values repeated through references may take.
const MAX_COPIES: usize = 16 << 20;
/// What one value costs besides its text, for [`MAX_COPIES`].
const VALUE_COST: usize = 32;

/// A value read from the stream.
#[derive(Clone)]
pub(crate) enum Value {
    /// `null`.
    Null,
    /// A `java.lang.String`.
    String(String),
    /// A `java.util.HashMap` (or `LinkedHashMap`): its entries in stream order.
    Map(Vec<(Value, Value)>),
}

/// One field of a class descriptor.
struct Field {
    /// The type code: `B C D F I J S Z` for primitives, `L` or `[` for references.
    code: u8,
}

/// A class descriptor.
struct ClassDesc {
    name: String,
    flags: u8,
    fields: Vec<Field>,
    /// The serializable superclass, as an index into the reader's descriptors.
    superclass: Option<usize>,
}

/// What a handle refers to.
enum Handle {
    /// A class descriptor (index into `descs`).
    Class(usize),
    /// A finished value.
    Value(Value),
    /// An object still being read (a reference to it is refused).
    Pending,
}

/// The reader's position and tables.
struct Stream<'a> {
    bytes: &'a [u8],
    pos: usize,
    descs: Vec<ClassDesc>,
    handles: Vec<Handle>,
    /// What copies made for references have cost so far.
    copies: usize,
}

/// Reads a stream whose one object is a map of strings to strings (null
/// values become empty strings), in stream order.
pub(crate) fn read_string_map(bytes: &[u8]) -> Result<Vec<(String, String)>, String> {
    let mut stream = Stream {
        bytes,
        pos: 0,
        descs: Vec::new(),
        handles: Vec::new(),
        copies: 0,
    };
    if stream.take(4)? != MAGIC {
        return Err("not a Java serialization stream".to_owned());
    }
    let value = stream.object(0)?;
    let Value::Map(entries) = value else {
        return Err("the stream does not hold a map".to_owned());
    };
    entries
        .into_iter()
        .map(|(key, value)| match (key, value) {
            (Value::String(key), Value::String(value)) => Ok((key, value)),
            (Value::String(key), Value::Null) => Ok((key, String::new())),
            _ => Err("a map entry that is not a string".to_owned()),
        })
        .collect()
}

impl<'a> Stream<'a> {
    /// The next `n` bytes.
    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        let end = self.pos.checked_add(n).ok_or("length overflow")?;
        let slice = self.bytes.get(self.pos..end).ok_or("the stream ends early")?;
        self.pos = end;
        Ok(slice)
    }

    fn u8(&mut self) -> Result<u8, String> {
        let byte = *self.bytes.get(self.pos).ok_or("the stream ends early")?;
        self.pos += 1;
        Ok(byte)
    }

    fn peek(&self) -> Result<u8, String> {
        self.bytes
            .get(self.pos)
            .copied()
            .ok_or_else(|| "the stream ends early".to_owned())
    }

    fn u16(&mut self) -> Result<u16, String> {
        let b = self.take(2)?;
        Ok(u16::from_be_bytes([
            *b.first().ok_or("short")?,
            *b.get(1).ok_or("short")?,
        ]))
    }

    fn u32(&mut self) -> Result<u32, String> {
        let b: [u8; 4] = self.take(4)?.try_into().map_err(|_| "short read")?;
        Ok(u32::from_be_bytes(b))
    }

    fn u64(&mut self) -> Result<u64, String> {
        let b: [u8; 8] = self.take(8)?.try_into().map_err(|_| "short read")?;
        Ok(u64::from_be_bytes(b))
    }

    /// Assigns the next handle.
    fn new_handle(&mut self, handle: Handle) -> Result<usize, String> {
        if self.handles.len() >= MAX_HANDLES {
            return Err(format!("more than {MAX_HANDLES} objects"));
        }
        self.handles.push(handle);
        Ok(self.handles.len() - 1)
    }

    /// Counts `cost` more bytes of copies against the limit.
    fn charge(&mut self, cost: usize) -> Result<(), String> {
        self.copies = self.copies.saturating_add(cost);
        if self.copies > MAX_COPIES {
            return Err("too many repeated objects".to_owned());
        }
        Ok(())
    }

    /// A handle number's index in the table.
    fn reference(&mut self) -> Result<usize, String> {
        let number = self.u32()?;
        let index = number
            .checked_sub(BASE_HANDLE)
            .ok_or_else(|| format!("bad handle {number:#x}"))?;
        let index = usize::try_from(index).map_err(|_| "bad handle")?;
        if index >= self.handles.len() {
            return Err(format!("reference to unknown handle {number:#x}"));
        }
        Ok(index)
    }

    /// `len` bytes of modified UTF-8 as a string.
    fn utf(&mut self, len: usize) -> Result<String, String> {
        modified_utf8(self.take(len)?)
    }

    /// A name in a class descriptor (short length, modified UTF-8).
    fn short_utf(&mut self) -> Result<String, String> {
        let len = usize::from(self.u16()?);
        self.utf(len)
    }

    /// One object of any kind this reader knows.
    fn object(&mut self, depth: usize) -> Result<Value, String> {
        if depth > MAX_DEPTH {
            return Err("objects nested too deeply".to_owned());
        }
        loop {
            let code = self.u8()?;
            return match code {
                TC_RESET => {
                    self.handles.clear();
                    continue;
                }
                TC_NULL => Ok(Value::Null),
                TC_STRING => {
                    let len = usize::from(self.u16()?);
                    let text = self.utf(len)?;
                    self.new_handle(Handle::Value(Value::String(text.clone())))?;
                    Ok(Value::String(text))
                }
                TC_LONGSTRING => {
                    let len = usize::try_from(self.u64()?).map_err(|_| "string too long")?;
                    let text = self.utf(len)?;
                    self.new_handle(Handle::Value(Value::String(text.clone())))?;
                    Ok(Value::String(text))
                }
                TC_REFERENCE => {
                    let index = self.reference()?;
                    let value = match self.handles.get(index) {
                        Some(Handle::Value(value)) => value.clone(),
                        Some(Handle::Class(_)) => {
                            return Err("a reference to a class where an object was due".to_owned());
                        }
                        _ => return Err("a reference to an object that is still being read".to_owned()),
                    };
                    self.charge(cost(&value))?;
                    Ok(value)
                }
                TC_OBJECT => self.new_object(depth),
                other => Err(format!("unsupported element {other:#04x} in the stream")),
            };
        }
    }

    /// A class descriptor (or null), as an index into `descs`.
    fn class_desc(&mut self, depth: usize) -> Result<Option<usize>, String> {
        if depth > MAX_DEPTH {
            return Err("class descriptors nested too deeply".to_owned());
        }
        match self.u8()? {
            TC_NULL => Ok(None),
            TC_REFERENCE => {
                let handle = self.reference()?;
                match self.handles.get(handle) {
                    Some(Handle::Class(index)) => Ok(Some(*index)),
                    _ => Err("a reference to something that is not a class".to_owned()),
                }
            }
            TC_CLASSDESC => {
                let name = self.short_utf()?;
                let _serial_version_uid = self.u64()?;
                let index = self.descs.len();
                self.new_handle(Handle::Class(index))?;
                let flags = self.u8()?;
                let count = self.u16()?;
                let mut fields = Vec::new();
                for _ in 0..count {
                    let code = self.u8()?;
                    let _field_name = self.short_utf()?;
                    match code {
                        b'B' | b'C' | b'D' | b'F' | b'I' | b'J' | b'S' | b'Z' => {}
                        b'L' | b'[' => {
                            // The field's type, as a string object.
                            if !matches!(self.object(depth + 1)?, Value::String(_)) {
                                return Err("a field type that is not a string".to_owned());
                            }
                        }
                        other => return Err(format!("unknown field type {other:#04x}")),
                    }
                    fields.push(Field { code });
                }
                self.skip_annotation(depth + 1)?;
                // Reserve the slot before the superclass so indices stay stable.
                self.descs.push(ClassDesc {
                    name,
                    flags,
                    fields,
                    superclass: None,
                });
                let superclass = self.class_desc(depth + 1)?;
                if let Some(desc) = self.descs.get_mut(index) {
                    desc.superclass = superclass;
                }
                Ok(Some(index))
            }
            other => Err(format!("unsupported class descriptor {other:#04x}")),
        }
    }

    /// Skips block data and objects up to the end-of-block marker.
    fn skip_annotation(&mut self, depth: usize) -> Result<(), String> {
        loop {
            match self.peek()? {
                TC_ENDBLOCKDATA => {
                    self.pos += 1;
                    return Ok(());
                }
                TC_BLOCKDATA | TC_BLOCKDATALONG => {
                    self.block()?;
                }
                _ => {
                    self.object(depth)?;
                }
            }
        }
    }

    /// One block of primitive data.
    fn block(&mut self) -> Result<&'a [u8], String> {
        let len = match self.u8()? {
            TC_BLOCKDATA => usize::from(self.u8()?),
            TC_BLOCKDATALONG => usize::try_from(self.u32()?).map_err(|_| "block too long")?,
            other => return Err(format!("expected block data, found {other:#04x}")),
        };
        self.take(len)
    }

    /// The rest of a `TC_OBJECT`: descriptor, handle, then the class data.
    fn new_object(&mut self, depth: usize) -> Result<Value, String> {
        let desc = self.class_desc(depth + 1)?.ok_or("an object without a class")?;
        let handle = self.new_handle(Handle::Pending)?;

        // The class chain, topmost serializable superclass first.
        let mut chain = vec![desc];
        let mut current = desc;
        while let Some(parent) = self.descs.get(current).and_then(|d| d.superclass) {
            if chain.len() > MAX_DEPTH || chain.contains(&parent) {
                return Err("a class hierarchy too deep or circular".to_owned());
            }
            chain.push(parent);
            current = parent;
        }
        chain.reverse();

        let mut map = None;
        for index in chain {
            let desc = self.descs.get(index).ok_or("unknown class")?;
            let flags = desc.flags;
            if flags & SC_EXTERNALIZABLE != 0 {
                return Err(format!("externalizable class {} is not supported", desc.name));
            }
            if flags & SC_SERIALIZABLE == 0 {
                continue;
            }
            // LinkedHashMap writes its entries through HashMap's method.
            let is_map = desc.name == "java.util.HashMap";
            let codes: Vec<u8> = desc.fields.iter().map(|f| f.code).collect();
            for code in codes {
                let size = match code {
                    b'B' | b'Z' => 1,
                    b'C' | b'S' => 2,
                    b'I' | b'F' => 4,
                    b'J' | b'D' => 8,
                    _ => {
                        self.object(depth + 1)?;
                        continue;
                    }
                };
                self.take(size)?;
            }
            if flags & SC_WRITE_METHOD != 0 {
                if is_map {
                    map = Some(self.map_data(depth)?);
                } else {
                    self.skip_annotation(depth + 1)?;
                }
            }
        }

        let value = map.ok_or("an object of a class other than HashMap")?;
        if let Some(slot) = self.handles.get_mut(handle) {
            *slot = Handle::Value(value.clone());
        }
        Ok(value)
    }

    /// A HashMap's written data: capacity and size, the entries, the end marker.
    fn map_data(&mut self, depth: usize) -> Result<Value, String> {
        let header = self.block()?;
        let size = header
            .get(4..8)
            .and_then(|b| <[u8; 4]>::try_from(b).ok())
            .map(i32::from_be_bytes)
            .ok_or("a map without its size")?;
        let size = usize::try_from(size).map_err(|_| "a negative map size")?;
        // Each entry takes at least two bytes, so a larger size is a lie;
        // and no app keeps more preferences than a few per account.
        if size > self.bytes.len() / 2 || size > 4 * crate::common::MAX_ENTRIES {
            return Err("a map size larger than the stream, or than any export's".to_owned());
        }
        // Grown as entries are read, so a size that lies costs nothing.
        let mut entries = Vec::with_capacity(size.min(64));
        for _ in 0..size {
            let key = self.object(depth + 1)?;
            let value = self.object(depth + 1)?;
            entries.push((key, value));
        }
        if self.u8()? != TC_ENDBLOCKDATA {
            return Err("a map with more data than its size".to_owned());
        }
        Ok(Value::Map(entries))
    }
}

/// Roughly how much memory a copy of a value takes (for the limit on repeated references).
fn cost(value: &Value) -> usize {
    match value {
        Value::Null => VALUE_COST,
        Value::String(text) => VALUE_COST.saturating_add(text.len()),
        Value::Map(entries) => entries.iter().fold(VALUE_COST, |sum, (k, v)| {
            sum.saturating_add(cost(k)).saturating_add(cost(v))
        }),
    }
}

/// Decodes Java's modified UTF-8 (NUL as two bytes, supplementary characters as surrogate pairs).
fn modified_utf8(bytes: &[u8]) -> Result<String, String> {
    // Plain ASCII and ordinary UTF-8 without supplementary characters read as is.
    if let Ok(text) = std::str::from_utf8(bytes)
        && !text.chars().any(|c| u32::from(c) > 0xFFFF)
    {
        return Ok(text.to_owned());
    }
    let bad = || "a string that is not modified UTF-8".to_owned();
    let mut units = Vec::with_capacity(bytes.len());
    let mut iter = bytes.iter().copied();
    while let Some(first) = iter.next() {
        let unit = match first {
            0x00..=0x7F => u16::from(first),
            0xC0..=0xDF => {
                let second = iter.next().filter(|b| b & 0xC0 == 0x80).ok_or_else(bad)?;
                (u16::from(first & 0x1F) << 6) | u16::from(second & 0x3F)
            }
            0xE0..=0xEF => {
                let second = iter.next().filter(|b| b & 0xC0 == 0x80).ok_or_else(bad)?;
                let third = iter.next().filter(|b| b & 0xC0 == 0x80).ok_or_else(bad)?;
                (u16::from(first & 0x0F) << 12) | (u16::from(second & 0x3F) << 6) | u16::from(third & 0x3F)
            }
            _ => return Err(bad()),
        };
        units.push(unit);
    }
    String::from_utf16(&units).map_err(|_| bad())
}
