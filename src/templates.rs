//! Templates, message catalogs and static files, embedded in the binary so
//! the release binary runs from any directory.

use rust_embed::RustEmbed;
use tera::Tera;

#[derive(RustEmbed)]
#[folder = "templates/"]
pub struct Assets;

#[derive(Debug, thiserror::Error)]
#[error("the template {name} does not compile: {message}")]
pub struct TemplateError {
    pub name: String,
    pub message: String,
}

/// Compiles every embedded `.html` template once, at start-up.
pub fn load() -> Result<Tera, TemplateError> {
    let mut tera = Tera::new();
    crate::time_zone::register_filters(&mut tera);
    let mut templates = Vec::new();
    for name in Assets::iter().filter(|n| n.ends_with(".html")) {
        if let Some(file) = Assets::get(&name) {
            templates.push((
                name.to_string(),
                String::from_utf8_lossy(&file.data).into_owned(),
            ));
        }
    }
    tera.add_raw_templates(templates)
        .map_err(|e| TemplateError {
            name: "(templates)".into(),
            message: format!("{e:?}"),
        })?;
    Ok(tera)
}

#[cfg(test)]
mod tests {
    #[test]
    fn all_templates_compile() {
        let tera = super::load().unwrap();
        assert!(tera.get_template_names().any(|n| n == "base.html"));
    }
}
