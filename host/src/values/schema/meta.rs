//! The metaschemas (see `metaschemas/README.md`), by URL.

/// The document published at `url` (no fragment), when it is a metaschema.
pub fn document(url: &str) -> Option<&'static str> {
    let u = url
        .strip_prefix("http://json-schema.org/")
        .or_else(|| url.strip_prefix("https://json-schema.org/"))?;
    Some(match u {
        "draft-04/schema" => include_str!("metaschemas/draft-04_schema.json"),
        "draft-06/schema" => include_str!("metaschemas/draft-06_schema.json"),
        "draft-07/schema" => include_str!("metaschemas/draft-07_schema.json"),
        "draft/2019-09/schema" => include_str!("metaschemas/draft_2019-09_schema.json"),
        "draft/2019-09/meta/core" => include_str!("metaschemas/draft_2019-09_meta_core.json"),
        "draft/2019-09/meta/applicator" => {
            include_str!("metaschemas/draft_2019-09_meta_applicator.json")
        }
        "draft/2019-09/meta/validation" => {
            include_str!("metaschemas/draft_2019-09_meta_validation.json")
        }
        "draft/2019-09/meta/meta-data" => {
            include_str!("metaschemas/draft_2019-09_meta_meta-data.json")
        }
        "draft/2019-09/meta/format" => include_str!("metaschemas/draft_2019-09_meta_format.json"),
        "draft/2019-09/meta/content" => {
            include_str!("metaschemas/draft_2019-09_meta_content.json")
        }
        "draft/2020-12/schema" => include_str!("metaschemas/draft_2020-12_schema.json"),
        "draft/2020-12/meta/core" => include_str!("metaschemas/draft_2020-12_meta_core.json"),
        "draft/2020-12/meta/applicator" => {
            include_str!("metaschemas/draft_2020-12_meta_applicator.json")
        }
        "draft/2020-12/meta/unevaluated" => {
            include_str!("metaschemas/draft_2020-12_meta_unevaluated.json")
        }
        "draft/2020-12/meta/validation" => {
            include_str!("metaschemas/draft_2020-12_meta_validation.json")
        }
        "draft/2020-12/meta/meta-data" => {
            include_str!("metaschemas/draft_2020-12_meta_meta-data.json")
        }
        "draft/2020-12/meta/format-annotation" => {
            include_str!("metaschemas/draft_2020-12_meta_format-annotation.json")
        }
        "draft/2020-12/meta/format-assertion" => {
            include_str!("metaschemas/draft_2020-12_meta_format-assertion.json")
        }
        "draft/2020-12/meta/content" => {
            include_str!("metaschemas/draft_2020-12_meta_content.json")
        }
        _ => return None,
    })
}

/// `json-schema.org/schema`: the latest draft.
pub fn is_latest_alias(url: &str) -> bool {
    matches!(
        url,
        "http://json-schema.org/schema" | "https://json-schema.org/schema"
    )
}
