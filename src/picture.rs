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
use crate::text::clip;

/// At most this many services side by side.
pub const MAX_SERVICES: usize = 3;
/// At most this many pictures kept (each ~50–250 KB).
const MAX_CACHED: usize = 256;

const FONT: &[u8] = include_bytes!("../assets/fonts/DejaVuSans-Bold.ttf");
const FAMILY: &str = "DejaVu Sans";

// Sized for a phone: a three-column picture shown at chat width keeps its labels legible
// (text about 2% of the picture's width, short labels, no more than one line each).
const MARGIN: u32 = 18;
const COL_W: u32 = 260;
const GAP: u32 = 14;
const HEADER_H: u32 = 66;
const ROW_H: u32 = 60;
const ROW_GAP: u32 = 4;

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
    #[error("the picture could not be written: {0}")]
    Write(String),
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

/// The legend's entries per line for a picture `width` wide.
fn legend_per_line(width: u32) -> u32 {
    ((width - 2 * MARGIN + LEGEND_GAP) / (LEGEND_W + LEGEND_GAP)).clamp(1, 3)
}

const LEGEND_W: u32 = 136;
const LEGEND_GAP: u32 = 12;
const LEGEND_LINE: u32 = 38;

/// Width and height of a picture of `columns` stacks with `rows` layers.
fn dimensions(columns: u32, rows: u32) -> (u32, u32) {
    let width = 2 * MARGIN + columns * COL_W + columns.saturating_sub(1) * GAP;
    let legend_lines = 3u32.div_ceil(legend_per_line(width));
    let height =
        MARGIN + HEADER_H + rows * (ROW_H + ROW_GAP) + GAP + legend_lines * LEGEND_LINE + MARGIN;
    (width, height)
}

/// One line of text, escaped and clipped to `max` characters.
fn text(
    out: &mut String,
    (x, y): (u32, u32),
    size: u32,
    fill: &str,
    anchor: &str,
    s: &str,
    max: usize,
) {
    let _ = write!(
        out,
        r#"<text x="{x}" y="{y}" font-size="{size}" fill="{fill}" text-anchor="{anchor}">{}</text>"#,
        escape(&clip(s, max))
    );
}

/// The SVG and its cells.
fn svg(
    kb: &KnowledgeBase,
    stacks: &[&Stack],
    highlight: Option<&str>,
) -> (String, u32, u32, Vec<Cell>) {
    let rows = rows(kb, stacks);
    let (width, height) = dimensions(stacks.len() as u32, rows.len() as u32);
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="{FAMILY}" font-weight="bold"><rect width="{width}" height="{height}" rx="14" fill="{}"/>"#,
        hex(BACKGROUND)
    );
    let short = |id: &str, name: &str| {
        kb.stacks()
            .layers
            .iter()
            .find(|l| l.id == id)
            .and_then(|l| l.short.clone())
            .unwrap_or_else(|| name.to_string())
    };
    let mut cells = Vec::new();
    for (c, stack) in stacks.iter().enumerate() {
        let x = MARGIN + c as u32 * (COL_W + GAP);
        let name = kb
            .vocabulary()
            .service(&stack.service)
            .map_or(stack.service.as_str(), |s| s.name.as_str());
        // "Amazon EC2" → "EC2": the column is narrow.
        let name = name
            .strip_prefix("Amazon ")
            .or_else(|| name.strip_prefix("AWS "))
            .unwrap_or(name);
        let mid = x + COL_W / 2;
        text(
            &mut out,
            (mid, MARGIN + 26),
            22,
            "#1E1F22",
            "middle",
            name,
            22,
        );
        text(
            &mut out,
            (mid, MARGIN + 50),
            15,
            "#5C5F66",
            "middle",
            stack.model.name(),
            30,
        );
        // Top row first: the data at the top, the facilities at the bottom.
        for (r, (id, row_name)) in rows.iter().rev().enumerate() {
            let y = MARGIN + HEADER_H + r as u32 * (ROW_H + ROW_GAP);
            let layer = stack.layer(id);
            let lit = highlight == Some(id.as_str()) && layer.is_some();
            let (fill, ink) = match layer {
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
            let label = layer.map_or_else(|| short(id, row_name), |l| l.short.clone());
            let label = if lit { format!("▶ {label}") } else { label };
            // The layer, and under it the owner (and as much of the note as fits).
            text(&mut out, (x + 12, y + 26), 19, ink, "start", &label, 21);
            if let Some(l) = layer {
                let under = match &l.note {
                    Some(note) => format!("{} · {note}", l.owner.name()),
                    None => l.owner.name().to_string(),
                };
                text(&mut out, (x + 12, y + 49), 15, ink, "start", &under, 25);
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
    // The legend, in as many lines as the width needs.
    let top = MARGIN + HEADER_H + rows.len() as u32 * (ROW_H + ROW_GAP) + GAP;
    let per_line = legend_per_line(width);
    for (i, owner) in Owner::ALL.into_iter().enumerate() {
        let (col, line) = (i as u32 % per_line, i as u32 / per_line);
        let (lx, ly) = (
            MARGIN + col * (LEGEND_W + LEGEND_GAP),
            top + line * LEGEND_LINE,
        );
        let _ = write!(
            out,
            r#"<rect x="{lx}" y="{ly}" width="28" height="28" rx="5" fill="{}"/>"#,
            hex(colour(owner))
        );
        text(
            &mut out,
            (lx + 36, ly + 22),
            18,
            "#1E1F22",
            "start",
            owner.name(),
            12,
        );
    }
    out.push_str("</svg>");
    (out, width, height, cells)
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

/// Draws the stacks of `services` into the PNG file `path`; the picture's size.
pub fn write_png(
    kb: &KnowledgeBase,
    services: &[&str],
    highlight: Option<&str>,
    path: &std::path::Path,
) -> Result<(u32, u32), PictureError> {
    let pic = render(kb, services, highlight)?;
    std::fs::write(path, &pic.png)
        .map_err(|e| PictureError::Write(format!("{}: {e}", path.display())))?;
    Ok((pic.width, pic.height))
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
        let mut pngs = self.lock();
        // Bounded: many different combinations start the cache afresh, not grow it.
        if pngs.len() >= MAX_CACHED {
            pngs.clear();
        }
        pngs.insert(key, png.clone());
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
        // It never holds more than its bound.
        let ids: Vec<&str> = kb()
            .stacks()
            .stacks
            .iter()
            .map(|s| s.service.as_str())
            .collect();
        for layer in [
            "os",
            "data",
            "identity",
            "facilities",
            "hardware",
            "network",
        ] {
            for id in &ids {
                cache.png(kb(), &[id], Some(layer)).unwrap();
            }
        }
        assert!(cache.len() <= MAX_CACHED, "{}", cache.len());
    }
}
