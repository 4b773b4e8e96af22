//! The shared responsibility model as a picture: responsibility stacks side by side, one
//! column per service, each layer coloured by its owner (AWS orange, Customer blue, Shared
//! purple, as in the embeds), with a legend and, optionally, the asked layer outlined.
//! Drawn as SVG and rendered in-process (resvg) with an embedded open-licensed font
//! (DejaVu Sans Bold, `assets/fonts/`): no system fonts, no network. Like `text`, it is
//! output the adapters share; the core never imports it.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::{Arc, Mutex, OnceLock};

use resvg::{tiny_skia, usvg};

use crate::kb::{KnowledgeBase, Owner, Stack};

/// At most this many services side by side.
pub const MAX_SERVICES: usize = 3;

const FONT: &[u8] = include_bytes!("../assets/fonts/DejaVuSans-Bold.ttf");
const FAMILY: &str = "DejaVu Sans";

const MARGIN: u32 = 20;
const COL_W: u32 = 300;
const GAP: u32 = 16;
const HEADER_H: u32 = 64;
const ROW_H: u32 = 50;
const ROW_GAP: u32 = 4;
const LEGEND_H: u32 = 44;

/// The owner colours of the embeds.
pub fn colour(owner: Owner) -> [u8; 3] {
    match owner {
        Owner::Aws => [0xFF, 0x99, 0x00],
        Owner::Customer => [0x34, 0x98, 0xDB],
        Owner::Shared => [0x9B, 0x59, 0xB6],
    }
}

fn hex(c: [u8; 3]) -> String {
    format!("#{:02X}{:02X}{:02X}", c[0], c[1], c[2])
}

/// Text on an owner's colour: dark on orange, white on blue and purple.
fn ink(owner: Owner) -> &'static str {
    match owner {
        Owner::Aws => "#1E1F22",
        Owner::Customer | Owner::Shared => "#FFFFFF",
    }
}

const BACKGROUND: [u8; 3] = [0xFF, 0xFF, 0xFF];
const EMPTY: [u8; 3] = [0xED, 0xEF, 0xF2];
/// The outline of the asked layer.
pub const HIGHLIGHT: [u8; 3] = [0x11, 0x11, 0x11];

/// Why a picture could not be drawn (the message is for the user).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PictureError {
    #[error("no stack for `{0}`: try ec2, rds, lambda, s3 (see /topics for every service)")]
    UnknownService(String),
    #[error("name one to {MAX_SERVICES} services, e.g. `ec2 rds lambda`")]
    Count,
    #[error("the picture could not be drawn: {0}")]
    Render(String),
}

/// One drawn cell: where a service's layer is (for tests and image maps).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    pub service: String,
    pub layer: String,
    /// `None`: the service has no such layer (drawn empty).
    pub owner: Option<Owner>,
    pub x: u32,
    pub y: u32,
    pub w: u32,
    pub h: u32,
    pub highlighted: bool,
}

/// A rendered picture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picture {
    pub png: Vec<u8>,
    pub width: u32,
    pub height: u32,
    pub cells: Vec<Cell>,
}

/// The stacks of `services` (ids), resolved.
pub fn stacks<'a>(
    kb: &'a KnowledgeBase,
    services: &[&str],
) -> Result<Vec<&'a Stack>, PictureError> {
    if services.is_empty() || services.len() > MAX_SERVICES {
        return Err(PictureError::Count);
    }
    services
        .iter()
        .map(|s| {
            kb.stacks()
                .of(s)
                .ok_or_else(|| PictureError::UnknownService(s.to_string()))
        })
        .collect()
}

