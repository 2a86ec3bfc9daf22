package dev.scorecam.imaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import tools.jackson.databind.json.JsonMapper;

import dev.scorecam.Float32Files;

/**
 * The model input the service makes from an image, against PIL's pixels for the same resize
 * (tools/make_resampler_goldens.py: {@code Image.resize}, {@code ImageOps.pad} and
 * {@code ImageOps.fit} with the BILINEAR filter). Unnormalised, so input x 255 is the resampled
 * pixel. The letterbox cases avoid sizes and margins that end in .5: ImageOps.pad rounds those
 * half to even, Placement half up (size) and down (margin), so there the two sit a pixel apart
 * (the script refuses such a case).
 */
class ResamplerPilGoldenTest {

    private static final Path DIR = Path.of("src/test/resources/golden/resampler");

    /**
     * Against PIL on float planes, which rounds nowhere: what is left is float32 arithmetic
     * (the service sums float weights in float, PIL in double): about 2e-4 of a level here.
     */
    private static final float FLOAT_TOLERANCE = 1e-3f;

    /**
     * Against PIL on 8-bit RGB, which rounds to a whole level after each of its two passes: the
     * service's value, rounded once, may differ from it by one level, never more.
     */
    private static final int BYTE_TOLERANCE = 1;

    record Case(String name, String input, String resize, int width, int height, String png, String f32) {
        @Override
        public String toString() {
            return name;
        }
    }

    record Manifest(List<Case> cases) {
    }

    static List<Case> cases() {
        return JsonMapper.builder().build().readValue(DIR.resolve("manifest.json").toFile(), Manifest.class).cases();
    }

    @ParameterizedTest
    @MethodSource("cases")
    void matchesPilOnFloatPlanes(Case c) {
        float[] service = resampled(c);
        float[] pil = Float32Files.read(DIR.resolve(c.f32()));

        assertThat(service).hasSameSizeAs(pil);
        assertThat(largestDifference(service, pil)).as(c.name()).isLessThanOrEqualTo(FLOAT_TOLERANCE);
    }

    @ParameterizedTest
    @MethodSource("cases")
    void matchesPilOnEightBitPixelsWithinALevel(Case c) {
        float[] service = resampled(c);
        BufferedImage pil = read(c.png());
        assertThat(pil.getWidth()).isEqualTo(c.width());
        assertThat(pil.getHeight()).isEqualTo(c.height());

        int plane = c.width() * c.height();
        int largest = 0;
        for (int y = 0; y < c.height(); y++) {
            for (int x = 0; x < c.width(); x++) {
                int rgb = pil.getRGB(x, y);
                int[] expected = {rgb >> 16 & 0xFF, rgb >> 8 & 0xFF, rgb & 0xFF};
                for (int channel = 0; channel < 3; channel++) {
                    int actual = Math.round(service[channel * plane + y * c.width() + x]);
                    largest = Math.max(largest, Math.abs(actual - expected[channel]));
                }
            }
        }
        assertThat(largest).as(c.name()).isLessThanOrEqualTo(BYTE_TOLERANCE);
    }

    /** The service's model input for the case, in 0..255, [3, H, W]. */
    private static float[] resampled(Case c) {
        BufferedImage image = RgbConversion.toSrgb(read(c.input()));
        InputFormat format = InputFormat.unnormalised(c.width(), c.height(), ResizeMode.parse(c.resize()));
        float[] chw = Preprocessor.prepare(image, format).chw();
        for (int i = 0; i < chw.length; i++) {
            chw[i] *= 255f;
        }
        return chw;
    }

    private static float largestDifference(float[] a, float[] b) {
        float largest = 0;
        for (int i = 0; i < a.length; i++) {
            largest = Math.max(largest, Math.abs(a[i] - b[i]));
        }
        return largest;
    }

    private static BufferedImage read(String file) {
        try {
            return ImageIO.read(DIR.resolve(file).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

}
