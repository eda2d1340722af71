package dev.papa.engine.metrics;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Eigen-decomposition of a real symmetric matrix by the cyclic Jacobi method, in plain Java
 * doubles. DJL's NDArray has no eigen solver (only {@code inverse}), and the Fréchet distance
 * needs one for matrices of at most the oracle's feature width (128), where Jacobi is accurate
 * (it finds small eigenvalues to high relative precision) and fast enough (≈ 0.1 s at 128×128).
 *
 * <p>Each rotation J(p, q, φ) zeroes the off-diagonal entry a_pq: A ← JᵀAJ, V ← VJ, with
 * t = tan φ the smaller root of t² + 2θt − 1 = 0, θ = (a_qq − a_pp) / (2 a_pq). Sweeps over all
 * pairs repeat until the off-diagonal mass is negligible against the whole matrix; then
 * A = V diag(λ) Vᵀ with V orthogonal.
 */
public final class SymmetricEigen {

    private static final int MAX_SWEEPS = 100;
    /** On squared Frobenius norms: stop when ‖offdiag(A)‖ ≤ 1e-12 ‖A‖, above the rounding floor at n = 128. */
    private static final double RELATIVE_TOLERANCE = 1e-24;
    private static final double SYMMETRY_TOLERANCE = 1e-8;

    private SymmetricEigen() {}

    /**
     * Eigenvalues in ascending order; column k of {@code vectors} (i.e. {@code vectors[i][k]}
     * over i) is the unit eigenvector of {@code values[k]}.
     */
    public record Decomposition(double[] values, double[][] vectors) {
        public double[] vector(int k) {
            double[] v = new double[vectors.length];
            for (int i = 0; i < v.length; i++) {
                v[i] = vectors[i][k];
            }
            return v;
        }
    }

    /** Decomposes {@code matrix}, which must be square and symmetric (up to rounding); it is not modified. */
    public static Decomposition decompose(double[][] matrix) {
        double[][] a = symmetricCopy(matrix);
        int n = a.length;
        double[][] v = new double[n][n];
        for (int i = 0; i < n; i++) {
            v[i][i] = 1;
        }
        double total = frobeniusSquared(a);
        for (int sweep = 0; sweep < MAX_SWEEPS; sweep++) {
            double off = offDiagonalSquared(a);
            if (off <= RELATIVE_TOLERANCE * total || off == 0) {
                return sorted(a, v);
            }
            for (int p = 0; p < n - 1; p++) {
                for (int q = p + 1; q < n; q++) {
                    if (a[p][q] != 0) {
                        rotate(a, v, p, q);
                    }
                }
            }
        }
        throw new IllegalStateException("Jacobi eigen solver did not converge in " + MAX_SWEEPS + " sweeps");
    }

    /** The symmetric square root V diag(√max(λ, 0)) Vᵀ of a positive semi-definite matrix. */
    public static double[][] sqrtPsd(double[][] matrix) {
        Decomposition d = decompose(matrix);
        int n = matrix.length;
        double[] roots = new double[n];
        for (int k = 0; k < n; k++) {
            roots[k] = Math.sqrt(Math.max(0, d.values()[k]));
        }
        double[][] out = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = i; j < n; j++) {
                double sum = 0;
                for (int k = 0; k < n; k++) {
                    sum += d.vectors()[i][k] * roots[k] * d.vectors()[j][k];
                }
                out[i][j] = sum;
                out[j][i] = sum;
            }
        }
        return out;
    }

    private static void rotate(double[][] a, double[][] v, int p, int q) {
        int n = a.length;
        double apq = a[p][q];
        double theta = (a[q][q] - a[p][p]) / (2 * apq);
        double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        if (theta == 0) {
            t = 1;
        }
        double c = 1 / Math.sqrt(t * t + 1);
        double s = t * c;
        for (int k = 0; k < n; k++) { // columns: A J
            double akp = a[k][p];
            double akq = a[k][q];
            a[k][p] = c * akp - s * akq;
            a[k][q] = s * akp + c * akq;
        }
        for (int k = 0; k < n; k++) { // rows: Jᵀ (A J)
            double apk = a[p][k];
            double aqk = a[q][k];
            a[p][k] = c * apk - s * aqk;
            a[q][k] = s * apk + c * aqk;
        }
        a[p][q] = 0;
        a[q][p] = 0;
        for (int k = 0; k < n; k++) { // V J
            double vkp = v[k][p];
            double vkq = v[k][q];
            v[k][p] = c * vkp - s * vkq;
            v[k][q] = s * vkp + c * vkq;
        }
    }

    private static Decomposition sorted(double[][] a, double[][] v) {
        int n = a.length;
        Integer[] order = IntStream.range(0, n).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble(k -> a[k][k]));
        double[] values = new double[n];
        double[][] vectors = new double[n][n];
        for (int k = 0; k < n; k++) {
            values[k] = a[order[k]][order[k]];
            for (int i = 0; i < n; i++) {
                vectors[i][k] = v[i][order[k]];
            }
        }
        return new Decomposition(values, vectors);
    }

    private static double[][] symmetricCopy(double[][] m) {
        int n = m.length;
        for (double[] row : m) {
            if (row.length != n) {
                throw new IllegalArgumentException("matrix must be square, got a row of " + row.length + " in a " + n + "-row matrix");
            }
        }
        double scale = 0;
        for (double[] row : m) {
            for (double x : row) {
                if (!Double.isFinite(x)) {
                    throw new IllegalArgumentException("matrix has a non-finite entry " + x);
                }
                scale = Math.max(scale, Math.abs(x));
            }
        }
        double[][] a = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (Math.abs(m[i][j] - m[j][i]) > SYMMETRY_TOLERANCE * Math.max(scale, 1e-300)) {
                    throw new IllegalArgumentException("matrix is not symmetric at (" + i + ", " + j + "): "
                            + m[i][j] + " vs " + m[j][i]);
                }
                a[i][j] = 0.5 * (m[i][j] + m[j][i]);
            }
        }
        return a;
    }

    private static double frobeniusSquared(double[][] a) {
        double sum = 0;
        for (double[] row : a) {
            for (double x : row) {
                sum += x * x;
            }
        }
        return sum;
    }

    private static double offDiagonalSquared(double[][] a) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a.length; j++) {
                if (i != j) {
                    sum += a[i][j] * a[i][j];
                }
            }
        }
        return sum;
    }
}
