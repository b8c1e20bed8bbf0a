//! Photos into a PDF without Typst decoding them. Typst decodes every
//! raster image it lays out and keeps the pixels (a 2400×1600 photo is
//! 11 MB), though the PDF only ever holds the original JPEG stream. So the
//! layout gets a tiny stand-in per photo (a unique 8×8 JPEG), and once
//! Typst has written the PDF each stand-in's image object is replaced by
//! the photo's own JPEG data, streamed from disk, with its size and colour
//! space; a photo with an EXIF rotation is drawn through a form with the
//! matching matrix. Typst's PDF has one classic cross-reference table and
//! no object streams, so the objects can be copied and the table rewritten.

use std::io::Write;

use crate::photo::Photo;

pub(super) const MARK: &[u8] = b"baosong-photo:";

/// The stand-in for photo `n`: a grey 8×8 JPEG whose comment names it.
pub fn placeholder(n: usize) -> Vec<u8> {
    use std::sync::LazyLock;
    static BASE: LazyLock<Vec<u8>> = LazyLock::new(|| {
        let mut out = Vec::new();
        // Colour (three components), so Typst gives it the sRGB space a
        // colour photo needs.
        let px: Vec<u8> = (0..64)
            .flat_map(|i| [128u8, 128 + (i % 2) as u8, 128])
            .collect();
        jpeg_encoder::Encoder::new(&mut out, 50)
            .encode(&px, 8, 8, jpeg_encoder::ColorType::Rgb)
            .expect("encoding 8×8 pixels to memory");
        out
    });
    let text = format!("{}{n};", String::from_utf8_lossy(MARK));
    let len = (text.len() + 2) as u16;
    let mut out = vec![0xFF, 0xD8, 0xFF, 0xFE];
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(text.as_bytes());
    out.extend_from_slice(&BASE[2..]);
    out
}

/// Counts what has been written, for the cross-reference table.
pub(super) struct Counting<'a> {
    pub w: &'a mut dyn Write,
    pub n: u64,
}

impl Write for Counting<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let k = self.w.write(buf)?;
        self.n += k as u64;
        Ok(k)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.w.flush()
    }
}

pub(super) fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| i + from)
}

fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

pub(super) fn number_at(b: &[u8], at: usize) -> Option<(u64, usize)> {
    let digits = b
        .get(at..)?
        .iter()
        .take_while(|c| c.is_ascii_digit())
        .count();
    let n = std::str::from_utf8(&b[at..at + digits])
        .ok()?
        .parse()
        .ok()?;
    Some((n, at + digits))
}

/// The cross-reference table: object number → offset, the table's own
/// offset, and the trailer dictionary.
pub(super) fn xref(pdf: &[u8]) -> Result<(Vec<Option<usize>>, usize, String), String> {
    let bad = |what: &str| format!("PDF 结构不符合预期：{what}");
    let sx = rfind(pdf, b"startxref").ok_or_else(|| bad("startxref"))?;
    let mut at = sx + 9;
    while pdf.get(at).is_some_and(|c| c.is_ascii_whitespace()) {
        at += 1;
    }
    let (table, _) = number_at(pdf, at).ok_or_else(|| bad("xref offset"))?;
    let table = table as usize;
    if pdf.get(table..table + 4) != Some(b"xref") {
        return Err(bad("xref table"));
    }
    let mut at = table + 4;
    while pdf.get(at).is_some_and(|c| c.is_ascii_whitespace()) {
        at += 1;
    }
    let (first, next) = number_at(pdf, at).ok_or_else(|| bad("subsection"))?;
    let (count, next) = number_at(pdf, next + 1).ok_or_else(|| bad("subsection"))?;
    if first != 0 {
        return Err(bad("subsection start"));
    }
    let mut at = next;
    while pdf.get(at).is_some_and(|c| c.is_ascii_whitespace()) {
        at += 1;
    }
    let mut offsets = Vec::with_capacity(count as usize);
    for i in 0..count as usize {
        let e = pdf
            .get(at + i * 20..at + i * 20 + 18)
            .ok_or_else(|| bad("entry"))?;
        let (off, _) = number_at(e, 0).ok_or_else(|| bad("entry"))?;
        offsets.push((e[17] == b'n').then_some(off as usize));
    }
    let tr = find(pdf, b"trailer", at + count as usize * 20).ok_or_else(|| bad("trailer"))?;
    let trailer = String::from_utf8_lossy(&pdf[tr + 7..sx]).trim().to_string();
    Ok((offsets, table, trailer))
}

