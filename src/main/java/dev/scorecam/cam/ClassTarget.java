package dev.scorecam.cam;

/** A class of a classifier, scored by its logit y^c or its softmax probability p^c. */
public record ClassTarget(int classIndex, ScoreKind kind) implements Target {

    @Override
    public float score(float[] logits) {
        return kind == ScoreKind.LOGIT ? logits[classIndex] : CamMath.probabilities(logits)[classIndex];
    }

    /** p^c, the softmax probability, whatever the score kind. */
    @Override
    public double probability(float[] logits) {
        return CamMath.softmax(logits)[classIndex];
    }

    /** e_c for the logit; for the probability dp^c/dy = p^c (e_c - p). */
    @Override
    public float[] scoreGradient(float[] logits) {
        float[] gradient = new float[logits.length];
        if (kind == ScoreKind.LOGIT) {
            gradient[classIndex] = 1f;
            return gradient;
        }
        float[] p = CamMath.probabilities(logits);
        for (int j = 0; j < logits.length; j++) {
            gradient[j] = (float) ((double) p[classIndex] * ((j == classIndex ? 1 : 0) - (double) p[j]));
        }
        return gradient;
    }
}
