package dev.scorecam.imaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ExifOrientationTest {

    /** Stored 3x2 image "abc/def"; each orientation's upright result, rows separated by '/'. */
    @ParameterizedTest
    @CsvSource({
            "1, abc/def", "2, cba/fed", "3, fed/cba", "4, def/abc",
            "5, ad/be/cf", "6, da/eb/fc", "7, fc/eb/da", "8, cf/be/ad"})
    void makesEveryOrientationUpright(int orientation, String expected) {
        BufferedImage stored = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
        String letters = "abcdef";
        for (int i = 0; i < 6; i++) {
            stored.setRGB(i % 3, i / 3, letters.charAt(i));
        }

        BufferedImage upright = new ExifOrientation(orientation).apply(stored);

        StringBuilder actual = new StringBuilder();
        for (int y = 0; y < upright.getHeight(); y++) {
            actual.append(y > 0 ? "/" : "");
            for (int x = 0; x < upright.getWidth(); x++) {
                actual.append((char) (upright.getRGB(x, y) & 0xFFFFFF));
            }
        }
        assertThat(actual).hasToString(expected);
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void readsTheTagInEitherByteOrder(boolean bigEndian) {
        byte[] jpeg = TestImages.withExifOrientation(TestImages.encode(TestImages.solid(4, 4, 0), "jpeg"), 6, bigEndian);

        assertThat(ExifOrientation.of(jpeg).value()).isEqualTo(6);
    }

    @Test
    void withoutExifTheImageIsUpright() {
        assertThat(ExifOrientation.of(TestImages.encode(TestImages.solid(4, 4, 0), "jpeg"))).isEqualTo(ExifOrientation.UPRIGHT);
    }

    @Test
    void malformedExifIsIgnoredNotFatal() {
        byte[] jpeg = TestImages.withExifOrientation(TestImages.encode(TestImages.solid(4, 4, 0), "jpeg"), 6, true);
        byte[] badOrder = jpeg.clone();
        badOrder[12] = 'X';                                  // TIFF byte order mark
        byte[] badValue = jpeg.clone();
        badValue[31] = 9;                                    // orientation 9 does not exist
        byte[] cut = Arrays.copyOf(jpeg, 20);                // segment runs past the end

        assertThat(ExifOrientation.of(badOrder)).isEqualTo(ExifOrientation.UPRIGHT);
        assertThat(ExifOrientation.of(badValue)).isEqualTo(ExifOrientation.UPRIGHT);
        assertThat(ExifOrientation.of(cut)).isEqualTo(ExifOrientation.UPRIGHT);
    }
}
