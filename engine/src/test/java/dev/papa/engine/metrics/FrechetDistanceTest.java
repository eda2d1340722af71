package dev.papa.engine.metrics;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FrechetDistanceTest {

    private static double[][] correlatedFeatures(int n, int d, long seed, double shift) {
        SplittableRandom random = new SplittableRandom(seed);
        double[][] mix = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                mix[i][j] = random.nextGaussian() / Math.sqrt(d);
            }
        }
        double[][] rows = new double[n][d];
        for (int r = 0; r < n; r++) {
            double[] z = new double[d];
            for (int i = 0; i < d; i++) {
                z[i] = random.nextGaussian();
            }
            for (int i = 0; i < d; i++) {
                double x = shift;
                for (int j = 0; j < d; j++) {
                    x += mix[i][j] * z[j];
                }
                rows[r][i] = Math.max(0, x); // ReLU features, as the oracle's
            }
        }
        return rows;
    }

    @Test
    void identicalFeatureSetsAreAtDistanceZero() {
        FeatureStatistics s = FeatureStatistics.of(correlatedFeatures(400, 32, 1, 0.2));
        assertEquals(0.0, FrechetDistance.between(s, s), 1e-8);
    }

    @Test
    void distanceGrowsWithTheShift() {
        double[][] base = correlatedFeatures(400, 32, 1, 0);
        FeatureStatistics reference = FeatureStatistics.of(base);
        double previous = 0;
        for (double delta : new double[] {0.1, 0.5, 1.0, 2.0}) {
            double[][] shifted = new double[base.length][];
            for (int r = 0; r < base.length; r++) {
                shifted[r] = base[r].clone();
                for (int i = 0; i < shifted[r].length; i++) {
                    shifted[r][i] += delta;
                }
            }
            double fd = FrechetDistance.between(reference, FeatureStatistics.of(shifted));
            // A pure translation leaves the covariances equal: FD = ‖Δμ‖² = D δ².
            assertEquals(32 * delta * delta, fd, 1e-6 * Math.max(1, fd));
            assertTrue(fd > previous);
            previous = fd;
        }
    }

    @Test
    void diagonalCovariancesMatchTheClosedForm() {
        // For diagonal Σ: FD = Σ (μ1 − μ2)² + Σ (σ1 − σ2)².
        int d = 20;
        SplittableRandom random = new SplittableRandom(3);
        double[] mu1 = new double[d];
        double[] mu2 = new double[d];
        double[][] s1 = new double[d][d];
        double[][] s2 = new double[d][d];
        double expected = 0;
        for (int i = 0; i < d; i++) {
            mu1[i] = random.nextGaussian();
            mu2[i] = random.nextGaussian();
            double sd1 = 0.1 + random.nextDouble() * 2;
            double sd2 = i == 0 ? 0 : 0.1 + random.nextDouble() * 2; // one degenerate direction
            s1[i][i] = sd1 * sd1;
            s2[i][i] = sd2 * sd2;
            expected += (mu1[i] - mu2[i]) * (mu1[i] - mu2[i]) + (sd1 - sd2) * (sd1 - sd2);
        }
        double fd = FrechetDistance.between(new FeatureStatistics(mu1, s1, 100), new FeatureStatistics(mu2, s2, 100));
        assertEquals(expected, fd, 1e-9 * expected);
    }

    @Test
    void fullCovariancesAreSymmetricInTheirArguments() {
        FeatureStatistics a = FeatureStatistics.of(correlatedFeatures(300, 24, 7, 0));
        FeatureStatistics b = FeatureStatistics.of(correlatedFeatures(300, 24, 8, 0.3));
        double ab = FrechetDistance.between(a, b);
        assertTrue(ab > 0);
        assertEquals(ab, FrechetDistance.between(b, a), 1e-8 * ab);
    }

    @Test
    void featureStatisticsAreTheSampleMeanAndUnbiasedCovariance() {
        FeatureStatistics s = FeatureStatistics.of(new double[][] {{1, 2}, {3, 6}, {5, 10}});
        assertEquals(3, s.mean()[0], 1e-12);
        assertEquals(6, s.mean()[1], 1e-12);
        assertEquals(4, s.covariance()[0][0], 1e-12);
        assertEquals(8, s.covariance()[0][1], 1e-12);
        assertEquals(16, s.covariance()[1][1], 1e-12);
        assertThrows(IllegalArgumentException.class, () -> FeatureStatistics.of(new double[][] {{1, 2}}));
    }
}
