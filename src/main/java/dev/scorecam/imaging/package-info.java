/**
 * Images in and out: decoding an upload (with EXIF orientation and its hostile cases), placing it in
 * the model's input (resize, letterbox, crop) and normalising it, colormaps, overlays and PNG
 * encoding. No engine types and no Spring. May import {@code problem} only.
 */
package dev.scorecam.imaging;
