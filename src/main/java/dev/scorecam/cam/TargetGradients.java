package dev.scorecam.cam;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * dS/dA^k for the targets of a run, from one backward pass through {@code head}: A is repeated
 * once per distinct target and row t back-propagates that target's dS/d logits
 * ({@link Target#scoreGradient}), so T targets cost one backward pass of T images.
 */
final class TargetGradients {

    private final List<Target> targets;
    /** For each distinct target, its gradient as (K, h*w) in double. */
    private final Map<Target, double[][]> byTarget = new HashMap<>();

    private TargetGradients(List<Target> targets) {
        this.targets = targets;
    }

    static TargetGradients of(CamRun run) {
        TargetGradients result = new TargetGradients(run.targets);
        List<Target> distinct = run.targets.stream().distinct().toList();
        if (distinct.isEmpty()) {
            return result;
        }
        int numClasses = run.logits.length;
        float[] outputGradient = new float[distinct.size() * numClasses];
        for (int t = 0; t < distinct.size(); t++) {
            System.arraycopy(distinct.get(t).scoreGradient(run.logits), 0, outputGradient, t * numClasses, numClasses);
        }
        Shape shape = run.activations.getShape();
        int channels = (int) shape.get(0);
        int cells = (int) (shape.get(1) * shape.get(2));
        try (NDManager scope = run.activations.getManager().newSubManager()) {
            NDArray activations = run.activations.expandDims(0).repeat(0, distinct.size());
            activations.attach(scope);
            NDArray dy = scope.create(outputGradient, new Shape(distinct.size(), numClasses));
            float[] gradient = run.network.headGradient(activations, dy).toFloatArray();
            for (int t = 0; t < distinct.size(); t++) {
                double[][] g = new double[channels][cells];
                for (int k = 0; k < channels; k++) {
                    for (int i = 0; i < cells; i++) {
                        g[k][i] = gradient[(t * channels + k) * cells + i];
                    }
                }
                result.byTarget.put(distinct.get(t), g);
            }
        }
        return result;
    }

    /** dS/dA as (K, h*w) for the run's target at place {@code t}. */
    double[][] of(int t) {
        return byTarget.get(targets.get(t));
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
