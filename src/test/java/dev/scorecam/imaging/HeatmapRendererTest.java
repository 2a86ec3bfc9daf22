package dev.scorecam.imaging;

import static dev.scorecam.imaging.TestImages.red;
import static dev.scorecam.imaging.TestImages.solid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class HeatmapRendererTest {

    private static final int WIDTH = 240;
    private static final int HEIGHT = 160;
    private static final int INPUT = 96;

    private final HeatmapRenderer renderer = new HeatmapRenderer();
    private final BufferedImage original = TestImages.noise(WIDTH, HEIGHT, 8);

    /**
     * Original pixel (180, 50) of a 240x160 image lands, worked out by hand, in this 96x96 input
     * cell: stretch scales by (0.4, 0.6); letterbox by 0.4 and shifts down 16; center-crop scales
     * by 0.6 and shifts left 24. A map hot only in that cell must render hot at (180, 50).
     */
    @ParameterizedTest
    @CsvSource({"STRETCH, 72, 30", "LETTERBOX, 72, 36", "CENTER_CROP, 84, 30"})
    void aHotCellRendersHotAtTheOriginalPixelItCameFrom(ResizeMode mode, int cellX, int cellY) {
        Placement placement = Placement.of(mode, WIDTH, HEIGHT, INPUT, INPUT);
        float[] saliency = new float[INPUT * INPUT];
        saliency[cellY * INPUT + cellX] = 1f;

        BufferedImage heat = renderer.render(saliency, INPUT, INPUT, placement, original, Colormap.GRAY, false, 0.5f);

        assertThat(heat.getWidth()).isEqualTo(WIDTH);
        assertThat(heat.getHeight()).isEqualTo(HEIGHT);
        int[] hottest = hottest(heat);
        assertThat(Math.abs(hottest[0] - 180)).as("x of hottest pixel").isLessThanOrEqualTo(1);
        assertThat(Math.abs(hottest[1] - 50)).as("y of hottest pixel").isLessThanOrEqualTo(1);
        assertThat(red(heat.getRGB(180, 50))).isGreaterThan(100); // the cell centre is ~1 px away
        assertThat(red(heat.getRGB(20, 140))).isZero();
    }

    @Test
    void aCoarseMapIsSampledOverTheWholeInput() {
        // A 12x12 map over a 96x96 input: cell (9, 3) covers input [72, 80) x [24, 32).
        Placement placement = Placement.of(ResizeMode.STRETCH, WIDTH, HEIGHT, INPUT, INPUT);
        float[] saliency = new float[12 * 12];
        saliency[3 * 12 + 9] = 1f;

        BufferedImage heat = renderer.render(saliency, 12, 12, placement, original, Colormap.GRAY, false, 0.5f);

        // Cell centre (76, 28) in input space is (190, 46.7) in the original.
        int[] hottest = hottest(heat);
        assertThat(Math.abs(hottest[0] - 190)).isLessThanOrEqualTo(2);
        assertThat(Math.abs(hottest[1] - 46)).isLessThanOrEqualTo(2);
    }

    @Test
    void uniformSaliencyGivesOneColourUpToTheEdges() {
        Placement placement = Placement.of(ResizeMode.LETTERBOX, WIDTH, HEIGHT, INPUT, INPUT);
        float[] saliency = new float[INPUT * INPUT];
        Arrays.fill(saliency, 0.7f);

        BufferedImage heat = renderer.render(saliency, INPUT, INPUT, placement, original, Colormap.JET, false, 0.5f);

        int expected = 0xFF000000 | Colormap.JET.rgb(0.7f);
        assertThat(heat.getRGB(0, 0)).isEqualTo(expected);
        assertThat(heat.getRGB(WIDTH - 1, HEIGHT - 1)).isEqualTo(expected);
        assertThat(heat.getRGB(120, 80)).isEqualTo(expected);
    }

    @Test
    void overlayBlendsColourOverTheOriginalByAlpha() {
        Placement placement = Placement.of(ResizeMode.STRETCH, WIDTH, HEIGHT, INPUT, INPUT);
        float[] saliency = new float[INPUT * INPUT];
        BufferedImage grey = solid(WIDTH, HEIGHT, 0x808080);

        int none = renderer.render(saliency, INPUT, INPUT, placement, grey, Colormap.JET, true, 0f).getRGB(5, 5);
        int half = renderer.render(saliency, INPUT, INPUT, placement, grey, Colormap.JET, true, 0.5f).getRGB(5, 5);
        int full = renderer.render(saliency, INPUT, INPUT, placement, grey, Colormap.JET, true, 1f).getRGB(5, 5);

        assertThat(none & 0xFFFFFF).isEqualTo(0x808080);
        assertThat(half & 0xFFFFFF).isEqualTo(0x404080); // halfway between grey and jet(0) = 0x000080
        assertThat(full & 0xFFFFFF).isEqualTo(0x000080);
    }

    @Test
    void aTransparentOriginalIsShownOverBlack() {
        Placement placement = Placement.of(ResizeMode.STRETCH, 2, 1, INPUT, INPUT);
        BufferedImage argb = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB);
        argb.setRGB(0, 0, 0x80FF0000);   // half-transparent red
        argb.setRGB(1, 0, 0x00FFFFFF);   // fully transparent white

        BufferedImage overlay = renderer.render(new float[INPUT * INPUT], INPUT, INPUT, placement, argb,
                Colormap.JET, true, 0f);

        assertThat(overlay.getRGB(0, 0) & 0xFFFFFF).isEqualTo(0x800000);
        assertThat(overlay.getRGB(1, 0) & 0xFFFFFF).isEqualTo(0x000000);
    }

    @Test
    void centerCropLeavesPixelsTheModelNeverSawWithoutHeat() {
        // Center-crop keeps original columns 40..200 of 240.
        Placement placement = Placement.of(ResizeMode.CENTER_CROP, WIDTH, HEIGHT, INPUT, INPUT);
        float[] saliency = new float[INPUT * INPUT];
        Arrays.fill(saliency, 1f);
        BufferedImage grey = solid(WIDTH, HEIGHT, 0xC8C8C8);

        BufferedImage overlay = renderer.render(saliency, INPUT, INPUT, placement, grey, Colormap.JET, true, 0.5f);
        BufferedImage bare = renderer.render(saliency, INPUT, INPUT, placement, grey, Colormap.JET, false, 0.5f);

        assertThat(overlay.getRGB(10, 80) & 0xFFFFFF).isEqualTo(0x505050);   // 200 dimmed to 0.4
        assertThat(overlay.getRGB(230, 80) & 0xFFFFFF).isEqualTo(0x505050);
        assertThat(overlay.getRGB(120, 80) & 0xFFFFFF).isEqualTo(0xA46464);  // blended with jet(1)
        assertThat(bare.getRGB(10, 80) >>> 24).isZero();                     // transparent
        assertThat(bare.getRGB(120, 80)).isEqualTo(0xFF800000);
    }

    @ParameterizedTest
    @ValueSource(floats = {-0.1f, 1.1f, Float.NaN})
    void rejectsAlphaOutsideTheUnitInterval(float alpha) {
        Placement placement = Placement.of(ResizeMode.STRETCH, WIDTH, HEIGHT, INPUT, INPUT);

        assertThatThrownBy(() -> renderer.render(new float[INPUT * INPUT], INPUT, INPUT, placement, original,
                Colormap.JET, true, alpha))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("alpha");
    }

    @Test
    void rejectsMismatchedSizes() {
        Placement placement = Placement.of(ResizeMode.STRETCH, WIDTH, HEIGHT, INPUT, INPUT);

        assertThatThrownBy(() -> renderer.render(new float[10], INPUT, INPUT, placement, original,
                Colormap.JET, true, 0.5f)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> renderer.render(new float[INPUT * INPUT], INPUT, INPUT, placement,
                solid(10, 10, 0), Colormap.JET, true, 0.5f)).isInstanceOf(IllegalArgumentException.class);
    }

    /** Position of the brightest pixel, by its red channel. */
    private static int[] hottest(BufferedImage heat) {
        int[] best = {0, 0};
        int max = -1;
        for (int y = 0; y < heat.getHeight(); y++) {
            for (int x = 0; x < heat.getWidth(); x++) {
                if (red(heat.getRGB(x, y)) > max) {
                    max = red(heat.getRGB(x, y));
                    best = new int[] {x, y};
                }
            }
        }
        return best;
    }
}
