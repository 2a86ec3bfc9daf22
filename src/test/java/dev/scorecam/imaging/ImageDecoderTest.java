package dev.scorecam.imaging;

import static dev.scorecam.imaging.TestImages.blue;
import static dev.scorecam.imaging.TestImages.encode;
import static dev.scorecam.imaging.TestImages.green;
import static dev.scorecam.imaging.TestImages.red;
import static dev.scorecam.imaging.TestImages.solid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

import javax.imageio.ImageIO;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.scorecam.problem.ProblemType;

class ImageDecoderTest {

    private final ImageDecoder decoder = new ImageDecoder(10_000_000);

    @Nested
    class Formats {

        @Test
        void pngRgbPassesThroughExactly() {
            BufferedImage source = TestImages.noise(7, 5, 1);

            BufferedImage decoded = decoder.decode(encode(source, "png"));

            assertThat(decoded.getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
            assertThat(pixels(decoded)).isEqualTo(pixels(source));
        }

        @Test
        void pngGreyKeepsItsSampleValues() {
            BufferedImage grey = new BufferedImage(3, 2, BufferedImage.TYPE_BYTE_GRAY);
            grey.getRaster().setSample(0, 0, 0, 100);
            grey.getRaster().setSample(1, 0, 0, 255);

            BufferedImage decoded = decoder.decode(encode(grey, "png"));

            // Not brightened as if the grey were linear light.
            assertThat(decoded.getRGB(0, 0) & 0xFFFFFF).isEqualTo(0x646464);
            assertThat(decoded.getRGB(1, 0) & 0xFFFFFF).isEqualTo(0xFFFFFF);
            assertThat(decoded.getRGB(2, 0) & 0xFFFFFF).isZero();
        }

        @Test
        void png16BitGreyIsScaledTo8Bits() {
            BufferedImage grey = new BufferedImage(2, 1, BufferedImage.TYPE_USHORT_GRAY);
            grey.getRaster().setSample(0, 0, 0, 32768);
            grey.getRaster().setSample(1, 0, 0, 65535);

            BufferedImage decoded = decoder.decode(encode(grey, "png"));

            assertThat(decoded.getRGB(0, 0) & 0xFFFFFF).isEqualTo(0x808080);
            assertThat(decoded.getRGB(1, 0) & 0xFFFFFF).isEqualTo(0xFFFFFF);
        }

        @Test
        void png16BitRgbIsScaledTo8Bits() {
            ComponentColorModel model = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB),
                    false, false, Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
            WritableRaster raster = model.createCompatibleWritableRaster(1, 1);
            raster.setPixel(0, 0, new int[] {65535, 32768, 0});

            BufferedImage decoded = decoder.decode(encode(new BufferedImage(model, raster, false, null), "png"));

            assertThat(decoded.getRGB(0, 0) & 0xFFFFFF).isEqualTo(0xFF8000);
        }

        @Test
        void palettePngUsesThePaletteColours() {
            byte[] r = {(byte) 0xFF, 0, 0x12, 0};
            byte[] g = {0, (byte) 0xFF, 0x34, 0};
            byte[] b = {0, 0, 0x56, (byte) 0xFF};
            BufferedImage indexed = new BufferedImage(4, 1, BufferedImage.TYPE_BYTE_INDEXED,
                    new IndexColorModel(2, 4, r, g, b));
            for (int x = 0; x < 4; x++) {
                indexed.getRaster().setSample(x, 0, 0, x);
            }

            BufferedImage decoded = decoder.decode(encode(indexed, "png"));

            assertThat(pixels(decoded)).containsExactly(0xFF0000, 0x00FF00, 0x123456, 0x0000FF);
        }

        @Test
        void transparencyIsKeptForThePreprocessorToComposite() {
            BufferedImage argb = new BufferedImage(3, 1, BufferedImage.TYPE_INT_ARGB);
            argb.setRGB(0, 0, 0xFFFF0000);   // opaque red
            argb.setRGB(1, 0, 0x80FF0000);   // half-transparent red
            argb.setRGB(2, 0, 0x00FFFFFF);   // fully transparent white

            BufferedImage decoded = decoder.decode(encode(argb, "png"));

            assertThat(decoded.getType()).isEqualTo(BufferedImage.TYPE_INT_ARGB);
            assertThat(decoded.getRGB(0, 0, 3, 1, null, 0, 3)).containsExactly(0xFFFF0000, 0x80FF0000, 0x00FFFFFF);
        }

