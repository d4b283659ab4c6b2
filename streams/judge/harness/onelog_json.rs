// The Rust harness's fixed part (std has no JSON): the arguments read from
// stdin, the result written as one line of compact JSON in the form every
// harness prints (Python's json.dumps with separators "," and ":" and
// non-ASCII as is), and the learner's prints kept off the result's stdout.
// The generated harness.rs, the crate root, declares it as `mod onelog_json`.

use std::io::{Read, Write};

/// A parsed JSON value; numbers keep their text, so i64 loses no digit.
pub enum Json {
    Null,
    Bool(bool),
    Number(String),
    Str(String),
    Array(Vec<Json>),
    Object,
}

/// Ends the run as a runtime error, the reason on stderr.
pub fn fail(reason: &str) -> ! {
    eprintln!("harness: {}", reason);
    std::process::exit(1)
}

struct Parser<'a> {
    text: &'a [u8],
    at: usize,
}

impl<'a> Parser<'a> {
    fn blank(&mut self) {
        while self.at < self.text.len() && b" \t\r\n".contains(&self.text[self.at]) {
            self.at += 1;
        }
    }

    fn peek(&mut self) -> Option<u8> {
        self.blank();
        self.text.get(self.at).copied()
    }

    fn expect(&mut self, byte: u8) {
        if self.peek() != Some(byte) {
            fail(&format!("the arguments are not JSON: expected '{}' at byte {}", byte as char, self.at));
        }
        self.at += 1;
    }

    fn word(&mut self, word: &str, value: Json) -> Json {
        if !self.text[self.at..].starts_with(word.as_bytes()) {
            fail(&format!("the arguments are not JSON at byte {}", self.at));
        }
        self.at += word.len();
        value
    }

    fn value(&mut self) -> Json {
        match self.peek() {
            Some(b'[') => {
                self.at += 1;
                let mut items = Vec::new();
                if self.peek() == Some(b']') {
                    self.at += 1;
                    return Json::Array(items);
                }
                loop {
                    items.push(self.value());
                    match self.peek() {
                        Some(b',') => self.at += 1,
                        _ => break,
                    }
                }
                self.expect(b']');
                Json::Array(items)
            }
            Some(b'{') => {
                // No declared type is an object: skip it whole, so the error names the argument.
                self.at += 1;
                if self.peek() != Some(b'}') {
                    loop {
                        self.string();
                        self.expect(b':');
                        self.value();
                        match self.peek() {
                            Some(b',') => self.at += 1,
                            _ => break,
                        }
                    }
                }
                self.expect(b'}');
                Json::Object
            }
            Some(b'"') => Json::Str(self.string()),
            Some(b't') => self.word("true", Json::Bool(true)),
            Some(b'f') => self.word("false", Json::Bool(false)),
            Some(b'n') => self.word("null", Json::Null),
            Some(c) if c == b'-' || c.is_ascii_digit() => {
                let start = self.at;
                while self.at < self.text.len() && b"+-.eE0123456789".contains(&self.text[self.at]) {
                    self.at += 1;
                }
                Json::Number(String::from_utf8_lossy(&self.text[start..self.at]).into_owned())
            }
            _ => fail(&format!("the arguments are not JSON at byte {}", self.at)),
        }
    }

    fn hex4(&mut self) -> u32 {
        let digits = self.text.get(self.at..self.at + 4).unwrap_or(b"");
        let code = std::str::from_utf8(digits).ok().and_then(|d| u32::from_str_radix(d, 16).ok());
        self.at += 4;
        code.unwrap_or_else(|| fail("the arguments are not JSON: a bad \\u escape"))
    }

    fn string(&mut self) -> String {
        self.expect(b'"');
        let mut out: Vec<u8> = Vec::new();
        loop {
            let byte = *self.text.get(self.at).unwrap_or_else(|| fail("the arguments are not JSON: an unclosed string"));
            self.at += 1;
            match byte {
                b'"' => break,
                b'\\' => {
                    let escape = *self.text.get(self.at).unwrap_or(&b'?');
                    self.at += 1;
                    let decoded = match escape {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            let high = self.hex4();
                            let code = if (0xD800..0xDC00).contains(&high) && self.text[self.at..].starts_with(b"\\u") {
                                self.at += 2;
                                let low = self.hex4();
                                0x10000 + ((high - 0xD800) << 10) + (low.wrapping_sub(0xDC00) & 0x3FF)
                            } else {
                                high
                            };
                            char::from_u32(code).unwrap_or('\u{fffd}')
                        }
                        _ => fail("the arguments are not JSON: a bad escape"),
                    };
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(decoded.encode_utf8(&mut buf).as_bytes());
                }
                _ => out.push(byte),
            }
        }
        String::from_utf8(out).unwrap_or_else(|_| fail("the arguments are not UTF-8"))
    }
}

/// The JSON array of arguments on stdin, checked to hold `count` of them.
pub fn read_args(function: &str, count: usize) -> Vec<Json> {
    let mut input = Vec::new();
    if let Err(error) = std::io::stdin().read_to_end(&mut input) {
        fail(&format!("reading the arguments: {}", error));
    }
    let mut parser = Parser { text: &input, at: 0 };
    let args = match parser.value() {
        Json::Array(items) => items,
        _ => fail("the arguments are not a JSON array"),
    };
    if parser.peek().is_some() {
        fail("the arguments are not JSON: text after the array");
    }
    if args.len() != count {
        fail(&format!("{} takes {} arguments, the input has {}", function, count, args.len()));
    }
    args
}

