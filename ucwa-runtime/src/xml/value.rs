//! Property values in XML: text for scalars (`True`/`False` for booleans, ISO 8601 for dates),
//! `<propertyList>` for arrays.

use std::borrow::Cow;

use super::reader::XmlValue;
use super::writer::XmlWriter;
use crate::{DataUri, Link, TimeSpan, Timestamp, Uri};

/// A value that is written as the text of a `<property>` or an `<item>`.
pub trait XmlScalar: Sized {
    /// Parses the text, or says what was expected.
    fn from_xml_text(text: &str) -> Result<Self, String>;
    /// Parses text that may already be owned (a `String` then takes it without copying).
    fn from_xml_cow(text: Cow<'_, str>) -> Result<Self, String> {
        Self::from_xml_text(&text)
    }
    /// The text.
    fn to_xml_text(&self) -> Cow<'_, str>;
}

/// The type of a property field (without its `Option`): a scalar or a `Vec` of scalars.
pub trait XmlProperty: Sized {
    /// Reads the value of a `<property>` or `<propertyList>`.
    fn from_xml(value: XmlValue<'_>) -> Result<Self, String>;
    /// Writes the property named `name`.
    fn write_xml(&self, name: &str, writer: &mut XmlWriter);
}

/// [`XmlProperty::from_xml`] for a scalar.
pub fn scalar_from_xml<T: XmlScalar>(value: XmlValue<'_>) -> Result<T, String> {
    match value {
        XmlValue::Text(text) => T::from_xml_cow(text),
        XmlValue::List(_) => Err("expected a single value, found a <propertyList>".to_owned()),
    }
}

/// [`XmlProperty::write_xml`] for a scalar.
pub fn scalar_write_xml<T: XmlScalar>(value: &T, name: &str, writer: &mut XmlWriter) {
    writer.property(name, &value.to_xml_text());
}

macro_rules! scalar_property {
    ($($ty:ty),*) => {$(
        impl XmlProperty for $ty {
            fn from_xml(value: XmlValue<'_>) -> Result<Self, String> {
                scalar_from_xml(value)
            }

            fn write_xml(&self, name: &str, writer: &mut XmlWriter) {
                scalar_write_xml(self, name, writer)
            }
        }
    )*};
}

scalar_property!(String, bool, i64, f64, Timestamp, TimeSpan, Uri);

impl XmlScalar for String {
    fn from_xml_text(text: &str) -> Result<Self, String> {
        Ok(text.to_owned())
    }

    fn from_xml_cow(text: Cow<'_, str>) -> Result<Self, String> {
        Ok(text.into_owned())
    }

    fn to_xml_text(&self) -> Cow<'_, str> {
        Cow::Borrowed(self)
    }
}

impl XmlScalar for bool {
    fn from_xml_text(text: &str) -> Result<Self, String> {
        // UCWA writes `True`/`False` (.NET); XML Schema's `true`/`1` are accepted too.
        match text.trim() {
            t if t.eq_ignore_ascii_case("true") || t == "1" => Ok(true),
            t if t.eq_ignore_ascii_case("false") || t == "0" => Ok(false),
            _ => Err(format!("expected `True` or `False`, found `{text}`")),
        }
    }

    fn to_xml_text(&self) -> Cow<'_, str> {
        Cow::Borrowed(if *self { "True" } else { "False" })
    }
}

impl XmlScalar for i64 {
    fn from_xml_text(text: &str) -> Result<Self, String> {
        text.trim()
            .parse()
            .map_err(|_| format!("expected an integer, found `{text}`"))
    }

    fn to_xml_text(&self) -> Cow<'_, str> {
        Cow::Owned(self.to_string())
    }
}

impl XmlScalar for f64 {
    fn from_xml_text(text: &str) -> Result<Self, String> {
        text.trim()
            .parse()
            .map_err(|_| format!("expected a number, found `{text}`"))
    }

    fn to_xml_text(&self) -> Cow<'_, str> {
        Cow::Owned(self.to_string())
    }
}

impl XmlScalar for TimeSpan {
    fn from_xml_text(text: &str) -> Result<Self, String> {
        TimeSpan::parse(text.trim()).map_err(|e| e.to_string())
    }

    fn to_xml_text(&self) -> Cow<'_, str> {
        Cow::Owned(self.to_string())
    }
}

impl XmlScalar for Timestamp {
    fn from_xml_text(text: &str) -> Result<Self, String> {
        Timestamp::parse_iso8601(text.trim()).map_err(|e| e.to_string())
    }

    fn to_xml_text(&self) -> Cow<'_, str> {
        Cow::Owned(self.to_iso8601())
    }
}

impl XmlScalar for Uri {
    fn from_xml_text(text: &str) -> Result<Self, String> {
        Ok(Uri::new(text))
    }

    fn from_xml_cow(text: Cow<'_, str>) -> Result<Self, String> {
        Ok(Uri::new(text.into_owned()))
    }

    fn to_xml_text(&self) -> Cow<'_, str> {
        Cow::Borrowed(self.as_str())
    }
}

impl<T: XmlScalar> XmlProperty for Vec<T> {
    fn from_xml(value: XmlValue<'_>) -> Result<Self, String> {
        match value {
            XmlValue::List(items) => items.into_iter().map(T::from_xml_cow).collect(),
            XmlValue::Text(_) => {
                Err("expected a <propertyList>, found a single <property>".to_owned())
            }
        }
    }

    fn write_xml(&self, name: &str, writer: &mut XmlWriter) {
        writer.property_list(name, self.iter().map(|item| item.to_xml_text()));
    }
}

/// An item of a `_links` rel: a [`Link`] or a [`DataUri`], read from and written as `<link>`.
pub trait XmlLinkItem: Sized {
    /// Converts a `<link>`.
    fn from_link(link: Link) -> Result<Self, String>;
    /// Writes it as `<link rel=..>`.
    fn write_link(&self, rel: &str, writer: &mut XmlWriter);
}

impl<T: ?Sized> XmlLinkItem for Link<T> {
    fn from_link(link: Link) -> Result<Self, String> {
        Ok(link.cast())
    }

    fn write_link(&self, rel: &str, writer: &mut XmlWriter) {
        writer.link(rel, self);
    }
}

impl XmlLinkItem for DataUri {
    fn from_link(link: Link) -> Result<Self, String> {
        if link.title.is_some() || !link.unknown.is_empty() {
            return Err("a `data:` link carries only an `href`".to_owned());
        }
        DataUri::parse(link.href.as_str().to_owned()).map_err(|e| e.to_string())
    }

    fn write_link(&self, rel: &str, writer: &mut XmlWriter) {
        writer.link(rel, &Link::new(self.as_str()));
    }
}
