//! Helpers for tests (ours and integration tests): inputs made in memory.
#![doc(hidden)]

/// A JPEG with an optional EXIF orientation, made in memory.
pub fn jpeg(w: u32, h: u32, orientation: Option<u16>) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, ((x ^ y) % 256) as u8])
    });
    let mut out = Vec::new();
    img.write_with_encoder(image::codecs::jpeg::JpegEncoder::new_with_quality(
        &mut out, 80,
    ))
    .unwrap();
    match orientation {
        Some(o) => with_orientation(&out, o),
        None => out,
    }
}

/// A JPEG with an EXIF orientation segment put in front of its own.
pub fn with_orientation(jpeg: &[u8], o: u16) -> Vec<u8> {
    // APP1 Exif segment with one IFD entry: Orientation (0x0112), SHORT.
    let mut tiff = b"MM\x00\x2a\x00\x00\x00\x08\x00\x01\x01\x12\x00\x03\x00\x00\x00\x01".to_vec();
    tiff.extend_from_slice(&o.to_be_bytes());
    tiff.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
    let mut seg = b"Exif\x00\x00".to_vec();
    seg.extend_from_slice(&tiff);
    let len = (seg.len() + 2) as u16;
    let mut with = vec![0xFF, 0xD8, 0xFF, 0xE1];
    with.extend_from_slice(&len.to_be_bytes());
    with.extend_from_slice(&seg);
    with.extend_from_slice(&jpeg[2..]);
    with
}

/// A photo-like JPEG with its own content: soft shapes and per-pixel
/// noise from `seed`, so photos neither compress to nothing nor repeat each
/// other (benchmarks and tests of the notice's ≥ 2 MB rule).
pub fn photo(w: u32, h: u32, seed: u64, quality: u8) -> Vec<u8> {
    let mut s = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut next = move || {
        // xorshift64*: fast, deterministic, good enough for pixels.
        s ^= s >> 12;
        s ^= s << 25;
        s ^= s >> 27;
        s.wrapping_mul(0x2545_F491_4F6C_DD1D)
    };
    let blobs: Vec<(f32, f32, f32, [f32; 3])> = (0..12)
        .map(|_| {
            let r = |n: &mut dyn FnMut() -> u64| (n() % 10_000) as f32 / 10_000.0;
            (
                r(&mut next) * w as f32,
                r(&mut next) * h as f32,
                (0.1 + r(&mut next) * 0.4) * w.min(h) as f32,
                [
                    r(&mut next) * 255.0,
                    r(&mut next) * 255.0,
                    r(&mut next) * 255.0,
                ],
            )
        })
        .collect();
    let mut img = image::RgbImage::new(w, h);
    for (x, y, px) in img.enumerate_pixels_mut() {
        let mut c = [
            (x * 255 / w.max(1)) as f32,
            (y * 255 / h.max(1)) as f32,
            128.0,
        ];
        for (bx, by, br, col) in &blobs {
            let d = ((x as f32 - bx).powi(2) + (y as f32 - by).powi(2)).sqrt();
            if d < *br {
                let k = 1.0 - d / br;
                for i in 0..3 {
                    c[i] = c[i] * (1.0 - k) + col[i] * k;
                }
            }
        }
        let n = next();
        for (i, v) in c.iter().enumerate() {
            let noise = ((n >> (i * 8)) & 0x3F) as f32 - 32.0;
            px.0[i] = (v + noise).clamp(0.0, 255.0) as u8;
        }
    }
    let mut out = Vec::new();
    img.write_with_encoder(image::codecs::jpeg::JpegEncoder::new_with_quality(
        &mut out, quality,
    ))
    .expect("encoding to memory does not fail");
    out
}

fn mp4_box(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
    let mut b = ((body.len() + 8) as u32).to_be_bytes().to_vec();
    b.extend_from_slice(kind);
    b.extend_from_slice(body);
    b
}

/// A minimal MP4 (ftyp + moov with one video track of `w`×`h`), padded
/// with an `mdat` of `payload` bytes.
pub fn mp4(w: u32, h: u32, payload: usize) -> Vec<u8> {
    let mut mvhd = vec![0u8; 100];
    mvhd[12..16].copy_from_slice(&1000u32.to_be_bytes()); // timescale
    mvhd[20..24].copy_from_slice(&0x0001_0000u32.to_be_bytes()); // rate
    mvhd[24..26].copy_from_slice(&0x0100u16.to_be_bytes()); // volume
    for (i, v) in [0x0001_0000u32, 0, 0, 0, 0x0001_0000, 0, 0, 0, 0x4000_0000]
        .iter()
        .enumerate()
    {
        mvhd[36 + i * 4..40 + i * 4].copy_from_slice(&v.to_be_bytes());
    }
    mvhd[96..100].copy_from_slice(&2u32.to_be_bytes()); // next track id
    let mut tkhd = vec![0u8; 84];
    tkhd[3] = 3; // flags: enabled, in movie
    tkhd[12..16].copy_from_slice(&1u32.to_be_bytes()); // track id
    for (i, v) in [0x0001_0000u32, 0, 0, 0, 0x0001_0000, 0, 0, 0, 0x4000_0000]
        .iter()
        .enumerate()
    {
        tkhd[40 + i * 4..44 + i * 4].copy_from_slice(&v.to_be_bytes());
    }
    tkhd[76..80].copy_from_slice(&(w << 16).to_be_bytes());
    tkhd[80..84].copy_from_slice(&(h << 16).to_be_bytes());
    let mut mdhd = vec![0u8; 24];
    mdhd[12..16].copy_from_slice(&1000u32.to_be_bytes());
    let mut hdlr = vec![0u8; 24];
    hdlr[8..12].copy_from_slice(b"vide");
    let mdia = [mp4_box(b"mdhd", &mdhd), mp4_box(b"hdlr", &hdlr)].concat();
    let trak = [mp4_box(b"tkhd", &tkhd), mp4_box(b"mdia", &mdia)].concat();
    let moov = [mp4_box(b"mvhd", &mvhd), mp4_box(b"trak", &trak)].concat();
    let mut ftyp = b"isom".to_vec();
    ftyp.extend_from_slice(&0x200u32.to_be_bytes());
    ftyp.extend_from_slice(b"isomiso2avc1mp41");
    [
        mp4_box(b"ftyp", &ftyp),
        mp4_box(b"moov", &moov),
        mp4_box(b"mdat", &vec![0u8; payload]),
    ]
    .concat()
}

#[cfg(test)]
mod tests {
    #[test]
    fn generated_mp4_parses() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("v.mp4");
        std::fs::write(&p, super::mp4(1280, 720, 1000)).unwrap();
        let v = crate::video::probe(&p, u64::MAX).unwrap();
        assert_eq!(v.size_px, Some((1280, 720)));
    }
}