/// A value of a declared type, made from its JSON.
pub trait FromJson: Sized {
    fn from_json(json: &Json) -> Result<Self, String>;
}

fn number<T: std::str::FromStr>(json: &Json, what: &str) -> Result<T, String> {
    match json {
        Json::Number(text) => text.parse().map_err(|_| format!("{} is not {}", text, what)),
        _ => Err(format!("expected {}", what)),
    }
}

impl FromJson for i32 {
    fn from_json(json: &Json) -> Result<Self, String> {
        number(json, "an int")
    }
}

impl FromJson for i64 {
    fn from_json(json: &Json) -> Result<Self, String> {
        number(json, "a long")
    }
}

impl FromJson for f64 {
    fn from_json(json: &Json) -> Result<Self, String> {
        number(json, "a double")
    }
}

impl FromJson for bool {
    fn from_json(json: &Json) -> Result<Self, String> {
        match json {
            Json::Bool(value) => Ok(*value),
            _ => Err("expected a bool".to_string()),
        }
    }
}

impl FromJson for String {
    fn from_json(json: &Json) -> Result<Self, String> {
        match json {
            Json::Str(value) => Ok(value.clone()),
            _ => Err("expected a string".to_string()),
        }
    }
}

impl<T: FromJson> FromJson for Vec<T> {
    fn from_json(json: &Json) -> Result<Self, String> {
        match json {
            Json::Array(items) => items.iter().map(T::from_json).collect(),
            _ => Err("expected an array".to_string()),
        }
    }
}

/// Argument `index` (named `name`) as its declared type; a mismatch is a runtime error.
pub fn arg<T: FromJson>(args: &[Json], index: usize, name: &str, declared: &str) -> T {
    T::from_json(&args[index]).unwrap_or_else(|why| {
        fail(&format!("argument {} ({}) does not decode as {}: {}", index + 1, name, declared, why))
    })
}

/// A result of a declared type, written as compact JSON.
pub trait ToJson {
    fn to_json(&self, out: &mut String);
}

impl ToJson for i32 {
    fn to_json(&self, out: &mut String) {
        out.push_str(&self.to_string());
    }
}

impl ToJson for i64 {
    fn to_json(&self, out: &mut String) {
        out.push_str(&self.to_string());
    }
}

impl ToJson for bool {
    fn to_json(&self, out: &mut String) {
        out.push_str(if *self { "true" } else { "false" });
    }
}

// As JavaScript prints a double: 2 not 2.0, 1e+21, 1e-7.
impl ToJson for f64 {
    fn to_json(&self, out: &mut String) {
        if !self.is_finite() {
            fail(&format!("the result holds {}, which JSON cannot carry", self));
        }
        let abs = self.abs();
        if *self == 0.0 {
            out.push('0');
        } else if (1e-6..1e21).contains(&abs) {
            out.push_str(&self.to_string());
        } else {
            let text = format!("{:e}", self); // 1e21, 1e-7
            out.push_str(&text.replacen("e", if text.contains("e-") { "e" } else { "e+" }, 1));
        }
    }
}

// Escaped as Python's json.dumps(ensure_ascii=False) does.
impl ToJson for String {
    fn to_json(&self, out: &mut String) {
        out.push('"');
        for c in self.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                '\u{8}' => out.push_str("\\b"),
                '\u{c}' => out.push_str("\\f"),
                c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
                c => out.push(c),
            }
        }
        out.push('"');
    }
}

impl<T: ToJson> ToJson for Vec<T> {
    fn to_json(&self, out: &mut String) {
        out.push('[');
        for (i, item) in self.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            item.to_json(out);
        }
        out.push(']');
    }
}

extern "C" {
    fn dup(fd: i32) -> i32;
    fn dup2(from: i32, to: i32) -> i32;
}

/// Runs `call` with fd 1 on stderr, so the learner's println! cannot reach the
/// result's stdout; returns its result and the real stdout, saved before.
pub fn with_stdout_on_stderr<R>(call: impl FnOnce() -> R) -> (R, std::fs::File) {
    use std::os::unix::io::FromRawFd;
    let _ = std::io::stdout().flush();
    // SAFETY: dup and dup2 on the process's own standard descriptors; the
    // duplicate is owned by the File alone.
    let saved = unsafe { dup(1) };
    if saved < 0 || unsafe { dup2(2, 1) } < 0 {
        fail("cannot keep the learner's output off stdout");
    }
    let result = call();
    let _ = std::io::stdout().flush();
    (result, unsafe { std::fs::File::from_raw_fd(saved) })
}

/// The result as one line of JSON on `stdout`.
pub fn print_result<T: ToJson>(result: &T, mut stdout: std::fs::File) {
    let mut out = String::new();
    result.to_json(&mut out);
    out.push('\n');
    if let Err(error) = stdout.write_all(out.as_bytes()) {
        fail(&format!("writing the result: {}", error));
    }
}
