package dev.scorecam.imaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class PngEncoderTest {

    @Test
    void roundTripsRgb() throws IOException {
        BufferedImage image = TestImages.noise(9, 4, 5);

        byte[] png = PngEncoder.encode(image);

        assertThat(png).startsWith(0x89, 'P', 'N', 'G');
        BufferedImage back = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(ImageDecoderTest.pixels(back)).isEqualTo(ImageDecoderTest.pixels(image));
    }

    @Test
    void keepsTransparency() throws IOException {
        BufferedImage image = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB);
        image.setRGB(0, 0, 0xFF123456);

        BufferedImage back = ImageIO.read(new ByteArrayInputStream(PngEncoder.encode(image)));

        assertThat(back.getRGB(0, 0)).isEqualTo(0xFF123456);
        assertThat(back.getRGB(1, 0) >>> 24).isZero();
    }
}
