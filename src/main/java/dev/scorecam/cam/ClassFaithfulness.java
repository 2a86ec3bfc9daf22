package dev.scorecam.cam;

/**
 * How faithful one class's map is ({@link Faithfulness}); probabilities are softmax p_c.
 *
 * @param score Y = p_c(X)
 * @param maskedScore O = p_c(X ⊙ L)
 * @param averageDrop max(0, Y - O) / Y, this image's term of the paper's Average Drop
 * @param increase O > Y, this image's term of the paper's Average Increase
 * @param deletion AUC of p_c as pixels are removed, most salient first (lower is better)
 * @param insertion AUC of p_c as pixels are inserted into the blurred image (higher is better)
 * @param deletionCurve p_c after each of the steps, from X (index 0) to all pixels removed
 * @param insertionCurve p_c after each of the steps, from the blurred image to X
 */
public record ClassFaithfulness(
        int target,
        double score,
        double maskedScore,
        double averageDrop,
        boolean increase,
        double deletion,
        double insertion,
        int steps,
        double[] deletionCurve,
        double[] insertionCurve) {}
