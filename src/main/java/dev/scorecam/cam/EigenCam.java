package dev.scorecam.cam;

import ai.djl.ndarray.NDArray;

/**
 * Eigen-CAM (Muhammad and Yeasin, IJCNN 2020, arXiv:2008.00299): the map is the projection of the
 * target layer's activations on their first principal component, whatever the class.
 * <pre>
 *   X   = the (h*w, K) matrix of A, each channel's column centred on its spatial mean
 *   v_1 = the first right singular vector of X (X = U S V^T)
 *   L   = ReLU(X v_1), an h x w map
 * </pre>
 * The centring is pytorch-grad-cam's (the paper's SVD is of A as it is; uncentred, the first
 * component mostly carries the mean activation). The sign of v_1 is arbitrary; it is chosen so
 * that the projection's largest magnitude is positive (|max| >= |min|, Seg-Eigen-CAM's rule; on an
 * exact tie, so that sum_k v_k >= 0). v_1 comes from the eigenvector of the largest eigenvalue of
 * the smaller of X^T X and X X^T (Jacobi's method, in double). The reported weights are v_1. One
 * forward pass, no gradient; every target gets the same map.
 */
public final class EigenCam implements CamMethod {

    @Override
    public CamResult explain(Network network, NDArray input, Targets targets, ScoreKind score, int batchSize,
            Progress progress) {
        CamRun run = CamRun.start(network, input, targets, score);
        double[][] a = TargetGradients.activations(run);
        double[] v = firstComponent(a);
        double[] projection = project(a, v);
        double max = Double.NEGATIVE_INFINITY;
        double min = Double.POSITIVE_INFINITY;
        double sum = 0;
        for (double p : projection) {
            max = Math.max(max, p);
            min = Math.min(min, p);
        }
        for (double vk : v) {
            sum += vk;
        }
        if (-min > max || (-min == max && sum < 0)) {
            for (int k = 0; k < v.length; k++) {
                v[k] = -v[k];
            }
            projection = project(a, v);
        }
        double[] cells = new double[projection.length];
        for (int i = 0; i < cells.length; i++) {
            cells[i] = Math.max(0, projection[i]);
        }
        progress.maskedInputsScored(1, 1);
        int h = (int) run.activations.getShape().get(1);
        int w = (int) run.activations.getShape().get(2);
        Saliency map = CamMath.gridSaliency(run.activations.getManager(), cells, h, w, v, run.height, run.width);
        return run.finishMaps(t -> map);
    }

    /** X v for the centred X of A (K rows of h*w cells). */
    static double[] project(double[][] a, double[] v) {
        int cells = a[0].length;
        double[] p = new double[cells];
        for (int k = 0; k < a.length; k++) {
            double mean = mean(a[k]);
            for (int i = 0; i < cells; i++) {
                p[i] += (a[k][i] - mean) * v[k];
            }
        }
        return p;
    }

    /** v_1, a unit vector of length K (all zero if A is constant per channel). */
    static double[] firstComponent(double[][] a) {
        int channels = a.length;
        int cells = a[0].length;
        double[][] x = new double[channels][cells];                 // X^T, centred
        for (int k = 0; k < channels; k++) {
            double mean = mean(a[k]);
            for (int i = 0; i < cells; i++) {
                x[k][i] = a[k][i] - mean;
            }
        }
        double[] v = new double[channels];
        if (channels <= cells) {
            double[][] covariance = new double[channels][channels];   // X^T X
            for (int k = 0; k < channels; k++) {
                for (int l = k; l < channels; l++) {
                    double s = dot(x[k], x[l]);
                    covariance[k][l] = s;
                    covariance[l][k] = s;
                }
            }
            v = SymmetricEigen.topEigenvector(covariance);
        } else {
            double[][] byCell = new double[cells][channels];          // X, a row per cell: dot products in memory order
            for (int k = 0; k < channels; k++) {
                for (int i = 0; i < cells; i++) {
                    byCell[i][k] = x[k][i];
                }
            }
            double[][] gram = new double[cells][cells];                // X X^T
            for (int i = 0; i < cells; i++) {
                for (int j = i; j < cells; j++) {
                    double s = dot(byCell[i], byCell[j]);
                    gram[i][j] = s;
                    gram[j][i] = s;
                }
            }
            double[] u = SymmetricEigen.topEigenvector(gram);          // v_1 = X^T u_1 / |X^T u_1|
            double norm = 0;
            for (int k = 0; k < channels; k++) {
                v[k] = dot(x[k], u);
                norm += v[k] * v[k];
            }
            norm = Math.sqrt(norm);
            for (int k = 0; k < channels; k++) {
                v[k] = norm == 0 ? 0 : v[k] / norm;
            }
        }
        return v;
    }

    private static double mean(double[] values) {
        double s = 0;
        for (double x : values) {
            s += x;
        }
        return s / values.length;
    }

    private static double dot(double[] x, double[] y) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += x[i] * y[i];
        }
        return s;
    }
}
