package dev.scorecam.cam;

import java.util.Locale;

/** What is read as a class's score S^c from the network's logits. */
public enum ScoreKind {
    /** The class logit, as in the formulas. */
    LOGIT,
    /** The softmax probability of the class, as Score-CAM's authors' code does. */
    PROBABILITY;

    public static ScoreKind parse(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "logit" -> LOGIT;
            case "probability" -> PROBABILITY;
            default -> throw new IllegalArgumentException(
                    "score must be 'logit' or 'probability', not '" + value + "'");
        };
    }
}
