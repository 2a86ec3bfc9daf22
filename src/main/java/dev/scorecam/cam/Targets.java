package dev.scorecam.cam;

import java.util.Comparator;
import java.util.stream.IntStream;

/** Which classes to explain, chosen once the input's own logits are known. */
@FunctionalInterface
public interface Targets {

    int[] select(float[] logits);

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
