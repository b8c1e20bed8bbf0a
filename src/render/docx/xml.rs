//! A tiny XML writer: elements come out in the order the caller writes
//! them, which is the order ECMA-376 requires (the callers follow the schema).

use std::fmt::{Display, Write};

#[derive(Default)]
pub struct Xml {
    buf: String,
}

/// An attribute: name and value (numbers or text).
pub type Attr<'a> = (&'a str, &'a dyn Display);

impl Xml {
    /// A part, with its XML declaration.
    pub fn part() -> Xml {
        Xml {
            buf: String::from("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"),
        }
    }

    /// A fragment to be placed into a part.
    pub fn fragment() -> Xml {
        Xml::default()
    }

    fn tag(&mut self, name: &str, attrs: &[Attr], end: &str) {
        self.buf.push('<');
        self.buf.push_str(name);
        for (k, v) in attrs {
            self.buf.push(' ');
            self.buf.push_str(k);
            self.buf.push_str("=\"");
            escape_into(&mut self.buf, &v.to_string(), true);
            self.buf.push('"');
        }
        self.buf.push_str(end);
    }

    pub fn open(&mut self, name: &str, attrs: &[Attr]) -> &mut Self {
        self.tag(name, attrs, ">");
        self
    }

    pub fn empty(&mut self, name: &str, attrs: &[Attr]) -> &mut Self {
        self.tag(name, attrs, "/>");
        self
    }

    pub fn close(&mut self, name: &str) -> &mut Self {
        let _ = write!(self.buf, "</{name}>");
        self
    }

    /// `<name attrs>text</name>`.
    pub fn leaf(&mut self, name: &str, attrs: &[Attr], text: &str) -> &mut Self {
        self.open(name, attrs);
        escape_into(&mut self.buf, text, false);
        self.close(name)
    }

    /// Appends an already written fragment.
    pub fn raw(&mut self, xml: &str) -> &mut Self {
        self.buf.push_str(xml);
        self
    }

    pub fn into_string(self) -> String {
        self.buf
    }
}

fn escape_into(out: &mut String, s: &str, attr: bool) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attr => out.push_str("&quot;"),
            // XML 1.0 forbids most control characters; the loader refuses
            // them, so this only guards against a bug upstream.
            c if c.is_control() && !matches!(c, '\n' | '\t' | '\r') => {}
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_text_and_attributes() {
        let mut x = Xml::fragment();
        x.leaf("a", &[("k", &"x\"<&")], "1 < 2 & \"3\"\u{1}");
        assert_eq!(
            x.into_string(),
            "<a k=\"x&quot;&lt;&amp;\">1 &lt; 2 &amp; \"3\"</a>"
        );
    }
}
