package dev.scorecam.imaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class InputFormatTest {

    private static final float[] MEAN = {0.485f, 0.456f, 0.406f};
    private static final float[] STD = {0.229f, 0.224f, 0.225f};

    @Test
    void parsesResizeModesCaseInsensitively() {
        assertThat(ResizeMode.parse("stretch")).isEqualTo(ResizeMode.STRETCH);
        assertThat(ResizeMode.parse("LetterBox")).isEqualTo(ResizeMode.LETTERBOX);
        assertThat(ResizeMode.parse("CENTER-CROP")).isEqualTo(ResizeMode.CENTER_CROP);
        assertThat(ResizeMode.CENTER_CROP.id()).isEqualTo("center-crop");
    }

    @Test
    void unknownResizeModeNamesTheAllowedValues() {
        assertThatThrownBy(() -> ResizeMode.parse("center_crop"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("stretch, letterbox, center-crop");
        assertThatThrownBy(() -> ResizeMode.parse(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectsImpossibleFormats() {
        assertThatThrownBy(() -> new InputFormat(0, 96, MEAN, STD, ResizeMode.STRETCH))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new InputFormat(96, 96, new float[] {0, 0}, STD, ResizeMode.STRETCH))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("mean");
        assertThatThrownBy(() -> new InputFormat(96, 96, MEAN, new float[] {1, 0, 1}, ResizeMode.STRETCH))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("std");
        assertThatThrownBy(() -> new InputFormat(96, 96, MEAN, new float[] {1, Float.NaN, 1}, ResizeMode.STRETCH))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new InputFormat(96, 96, MEAN, STD, null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void cannotBeChangedThroughItsArrays() {
        float[] mean = MEAN.clone();
        InputFormat format = new InputFormat(224, 224, mean, STD, ResizeMode.CENTER_CROP);

        mean[0] = 9;
        format.mean()[1] = 9;

        assertThat(format.mean()).containsExactly(MEAN);
        assertThat(format).isEqualTo(new InputFormat(224, 224, MEAN, STD, ResizeMode.CENTER_CROP));
    }
}
