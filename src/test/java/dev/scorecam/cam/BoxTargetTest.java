package dev.scorecam.cam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A detector's box scored on hand-made output rows, against overlaps worked out by hand. */
class BoxTargetTest {

    static final int TROUSER = 1;
    static final Box BOX = new Box(10, 10, 50, 50);

    /** One output row of detections {x0, y0, x1, y1, score, class}, in order. */
    static float[] row(float[]... detections) {
        float[] row = new float[detections.length * Detection.WIDTH];
        for (int d = 0; d < detections.length; d++) {
            System.arraycopy(detections[d], 0, row, d * Detection.WIDTH, Detection.WIDTH);
        }
        return row;
    }

    static float[] detection(float x0, float y0, float x1, float y1, float score, int classIndex) {
        return new float[] {x0, y0, x1, y1, score, classIndex};
    }

    static final float[] PADDING = detection(0, 0, 0, 0, 0, -1);

    @Test
    void intersectionOverUnionIsTheSharedAreaOverTheCoveredArea() {
        // 40x40 boxes shifted by 20 both ways share 20x20 = 400 of 1600 + 1600 - 400 = 2800.
        assertThat(BOX.iou(new Box(30, 30, 70, 70))).isCloseTo(400.0 / 2800, within(1e-12));
        // Shifted by 2 along x: 38 x 40 = 1520 shared of 3200 - 1520 = 1680.
        assertThat(BOX.iou(new Box(12, 10, 52, 50))).isCloseTo(1520.0 / 1680, within(1e-12));
        assertThat(BOX.iou(BOX)).isEqualTo(1.0);
        assertThat(BOX.iou(new Box(60, 60, 70, 70))).isZero();
        assertThat(BOX.iou(new Box(20, 20, 20, 30))).as("an empty box overlaps nothing").isZero();
    }

    @Test
    void scoresTheDetectionOfItsClassThatOverlapsBestNotTheBestScored() {
        float[] row = row(
                detection(30, 30, 70, 70, 0.9f, TROUSER),   // IoU 1/7: too little
                detection(10, 10, 50, 50, 0.8f, 2),         // the very box, another class
                detection(12, 10, 52, 50, 0.6f, TROUSER),   // IoU 0.905
                detection(10, 10, 50, 50, 0.3f, TROUSER),   // IoU 1: the match
                PADDING);
        BoxTarget target = new BoxTarget(TROUSER, BOX, ScoreKind.PROBABILITY, BoxRule.MATCH);

        assertThat(target.score(row)).isEqualTo(0.3f);
        assertThat(target.match(row)).get().extracting(Detection::index).isEqualTo(3);
        assertThat(target.probability(row)).isEqualTo(0.3f, within(1e-7));
        float[] gradient = target.scoreGradient(row);
        assertThat(gradient[3 * Detection.WIDTH + 4]).isEqualTo(1f);
        float sum = 0;
        for (float g : gradient) {
            sum += g;
        }
        assertThat(sum).as("one entry only").isEqualTo(1f);
    }

    @Test
    void onTheLogitScaleScoresLogOddsAndNoDetectionAsTheLowestScore() {
        BoxTarget target = new BoxTarget(TROUSER, BOX, ScoreKind.LOGIT, BoxRule.MATCH);
        // log(0.3 / 0.7)
        assertThat(target.score(row(detection(10, 10, 50, 50, 0.3f, TROUSER)))).isCloseTo(-0.847298f, within(1e-5f));
        // p = 0 clipped to 1e-4: log(1e-4 / 0.9999)
        assertThat(target.score(row(PADDING))).isCloseTo(-9.210240f, within(1e-5f));
        assertThat(target.probability(row(PADDING))).isZero();
        // dS/dp = 1 / (p (1 - p)) = 1 / 0.21
        assertThat(target.scoreGradient(row(detection(10, 10, 50, 50, 0.3f, TROUSER)))[4])
                .isCloseTo(4.761905f, within(1e-4f));
    }

    @Test
    void anOverlapOfExactlyHalfCountsAndLessDoesNot() {
        Box square = new Box(0, 0, 10, 10);
        BoxTarget target = new BoxTarget(TROUSER, square, ScoreKind.PROBABILITY, BoxRule.MATCH);
        // 100 shared of 200: IoU 0.5 exactly.
        assertThat(target.score(row(detection(0, 0, 20, 10, 0.7f, TROUSER)))).isEqualTo(0.7f);
        // 100 shared of 210: just under.
        assertThat(target.score(row(detection(0, 0, 21, 10, 0.7f, TROUSER)))).isZero();
    }

