package dev.scorecam.imaging;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.concurrent.atomic.AtomicReference;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Turns uploaded bytes into an upright sRGB image, {@code TYPE_INT_RGB} when it is opaque and
 * {@code TYPE_INT_ARGB} (straight alpha) when some pixels are not, or throws an
 * {@link ImageException}. Thread-safe: every call uses its own {@link ImageReader}.
 *
 * <p>Only the first frame of a GIF or an animated WebP, and the first page of a TIFF, is decoded;
 * a GIF's first frame at that frame's own size. Transparency is kept:
 * the {@link Preprocessor} composites it over the model's mean colour, which is 0 after
 * normalisation, so a transparent region is "no signal" to the model like a letterbox border,
 * whatever the model's mean. EXIF orientation is honoured for JPEG, so the saliency map lines up
 * with the photo as people see it.
 */
public final class ImageDecoder {

    private final long maxPixels;

    /** @param maxPixels largest width × height decoded; larger headers are refused unread */
    public ImageDecoder(long maxPixels) {
        if (maxPixels < 1) {
            throw new IllegalArgumentException("maxPixels must be positive, was " + maxPixels);
        }
        this.maxPixels = maxPixels;
    }

    public BufferedImage decode(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            throw InvalidImageException.empty();
        }
        ImageFormat format = ImageFormat.sniff(bytes).orElseThrow(UnsupportedImageException::new);
        BufferedImage rgb = RgbConversion.toSrgb(read(format, bytes));
        return format == ImageFormat.JPEG ? ExifOrientation.of(bytes).apply(rgb) : rgb;
    }

    private BufferedImage read(ImageFormat format, byte[] bytes) {
        ImageReader reader = readerFor(format);
        // libjpeg reports a truncated file only as a warning and fills the rest with grey.
        AtomicReference<String> truncation = new AtomicReference<>();
        reader.addIIOReadWarningListener(prematureEndListener(truncation));
        try (ImageInputStream input = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            reader.setInput(input, true, true);
            int width = reader.getWidth(0);
            int height = reader.getHeight(0);
            if (width < 1 || height < 1) {
                throw InvalidImageException.noPixels(format);
            }
            if ((long) width * height > maxPixels) {
                throw new ImageTooLargeException(width, height, maxPixels);
            }
            BufferedImage image = reader.read(0);
            if (truncation.get() != null) {
                throw InvalidImageException.truncated(format);
            }
            return image;
        } catch (ImageException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // ImageIO plugins report malformed data with anything from IIOException to
            // IndexOutOfBounds, NegativeArraySize or IllegalArgument; to the client it is one problem.
            throw InvalidImageException.truncatedOrCorrupt(format, e);
        } finally {
            reader.dispose();
        }
    }

    private static ImageReader readerFor(ImageFormat format) {
        // For JPEG the TwelveMonkeys reader registers ahead of the JDK's and adds CMYK/YCCK.
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format.imageIoName());
        if (!readers.hasNext()) {
            throw new IllegalStateException("No ImageIO reader for " + format);
        }
        return readers.next();
    }

    private static IIOReadWarningListener prematureEndListener(AtomicReference<String> truncation) {
        return (source, warning) -> {
            if (warning != null && warning.toLowerCase().contains("premature end")) {
                truncation.compareAndSet(null, warning);
            }
        };
    }
}
