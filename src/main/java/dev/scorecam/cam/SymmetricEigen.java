package dev.scorecam.cam;

/**
 * The eigenvector of the largest eigenvalue of a real symmetric matrix by the cyclic Jacobi
 * method (Golub and Van Loan, Matrix Computations, section 8.5): rotations zero the off-diagonal
 * entries sweep by sweep until they are negligible next to the diagonal. Accurate to rounding for
 * the small matrices of Eigen-CAM (at most min(K, h*w) rows).
 */
final class SymmetricEigen {

    private static final int MAX_SWEEPS = 100;

    private SymmetricEigen() {}

    /** A unit eigenvector of the largest eigenvalue of {@code symmetric} (not modified). */
    static double[] topEigenvector(double[][] symmetric) {
        int n = symmetric.length;
        double[][] a = new double[n][];
        double[][] vectors = new double[n][n];                  // columns: the eigenvectors
        for (int i = 0; i < n; i++) {
            a[i] = symmetric[i].clone();
            vectors[i][i] = 1;
        }
        for (int sweep = 0; sweep < MAX_SWEEPS && offDiagonal(a) > 1e-30 * diagonal(a); sweep++) {
            for (int p = 0; p < n - 1; p++) {
                for (int q = p + 1; q < n; q++) {
                    if (a[p][q] != 0) {
                        rotate(a, vectors, p, q);
                    }
                }
            }
        }
        int top = 0;
        for (int i = 1; i < n; i++) {
            if (a[i][i] > a[top][top]) {
                top = i;
            }
        }
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = vectors[i][top];
        }
        return v;
    }

    /** Zeroes a[p][q] by the rotation of the classical Jacobi step, applied to a and the vectors. */
    private static void rotate(double[][] a, double[][] vectors, int p, int q) {
        double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
        double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        if (theta == 0) {
            t = 1;
        }
        double c = 1 / Math.sqrt(t * t + 1);
        double s = t * c;
        int n = a.length;
        for (int k = 0; k < n; k++) {                            // A <- A J (columns p, q)
            double akp = a[k][p];
            double akq = a[k][q];
            a[k][p] = c * akp - s * akq;
            a[k][q] = s * akp + c * akq;
        }
        for (int k = 0; k < n; k++) {                            // A <- J^T A (rows p, q)
            double apk = a[p][k];
            double aqk = a[q][k];
            a[p][k] = c * apk - s * aqk;
            a[q][k] = s * apk + c * aqk;
        }
        a[p][q] = 0;
        a[q][p] = 0;
        for (int k = 0; k < n; k++) {
            double vkp = vectors[k][p];
            double vkq = vectors[k][q];
            vectors[k][p] = c * vkp - s * vkq;
            vectors[k][q] = s * vkp + c * vkq;
        }
    }

    private static double offDiagonal(double[][] a) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a.length; j++) {
                if (i != j) {
                    s += a[i][j] * a[i][j];
                }
            }
        }
        return s;
    }

    private static double diagonal(double[][] a) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i][i] * a[i][i];
        }
        return s;
    }
}