/// The EXIF orientation's transform of the unit square (PDF space, y up),
/// so the stored image shows upright.
pub(super) fn matrix(orientation: u16) -> [i32; 6] {
    match orientation {
        2 => [-1, 0, 0, 1, 1, 0],
        3 => [-1, 0, 0, -1, 1, 1],
        4 => [1, 0, 0, -1, 0, 1],
        5 => [0, -1, -1, 0, 1, 1],
        6 => [0, -1, 1, 0, 0, 1],
        7 => [0, 1, 1, 0, 0, 0],
        8 => [0, 1, -1, 0, 1, 0],
        _ => [1, 0, 0, 1, 0, 0],
    }
}

/// The colour space and decode array for a JPEG's components; colour
/// keeps the space Typst gave the stand-in.
pub(super) fn colour(photo: &Photo, standin: &str) -> (String, &'static str) {
    match photo.components {
        1 => ("/DeviceGray".into(), ""),
        // Adobe's CMYK JPEGs store inverted values, as Typst also assumes.
        4 => ("/DeviceCMYK".into(), "/Decode [1 0 1 0 1 0 1 0]"),
        _ => (standin.to_string(), ""),
    }
}

/// The value after `/ColorSpace` in an image dictionary.
fn colour_space(dict: &[u8]) -> Option<String> {
    let at = find(dict, b"/ColorSpace", 0)? + 11;
    let rest = std::str::from_utf8(&dict[at..]).ok()?.trim_start();
    if let Some(name) = rest.strip_prefix('/') {
        let end = name
            .find(|c: char| "/ <>[]()\r\n".contains(c))
            .unwrap_or(name.len());
        return Some(format!("/{}", &name[..end]));
    }
    let mut parts = rest.split_whitespace();
    let (n, g, r) = (parts.next()?, parts.next()?, parts.next()?);
    let r = r.trim_end_matches(['/', '>']);
    (r.starts_with('R')).then(|| format!("{n} {g} R"))
}

