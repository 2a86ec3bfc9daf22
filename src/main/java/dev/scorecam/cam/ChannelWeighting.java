package dev.scorecam.cam;

import java.util.Arrays;
import java.util.List;

/**
 * How the Score-CAM family turns the scores of the masked inputs into channel weights alpha_k,
 * the step between scoring ({@link MaskedScores}) and the map L^c = ReLU(sum_k alpha^c_k A^k).
 * With S^c_k the score of X ⊙ M^k (averaged as the method averages it), S^c_b the baseline's, and
 * p^c the class probability (the softmax over the classes of the logits; a detector's box: the
 * matched detection's score):
 * <pre>
 *   softmax        alpha^c_k = softmax_k(S^c_k - S^c_b)             the paper's Eq. (4)-(5), default
 *   probability    alpha^c_k = p^c(X ⊙ M^k)                         the authors' published code
 *   relu-increase  alpha^c_k = max(0, p^c(X ⊙ M^k) - p^c(X_b))      only channels that raise p^c
 * </pre>
 * The softmax ranges over the method's channels (all K; Faster Score-CAM's chosen ones), so a
 * constant channel, never scored, weighs exp(0) like any channel with S_k = S_b. The two others
 * read probabilities whatever {@code score} says (their names say what they weigh by), and give 0
 * to every channel not scored, as the authors' code skips a constant channel. A softmax over
 * score differences of similar size flattens the weights towards 1/K, a mean of the activations
 * shared by every class; the two others keep the scale of each channel's own evidence.
 */
public enum ChannelWeighting {
    SOFTMAX("softmax"),
    PROBABILITY("probability"),
    RELU_INCREASE("relu-increase");

    private final String parameterValue;

    ChannelWeighting(String parameterValue) {
        this.parameterValue = parameterValue;
    }

    /** The value of the {@code weighting} parameter that asks for it. */
    public String parameterValue() {
        return parameterValue;
    }

    static List<String> parameterValues() {
        return Arrays.stream(values()).map(ChannelWeighting::parameterValue).toList();
    }

    /** @throws IllegalArgumentException for a value that is not one of {@link #parameterValues()} */
    static ChannelWeighting of(String parameterValue) {
        return Arrays.stream(values()).filter(w -> w.parameterValue.equals(parameterValue)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no channel weighting '" + parameterValue + "'"));
    }

    /**
     * alpha^c_k for one target (by its place in the run's targets) over every channel of the layer.
     *
     * @param over ascending channel indices the softmax ranges over; the others weigh 0
     */
    double[] weights(MaskedScores scores, int target, int[] over) {
        return switch (this) {
            case SOFTMAX -> CamMath.softmaxWeights(scores.differences(target), over);
            case PROBABILITY -> scores.probabilities(target);
            case RELU_INCREASE -> reluIncrease(scores.probabilityIncreases(target));
        };
    }

    private static double[] reluIncrease(double[] increases) {
        double[] weights = new double[increases.length];
        for (int k = 0; k < increases.length; k++) {
            weights[k] = Math.max(0, increases[k]);
        }
        return weights;
    }
}
