package dev.scorecam.cam;

import java.util.Locale;

/** What Score-CAM reads as the class score S^c of a masked input. */
public enum ScoreType {
    /** The class logit, as in the formula. */
    LOGIT,
    /** The softmax probability of the class, as the authors' code does. */
    PROBABILITY;

    public static ScoreType parse(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "logit" -> LOGIT;
            case "probability" -> PROBABILITY;
            default -> throw new IllegalArgumentException(
                    "score must be 'logit' or 'probability', not '" + value + "'");
        };
    }
}