/// The rows to draw, bottom to top: every layer of the vocabulary any of the stacks has,
/// with each stack's extra layers after the layer below them.
pub fn rows(kb: &KnowledgeBase, stacks: &[&Stack]) -> Vec<(String, String)> {
    let mut rows: Vec<(String, String)> = Vec::new();
    for def in &kb.stacks().layers {
        if stacks.iter().any(|s| s.layer(&def.id).is_some()) {
            rows.push((def.id.clone(), def.name.clone()));
        }
    }
    for s in stacks {
        let mut below: Option<&str> = None;
        for l in &s.layers {
            if !rows.iter().any(|(id, _)| *id == l.id) {
                let at = below
                    .and_then(|b| rows.iter().position(|(id, _)| id == b))
                    .map_or(0, |p| p + 1);
                rows.insert(at, (l.id.clone(), l.name.clone()));
            }
            below = Some(&l.id);
        }
    }
    rows
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The size in pixels of the picture of `services` (already resolvable).
pub fn size(n: usize, kb: &KnowledgeBase, services: &[&str]) -> (u32, u32) {
    let rows = stacks(kb, services).map_or(0, |s| rows(kb, &s).len()) as u32;
    let n = n as u32;
    (
        2 * MARGIN + n * COL_W + n.saturating_sub(1) * GAP,
        MARGIN + HEADER_H + rows * (ROW_H + ROW_GAP) + GAP + LEGEND_H + MARGIN,
    )
}

/// The SVG and its cells.
fn svg(
    kb: &KnowledgeBase,
    stacks: &[&Stack],
    highlight: Option<&str>,
) -> (String, u32, u32, Vec<Cell>) {
    let rows = rows(kb, stacks);
    let n = stacks.len() as u32;
    let width = 2 * MARGIN + n * COL_W + n.saturating_sub(1) * GAP;
    let body = rows.len() as u32 * (ROW_H + ROW_GAP);
    let height = MARGIN + HEADER_H + body + GAP + LEGEND_H + MARGIN;
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="{FAMILY}" font-weight="bold"><rect width="{width}" height="{height}" rx="14" fill="{}"/>"#,
        hex(BACKGROUND)
    );
    let mut cells = Vec::new();
    for (c, stack) in stacks.iter().enumerate() {
        let x = MARGIN + c as u32 * (COL_W + GAP);
        let name = kb
            .vocabulary()
            .service(&stack.service)
            .map_or(stack.service.as_str(), |s| s.name.as_str());
        let _ = write!(
            out,
            r##"<text x="{}" y="{}" font-size="22" fill="#1E1F22" text-anchor="middle">{}</text><text x="{}" y="{}" font-size="13" fill="#5C5F66" text-anchor="middle">{}</text>"##,
            x + COL_W / 2,
            MARGIN + 26,
            escape(name),
            x + COL_W / 2,
            MARGIN + 48,
            escape(stack.model.name())
        );
        // Top row first: the data at the top, the facilities at the bottom.
        for (r, (id, label)) in rows.iter().rev().enumerate() {
            let y = MARGIN + HEADER_H + r as u32 * (ROW_H + ROW_GAP);
            let layer = stack.layer(id);
            let lit = highlight == Some(id.as_str()) && layer.is_some();
            let (fill, text_fill) = match layer {
                Some(l) => (hex(colour(l.owner)), ink(l.owner)),
                None => (hex(EMPTY), "#8A8E96"),
            };
            let stroke = if lit {
                format!(r#" stroke="{}" stroke-width="6""#, hex(HIGHLIGHT))
            } else {
                String::new()
            };
            let _ = write!(
                out,
                r#"<rect x="{x}" y="{y}" width="{COL_W}" height="{ROW_H}" rx="6" fill="{fill}"{stroke}/>"#
            );
            let shown = if lit {
                format!("▶ {label}")
            } else {
                label.clone()
            };
            // The layer's name, and under it the owner (and the note, if it fits).
            let _ = write!(
                out,
                r#"<text x="{}" y="{}" font-size="14" fill="{text_fill}">{}</text>"#,
                x + 12,
                y + 21,
                escape(&clip(&shown, 31))
            );
            if let Some(l) = layer {
                let under = match &l.note {
                    Some(note) => format!("{} · {note}", l.owner.name()),
                    None => l.owner.name().to_string(),
                };
                let _ = write!(
                    out,
                    r#"<text x="{}" y="{}" font-size="11" fill="{text_fill}">{}</text>"#,
                    x + 12,
                    y + 40,
                    escape(&clip(&under, 41))
                );
            }
            cells.push(Cell {
                service: stack.service.clone(),
                layer: id.clone(),
                owner: layer.map(|l| l.owner),
                x,
                y,
                w: COL_W,
                h: ROW_H,
                highlighted: lit,
            });
        }
    }
    // The legend.
    let ly = MARGIN + HEADER_H + body + GAP;
    let mut lx = MARGIN;
    for owner in Owner::ALL {
        let _ = write!(
            out,
            r##"<rect x="{lx}" y="{}" width="26" height="26" rx="5" fill="{}"/><text x="{}" y="{}" font-size="16" fill="#1E1F22">{}</text>"##,
            ly + 6,
            hex(colour(owner)),
            lx + 34,
            ly + 25,
            owner.name()
        );
        lx += 160;
    }
    out.push_str("</svg>");
    (out, width, height, cells)
}

fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max - 1).collect();
        t.push('…');
        t
    }
}

