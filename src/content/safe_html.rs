//! HTML the content pipeline has rendered and sanitised, kept the way a
//! template takes it.
//!
//! A lesson is rendered once, when the catalog loads, and shown on every
//! visit to its page. Kept as a Tera value marked safe, it goes into a page
//! as a shared reference: no copy of the text into the context, none for a
//! `| safe` filter, and no escaping pass over it.

/// Sanitised HTML (see `content::render`), ready for a template.
#[derive(Clone)]
pub struct SafeHtml(tera::Value);

impl SafeHtml {
    /// Wraps HTML that `content::render` produced. Only sanitised HTML
    /// belongs here: templates write it out unescaped.
    pub fn from_sanitized(html: &str) -> Self {
        Self(tera::Value::safe_string(html))
    }

    pub fn as_str(&self) -> &str {
        self.0.as_str().unwrap_or_default()
    }

    /// The value to insert into a template context (a shared reference).
    pub fn for_template(&self) -> tera::Value {
        self.0.clone()
    }
}

impl std::fmt::Debug for SafeHtml {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("SafeHtml").field(&self.as_str()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_template_writes_it_unescaped_and_shares_one_copy() {
        let html = SafeHtml::from_sanitized(&format!("<p>{}</p>", "a &amp; b ".repeat(10)));
        let mut tera = tera::Tera::new();
        tera.add_raw_template("page.html", "<div>{{ lesson }}</div>{{ plain }}")
            .expect("the template compiles");
        let mut context = tera::Context::new();
        context.insert_value("lesson", html.for_template());
        context.insert("plain", "<b>");
        let page = tera.render("page.html", &context).expect("it renders");
        assert_eq!(page, format!("<div>{}</div>&lt;b&gt;", html.as_str()));
        assert!(html.as_str().starts_with("<p>a &amp; b"));
    }
}