        @Test
        void anAlphaChannelThatIsOpaqueEverywhereDecodesAsRgb() {
            BufferedImage argb = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB);
            argb.setRGB(0, 0, 0xFF123456);
            argb.setRGB(1, 0, 0xFFABCDEF);

            BufferedImage decoded = decoder.decode(encode(argb, "png"));

            assertThat(decoded.getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
            assertThat(pixels(decoded)).containsExactly(0x123456, 0xABCDEF);
        }

        @Test
        void transparentPaletteEntriesKeepTheirAlpha() {
            IndexColorModel palette = new IndexColorModel(8, 2, new byte[] {(byte) 255, 0}, new byte[] {0, 0},
                    new byte[] {0, (byte) 255}, new byte[] {(byte) 255, 0});
            BufferedImage indexed = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_INDEXED, palette);
            indexed.getRaster().setSample(1, 0, 0, 1);

            BufferedImage decoded = decoder.decode(encode(indexed, "png"));

            assertThat(decoded.getRGB(0, 0, 2, 1, null, 0, 2)).containsExactly(0xFFFF0000, 0x000000FF);
        }

        @Test
        void jpegRgb() {
            BufferedImage source = halves(32, 16, 0xFF0000, 0x0000FF);

            BufferedImage decoded = decoder.decode(encode(source, "jpeg"));

            assertThat(decoded.getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
            assertThat(decoded.getWidth()).isEqualTo(32);
            assertThat(decoded.getHeight()).isEqualTo(16);
            assertNear(decoded.getRGB(4, 8), 0xFF0000);
            assertNear(decoded.getRGB(27, 8), 0x0000FF);
        }

        @Test
        void cmykJpegBecomesRgb() {
            // A Photoshop-style CMYK JPEG: Adobe marker, samples stored inverted (255 = no ink).
            WritableRaster cmyk = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, 16, 16, 4, null);
            for (int y = 0; y < 16; y++) {
                for (int x = 0; x < 16; x++) {
                    cmyk.setPixel(x, y, new int[] {255, 0, 0, 255}); // magenta + yellow ink: red
                }
            }

            BufferedImage decoded = decoder.decode(TestImages.withAdobeCmykMarker(TestImages.encodeRaster(cmyk, "jpeg")));

            int rgb = decoded.getRGB(8, 8);
            assertThat(red(rgb)).as("red of %06x", rgb).isGreaterThan(180);
            assertThat(green(rgb)).as("green of %06x", rgb).isLessThan(80);
            assertThat(blue(rgb)).as("blue of %06x", rgb).isLessThan(80);
        }

        @Test
        void gifGivesItsFirstFrame() {
            byte[] animated = TestImages.gif(solid(6, 4, 0xFF0000), solid(6, 4, 0x0000FF));

            BufferedImage decoded = decoder.decode(animated);

            assertThat(decoded.getWidth()).isEqualTo(6);
            assertThat(decoded.getHeight()).isEqualTo(4);
            assertThat(decoded.getRGB(3, 2) & 0xFFFFFF).isEqualTo(0xFF0000);
        }

        @Test
        void bmp() {
            BufferedImage source = TestImages.noise(5, 3, 2);

            assertThat(pixels(decoder.decode(encode(source, "bmp")))).isEqualTo(pixels(source));
        }

