package dev.scorecam.cam;

import java.util.HashMap;
import java.util.Map;
import java.util.stream.IntStream;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * dS^c/dA^k for the target classes of a run, from one backward pass through {@code head}: A is
 * repeated once per distinct class and row t back-propagates dS^{c_t}/d logits, so T classes cost
 * one backward pass of T images.
 *
 * <p>S^c is the class logit y^c, or its softmax probability p^c; then dS^c/dy = p^c (e_c - p).
 */
final class ClassGradients {

    /** For each class, its gradient as (K, h*w) in double. */
    private final Map<Integer, double[][]> byClass = new HashMap<>();

    private ClassGradients() {}

    static ClassGradients of(CamRun run, ScoreType scoreType) {
        ClassGradients result = new ClassGradients();
        int[] distinct = IntStream.of(run.classes).distinct().toArray();
        if (distinct.length == 0) {
            return result;
        }
        int numClasses = run.logits.length;
        float[] outputGradient = new float[distinct.length * numClasses];
        float[] p = ScoreCam.probabilities(run.logits);
        for (int t = 0; t < distinct.length; t++) {
            int c = distinct[t];
            for (int j = 0; j < numClasses; j++) {
                outputGradient[t * numClasses + j] = scoreType == ScoreType.LOGIT
                        ? (j == c ? 1f : 0f)
                        : (float) ((double) p[c] * ((j == c ? 1 : 0) - (double) p[j]));
            }
        }
        Shape shape = run.activations.getShape();
        int channels = (int) shape.get(0);
        int cells = (int) (shape.get(1) * shape.get(2));
        try (NDManager scope = run.activations.getManager().newSubManager()) {
            NDArray activations = run.activations.expandDims(0).repeat(0, distinct.length);
            activations.attach(scope);
            NDArray dy = scope.create(outputGradient, new Shape(distinct.length, numClasses));
            float[] gradient = run.network.headGradient(activations, dy).toFloatArray();
            for (int t = 0; t < distinct.length; t++) {
                double[][] g = new double[channels][cells];
                for (int k = 0; k < channels; k++) {
                    for (int i = 0; i < cells; i++) {
                        g[k][i] = gradient[(t * channels + k) * cells + i];
                    }
                }
                result.byClass.put(distinct[t], g);
            }
        }
        return result;
    }

    /** dS^c/dA as (K, h*w). */
    double[][] of(int c) {
        return byClass.get(c);
    }

    /** A as (K, h*w) in double. */
    static double[][] activations(CamRun run) {
        int channels = run.channels;
        float[] flat = run.activations.toFloatArray();
        int cells = flat.length / channels;
        double[][] a = new double[channels][cells];
        for (int k = 0; k < channels; k++) {
            for (int i = 0; i < cells; i++) {
                a[k][i] = flat[k * cells + i];
            }
        }
        return a;
    }
}
