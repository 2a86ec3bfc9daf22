package dev.scorecam.explain;

import static dev.scorecam.cam.BoxRule.OVERLAP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import dev.scorecam.cam.Box;
import dev.scorecam.cam.Detection;
import dev.scorecam.imaging.Placement;
import dev.scorecam.imaging.ResizeMode;

/**
 * A detector's box between the upload's pixels and the model input's, for each resize mode,
 * against placements worked out by hand, and the refusals of what cannot be explained.
 */
class BoxSelectionTest {

    static final List<String> LABELS = List.of("T-shirt/top", "Trouser");

    static Rejection rejection(Runnable call) {
        try {
            call.run();
        } catch (RequestRejectedException e) {
            return e.rejection();
        }
        throw new AssertionError("not refused");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1,2,3", "1,2,3,4,5", "a,2,3,4", "NaN,2,3,4", "1,2,Infinity,4", "0x1p3,2,30,40", "", "1e1,2,30,40"})
    void aBoxIsFourPlainNumbers(String box) {
        assertThat(rejection(() -> BoxSelection.parse(box))).isEqualTo(Rejection.INVALID_BOX);
    }

    @ParameterizedTest
    @ValueSource(strings = {"10,2,10,4", "10,2,5,4", "1,4,3,4"})
    void anEmptyBoxIsInvalid(String box) {
        assertThat(rejection(() -> BoxSelection.parse(box))).isEqualTo(Rejection.INVALID_BOX);
    }

    @Test
    void spacesAndDecimalsAreFine() {
        assertThat(BoxSelection.parse(" 1.5, 2 ,30,40.25")).isEqualTo(new Box(1.5, 2, 30, 40.25));
    }

    /** Stretch of 200x100 onto 128x128: x * 0.64, y * 1.28. */
    @Test
    void stretchScalesEachAxis() {
        Placement p = Placement.of(ResizeMode.STRETCH, 200, 100, 128, 128);
        ChosenBox box = BoxSelection.ofBox(new Box(50, 25, 150, 75), "50,25,150,75", "Trouser", LABELS, p, OVERLAP);
        assertThat(box.classIndex()).isEqualTo(1);
        assertBox(box.inInput(), 32, 32, 96, 96);
        assertBox(box.inImage(), 50, 25, 150, 75);
        assertThat(box.detection()).isEqualTo(-1);
    }

    /** Letterbox of 200x100 onto 128x128: scale 0.64, content 128x64 at offset (0, 32). */
    @Test
    void letterboxScalesUniformlyAndShiftsIntoTheBand() {
        Placement p = Placement.of(ResizeMode.LETTERBOX, 200, 100, 128, 128);
        ChosenBox box = BoxSelection.ofBox(new Box(50, 25, 150, 75), "50,25,150,75", "1", LABELS, p, OVERLAP);
        assertBox(box.inInput(), 32, 48, 96, 80);
        // A detection on the border band reaches past the image when carried back: -50 and 150 rows.
        assertBox(BoxSelection.inImage(new Box(0, 0, 128, 128), p), 0, -50, 200, 150);
    }

    /** Center-crop of 200x100 onto 128x128: scale 1.28, the 256 px wide image shifted by -64. */
    @Test
    void centerCropClipsToWhatTheModelSeesAndRefusesABoxItCannotSee() {
        Placement p = Placement.of(ResizeMode.CENTER_CROP, 200, 100, 128, 128);
        ChosenBox box = BoxSelection.ofBox(new Box(20, 0, 100, 100), "20,0,100,100", "1", LABELS, p, OVERLAP);
        assertBox(box.inInput(), 0, 0, 64, 128);          // 20 * 1.28 - 64 < 0: clipped to the input's edge
        assertBox(box.inImage(), 20, 0, 100, 100);        // as the client gave it
        assertThat(rejection(() -> BoxSelection.ofBox(new Box(0, 0, 40, 100), "0,0,40,100", "1", LABELS, p, OVERLAP)))
                .as("wholly in the cropped-away margin").isEqualTo(Rejection.BOX_OUTSIDE_IMAGE);
    }

    @Test
    void aBoxMustLieInsideTheImage() {
        Placement p = Placement.of(ResizeMode.STRETCH, 200, 100, 128, 128);
        assertThat(rejection(() -> BoxSelection.ofBox(new Box(0, 0, 201, 50), "0,0,201,50", "1", LABELS, p, OVERLAP)))
                .isEqualTo(Rejection.BOX_OUTSIDE_IMAGE);
        assertThat(rejection(() -> BoxSelection.ofBox(new Box(0, -0.5, 20, 50), "0,-0.5,20,50", "1", LABELS, p, OVERLAP)))
                .isEqualTo(Rejection.BOX_OUTSIDE_IMAGE);
        assertThat(rejection(() -> BoxSelection.ofBox(new Box(0, 0, 200, 100), "0,0,200,100", "Giraffe", LABELS, p, OVERLAP)))
                .isEqualTo(Rejection.UNKNOWN_TARGET);
        assertThat(BoxSelection.ofBox(new Box(0, 0, 200, 100), "0,0,200,100", "0", LABELS, p, OVERLAP).inInput())
                .isEqualTo(new Box(0, 0, 128, 128));
    }

    @Test
    void aDetectionIsNamedByItsIndexAndCarriedBackToTheImage() {
        Placement p = Placement.of(ResizeMode.STRETCH, 200, 100, 128, 128);
        List<Detection> found = List.of(new Detection(0, new Box(32, 32, 96, 96), 0.9f, 1),
                new Detection(1, new Box(0, 0, 64, 64), 0.4f, 0));
        ChosenBox second = BoxSelection.ofDetection(1, () -> found, p, OVERLAP);
        assertThat(second.classIndex()).isZero();
        assertThat(second.detection()).isEqualTo(1);
        assertBox(second.inImage(), 0, 0, 100, 50);
        assertThat(rejection(() -> BoxSelection.ofDetection(2, () -> found, p, OVERLAP))).isEqualTo(Rejection.UNKNOWN_DETECTION);
        assertThatThrownBy(() -> BoxSelection.ofDetection(0, List::of, p, OVERLAP))
                .isInstanceOf(RequestRejectedException.class).hasMessageContaining("found nothing");
    }

    static void assertBox(Box box, double x0, double y0, double x1, double y1) {
        assertThat(box.x0()).isCloseTo(x0, within(1e-9));
        assertThat(box.y0()).isCloseTo(y0, within(1e-9));
        assertThat(box.x1()).isCloseTo(x1, within(1e-9));
        assertThat(box.y1()).isCloseTo(y1, within(1e-9));
    }
}