        @ParameterizedTest
        @ValueSource(strings = {"png", "jpeg", "gif", "bmp"})
        void onePixelImages(String format) {
            BufferedImage decoded = decoder.decode(encode(solid(1, 1, 0xFFFFFF), format));

            assertThat(decoded.getWidth()).isEqualTo(1);
            assertThat(decoded.getHeight()).isEqualTo(1);
            assertNear(decoded.getRGB(0, 0), 0xFFFFFF);
        }
    }

    /**
     * WebP and TIFF through TwelveMonkeys' plugins, on the files of tools/make_image_fixtures.sh:
     * 40x30 pictures whose pixel (x, y) is ((6x) mod 256, 8y, 128), a yellow (250, 250, 40) square
     * over x 10..24, y 8..20.
     */
    @Nested
    class WebpAndTiff {

        /** Pixel (30, 12) of the gradient. */
        static final int GRADIENT = (180 << 16) | (96 << 8) | 128;
        static final int SQUARE = 0xFAFA28;

        @Test
        void tiffIsReadByTwelveMonkeysPluginAheadOfTheJdks() {
            assertThat(ImageIO.getImageReadersByFormatName("tiff").next().getClass().getName())
                    .startsWith("com.twelvemonkeys.imageio.plugins.tiff");
            assertThat(ImageIO.getImageReadersByFormatName("webp").next().getClass().getName())
                    .startsWith("com.twelvemonkeys.imageio.plugins.webp");
        }

        @ParameterizedTest
        @ValueSource(strings = {"lossy.webp", "lossless-alpha.webp", "animated.webp", "rgb-lzw.tiff", "two-pages.tiff"})
        void picturesDecodeToTheirColours(String name) {
            BufferedImage decoded = decoder.decode(TestImages.fixture(name));

            assertThat(decoded.getWidth()).isEqualTo(40);
            assertThat(decoded.getHeight()).isEqualTo(30);
            assertNear(decoded.getRGB(30, 12), GRADIENT);
            assertNear(decoded.getRGB(17, 14), SQUARE);
        }

        @Test
        void losslessWebpAndLzwTiffAreExact() {
            for (String name : new String[] {"lossless-alpha.webp", "rgb-lzw.tiff"}) {
                BufferedImage decoded = decoder.decode(TestImages.fixture(name));
                assertThat(decoded.getRGB(30, 12) & 0xFFFFFF).as(name).isEqualTo(GRADIENT);
                assertThat(decoded.getRGB(17, 14) & 0xFFFFFF).as(name).isEqualTo(SQUARE);
            }
        }

        @Test
        void webpTransparencyIsKept() {
            BufferedImage decoded = decoder.decode(TestImages.fixture("lossless-alpha.webp"));

            assertThat(decoded.getType()).isEqualTo(BufferedImage.TYPE_INT_ARGB);
            assertThat(decoded.getRGB(20, 2) >>> 24).as("alpha in the transparent stripe").isZero();
            assertThat(decoded.getRGB(20, 10) >>> 24).isEqualTo(255);
        }

        /** Its later frames move the square right and shift the gradient by 40: pixel (30, 12) tells them apart. */
        @Test
        void animatedWebpGivesItsFirstFrame() {
            BufferedImage decoded = decoder.decode(TestImages.fixture("animated.webp"));

            assertNear(decoded.getRGB(30, 12), GRADIENT);
        }

        @Test
        void cmykTiffBecomesRgb() {
            int square = decoder.decode(TestImages.fixture("cmyk.tiff")).getRGB(17, 14);

            assertThat(red(square)).as("red of %06x", square).isGreaterThan(200);
            assertThat(green(square)).as("green of %06x", square).isGreaterThan(200);
            assertThat(blue(square)).as("blue of %06x", square).isLessThan(100);
        }

        /** Samples (1600x + 50y) mod 65536, scaled to 8 bits. */
        @Test
        void sixteenBitGreyTiffIsScaledTo8Bits() {
            BufferedImage decoded = decoder.decode(TestImages.fixture("grey16.tiff"));

            for (int[] at : new int[][] {{0, 0}, {10, 5}, {39, 29}}) {
                int expected = Math.round(((1600 * at[0] + 50 * at[1]) % 65536) / 257f);
                assertThat(red(decoded.getRGB(at[0], at[1]))).as("at %d,%d", at[0], at[1]).isCloseTo(expected, within(1));
            }
        }

        @ParameterizedTest
        @ValueSource(strings = {"huge.webp", "huge.tiff"})
        void decompressionBombsAreRefusedFromTheirHeader(String name) {
            assertThatThrownBy(() -> decoder.decode(TestImages.fixture(name)))
                    .isInstanceOfSatisfying(ImageTooLargeException.class,
                            e -> assertThat(e.getMessage()).contains("7000x7000"));
        }

        /**
         * Cut in half, or a quarter for the animated WebP: only its first frame is decoded, and that
         * frame ends before the half.
         */
        @ParameterizedTest
        @CsvSource({"lossy.webp, 2", "lossless-alpha.webp, 2", "animated.webp, 4", "rgb-lzw.tiff, 2", "cmyk.tiff, 2"})
        void truncatedFilesAreInvalid(String name, int divisor) {
            byte[] whole = TestImages.fixture(name);

            for (int length : new int[] {whole.length / divisor, 16}) {
                assertThatThrownBy(() -> decoder.decode(Arrays.copyOf(whole, length))).as("%s cut to %d", name, length)
                        .isInstanceOf(InvalidImageException.class);
            }
        }

        @Test
        void otherRiffFilesAreUnsupported() {
            byte[] wave = "RIFF\u0024\0\0\0WAVEfmt \u0010\0\0\0".getBytes(StandardCharsets.ISO_8859_1);

            assertThatThrownBy(() -> decoder.decode(wave)).isInstanceOf(UnsupportedImageException.class);
        }
    }

    @Nested
    class Orientation {

        @Test
        void orientation6RotatesClockwise() {
            // Stored 32x16: left half red, right half blue. Shown upright, the stored left
            // column becomes the top row: 16x32, red on top.
            byte[] jpeg = TestImages.withExifOrientation(encode(halves(32, 16, 0xFF0000, 0x0000FF), "jpeg"), 6, true);

            BufferedImage decoded = decoder.decode(jpeg);

            assertThat(decoded.getWidth()).isEqualTo(16);
            assertThat(decoded.getHeight()).isEqualTo(32);
            assertNear(decoded.getRGB(8, 4), 0xFF0000);
            assertNear(decoded.getRGB(8, 27), 0x0000FF);
        }

        @Test
        void orientation8RotatesCounterClockwiseInLittleEndianExif() {
            byte[] jpeg = TestImages.withExifOrientation(encode(halves(32, 16, 0xFF0000, 0x0000FF), "jpeg"), 8, false);

            BufferedImage decoded = decoder.decode(jpeg);

            assertThat(decoded.getWidth()).isEqualTo(16);
            assertThat(decoded.getHeight()).isEqualTo(32);
            assertNear(decoded.getRGB(8, 4), 0x0000FF);
            assertNear(decoded.getRGB(8, 27), 0xFF0000);
        }

        @Test
        void orientation3RotatesHalfATurn() {
            byte[] jpeg = TestImages.withExifOrientation(encode(halves(32, 16, 0xFF0000, 0x0000FF), "jpeg"), 3, true);

            BufferedImage decoded = decoder.decode(jpeg);

            assertThat(decoded.getWidth()).isEqualTo(32);
            assertNear(decoded.getRGB(4, 8), 0x0000FF);
            assertNear(decoded.getRGB(27, 8), 0xFF0000);
        }

        @Test
        void onePixelJpegWithOrientation() {
            byte[] jpeg = TestImages.withExifOrientation(encode(solid(1, 1, 0x00FF00), "jpeg"), 6, true);

            BufferedImage decoded = decoder.decode(jpeg);

            assertThat(decoded.getWidth()).isEqualTo(1);
            assertThat(decoded.getHeight()).isEqualTo(1);
            assertNear(decoded.getRGB(0, 0), 0x00FF00);
        }
    }

    @Nested
    class Rejections {

        @Test
        void emptyIsInvalid() {
            assertThatThrownBy(() -> decoder.decode(new byte[0]))
                    .isInstanceOf(InvalidImageException.class)
                    .extracting(e -> ((ImageException) e).problemType()).isEqualTo(ProblemType.INVALID_IMAGE);
        }

        @ParameterizedTest
        @ValueSource(strings = {
                "hello, this is plain text",
                "%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj",
                "<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"/>",
                "<svg xmlns=\"http://www.w3.org/2000/svg\"><rect width=\"10\" height=\"10\"/></svg>",
                "BMW 320i, BMP-like but no bitmap header",
                "GIF8"})
        void nonImagesAreUnsupported(String content) {
            assertThatThrownBy(() -> decoder.decode(content.getBytes(StandardCharsets.UTF_8)))
                    .isInstanceOf(UnsupportedImageException.class)
                    .hasMessageContaining("PNG, JPEG, GIF, BMP, WebP or TIFF")
                    .extracting(e -> ((ImageException) e).problemType()).isEqualTo(ProblemType.UNSUPPORTED_IMAGE);
        }

        @Test
        void randomBytesAreUnsupported() {
            byte[] random = new byte[4096];
            new Random(42).nextBytes(random);

            assertThatThrownBy(() -> decoder.decode(random)).isInstanceOf(UnsupportedImageException.class);
        }

        @ParameterizedTest
        @ValueSource(strings = {"png", "jpeg", "gif", "bmp"})
        void truncatedDataIsInvalid(String format) {
            byte[] whole = encode(TestImages.noise(64, 64, 3), format);
            byte[] half = Arrays.copyOf(whole, whole.length / 2);

            assertThatThrownBy(() -> decoder.decode(half))
                    .isInstanceOf(InvalidImageException.class)
                    .hasMessageContaining("truncated");
        }

        @ParameterizedTest
        @ValueSource(strings = {"png", "jpeg", "gif", "bmp"})
        void headerOnlyIsInvalid(String format) {
            byte[] whole = encode(TestImages.noise(8, 8, 4), format);

            assertThatThrownBy(() -> decoder.decode(Arrays.copyOf(whole, 20)))
                    .isInstanceOf(InvalidImageException.class);
        }

        @Test
        void corruptPngHeaderIsInvalid() {
            byte[] png = encode(solid(4, 4, 0), "png");
            Arrays.fill(png, 12, 40, (byte) 0x7F);

            assertThatThrownBy(() -> decoder.decode(png)).isInstanceOf(InvalidImageException.class);
        }

        @Test
        void decompressionBombIsRefusedFromItsHeader() {
            byte[] bomb = TestImages.withPngSize(encode(solid(4, 4, 0), "png"), 100_000, 100_000);

            assertThatThrownBy(() -> decoder.decode(bomb))
                    .isInstanceOfSatisfying(ImageTooLargeException.class, e -> {
                        assertThat(e.width()).isEqualTo(100_000);
                        assertThat(e.height()).isEqualTo(100_000);
                        assertThat(e.problemType()).isEqualTo(ProblemType.IMAGE_TOO_LARGE);
                    })
                    .hasMessageContaining("100000x100000");
        }

        @ParameterizedTest
        @ValueSource(strings = {"png", "jpeg", "gif", "bmp"})
        void imagesOverTheLimitAreTooLarge(String format) {
            ImageDecoder small = new ImageDecoder(99);

            assertThatThrownBy(() -> small.decode(encode(solid(10, 10, 0), format)))
                    .isInstanceOf(ImageTooLargeException.class);
            assertThat(new ImageDecoder(100).decode(encode(solid(10, 10, 0), format)).getWidth()).isEqualTo(10);
        }
    }

    /** Left half {@code left}, right half {@code right}. */
    static BufferedImage halves(int width, int height, int left, int right) {
        BufferedImage image = solid(width, height, left);
        for (int y = 0; y < height; y++) {
            for (int x = width / 2; x < width; x++) {
                image.setRGB(x, y, right);
            }
        }
        return image;
    }

    static int[] pixels(BufferedImage image) {
        int[] argb = image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
        return Arrays.stream(argb).map(p -> p & 0xFFFFFF).toArray();
    }

    /** JPEG is lossy: each channel within 12 of the expected colour. */
    static void assertNear(int actual, int expected) {
        assertThat(Math.abs(red(actual) - red(expected))).as("red of %06x", actual & 0xFFFFFF).isLessThanOrEqualTo(12);
        assertThat(Math.abs(green(actual) - green(expected))).as("green of %06x", actual & 0xFFFFFF).isLessThanOrEqualTo(12);
        assertThat(Math.abs(blue(actual) - blue(expected))).as("blue of %06x", actual & 0xFFFFFF).isLessThanOrEqualTo(12);
    }
}
