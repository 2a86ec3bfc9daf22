package dev.scorecam.cam;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/** Which classes to explain, chosen once the input's own logits are known. */
@FunctionalInterface
public interface Targets {

    int[] select(float[] logits);

    /**
     * The targets a run explains, given the input's own output row: by default the classes
     * {@link #select} chooses, each scored as {@code score} says.
     *
     * @throws IllegalArgumentException for a class the output has not
     */
    default List<Target> resolve(float[] logits, ScoreKind score) {
        List<Target> chosen = new ArrayList<>();
        for (int c : select(logits)) {
            if (c < 0 || c >= logits.length) {
                throw new IllegalArgumentException("target class " + c + " is not in [0," + logits.length + ")");
            }
            chosen.add(new ClassTarget(c, score));
        }
        return List.copyOf(chosen);
    }

    /** The given class indices, in the given order. */
    static Targets of(int... classes) {
        int[] copy = classes.clone();
        return logits -> copy;
    }

    /** The k classes with the highest logits, best first. */
    static Targets topK(int k) {
        return logits -> IntStream.range(0, logits.length)
                .boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> logits[i]).reversed())
                .limit(k)
                .mapToInt(Integer::intValue)
                .toArray();
    }
}
