package dev.scorecam.imaging;

import static dev.scorecam.imaging.TestImages.solid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PreprocessorTest {

    private static final float[] NO_MEAN = {0, 0, 0};
    private static final float[] UNIT_STD = {1, 1, 1};
    private static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};
    private static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};

    @ParameterizedTest
    @EnumSource(ResizeMode.class)
    void sameSizePassesPixelsThroughExactly(ResizeMode mode) {
        BufferedImage image = TestImages.noise(7, 5, 11);

        ModelInput input = Preprocessor.prepare(image, new InputFormat(7, 5, NO_MEAN, UNIT_STD, mode));

        for (int y = 0; y < 5; y++) {
            for (int x = 0; x < 7; x++) {
                int rgb = image.getRGB(x, y);
                assertThat(value(input, 0, x, y)).isEqualTo((rgb >> 16 & 0xFF) / 255f);
                assertThat(value(input, 1, x, y)).isEqualTo((rgb >> 8 & 0xFF) / 255f);
                assertThat(value(input, 2, x, y)).isEqualTo((rgb & 0xFF) / 255f);
            }
        }
    }

    @Test
    void meanAndStdArePerChannel() {
        BufferedImage image = solid(4, 4, 51 << 16 | 102 << 8 | 153);
        InputFormat format = new InputFormat(2, 2, new float[] {0.1f, 0.2f, 0.3f},
                new float[] {0.5f, 0.25f, 0.2f}, ResizeMode.STRETCH);

        ModelInput input = Preprocessor.prepare(image, format);

        assertThat(value(input, 0, 1, 1)).isCloseTo((0.2f - 0.1f) / 0.5f, within(1e-6f));
        assertThat(value(input, 1, 1, 1)).isCloseTo((0.4f - 0.2f) / 0.25f, within(1e-6f));
        assertThat(value(input, 2, 1, 1)).isCloseTo((0.6f - 0.3f) / 0.2f, within(1e-6f));
    }

    @Test
    void chwLayoutIsChannelThenRowThenColumn() {
        BufferedImage image = solid(3, 2, 0x000000);
        image.setRGB(2, 1, 0xFF8000);

        float[] chw = Preprocessor.prepare(image, InputFormat.unnormalised(3, 2, ResizeMode.STRETCH)).chw();

        assertThat(chw).hasSize(18);
        assertThat(chw[5]).isEqualTo(1f);             // R plane, row 1, column 2
        assertThat(chw[6 + 5]).isEqualTo(128 / 255f);  // G plane
        assertThat(chw[12 + 5]).isZero();              // B plane
    }

    @Test
    void upscalingIsBilinearBetweenPixelCentres() {
        BufferedImage image = solid(2, 1, 0x000000);
        image.setRGB(1, 0, 0xFFFFFF);

        ModelInput input = Preprocessor.prepare(image, InputFormat.unnormalised(4, 1, ResizeMode.STRETCH));

        // Output centres 0.5..3.5 sit at source 0.25, 0.75, 1.25, 1.75; source centres at 0.5, 1.5.
        assertThat(new float[] {value(input, 0, 0, 0), value(input, 0, 1, 0), value(input, 0, 2, 0), value(input, 0, 3, 0)})
                .containsExactly(new float[] {0f, 0.25f, 0.75f, 1f}, within(1e-6f));
    }

    @Test
    void largeDownscalingAveragesInsteadOfAliasing() {
        BufferedImage checkerboard = new BufferedImage(256, 256, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 256; y++) {
            for (int x = 0; x < 256; x++) {
                checkerboard.setRGB(x, y, (x + y) % 2 == 0 ? 0xFFFFFF : 0);
            }
        }

        float[] chw = Preprocessor.prepare(checkerboard, InputFormat.unnormalised(8, 8, ResizeMode.STRETCH)).chw();

        for (float v : chw) {
            assertThat(v).isCloseTo(0.5f, within(0.02f));
        }
    }

    @Test
    void stretchMapsCornersToCorners() {
        Placement placement = Preprocessor.prepare(solid(240, 160, 0),
                InputFormat.unnormalised(96, 96, ResizeMode.STRETCH)).placement();

        assertThat(placement.scaleX()).isEqualTo(0.4);
        assertThat(placement.scaleY()).isEqualTo(0.6);
        assertThat(placement.toInput(0, 0)).isEqualTo(point(0, 0));
        assertThat(placement.toInput(240, 160)).isEqualTo(point(96, 96));
    }

    @Test
    void letterboxCentresTheImageAndZeroesTheBorders() {
        InputFormat format = new InputFormat(96, 96, new float[] {0.5f, 0.5f, 0.5f},
                new float[] {0.25f, 0.25f, 0.25f}, ResizeMode.LETTERBOX);

        ModelInput input = Preprocessor.prepare(solid(240, 160, 0xFFFFFF), format);

        Placement placement = input.placement();
        assertThat(placement.scaleX()).isEqualTo(0.4);
        assertThat(placement.scaleY()).isEqualTo(0.4);
        assertThat(placement.toInput(0, 0)).isEqualTo(point(0, 16));
        assertThat(placement.toInput(240, 160)).isEqualTo(point(96, 80));
        assertThat(placement.toInput(120, 80)).isEqualTo(point(48, 48));
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 96; y++) {
                float expected = y < 16 || y >= 80 ? 0f : (1f - 0.5f) / 0.25f; // border 0, not black
                for (int x = 0; x < 96; x++) {
                    assertThat(value(input, c, x, y)).as("c=%d x=%d y=%d", c, x, y).isEqualTo(expected);
                }
            }
        }
    }

    @Test
    void letterboxOfATallImagePadsLeftAndRight() {
        Placement placement = Preprocessor.prepare(solid(100, 200, 0),
                InputFormat.unnormalised(64, 64, ResizeMode.LETTERBOX)).placement();

        assertThat(placement.toInput(0, 0)).isEqualTo(point(16, 0));
        assertThat(placement.toInput(100, 200)).isEqualTo(point(48, 64));
    }

    @Test
    void centerCropCutsTheCentre() {
        // 240x160 covers 96x96 at scale 0.6 (144x96): 24 input columns are cut each side,
        // which is original columns 0..40 and 200..240. Paint them red and blue, the kept part green.
        BufferedImage image = solid(240, 160, 0x00FF00);
        for (int y = 0; y < 160; y++) {
            for (int x = 0; x < 40; x++) {
                image.setRGB(x, y, 0xFF0000);
                image.setRGB(239 - x, y, 0x0000FF);
            }
        }

        ModelInput input = Preprocessor.prepare(image, InputFormat.unnormalised(96, 96, ResizeMode.CENTER_CROP));

        Placement placement = input.placement();
        assertThat(placement.scaleX()).isEqualTo(0.6);
        assertThat(placement.scaleY()).isEqualTo(0.6);
        assertThat(placement.toOriginal(0, 0).x).isCloseTo(40, within(1e-9));
        assertThat(placement.toOriginal(96, 96).x).isCloseTo(200, within(1e-9));
        assertThat(placement.toOriginal(96, 96).y).isCloseTo(160, within(1e-9));
        assertThat(placement.toInput(120, 80)).isEqualTo(point(48, 48));
        for (int y = 0; y < 96; y++) {
            // The filter reaches under a pixel past the cut; the edge columns stay mostly green.
            assertThat(value(input, 1, 0, y)).isGreaterThan(0.75f);
            assertThat(value(input, 1, 95, y)).isGreaterThan(0.75f);
            for (int x = 2; x < 94; x++) {
                assertThat(value(input, 0, x, y)).isZero();
                assertThat(value(input, 1, x, y)).isCloseTo(1f, within(1e-6f));
            }
        }
    }

    /**
     * A model whose mean is not 0 (ImageNet's): a transparent region must reach the model as 0,
     * what it takes for no signal, exactly like the letterbox border; black would be
     * (0 - mean) / std, about -2.
     */
    @Test
    void transparentPixelsAreNoSignalLikeTheLetterboxBorder() {
        BufferedImage argb = new BufferedImage(240, 160, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < 160; y++) {
            for (int x = 0; x < 240; x++) {
                argb.setRGB(x, y, x < 120 ? 0x00FF00FF : 0xFFFFFFFF); // hidden magenta | opaque white
            }
        }
        BufferedImage decoded = new ImageDecoder(1_000_000).decode(TestImages.encode(argb, "png"));

        ModelInput input = Preprocessor.prepare(decoded, new InputFormat(96, 96, IMAGENET_MEAN, IMAGENET_STD,
                ResizeMode.LETTERBOX));

        for (int c = 0; c < 3; c++) {
            float white = (1f - IMAGENET_MEAN[c]) / IMAGENET_STD[c];
            for (int x = 0; x < 96; x++) {
                assertThat(value(input, c, x, 10)).as("border c=%d x=%d", c, x).isZero();
            }
            for (int y = 16; y < 80; y++) {
                for (int x = 0; x < 45; x++) {
                    assertThat(value(input, c, x, y)).as("transparent c=%d x=%d y=%d", c, x, y).isZero();
                }
                for (int x = 51; x < 96; x++) {
                    assertThat(value(input, c, x, y)).isCloseTo(white, within(1e-5f));
                }
            }
        }
        // Where the two halves blend, each colour is the same share of white over the mean: the
        // hidden magenta does not bleed in.
        float share = value(input, 1, 47, 48) * IMAGENET_STD[1] / (1f - IMAGENET_MEAN[1]);
        assertThat(share).isStrictlyBetween(0f, 1f);
        for (int c = 0; c < 3; c++) {
            assertThat(value(input, c, 47, 48) * IMAGENET_STD[c] / (1f - IMAGENET_MEAN[c]))
                    .isCloseTo(share, within(1e-5f));
        }
    }

    @Test
    void halfTransparentPixelsBlendWithTheMeanColour() {
        BufferedImage argb = new BufferedImage(4, 4, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                argb.setRGB(x, y, 0x80FFFFFF);
            }
        }
        BufferedImage decoded = new ImageDecoder(1_000_000).decode(TestImages.encode(argb, "png"));

        ModelInput input = Preprocessor.prepare(decoded, new InputFormat(2, 2, IMAGENET_MEAN, IMAGENET_STD,
                ResizeMode.STRETCH));

        float opacity = 128 / 255f;
        for (int c = 0; c < 3; c++) {
            float pixel = opacity + (1 - opacity) * IMAGENET_MEAN[c];
            assertThat(value(input, c, 1, 1)).isCloseTo((pixel - IMAGENET_MEAN[c]) / IMAGENET_STD[c], within(1e-5f));
        }
    }

    @Test
    void placementMapsBothWays() {
        Placement placement = Placement.of(ResizeMode.CENTER_CROP, 333, 97, 224, 224);

        var there = placement.toInput(12.5, 80.25);
        var back = placement.toOriginal(there.x, there.y);

        assertThat(back.x).isCloseTo(12.5, within(1e-9));
        assertThat(back.y).isCloseTo(80.25, within(1e-9));
        assertThat(placement.isInsideInput(there.x, there.y)).isFalse(); // cut off on the left
        assertThat(placement.isInsideInput(112, 112)).isTrue();
    }

    private static java.awt.geom.Point2D.Double point(double x, double y) {
        return new java.awt.geom.Point2D.Double(x, y);
    }

    private static float value(ModelInput input, int channel, int x, int y) {
        return input.chw()[(channel * input.height() + y) * input.width() + x];
    }
}
