//! What the samples show: every resource found in any JSON or XML sample of any page (response
//! bodies, their `_embedded` resources, the resources embedded in event samples), gathered by
//! rel, with the values of its properties and the shapes of its links and embedded resources.
//! `infer.rs` reads types from them.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::Reference;

/// A property value as a sample carries it.
#[derive(Clone, Debug, PartialEq)]
pub enum Seen {
    Json(Value),
    /// The text of an XML `<property>`.
    XmlText(String),
    /// The items of an XML `<propertyList>`.
    XmlList(Vec<String>),
}

/// How a link or embedded rel appeared.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Shape {
    /// Seen as a JSON array (of any length).
    pub array: bool,
    /// Seen more than once under one XML parent.
    pub repeated: bool,
    /// Seen at all.
    pub count: usize,
    /// Its hrefs were `data:` URIs.
    pub data: bool,
    /// The media types of those `data:` URIs.
    pub media_types: std::collections::BTreeSet<String>,
    /// A `title` was given.
    pub titled: bool,
    /// For embedded resources: the `rel` members the JSON objects carried (a participant
    /// embedded under `from` says `"rel": "participant"`).
    pub rels: std::collections::BTreeSet<String>,
}

impl Shape {
    fn see_href(&mut self, href: &str) {
        if let Some(rest) = href.strip_prefix("data:") {
            self.data = true;
            let media_type = rest.split([';', ',']).next().unwrap_or_default();
            if !media_type.is_empty() {
                self.media_types.insert(media_type.to_owned());
            }
        }
    }
}

/// Everything seen of one rel.
#[derive(Clone, Debug, Default)]
pub struct Resource {
    /// How many samples showed it.
    pub samples: usize,
    pub properties: BTreeMap<String, Vec<Seen>>,
    pub links: BTreeMap<String, Shape>,
    pub embedded: BTreeMap<String, Shape>,
}

/// By rel.
#[derive(Clone, Debug, Default)]
pub struct Observations {
    pub resources: BTreeMap<String, Resource>,
}

impl Observations {
    pub fn gather(reference: &Reference) -> Observations {
        let mut seen = Observations::default();
        for page in &reference.resources {
            for op in &page.operations {
                if let Some(message) = &op.json_response
                    && let Ok(value) = serde_json::from_str::<Value>(&message.body)
                {
                    seen.json(&value, None);
                }
                if let Some(message) = &op.xml_response
                    && let Ok(doc) = roxmltree::Document::parse(&message.body)
                {
                    seen.xml(doc.root_element());
                }
            }
            for sample in &page.event_samples {
                if let Ok(value) = serde_json::from_str::<Value>(sample) {
                    seen.event_batch(&value);
                }
            }
        }
        seen
    }

    /// A JSON resource: its `rel` member, or the rel it is embedded under.
    fn json(&mut self, value: &Value, rel: Option<&str>) {
        let Some(object) = value.as_object() else {
            return;
        };
        let Some(rel) = object.get("rel").and_then(Value::as_str).or(rel) else {
            return;
        };
        let mut nested = Vec::new();
        let resource = self.resources.entry(rel.to_owned()).or_default();
        resource.samples += 1;
        for (key, value) in object {
            match key.as_str() {
                "rel" => {}
                "_links" => {
                    for (link, value) in value.as_object().into_iter().flatten() {
                        let shape = resource.links.entry(link.clone()).or_default();
                        shape.count += 1;
                        shape.array |= value.is_array();
                        for item in one_or_many(value) {
                            let href = item.get("href").and_then(Value::as_str).unwrap_or("");
                            shape.see_href(href);
                            shape.titled |= item.get("title").is_some();
                        }
                    }
                }
                "_embedded" => {
                    for (child, value) in value.as_object().into_iter().flatten() {
                        let shape = resource.embedded.entry(child.clone()).or_default();
                        shape.count += 1;
                        shape.array |= value.is_array();
                        for item in one_or_many(value) {
                            if let Some(rel) = item.get("rel").and_then(Value::as_str) {
                                shape.rels.insert(rel.to_owned());
                            }
                            nested.push((child.clone(), item.clone()));
                        }
                    }
                }
                _ => resource
                    .properties
                    .entry(key.clone())
                    .or_default()
                    .push(Seen::Json(value.clone())),
            }
        }
        for (child, item) in nested {
            self.json(&item, Some(&child));
        }
    }

    fn event_batch(&mut self, batch: &Value) {
        for sender in one_or_many(batch.get("sender").unwrap_or(&Value::Null)) {
            for event in one_or_many(sender.get("events").unwrap_or(&Value::Null)) {
                for (rel, value) in event
                    .get("_embedded")
                    .and_then(Value::as_object)
                    .into_iter()
                    .flatten()
                {
                    for item in one_or_many(value) {
                        self.json(item, Some(rel));
                    }
                }
            }
        }
    }

    /// An XML `<resource rel>` and the resources nested in it.
    fn xml(&mut self, element: roxmltree::Node) {
        if element.tag_name().name() != "resource" {
            return;
        }
        let Some(rel) = element.attribute("rel") else {
            return;
        };
        let resource = self.resources.entry(rel.to_owned()).or_default();
        resource.samples += 1;
        let mut counts: BTreeMap<(bool, String), usize> = BTreeMap::new();
        let mut nested = Vec::new();
        for child in element.children().filter(|c| c.is_element()) {
            let name = child.attribute("name").unwrap_or_default().to_owned();
            match child.tag_name().name() {
                "property" if name != "rel" => resource
                    .properties
                    .entry(name)
                    .or_default()
                    .push(Seen::XmlText(child.text().unwrap_or_default().to_owned())),
                "propertyList" => {
                    let items = child
                        .children()
                        .filter(|c| c.is_element())
                        .map(|c| c.text().unwrap_or_default().to_owned())
                        .collect();
                    resource
                        .properties
                        .entry(name)
                        .or_default()
                        .push(Seen::XmlList(items));
                }
                "link" => {
                    let rel = child.attribute("rel").unwrap_or_default().to_owned();
                    let shape = resource.links.entry(rel.clone()).or_default();
                    shape.count += 1;
                    shape.see_href(child.attribute("href").unwrap_or_default());
                    shape.titled |= child.attribute("title").is_some();
                    *counts.entry((false, rel)).or_default() += 1;
                }
                "resource" => {
                    let rel = child.attribute("rel").unwrap_or_default().to_owned();
                    resource.embedded.entry(rel.clone()).or_default().count += 1;
                    *counts.entry((true, rel)).or_default() += 1;
                    nested.push(child);
                }
                _ => {}
            }
        }
        for ((embedded, rel), count) in counts {
            if count > 1 {
                let shapes = if embedded {
                    &mut resource.embedded
                } else {
                    &mut resource.links
                };
                shapes.entry(rel).or_default().repeated = true;
            }
        }
        for child in nested {
            self.xml(child);
        }
    }
}

fn one_or_many(value: &Value) -> impl Iterator<Item = &Value> {
    let items: &[Value] = match value {
        Value::Array(items) => items,
        Value::Null => &[],
        other => std::slice::from_ref(other),
    };
    items.iter()
}
