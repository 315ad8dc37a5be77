//! Static checks of a 1C Designer dump (`1c-sample/`): BSL parsed with the
//! tree-sitter-bsl grammar, XML parsed with roxmltree. Shared by the sample
//! test (the committed dump) and the package test (the assembled one).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Every file under `root` whose name ends with `ext`, sorted.
pub fn files(root: &Path, ext: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.to_string_lossy().ends_with(ext) {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// A file's text without the UTF-8 BOM the Designer writes.
pub fn text(path: &Path) -> String {
    let s = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    s.strip_prefix('\u{feff}').map(str::to_string).unwrap_or(s)
}

/// A procedure or function of a module.
pub struct Definition {
    /// Its name as written.
    pub name: String,
    /// Declared `Экспорт`.
    pub exported: bool,
    /// Parameters without a default.
    pub required: usize,
    /// All parameters.
    pub total: usize,
    /// First and last line (1-based).
    pub lines: (usize, usize),
}

/// A parsed BSL module.
pub struct Module {
    /// Where it came from.
    pub path: PathBuf,
    /// Its source.
    pub source: String,
    /// Its syntax tree.
    pub tree: tree_sitter::Tree,
}

/// Parses a BSL module.
pub fn parse_bsl(path: &Path) -> Module {
    parse_bsl_source(path, text(path))
}

/// Parses BSL `source` as the module at `path` (named in messages only): a
/// test's altered copy of a module needs no file.
pub fn parse_bsl_source(path: &Path, source: String) -> Module {
    let mut parser = tree_sitter::Parser::new();
    parser
        .set_language(&tree_sitter_bsl::LANGUAGE.into())
        .expect("BSL grammar loads");
    let tree = parser.parse(&source, None).expect("parser returns a tree");
    Module {
        path: path.to_path_buf(),
        source,
        tree,
    }
}

impl Module {
    fn node_text(&self, n: tree_sitter::Node) -> &str {
        &self.source[n.byte_range()]
    }

    fn walk(&self, mut f: impl FnMut(tree_sitter::Node)) {
        let mut cursor = self.tree.walk();
        let mut stack = vec![self.tree.root_node()];
        while let Some(n) = stack.pop() {
            f(n);
            for c in n.children(&mut cursor) {
                stack.push(c);
            }
        }
    }

    /// `line:column kind` of every ERROR or MISSING node.
    pub fn syntax_errors(&self) -> Vec<String> {
        let mut out = Vec::new();
        self.walk(|n| {
            if n.is_error() || n.is_missing() {
                let p = n.start_position();
                out.push(format!(
                    "{}:{}:{} {}",
                    self.path.display(),
                    p.row + 1,
                    p.column + 1,
                    if n.is_missing() { "MISSING" } else { "ERROR" }
                ));
            }
        });
        out
    }

    /// The text of routine `name` (any case), from its header to its end.
    pub fn routine(&self, name: &str) -> String {
        let defs = self.definitions();
        let def = defs
            .get(&name.to_lowercase())
            .unwrap_or_else(|| panic!("{}: no {name}", self.path.display()));
        let lines: Vec<&str> = self.source.lines().collect();
        lines[def.lines.0 - 1..def.lines.1].join("\n")
    }

    /// Procedures and functions by lowercase name.
    pub fn definitions(&self) -> BTreeMap<String, Definition> {
        let mut out = BTreeMap::new();
        self.walk(|n| {
            if n.kind() != "procedure_definition" && n.kind() != "function_definition" {
                return;
            }
            let name = self
                .node_text(n.child_by_field_name("name").unwrap())
                .to_string();
            let exported = n.child_by_field_name("export").is_some();
            let params = n.child_by_field_name("parameters").unwrap();
            let mut cursor = params.walk();
            let (mut required, mut total) = (0, 0);
            for p in params.named_children(&mut cursor) {
                total += 1;
                if p.child_by_field_name("def").is_none() {
                    required += 1;
                }
            }
            out.insert(
                name.to_lowercase(),
                Definition {
                    name,
                    exported,
                    required,
                    total,
                    lines: (n.start_position().row + 1, n.end_position().row + 1),
                },
            );
        });
        out
    }

    /// Names a routine introduces: (line, name) of every parameter, `Перем`
    /// declaration, assignment to a bare identifier and loop variable.
    pub fn local_names(&self) -> Vec<(usize, String)> {
        let mut out = Vec::new();
        self.walk(|n| {
            let mut push = |id: tree_sitter::Node| {
                if id.kind() == "identifier" {
                    out.push((id.start_position().row + 1, self.node_text(id).to_string()));
                }
            };
            match n.kind() {
                "parameter" => push(n.child_by_field_name("name").unwrap()),
                "assignment_statement" => push(n.child_by_field_name("left").unwrap()),
                "var_statement" => {
                    let mut c = n.walk();
                    for id in n.children_by_field_name("var_name", &mut c) {
                        push(id);
                    }
                }
                "variable_spec" | "for_each_statement" | "for_statement" => {
                    if let Some(id) = n
                        .named_children(&mut n.walk())
                        .find(|c| c.kind() == "identifier")
                    {
                        push(id);
                    }
                }
                _ => {}
            }
        });
        out.sort();
        out
    }

    /// Every word of the code, comments and string literals left out:
    /// (line, word) for each identifier or keyword leaf of the syntax tree.
    pub fn code_words(&self) -> Vec<(usize, String)> {
        let mut out = Vec::new();
        self.walk(|n| {
            if n.child_count() > 0 || n.kind().contains("comment") || n.kind().contains("string") {
                return;
            }
            let text = self.node_text(n);
            if !text.is_empty() && text.chars().all(|c| c.is_alphanumeric() || c == '_') {
                out.push((n.start_position().row + 1, text.to_string()));
            }
        });
        out.sort();
        out
    }

    /// Calls and property accesses on a variable named one of `receivers`
    /// (case-insensitive): (line, member name, Some(argument count) for a call).
    pub fn member_uses(&self, receivers: &[&str]) -> Vec<(usize, String, Option<usize>)> {
        let receivers: Vec<String> = receivers.iter().map(|r| r.to_lowercase()).collect();
        let mut out = Vec::new();
        self.walk(|n| {
            let (name_node, args) = match n.kind() {
                "method_call" => (
                    n.child_by_field_name("name").unwrap(),
                    n.child_by_field_name("arguments"),
                ),
                "property" => (n, None),
                _ => return,
            };
            let Some(receiver) = n.prev_named_sibling() else {
                return;
            };
            if receiver.kind() != "access"
                || !receivers.contains(&self.node_text(receiver).to_lowercase())
            {
                return;
            }
            let count = args.map(|a| a.named_child_count());
            out.push((
                n.start_position().row + 1,
                self.node_text(name_node).to_string(),
                count,
            ));
        });
        out.sort();
        out
    }
}

/// Local name of an element (the dump uses namespaces throughout).
pub fn local<'a>(n: roxmltree::Node<'a, '_>) -> &'a str {
    n.tag_name().name()
}

/// The text of the first `Name` element inside `n` (an object's, an
/// attribute's, a field's own name).
pub fn name_of<'a>(n: roxmltree::Node<'a, '_>) -> Option<&'a str> {
    n.descendants()
        .find(|c| c.is_element() && local(*c) == "Name")
        .and_then(|c| c.text())
}

/// Every UUID in a dump: `uuid` attributes and the generated-type and
/// contained-object ids, with the file each came from.
pub fn uuids(root: &Path) -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    for path in files(root, ".xml") {
        let src = text(&path);
        let doc = roxmltree::Document::parse(&src).unwrap();
        for n in doc.descendants().filter(|n| n.is_element()) {
            if let Some(u) = n.attribute("uuid") {
                out.push((u.to_string(), path.clone()));
            }
            if matches!(local(n), "TypeId" | "ValueId" | "ObjectId") {
                out.push((n.text().unwrap_or_default().to_string(), path.clone()));
            }
        }
    }
    out
}

/// The folder of each top-level object kind in `Configuration.xml`.
pub fn kind_dir(kind: &str) -> &'static str {
    match kind {
        "Language" => "Languages",
        "CommonTemplate" => "CommonTemplates",
        "CommonModule" => "CommonModules",
        "HTTPService" => "HTTPServices",
        "Constant" => "Constants",
        "DataProcessor" => "DataProcessors",
        "InformationRegister" => "InformationRegisters",
        "Role" => "Roles",
        "Catalog" => "Catalogs",
        other => panic!("object kind {other} is not used by the sample; add its folder"),
    }
}

/// The objects `Configuration.xml` lists: (kind, name).
pub fn configuration_objects(root: &Path) -> BTreeSet<(String, String)> {
    let src = text(&root.join("Configuration.xml"));
    let doc = roxmltree::Document::parse(&src).unwrap();
    let children = doc
        .descendants()
        .find(|n| n.is_element() && local(*n) == "ChildObjects")
        .expect("Configuration.xml has ChildObjects");
    children
        .children()
        .filter(|n| n.is_element())
        .map(|n| {
            (
                local(n).to_string(),
                n.text().unwrap_or_default().to_string(),
            )
        })
        .collect()
}
