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
    if let Some(o) = orientation {
        // APP1 Exif segment with one IFD entry: Orientation (0x0112), SHORT.
        let mut tiff =
            b"MM\x00\x2a\x00\x00\x00\x08\x00\x01\x01\x12\x00\x03\x00\x00\x00\x01".to_vec();
        tiff.extend_from_slice(&o.to_be_bytes());
        tiff.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
        let mut seg = b"Exif\x00\x00".to_vec();
        seg.extend_from_slice(&tiff);
        let len = (seg.len() + 2) as u16;
        let mut with = vec![0xFF, 0xD8, 0xFF, 0xE1];
        with.extend_from_slice(&len.to_be_bytes());
        with.extend_from_slice(&seg);
        with.extend_from_slice(&out[2..]);
        out = with;
    }
    out
}
