package dev.scorecam.imaging;

import static dev.scorecam.imaging.TestImages.blue;
import static dev.scorecam.imaging.TestImages.green;
import static dev.scorecam.imaging.TestImages.red;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class ColormapTest {

    @Test
    void jetRunsFromDarkBlueToDarkRed() {
        assertThat(Colormap.JET.rgb(0f)).isEqualTo(0x000080);
        assertThat(Colormap.JET.rgb(1f)).isEqualTo(0x800000);
        int middle = Colormap.JET.rgb(0.5f);
        assertThat(green(middle)).isEqualTo(255);
        assertThat(red(middle)).isBetween(126, 130);
        assertThat(blue(middle)).isBetween(126, 130);
    }

    @Test
    void grayIsMonotoneFromBlackToWhite() {
        assertThat(Colormap.GRAY.rgb(0f)).isZero();
        assertThat(Colormap.GRAY.rgb(1f)).isEqualTo(0xFFFFFF);
        int previous = -1;
        for (int i = 0; i <= 1000; i++) {
            int rgb = Colormap.GRAY.rgb(i / 1000f);
            assertThat(red(rgb)).isEqualTo(green(rgb)).isEqualTo(blue(rgb)).isGreaterThanOrEqualTo(previous);
            previous = red(rgb);
        }
    }

    @ParameterizedTest
    @EnumSource(Colormap.class)
    void valuesOutsideTheRangeAreClampedAndNaNIsZero(Colormap map) {
        assertThat(map.rgb(-3f)).isEqualTo(map.rgb(0f));
        assertThat(map.rgb(Float.NaN)).isEqualTo(map.rgb(0f));
        assertThat(map.rgb(7f)).isEqualTo(map.rgb(1f));
        assertThat(map.rgb(Float.POSITIVE_INFINITY)).isEqualTo(map.rgb(1f));
    }

    /** Reference colours from matplotlib's 256-entry tables, at entry {@code index}. */
    @ParameterizedTest
    @CsvSource({
            "VIRIDIS, 0, 440154", "VIRIDIS, 37, 46337f", "VIRIDIS, 100, 2a768e", "VIRIDIS, 128, 21918c",
            "VIRIDIS, 170, 35b779", "VIRIDIS, 222, a8db34", "VIRIDIS, 255, fde725",
            "INFERNO, 0, 000004", "INFERNO, 37, 290b55", "INFERNO, 100, 902568", "INFERNO, 170, ed6925",
            "INFERNO, 222, f9c72f", "INFERNO, 255, fcffa4",
            "TURBO, 0, 30123b", "TURBO, 37, 4778f0", "TURBO, 100, 3ff68a", "TURBO, 170, faba39",
            "TURBO, 222, d43305", "TURBO, 255, 7a0403"})
    void anchorTablesStayCloseToMatplotlib(Colormap map, int index, String hex) {
        int expected = Integer.parseInt(hex, 16);
        int actual = map.rgb(index / 255f);

        assertThat(Math.abs(red(actual) - red(expected))).isLessThanOrEqualTo(7);
        assertThat(Math.abs(green(actual) - green(expected))).isLessThanOrEqualTo(7);
        assertThat(Math.abs(blue(actual) - blue(expected))).isLessThanOrEqualTo(7);
    }

    @Test
    void parsesNamesCaseInsensitively() {
        assertThat(Colormap.parse("jet")).isEqualTo(Colormap.JET);
        assertThat(Colormap.parse("Viridis")).isEqualTo(Colormap.VIRIDIS);
        assertThat(Colormap.parse("TURBO")).isEqualTo(Colormap.TURBO);
        assertThat(Colormap.parse("grey")).isEqualTo(Colormap.GRAY);
    }

    @Test
    void unknownNamesListTheChoices() {
        assertThatThrownBy(() -> Colormap.parse("rainbow"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rainbow")
                .hasMessageContaining("jet, turbo, viridis, inferno, gray");
    }
}