fn options() -> &'static usvg::Options<'static> {
    static OPTIONS: OnceLock<usvg::Options<'static>> = OnceLock::new();
    OPTIONS.get_or_init(|| {
        let mut opt = usvg::Options {
            font_family: FAMILY.to_string(),
            ..usvg::Options::default()
        };
        opt.fontdb_mut().load_font_data(FONT.to_vec());
        opt
    })
}

/// Draws the stacks of `services` side by side, outlining `highlight` (a layer id).
pub fn render(
    kb: &KnowledgeBase,
    services: &[&str],
    highlight: Option<&str>,
) -> Result<Picture, PictureError> {
    let stacks = stacks(kb, services)?;
    let (svg, width, height, cells) = svg(kb, &stacks, highlight);
    let tree =
        usvg::Tree::from_str(&svg, options()).map_err(|e| PictureError::Render(e.to_string()))?;
    let mut pixmap = tiny_skia::Pixmap::new(width, height)
        .ok_or_else(|| PictureError::Render("empty picture".into()))?;
    resvg::render(&tree, tiny_skia::Transform::default(), &mut pixmap.as_mut());
    let png = pixmap
        .encode_png()
        .map_err(|e| PictureError::Render(e.to_string()))?;
    Ok(Picture {
        png,
        width,
        height,
        cells,
    })
}

/// Rendered pictures by (services, highlighted layer), so a picture asked again costs
/// nothing. Built with a knowledge snapshot; a reload starts a new cache.
#[derive(Default)]
pub struct Cache {
    pngs: Mutex<HashMap<Key, Arc<Vec<u8>>>>,
}

/// The services and the highlighted layer.
type Key = (Vec<String>, Option<String>);

impl Cache {
    /// The PNG of `services` with `highlight`, rendered once.
    pub fn png(
        &self,
        kb: &KnowledgeBase,
        services: &[&str],
        highlight: Option<&str>,
    ) -> Result<Arc<Vec<u8>>, PictureError> {
        let key = (
            services.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
            highlight.map(str::to_string),
        );
        if let Some(p) = self.lock().get(&key) {
            return Ok(p.clone());
        }
        // Rendered outside the lock; two renders of the same key at once are harmless.
        let png = Arc::new(render(kb, services, highlight)?.png);
        self.lock().insert(key, png.clone());
        Ok(png)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Key, Arc<Vec<u8>>>> {
        self.pngs.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn kb() -> &'static KnowledgeBase {
        static KB: OnceLock<KnowledgeBase> = OnceLock::new();
        KB.get_or_init(|| {
            crate::kb::load_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("knowledge")).unwrap()
        })
    }