    @Test
    void byOverlapScoresTheBestScoreTimesIouOfItsClassWithoutACut() {
        float[] row = row(
                detection(30, 30, 70, 70, 0.9f, TROUSER),   // 0.9 x 1/7 = 0.129
                detection(10, 10, 50, 50, 0.8f, 2),         // the very box, another class
                detection(10, 10, 30, 50, 0.7f, TROUSER),   // half the box: 0.7 x 0.5 = 0.35, the best
                detection(12, 10, 52, 50, 0.3f, TROUSER),   // 0.3 x 0.905 = 0.271
                PADDING);
        BoxTarget target = new BoxTarget(TROUSER, BOX, ScoreKind.PROBABILITY, BoxRule.OVERLAP);

        assertThat(target.match(row)).get().extracting(Detection::index).isEqualTo(2);
        assertThat(target.probability(row)).isCloseTo(0.35, within(1e-7));
        assertThat(target.score(row)).isCloseTo(0.35f, within(1e-7f));
        // dp/dscore = IoU
        assertThat(target.scoreGradient(row)[2 * Detection.WIDTH + 4]).isCloseTo(0.5f, within(1e-7f));
        // The match rule finds no detection of IoU 0.5 or more but the 0.3 one.
        assertThat(new BoxTarget(TROUSER, BOX, ScoreKind.PROBABILITY, BoxRule.MATCH).score(row)).isEqualTo(0.3f);
    }

    @Test
    void byOverlapAPartOfTheBoxKeepsAShareOfTheScoreWhereTheMatchRuleKeepsNone() {
        // A quarter of the box (IoU 0.25) found at 0.8.
        float[] quarter = row(detection(10, 10, 30, 30, 0.8f, TROUSER));
        assertThat(new BoxTarget(TROUSER, BOX, ScoreKind.PROBABILITY, BoxRule.OVERLAP).score(quarter))
                .isCloseTo(0.2f, within(1e-6f));
        assertThat(new BoxTarget(TROUSER, BOX, ScoreKind.PROBABILITY, BoxRule.MATCH).score(quarter)).isZero();
        // logit(0.2) = log(0.25); dS/dscore = IoU / (p (1 - p)) = 0.25 / 0.16
        BoxTarget logit = new BoxTarget(TROUSER, BOX, ScoreKind.LOGIT, BoxRule.OVERLAP);
        assertThat(logit.score(quarter)).isCloseTo((float) Math.log(0.25), within(1e-5f));
        assertThat(logit.scoreGradient(quarter)[4]).isCloseTo(1.5625f, within(1e-4f));
        // No overlap at all: no detection, the lowest score.
        float[] apart = row(detection(60, 60, 70, 70, 0.9f, TROUSER));
        assertThat(logit.match(apart)).isEmpty();
        assertThat(logit.score(apart)).isCloseTo(-9.210240f, within(1e-5f));
        assertThat(logit.scoreGradient(apart)).containsOnly(0f);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(BoxRule.class)
    void scoresZeroWithoutAMatchAndIgnoresPadding(BoxRule rule) {
        BoxTarget target = new BoxTarget(TROUSER, BOX, ScoreKind.PROBABILITY, rule);
        assertThat(target.score(row(PADDING, PADDING))).isZero();
        // A padding row on the very box, with a score, is still padding.
        assertThat(target.score(row(detection(10, 10, 50, 50, 0.9f, -1)))).isZero();
        assertThat(target.score(row(detection(10, 10, 50, 50, 0.9f, 7)))).isZero();
        assertThat(target.scoreGradient(row(PADDING))).containsOnly(0f);
    }

    @Test
    void detectionsAreNumberedInTheDetectorsOrderWithoutThePadding() {
        var detections = Detection.of(row(detection(1, 2, 3, 4, 0.9f, 5), PADDING, detection(5, 6, 7, 8, 0.2f, 0)));
        assertThat(detections).containsExactly(
                new Detection(0, new Box(1, 2, 3, 4), 0.9f, 5),
                new Detection(1, new Box(5, 6, 7, 8), 0.2f, 0));
    }
}