/// Writes `pdf` with each stand-in replaced by its photo: `photos[n]` for
/// stand-in `n`.
pub fn substitute(pdf: &[u8], photos: &[&Photo], out: &mut dyn Write) -> Result<(), String> {
    let io = |e: std::io::Error| crate::files::io_reason(&e);
    let (offsets, table, trailer) = xref(pdf)?;
    // Objects in file order, each up to the next (or the table).
    let mut order: Vec<(usize, usize)> = offsets
        .iter()
        .enumerate()
        .filter_map(|(n, o)| o.map(|o| (o, n)))
        .collect();
    order.sort();
    let first = order.first().map_or(table, |o| o.0);
    let mut w = Counting { w: out, n: 0 };
    w.write_all(&pdf[..first]).map_err(io)?;
    let mut new_offsets: Vec<Option<u64>> = vec![None; offsets.len()];
    let mut extra: Vec<(usize, &Photo, String)> = Vec::new();
    let mut next_number = offsets.len();
    for (k, (start, num)) in order.iter().enumerate() {
        let end = order.get(k + 1).map_or(table, |o| o.0);
        let obj = &pdf[*start..end];
        new_offsets[*num] = Some(w.n);
        let standin = find(obj, MARK, 0).filter(|_| {
            find(obj, b"/Subtype/Image", 0).is_some() || find(obj, b"/Subtype /Image", 0).is_some()
        });
        let Some(mark) = standin else {
            w.write_all(obj).map_err(io)?;
            continue;
        };
        let (idx, _) = number_at(obj, mark + MARK.len()).ok_or("占位图编号无法读取")?;
        let photo = *photos.get(idx as usize).ok_or("占位图编号超出范围")?;
        let dict_end = find(obj, b"stream", 0).ok_or("占位图对象无法读取")?;
        let space = colour_space(&obj[..dict_end]).ok_or("占位图没有颜色空间")?;
        if photo.orientation <= 1 {
            write_image(&mut w, *num, photo, &space)?;
        } else {
            // A form that turns the image; the image itself comes after.
            let m = matrix(photo.orientation);
            let body = b"/I Do";
            write!(
                w,
                "{num} 0 obj\n<</Type/XObject/Subtype/Form/BBox[0 0 1 1]/Matrix[{} {} {} {} {} {}]/Resources<</XObject<</I {next_number} 0 R>>>>/Length {}>>\nstream\n",
                m[0], m[1], m[2], m[3], m[4], m[5],
                body.len()
            )
            .map_err(io)?;
            w.write_all(body).map_err(io)?;
            w.write_all(b"\nendstream\nendobj\n").map_err(io)?;
            extra.push((next_number, photo, space));
            new_offsets.push(None);
            next_number += 1;
        }
    }
    for (num, photo, space) in extra {
        new_offsets[num] = Some(w.n);
        write_image(&mut w, num, photo, &space)?;
    }
    let table_at = w.n;
    write!(w, "xref\n0 {}\n0000000000 65535 f\r\n", new_offsets.len()).map_err(io)?;
    for o in &new_offsets[1..] {
        match o {
            Some(o) => write!(w, "{o:010} 00000 n\r\n").map_err(io)?,
            None => w.write_all(b"0000000000 65535 f\r\n").map_err(io)?,
        }
    }
    let size_at = trailer.find("/Size").ok_or("PDF trailer 没有 /Size")?;
    let digits_at =
        size_at + 5 + trailer[size_at + 5..].len() - trailer[size_at + 5..].trim_start().len();
    let digits_end = digits_at
        + trailer[digits_at..]
            .chars()
            .take_while(|c| c.is_ascii_digit())
            .count();
    let trailer = format!(
        "{}{}{}",
        &trailer[..digits_at],
        new_offsets.len(),
        &trailer[digits_end..]
    );
    write!(w, "trailer\n{trailer}\nstartxref\n{table_at}\n%%EOF").map_err(io)?;
    w.flush().map_err(io)
}

pub(super) fn write_image(
    w: &mut Counting,
    num: usize,
    photo: &Photo,
    standin_space: &str,
) -> Result<(), String> {
    let io = |e: std::io::Error| crate::files::io_reason(&e);
    let (space, decode) = colour(photo, standin_space);
    let (sw, sh) = photo.stored_px;
    let data = photo.bytes().map_err(|e| format!("照片无法读取：{e:?}"))?;
    write!(
        w,
        "{num} 0 obj\n<</Type/XObject/Subtype/Image/Width {sw}/Height {sh}/ColorSpace {space}{decode}/BitsPerComponent 8/Filter/DCTDecode/Length {}>>\nstream\n",
        data.len()
    )
    .map_err(io)?;
    w.write_all(&data).map_err(io)?;
    w.write_all(b"\nendstream\nendobj\n").map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_unique_jpegs() {
        let a = placeholder(0);
        let b = placeholder(12);
        assert_ne!(a, b);
        let p = Photo::from_bytes(a.into(), u64::MAX).unwrap();
        assert_eq!((p.stored_px, p.components), ((8, 8), 3));
        assert!(find(&b, b"baosong-photo:12;", 0).is_some());
    }

    #[test]
    fn orientation_matrices_map_the_unit_square_onto_itself() {
        for o in 1..=8 {
            let m = matrix(o);
            let corners = [(0, 0), (1, 0), (0, 1), (1, 1)];
            let mut seen: Vec<(i32, i32)> = corners
                .iter()
                .map(|(x, y)| (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]))
                .collect();
            seen.sort();
            assert_eq!(
                seen,
                vec![(0, 0), (0, 1), (1, 0), (1, 1)],
                "orientation {o}"
            );
        }
        // 6 turns clockwise: the stored top-left corner shows top right.
        let m = matrix(6);
        assert_eq!(
            (m[0] * 0 + m[2] * 1 + m[4], m[1] * 0 + m[3] * 1 + m[5]),
            (1, 1)
        );
    }
}