    fn pixel(p: &tiny_skia::Pixmap, x: u32, y: u32) -> [u8; 3] {
        let c = p.pixel(x, y).unwrap().demultiply();
        [c.red(), c.green(), c.blue()]
    }

    #[test]
    fn the_png_decodes_with_one_column_per_service_and_every_layer_in_its_owner_colour() {
        let pic = render(kb(), &["ec2", "rds", "lambda"], None).unwrap();
        let decoded = tiny_skia::Pixmap::decode_png(&pic.png).expect("a PNG");
        assert_eq!((decoded.width(), decoded.height()), (pic.width, pic.height));
        assert_eq!(pic.width, 2 * MARGIN + 3 * COL_W + 2 * GAP);
        // Small enough to post at once (Discord allows 8 MiB).
        assert!(pic.png.len() < 500_000, "{} bytes", pic.png.len());
        let services: std::collections::BTreeSet<&str> =
            pic.cells.iter().map(|c| c.service.as_str()).collect();
        assert_eq!(services.len(), 3);
        let mut checked = 0;
        for cell in &pic.cells {
            // A corner inside the cell, away from its text.
            let got = pixel(&decoded, cell.x + 8, cell.y + 6);
            let want = cell.owner.map_or(EMPTY, colour);
            assert_eq!(
                got, want,
                "{} {} ({:?})",
                cell.service, cell.layer, cell.owner
            );
            checked += 1;
        }
        assert!(checked >= 3 * 8, "{checked} cells");
        // EC2's OS is the customer's, RDS's and Lambda's are AWS's.
        let owner = |s: &str, l: &str| {
            pic.cells
                .iter()
                .find(|c| c.service == s && c.layer == l)
                .and_then(|c| c.owner)
        };
        assert_eq!(owner("ec2", "os"), Some(Owner::Customer));
        assert_eq!(owner("rds", "os"), Some(Owner::Aws));
        assert_eq!(owner("ec2", "facilities"), Some(Owner::Aws));
        assert_eq!(owner("lambda", "data"), Some(Owner::Customer));
    }

    #[test]
    fn the_asked_layer_is_outlined() {
        let plain = render(kb(), &["ec2"], None).unwrap();
        let lit = render(kb(), &["ec2"], Some("os")).unwrap();
        assert_ne!(plain.png, lit.png);
        let (p, l) = (
            tiny_skia::Pixmap::decode_png(&plain.png).unwrap(),
            tiny_skia::Pixmap::decode_png(&lit.png).unwrap(),
        );
        let os = lit.cells.iter().find(|c| c.layer == "os").unwrap();
        assert!(os.highlighted);
        let edge = (os.x + 1, os.y + os.h / 2);
        assert_eq!(pixel(&l, edge.0, edge.1), HIGHLIGHT);
        assert_eq!(pixel(&p, edge.0, edge.1), colour(Owner::Customer));
        // Other layers are drawn the same.
        let data = lit.cells.iter().find(|c| c.layer == "data").unwrap();
        assert!(!data.highlighted);
        assert_eq!(
            pixel(&l, data.x + 1, data.y + data.h / 2),
            pixel(&p, data.x + 1, data.y + data.h / 2)
        );
    }

    #[test]
    fn unknown_services_and_too_many_are_explained() {
        assert_eq!(
            render(kb(), &["ec2", "rds", "lambda", "s3"], None).unwrap_err(),
            PictureError::Count
        );
        assert_eq!(
            render(kb(), &["mainframe"], None).unwrap_err(),
            PictureError::UnknownService("mainframe".into())
        );
    }

    #[test]
    fn the_cache_renders_each_picture_once() {
        let cache = Cache::default();
        let a = cache.png(kb(), &["s3"], Some("data")).unwrap();
        let b = cache.png(kb(), &["s3"], Some("data")).unwrap();
        assert!(Arc::ptr_eq(&a, &b));
        assert_eq!(cache.len(), 1);
    }
}
