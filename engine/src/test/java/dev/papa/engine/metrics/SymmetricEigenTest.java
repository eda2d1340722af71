package dev.papa.engine.metrics;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SymmetricEigenTest {

    @Test
    void knownTwoByTwo() {
        SymmetricEigen.Decomposition d = SymmetricEigen.decompose(new double[][] {{2, 1}, {1, 2}});
        assertArrayEquals(new double[] {1, 3}, d.values(), 1e-12);
        double[] v3 = d.vector(1);
        assertEquals(1.0, Math.abs(v3[0] + v3[1]) / Math.sqrt(2), 1e-12); // ±(1, 1)/√2
    }

    @Test
    void knownThreeByThree() {
        // Eigenvalues of [[2, −1, 0], [−1, 2, −1], [0, −1, 2]] are 2 − √2, 2, 2 + √2.
        double[][] a = {{2, -1, 0}, {-1, 2, -1}, {0, -1, 2}};
        assertArrayEquals(new double[] {2 - Math.sqrt(2), 2, 2 + Math.sqrt(2)}, SymmetricEigen.decompose(a).values(), 1e-12);
    }

    @Test
    void recoversPlantedSpectrumOfALargeMatrix() {
        int n = 60;
        SplittableRandom random = new SplittableRandom(5);
        double[][] q = randomOrthogonal(n, random);
        double[] lambda = new double[n];
        for (int i = 0; i < n; i++) {
            lambda[i] = i < 5 ? 0 : (i - 4) * 0.37; // includes a null space, like a rank-deficient covariance
        }
        double[][] a = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                for (int k = 0; k < n; k++) {
                    a[i][j] += q[i][k] * lambda[k] * q[j][k];
                }
            }
        }
        SymmetricEigen.Decomposition d = SymmetricEigen.decompose(a);
        assertArrayEquals(lambda, d.values(), 1e-9);
        for (int k = 0; k < n; k++) { // A v = λ v, |v| = 1
            double[] v = d.vector(k);
            double norm = 0;
            for (int i = 0; i < n; i++) {
                double av = 0;
                for (int j = 0; j < n; j++) {
                    av += a[i][j] * v[j];
                }
                assertEquals(d.values()[k] * v[i], av, 1e-9);
                norm += v[i] * v[i];
            }
            assertEquals(1.0, norm, 1e-12);
        }
        double[][] root = SymmetricEigen.sqrtPsd(a);
        double[][] square = FrechetDistance.multiply(root, root);
        for (int i = 0; i < n; i++) {
            assertArrayEquals(a[i], square[i], 1e-9);
        }
    }

    @Test
    void rejectsNonSymmetricAndNonSquareMatrices() {
        assertThrows(IllegalArgumentException.class, () -> SymmetricEigen.decompose(new double[][] {{1, 2}, {0, 1}}));
        assertThrows(IllegalArgumentException.class, () -> SymmetricEigen.decompose(new double[][] {{1, 2}}));
        assertThrows(IllegalArgumentException.class, () -> SymmetricEigen.decompose(new double[][] {{Double.NaN}}));
    }

    /** Gram–Schmidt on a Gaussian matrix: columns are orthonormal. */
    static double[][] randomOrthogonal(int n, SplittableRandom random) {
        double[][] cols = new double[n][n];
        for (int k = 0; k < n; k++) {
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                v[i] = random.nextGaussian();
            }
            for (int j = 0; j < k; j++) {
                double dot = 0;
                for (int i = 0; i < n; i++) {
                    dot += v[i] * cols[j][i];
                }
                for (int i = 0; i < n; i++) {
                    v[i] -= dot * cols[j][i];
                }
            }
            double norm = 0;
            for (double x : v) {
                norm += x * x;
            }
            norm = Math.sqrt(norm);
            for (int i = 0; i < n; i++) {
                cols[k][i] = v[i] / norm;
            }
        }
        double[][] q = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < n; k++) {
                q[i][k] = cols[k][i];
            }
        }
        return q;
    }
}
