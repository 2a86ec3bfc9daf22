package dev.scorecam.explain;

import java.util.List;
import java.util.Locale;

/** Turns the client's {@code target} values (indices or labels) and {@code top-k} into classes. */
final class TargetSelection {

    private TargetSelection() {}

    static ChosenTargets resolve(List<String> targets, Integer topK, List<String> labels, int maxTargets) {
        if (!targets.isEmpty() && topK != null) {
            throw Rejection.INVALID_PARAMETER.because("give either 'target' or 'top-k', not both");
        }
        if (targets.isEmpty()) {
            int k = topK == null ? 1 : topK;
            if (k > maxTargets) {
                throw Rejection.TOO_MANY_TARGETS.because("'top-k' is " + k + "; at most " + maxTargets + " per request");
            }
            if (k < 1 || k > labels.size()) {
                throw Rejection.INVALID_PARAMETER.because(
                        "'top-k' must be between 1 and the model's " + labels.size() + " classes, not " + k);
            }
            return ChosenTargets.top(k);
        }
        if (targets.size() > maxTargets) {
            throw Rejection.tooManyTargets(targets.size(), maxTargets);
        }
        return ChosenTargets.of(targets.stream().mapToInt(t -> classIndex(t, labels)).toArray());
    }

    /** A class index, or a label matched without regard to case. */
    static int classIndex(String target, List<String> labels) {
        String value = target.strip();
        if (value.matches("\\d{1,9}")) {
            int index = Integer.parseInt(value);
            if (index < labels.size()) {
                return index;
            }
            throw Rejection.UNKNOWN_TARGET.because(
                    "class index " + index + " is out of range: the model has " + labels.size() + " classes");
        }
        for (int i = 0; i < labels.size(); i++) {
            if (labels.get(i).toLowerCase(Locale.ROOT).equals(value.toLowerCase(Locale.ROOT))) {
                return i;
            }
        }
        throw Rejection.unknownTarget(target);
    }
}
