package dev.scorecam.cam;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

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
 * the smaller of X^T X and X X^T (EJML's symmetric QR algorithm, in double). The reported weights
 * are v_1. One forward pass, no gradient; every target gets the same map.
 */
public final class EigenCam implements CamMethod {

    @Override
    public CamResult explain(Network network, NDArray input, Targets targets, ScoreKind score, int batchSize,
            Progress progress) {
        CamRun run = CamRun.start(network, input, targets, score);
        Component component = firstComponent(run.activations);
        double[] v = component.weights();
        double[] projection = component.projection();
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
            for (int i = 0; i < projection.length; i++) {
                projection[i] = -projection[i];
            }
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

    /** v_1 and the projection X v_1 on the h*w cells. */
    record Component(double[] weights, double[] projection) {}

    /**
     * v_1 (all zero if A is constant per channel) and X v_1, from A (K,h,w). The products run in
     * the engine in double, the small eigenproblem in EJML.
     */
    static Component firstComponent(NDArray activations) {
        int channels = (int) activations.getShape().get(0);
        try (NDManager scope = activations.getManager().newSubManager()) {
            NDArray a = activations.reshape(channels, -1).toType(DataType.FLOAT64, true);
            a.attach(scope);
            NDArray xt = a.sub(a.mean(new int[] {1}, true));                       // X^T: a row per channel, centred
            int cells = (int) xt.getShape().get(1);
            NDArray v;
            if (channels <= cells) {
                v = scope.create(topEigenvector(xt.matMul(xt.transpose()), channels), new Shape(channels, 1));
            } else {                                                               // v_1 = X^T u_1 / |X^T u_1|
                NDArray u = scope.create(topEigenvector(xt.transpose().matMul(xt), cells), new Shape(cells, 1));
                v = xt.matMul(u);
                double norm = v.norm().getDouble();
                v = norm == 0 ? v.zerosLike() : v.div(norm);
            }
            return new Component(v.toDoubleArray(), xt.transpose().matMul(v).toDoubleArray());
        }
    }

    /** A unit eigenvector of the largest eigenvalue of an n x n symmetric matrix. */
    private static double[] topEigenvector(NDArray symmetric, int n) {
        EigenDecomposition_F64<DMatrixRMaj> eigen = DecompositionFactory_DDRM.eig(n, true, true);
        if (!eigen.decompose(DMatrixRMaj.wrap(n, n, symmetric.toDoubleArray()))) {
            throw new ArithmeticException("the symmetric eigendecomposition did not converge");
        }
        int top = 0;
        for (int i = 1; i < eigen.getNumberOfEigenvalues(); i++) {
            if (eigen.getEigenvalue(i).real > eigen.getEigenvalue(top).real) {
                top = i;
            }
        }
        return eigen.getEigenVector(top).data.clone();
    }
}
